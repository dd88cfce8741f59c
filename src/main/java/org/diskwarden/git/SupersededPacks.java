package org.diskwarden.git;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.DeflaterOutputStream;
import org.diskwarden.config.CleanupMode;
import org.diskwarden.fs.Attrs;
import org.diskwarden.fs.Dir;
import org.diskwarden.fs.Handle;
import org.diskwarden.policy.Candidate;
import org.diskwarden.sweep.GuardedDelete;
import org.diskwarden.sweep.Removal;
import org.eclipse.jgit.internal.storage.file.PackIndex;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;

/**
 * The packs a gc left beside the one it wrote. JGit deletes an old pack only when it is older than
 * {@code gc.prunePackExpire} (an hour): a repository packed by a fetch, a push or an auto-gc minutes
 * ago kept its old pack beside the new one, so a gc on a disk short of space doubled {@code .git}.
 * C git's {@code repack -A -d} removes what the new pack supersedes whatever its age, after writing the
 * objects nothing references as loose objects. So does this: every object of an old pack that the gc's
 * new packs do not hold (read from both indexes: nothing references it yet, a push between writing its
 * pack and updating its ref, or fast-import's leftovers) is written loose first, where prune_expire
 * ages it out; a pack with a {@code .keep} file stays.
 */
final class SupersededPacks {
  /** What was removed and what stayed, with why. */
  record Outcome(long freed, List<String> kept) {}

  private static final List<String> EXTENSIONS = List.of(".idx", ".pack", ".rev", ".bitmap");

  private SupersededPacks() {}

