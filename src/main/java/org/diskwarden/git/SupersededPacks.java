package org.diskwarden.git;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.diskwarden.config.CleanupMode;
import org.diskwarden.policy.Candidate;
import org.diskwarden.sweep.GuardedDelete;
import org.diskwarden.sweep.Removal;
import org.eclipse.jgit.internal.storage.file.PackIndex;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

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

  /**
   * Removes, through the guard, each pack of {@code before} still present that the packs written
   * since supersede.
   */
  static Outcome remove(Path packDir, Set<String> before, GuardedDelete deletion, Instant now) {
    Set<String> after = names(packDir);
    List<PackIndex> written = new ArrayList<>();
    for (String name : after) {
      if (!before.contains(name)) {
        try {
          written.add(PackIndex.open(packDir.resolve(name + ".idx").toFile()));
        } catch (IOException e) {
          return new Outcome(0, List.of("the new pack " + name + " cannot be read: " + e.getMessage()));
        }
      }
    }
    long freed = 0;
    List<String> kept = new ArrayList<>();
    for (String name : before) {
      if (!after.contains(name)) {
        continue;
      }
      if (Files.exists(packDir.resolve(name + ".keep"), LinkOption.NOFOLLOW_LINKS)) {
        kept.add(name + " has a .keep file");
        continue;
      }
      List<ObjectId> missing;
      try {
        missing = missing(PackIndex.open(packDir.resolve(name + ".idx").toFile()), written);
        // Objects nothing references (a push between its pack and its ref, fast-import's leftovers)
        // become loose objects, as C git's repack -A does: prune ages them out by prune_expire, and
        // the pack can go whatever it held.
        loosen(packDir.getParent(), missing);
      } catch (IOException | RuntimeException e) {
        kept.add(name + " holds objects the new pack does not, and they could not be kept loose: " + e.getMessage());
        continue;
      }
      // The index first: git finds packs by their index, so no reader sees a pack without one.
      for (String ext : EXTENSIONS) {
        Path file = packDir.resolve(name + ext);
        long size;
        try {
          size = Files.size(file);
        } catch (IOException e) {
          continue;
        }
        Removal r = deletion.deleteRedundant(new Candidate(file, "git", "superseded pack", size, now,
            "superseded: every object is in the pack this gc wrote"), CleanupMode.FULL);
        if (r.succeeded()) {
          freed += size;
        } else {
          kept.add(file.getFileName() + ": " + r.error().orElse(""));
        }
      }
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
   * read-only), read from the repository while its pack is still there; one already loose stays.
   */
  private static void loosen(Path objects, List<ObjectId> ids) throws IOException {
    if (ids.isEmpty()) {
      return;
    }
    try (Repository repo = new FileRepositoryBuilder().setGitDir(objects.getParent().toFile()).setMustExist(true)
        .build(); ObjectReader reader = repo.newObjectReader()) {
      for (ObjectId id : ids) {
        String hex = id.name();
        Path dir = objects.resolve(hex.substring(0, 2));
        Path loose = dir.resolve(hex.substring(2));
        if (Files.exists(loose, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        Files.createDirectories(dir);
        ObjectLoader object = reader.open(id);
        Path tmp = dir.resolve("tmp_obj_diskwarden_" + hex.substring(2, 10));
        Files.deleteIfExists(tmp);
        try (java.io.OutputStream out = new java.util.zip.DeflaterOutputStream(
            Files.newOutputStream(tmp, java.nio.file.StandardOpenOption.CREATE_NEW, LinkOption.NOFOLLOW_LINKS))) {
          out.write(Constants.encodedTypeString(object.getType()));
          out.write(' ');
          out.write(Constants.encodeASCII(object.getSize()));
          out.write(0);
          object.copyTo(out);
        }
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("r--r--r--"));
        try {
          Files.move(tmp, loose);
        } catch (java.nio.file.FileAlreadyExistsException e) {
          Files.delete(tmp);
        }
      }
    }
  }
}
