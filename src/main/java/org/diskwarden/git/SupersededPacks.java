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

/**
 * The packs a gc left beside the one it wrote. JGit deletes an old pack only when it is older than
 * {@code gc.prunePackExpire} (an hour): a repository packed by a fetch, a push or an auto-gc minutes
 * ago kept its old pack beside the new one, so a gc on a disk short of space doubled {@code .git}.
 * C git's {@code repack -d} removes what the new pack supersedes whatever its age. So does this, but
 * only for a pack every object of which the gc's new packs hold (read from both indexes): a pack with
 * objects nothing references yet (a push between writing its pack and updating its ref) stays, as does
 * one with a {@code .keep} file.
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
      String missing;
      try {
        missing = firstMissing(PackIndex.open(packDir.resolve(name + ".idx").toFile()), written);
      } catch (IOException e) {
        kept.add(name + " cannot be read: " + e.getMessage());
        continue;
      }
      if (missing != null) {
        kept.add(name + " holds " + missing + ", which the new pack does not (unreferenced, perhaps a push in "
            + "progress)");
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

  private static String firstMissing(PackIndex old, List<PackIndex> written) {
    for (PackIndex.MutableEntry e : old) {
      boolean held = false;
      for (PackIndex idx : written) {
        if (idx.hasObject(e.toObjectId())) {
          held = true;
          break;
        }
      }
      if (!held) {
        return e.name();
      }
    }
    return null;
  }
}
