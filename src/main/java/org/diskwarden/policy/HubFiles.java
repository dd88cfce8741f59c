package org.diskwarden.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.diskwarden.fs.Attrs;
import org.diskwarden.fs.ControlFile;
import org.diskwarden.fs.Dir;

/**
 * What a hub cache repository's own files say, read through the repository held open: the revisions
 * its {@code refs/} files name, and whether a download into it is in progress. A ref is read
 * no-follow, non-blocking, at most {@value #REF_CAP} bytes; one that cannot be read (a FIFO, a
 * socket, a link, a huge file) leaves the repository alone, since which revision it keeps is unknown.
 */
final class HubFiles {
  /** A ref holds one commit hash. */
  static final long REF_CAP = 4096;
  private static final int MAX_DEPTH = 16;

  private final Path repo;
  private final Dir dir;
  private final String policy;

  HubFiles(Path repo, Dir dir, String policy) {
    this.repo = repo;
    this.dir = dir;
    this.policy = policy;
  }

  /**
   * Adds each revision {@code refs/} names to {@code named}, with the refs naming it ({@code refs/main},
   * {@code refs/pr/1}); the repository held when one cannot be read.
   */
  Optional<Held> refs(Map<String, List<String>> named) {
    Optional<String> problem;
    try (Dir refs = dir.dir("refs")) {
      problem = refs(refs, "refs/", 0, named);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      problem = Optional.of(e.getMessage());
    }
    return problem.map(why -> new Held(repo, policy, Held.Why.UNREADABLE, "skipped: a ref cannot be read (" + why
        + "); which revision it keeps is unknown"));
  }

  private static Optional<String> refs(Dir d, String prefix, int depth, Map<String, List<String>> named)
      throws IOException {
    for (String name : d.list()) {
      Optional<Attrs> a = d.stat(name);
      if (a.isPresent() && a.get().isDirectory()) {
        if (depth >= MAX_DEPTH) {
          return Optional.of(prefix + name + " lies deeper than " + MAX_DEPTH + " folders");
        }
        Optional<String> inside;
        try (Dir sub = d.dir(name)) {
          inside = refs(sub, prefix + name + "/", depth + 1, named);
        }
        if (inside.isPresent()) {
          return inside;
        }
      } else if (a.isPresent()) {
        ControlFile ref = d.read(name, REF_CAP);
        if (ref instanceof ControlFile.Unreadable u) {
          return Optional.of(u.why());
        }
        if (ref instanceof ControlFile.Content c) {
          named.computeIfAbsent(c.text().strip(), rev -> new ArrayList<>()).add(prefix + name);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Why a download into the repository may be in progress: a lock a process holds, or an
   * {@code .incomplete} blob written within min_age. An older one whose lock
   * ({@code .locks/<repo>/<etag>.lock}, huggingface_hub {@code file_download.py}) nobody holds is a
   * leftover of a killed download: added to {@code stale} (a name in {@code blobs/}).
   *
   * @param settledBefore an .incomplete last written before this is past min_age
   */
  Optional<Held> downloading(Path cache, Set<Long> lockedInodes, Instant settledBefore, List<String> stale) {
    try (Dir blobs = dir.dir("blobs")) {
      for (String name : blobs.list()) {
        if (!name.endsWith(".incomplete")) {
          continue;
        }
        Optional<Attrs> a = blobs.stat(name);
        if (a.isPresent() && a.get().isRegularFile() && a.get().mtime().isBefore(settledBefore)) {
          stale.add(name);
        } else if (a.isPresent()) {
          return Optional.of(new Held(repo, policy, Held.Why.IN_USE, "skipped: a download is in progress ("
              + name + ")"));
        }
      }
    } catch (NoSuchFileException e) {
      // no blobs folder: nothing downloading
    } catch (IOException e) {
      return Optional.of(new Held(repo, policy, Held.Why.UNREADABLE, "skipped: its blobs cannot be listed ("
          + e.getMessage() + ")"));
    }
    Path locks = cache.resolve(".locks").resolve(repo.getFileName());
    if (Files.isDirectory(locks, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> walk = Files.walk(locks)) {
        for (Path l : walk.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).toList()) {
          Object ino = Files.getAttribute(l, "unix:ino", LinkOption.NOFOLLOW_LINKS);
          if (ino instanceof Long i && lockedInodes.contains(i)) {
            return Optional.of(new Held(repo, policy, Held.Why.IN_USE, "skipped: a process holds the lock "
                + cache.relativize(l)));
          }
        }
      } catch (IOException | java.io.UncheckedIOException | UnsupportedOperationException e) {
        return Optional.of(new Held(repo, policy, Held.Why.IN_USE, "skipped: its locks under .locks/ cannot be read"));
      }
    }
    return Optional.empty();
  }

  /** Inodes of files a process holds a lock on ({@code /proc/locks}: flock and POSIX locks alike). */
  static Set<Long> lockedInodes() {
    Set<Long> inodes = new HashSet<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
        // "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF", waiters with "->"
        String[] f = line.replace("->", "").trim().split("\\s+");
        if (f.length >= 6) {
          String[] id = f[5].split(":");
          if (id.length == 3) {
            inodes.add(Long.parseLong(id[2]));
          }
        }
      }
    } catch (IOException | NumberFormatException e) {
      // no /proc/locks: .incomplete blobs still tell
    }
    return inodes;
  }
}
