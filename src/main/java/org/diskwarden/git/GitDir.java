package org.diskwarden.git;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.diskwarden.fs.Attrs;
import org.diskwarden.fs.ControlFile;
import org.diskwarden.fs.Dir;

/**
 * A repository's git directory, reached from base_dir through held descriptors one name at a time
 * without following a link, and what the agent reads in it before JGit may: the files there (JGit
 * opens them by path and would follow a link, or wait forever on a FIFO) and {@code gc.pid}.
 */
final class GitDir implements AutoCloseable {
  /** A gc.pid holds a pid and a host name. */
  static final long GC_PID_CAP = 4096;
  private static final int MAX_DEPTH = 64;

  private final Dir dir;

  private GitDir(Dir dir) {
    this.dir = dir;
  }

  /**
   * The git directory of {@code rel} (relative to base_dir): {@code rel/.git}, or {@code rel} itself
   * when it is a bare repository; empty when it is neither.
   *
   * @throws IOException when {@code rel} cannot be reached without following a link
   */
  static Optional<GitDir> open(Path baseDir, String rel) throws IOException {
    try (Dir base = Dir.open(baseDir)) {
      Dir repo = base.descend(Path.of(rel).normalize());
      try {
        if (repo.stat(".git").filter(Attrs::isDirectory).isPresent()) {
          Dir dotGit = repo.dir(".git");
          repo.close();
          repo = dotGit;
        }
        if (looksLikeGitDir(repo)) {
          GitDir found = new GitDir(repo);
          repo = null;
          return Optional.of(found);
        }
        return Optional.empty();
      } finally {
        if (repo != null) {
          repo.close();
        }
      }
    }
  }

  private static boolean looksLikeGitDir(Dir d) throws IOException {
    return d.stat("objects").filter(Attrs::isDirectory).isPresent()
        && d.stat("refs").filter(Attrs::isDirectory).isPresent()
        && d.stat("HEAD").filter(Attrs::isRegularFile).isPresent();
  }

  /** The git directory held open. */
  Dir dir() {
    return dir;
  }

  /** The path it had when reached: for messages and the guard (which reaches it again from base_dir). */
  Path path() {
    return dir.path();
  }

  /**
   * What the git directory holds: the bytes of its files, the first thing in it JGit must not open
   * (a link, a FIFO, a device) or must not open with its owner's rights (a member someone else owns,
   * or one that group or others may write: see {@link #owner}), and the modification times of its
   * {@code *.lock} files. A socket is left alone: git's fsmonitor daemon keeps one there, and opening
   * one never waits.
   */
  record Scan(long bytes, Optional<String> odd, Optional<String> foreign, Map<String, Instant> locks) {}

  /** The git directory itself as it is held: whose ids JGit's gc runs with. */
  Attrs owner() throws IOException {
    return dir.self();
  }

  Scan scan() throws IOException {
    long[] bytes = {0};
    Map<String, Instant> locks = new LinkedHashMap<>();
    Attrs owner = owner();
    List<String> foreign = new ArrayList<>();
    notTheOwners("the git directory", owner, owner).ifPresent(foreign::add);
    Optional<String> odd = walk(dir, "", 0, owner, bytes, locks, foreign);
    return new Scan(bytes[0], odd, foreign.stream().findFirst(), locks);
  }

  /**
   * Why JGit may not work on {@code rel} with {@code owner}'s rights: someone else owns it (the gc
   * would fail half-way on it, or, were it root's, need root's rights), or group or others may write
   * it (another user could then rename a name in it to a link while the gc runs, or write an
   * alternates file, and have the gc read or write with the owner's rights what that user cannot).
   */
  private static Optional<String> notTheOwners(String rel, Attrs a, Attrs owner) {
    if (a.uid() != owner.uid()) {
      return Optional.of(rel + " is owned by uid " + a.uid() + ", the git directory by uid " + owner.uid()
          + " (gc runs with the owner's rights only)");
    }
    if ((a.permissions() & 022) != 0) {
      return Optional.of(rel + " may be written by its group or others (mode " + Integer.toOctalString(a.permissions())
          + "): another user could redirect the gc, which runs with the owner's rights");
    }
    return Optional.empty();
  }

  private static Optional<String> walk(Dir d, String prefix, int depth, Attrs owner, long[] bytes,
      Map<String, Instant> locks, List<String> foreign) throws IOException {
    for (String name : d.list()) {
      Optional<Attrs> found = d.stat(name);
      if (found.isEmpty()) {
        continue; // gone since it was listed
      }
      Attrs a = found.get();
      String rel = prefix + name;
      if (depth == 0 && name.equals(OwnerGc.PROBE_ROOM) && OwnerGc.isOurRoom(a)) {
        continue; // the agent's own room, left by a killed run: OwnerGc removes it
      }
      if (foreign.isEmpty() && (a.isRegularFile() || a.isDirectory())) {
        notTheOwners(rel, a, owner).ifPresent(foreign::add);
      }
      if (a.isRegularFile()) {
        bytes[0] += a.size();
        if (name.endsWith(".lock")) {
          locks.put(rel, a.mtime());
        }
      } else if (a.isDirectory()) {
        if (depth >= MAX_DEPTH) {
          return Optional.of(rel + " lies deeper than " + MAX_DEPTH + " folders");
        }
        Optional<String> inside;
        try (Dir sub = d.dir(name)) {
          inside = walk(sub, rel + "/", depth + 1, owner, bytes, locks, foreign);
        }
        if (inside.isPresent()) {
          return inside;
        }
      } else if (!a.isSocket()) {
        return Optional.of(rel + " is a " + a.kind());
      }
    }
    return Optional.empty();
  }

  /** {@code gc.pid}: no-follow, non-blocking, a regular file of at most {@value #GC_PID_CAP} bytes. */
  ControlFile gcPid() {
    return dir.read("gc.pid", GC_PID_CAP);
  }

  /** The modification time of {@code name} here, a link not followed. */
  Optional<Instant> mtime(String name) {
    try {
      return dir.stat(name).map(Attrs::mtime);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() throws IOException {
    dir.close();
  }
}