  /** The names ({@code pack-<sha>}) of the packs in {@code packDir}, by their index files. */
  static Set<String> names(Path packDir) {
    Set<String> names = new TreeSet<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(packDir, "pack-*.idx")) {
      for (Path f : files) {
        String n = f.getFileName().toString();
        names.add(n.substring(0, n.length() - ".idx".length()));
      }
    } catch (IOException e) {
      // no pack folder: no packs
    }
    return names;
  }

  /** The superseded packs to remove ({@code pack-<sha>}), and the old packs that stay, with why. */
  record Found(List<String> packs, List<String> kept) {}

  /**
   * Each pack of {@code before} still present that the packs written since supersede; what only it
   * holds is written loose first. Runs with the repository owner's filesystem ids ({@link OwnerGc}):
   * {@code packDir} is a path below the held git directory's anchor, read with the owner's rights.
   *
   * @param gitDir the repository's git directory, held open
   * @param repository the repository at that anchor, to read the objects to loosen
   */
  static Found find(Dir gitDir, Repository repository, Path packDir, Set<String> before) {
    Set<String> after = names(packDir);
    List<PackIndex> written = new ArrayList<>();
    for (String name : after) {
      if (!before.contains(name)) {
        try {
          written.add(PackIndex.open(packDir.resolve(name + ".idx").toFile()));
        } catch (IOException e) {
          return new Found(List.of(), List.of("the new pack " + name + " cannot be read: " + e.getMessage()));
        }
      }
    }
    List<String> packs = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    for (String name : before) {
      if (!after.contains(name)) {
        continue;
      }
      if (Files.exists(packDir.resolve(name + ".keep"), LinkOption.NOFOLLOW_LINKS)) {
        kept.add(name + " has a .keep file");
        continue;
      }
      try {
        List<ObjectId> missing = missing(PackIndex.open(packDir.resolve(name + ".idx").toFile()), written);
        // Objects nothing references (a push between its pack and its ref, fast-import's leftovers)
        // become loose objects, as C git's repack -A does: prune ages them out by prune_expire, and
        // the pack can go whatever it held.
        try (Dir objects = gitDir.dir("objects")) {
          loosen(objects, repository, missing);
        }
        packs.add(name);
      } catch (IOException | RuntimeException e) {
        kept.add(name + " holds objects the new pack does not, and they could not be kept loose: " + e.getMessage());
      }
    }
    return new Found(packs, kept);
  }

  /**
   * Removes, through the guard (as the agent, which writes the audit log), the files of each pack
   * {@link #find} found superseded; sizes are read through the held pack folder, no link followed.
   *
   * @param gitDir the repository's git directory, held open
   */
  static Outcome remove(Dir gitDir, Found found, GuardedDelete deletion, Instant now) {
    Path packDir = gitDir.path().resolve("objects").resolve("pack");
    long freed = 0;
    List<String> kept = new ArrayList<>(found.kept());
    if (found.packs().isEmpty()) {
      return new Outcome(0, kept);
    }
    try (Dir objects = gitDir.dir("objects"); Dir held = objects.dir("pack")) {
      for (String name : found.packs()) {
        // The index first: git finds packs by their index, so no reader sees a pack without one.
        for (String ext : EXTENSIONS) {
          Optional<Attrs> file = held.stat(name + ext).filter(Attrs::isRegularFile);
          if (file.isEmpty()) {
            continue;
          }
          long size = file.get().size();
          Removal r = deletion.deleteRedundant(new Candidate(packDir.resolve(name + ext), "git", "superseded pack",
              size, now, "superseded: every object is in the pack this gc wrote"), CleanupMode.FULL);
          if (r.succeeded()) {
            freed += size;
          } else {
            kept.add(name + ext + ": " + r.error().orElse(""));
          }
        }
      }
    } catch (IOException e) {
      kept.add("the pack folder cannot be reached without following a link: " + e.getMessage());
    }
    return new Outcome(freed, kept);
  }

  private static List<ObjectId> missing(PackIndex old, List<PackIndex> written) {
    List<ObjectId> missing = new ArrayList<>();
    for (PackIndex.MutableEntry e : old) {
      ObjectId id = e.toObjectId();
      if (written.stream().noneMatch(idx -> idx.hasObject(id))) {
        missing.add(id);
      }
    }
    return missing;
  }

  /**
   * Writes each object as a loose object ({@code objects/xx/yyyy...}, zlib of {@code type size\0data},
   * read-only), read from the repository while its pack is still there; one already loose stays. The
   * files and folders are made through the held {@code objects} folder, create-new and no-follow, given
   * the owner of {@code objects} and their mode on the descriptor: nothing is written, chmod'ed or
   * chown'ed by path in the user's repository.
   */
  private static void loosen(Dir objects, Repository repo, List<ObjectId> ids) throws IOException {
    if (ids.isEmpty()) {
      return;
    }
    Attrs owner = objects.self();
    try (ObjectReader reader = repo.newObjectReader()) {
      for (ObjectId id : ids) {
        String hex = id.name();
        try (Dir dir = fanOut(objects, hex.substring(0, 2), owner)) {
          String loose = hex.substring(2);
          if (dir.stat(loose).isPresent()) {
            continue;
          }
          ObjectLoader object = reader.open(id);
          String tmp = "tmp_obj_diskwarden_" + hex.substring(2, 10);
          if (dir.stat(tmp).isPresent()) {
            dir.unlink(tmp);
          }
          try (Handle h = dir.createFile(tmp, 0400)) {
            try (OutputStream out = new DeflaterOutputStream(h.out())) {
              out.write(Constants.encodedTypeString(object.getType()));
              out.write(' ');
              out.write(Constants.encodeASCII(object.getSize()));
              out.write(0);
              object.copyTo(out);
            }
            h.chown(owner.uid(), owner.gid());
            h.chmod(0444);
          }
          try {
            dir.rename(tmp, dir, loose);
          } catch (java.nio.file.FileAlreadyExistsException e) {
            dir.unlink(tmp);
          }
        }
      }
    }
  }

  /** {@code objects/xx}, made (the owner's, 0755) when it is not there. */
  private static Dir fanOut(Dir objects, String name, Attrs owner) throws IOException {
    try {
      return objects.dir(name);
    } catch (java.nio.file.NoSuchFileException e) {
      Dir made = objects.mkdir(name, 0700);
      made.chown(owner.uid(), owner.gid());
      made.chmod(0755);
      return made;
    }
  }
}
