package org.diskwarden.policy;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RecursiveTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sizes an entry as its removal will free it, in one walk that never follows a link: allocated blocks
 * (like {@code du}), a hard-linked inode only when every one of its links is inside the entry, a link
 * as 0, and nothing behind a mount point (another filesystem frees nothing here).
 *
 * <p>One {@code lstat} per entry ({@link Stat}: type, links, size, time and device in one call) and
 * directories sized in parallel on the plan's {@link Workers} (bounded to the cores): a 200,000-file checkpoint folder
 * is sized faster than {@code du} does it. Protect globs are matched per path only when one could
 * match inside the entry at all.
 */
public final class FootprintWalk {
  private final Protection protection;
  private final boolean checkInside;
  private final long blockSize;
  private final boolean directoryTimes;
  private final Object rootDevice;
  private final Map<Object, long[]> linked = new ConcurrentHashMap<>();
  private final AtomicReference<String> problem = new AtomicReference<>();

  private FootprintWalk(Protection protection, boolean checkInside, long blockSize, boolean directoryTimes,
      Object rootDevice) {
    this.protection = protection;
    this.checkInside = checkInside;
    this.blockSize = blockSize;
    this.directoryTimes = directoryTimes;
    this.rootDevice = rootDevice;
  }

  /** Walks {@code entry} and reports what removing it would free. */
  public static Footprint measure(Path entry, Protection protection, long blockSize) {
    return measure(entry, protection, blockSize, true);
  }

  /**
   * As {@link #measure(Path, Protection, long)}; with {@code directoryTimes} false the newest time is
   * taken from files and links only: for an entry whose removal a crashed agent began, the directory
   * mtimes record our own unlinks, not a save.
   */
  public static Footprint measure(Path entry, Protection protection, long blockSize, boolean directoryTimes) {
    try (Workers workers = Workers.sizing()) {
      return measure(entry, protection, blockSize, directoryTimes, workers);
    }
  }

  /** As {@link #measure(Path, Protection, long, boolean)}, on the plan's {@code workers}. */
  public static Footprint measure(Path entry, Protection protection, long blockSize, boolean directoryTimes,
      Workers workers) {
    Stat root;
    try {
      root = Stat.of(entry);
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return new Footprint(0, Instant.EPOCH, 0, Optional.of("cannot read " + entry + ": " + e.getMessage()));
    }
    FootprintWalk walk = new FootprintWalk(protection, protection.mayProtectInside(entry), blockSize,
        directoryTimes, root.device());
    walk.guarded(entry);
    Tally tally = new Tally();
    if (root.directory()) {
      Tally inside = workers.invoke(walk.new Directory(entry, root, 0));
      tally.add(inside);
    } else {
      walk.count(root, tally);
    }
    for (long[] sizeSeenLinks : walk.linked.values()) {
      if (sizeSeenLinks[1] >= sizeSeenLinks[2]) {
        tally.bytes += sizeSeenLinks[0];
      }
    }
    Instant newest = tally.newestNanos == Long.MIN_VALUE ? Instant.EPOCH
        : FileTime.from(tally.newestNanos, TimeUnit.NANOSECONDS).toInstant();
    return new Footprint(tally.bytes, newest.isBefore(Instant.EPOCH) ? Instant.EPOCH : newest, tally.entries,
        Optional.ofNullable(walk.problem.get()));
  }

  /** Sums of one subtree, merged up the tree (no shared counters to contend on). */
  private static final class Tally {
    long bytes;
    long entries;
    long newestNanos = Long.MIN_VALUE;

    void seen(Stat stat) {
      entries++;
      newestNanos = Math.max(newestNanos, stat.mtimeNanos());
    }

    void add(Tally other) {
      bytes += other.bytes;
      entries += other.entries;
      newestNanos = Math.max(newestNanos, other.newestNanos);
    }
  }

  /**
   * One directory and everything below it. Subdirectories of the first {@value #FORK_DEPTH} levels are
   * forked (that is where the parallelism is); deeper ones are walked in this task from an explicit
   * stack, so a directory chain thousands deep cannot overflow a thread's stack.
   */
  private final class Directory extends RecursiveTask<Tally> {
    private static final long serialVersionUID = 1L;
    private static final int FORK_DEPTH = 4;
    private final transient Path dir;
    private final transient Stat attrs;
    private final int depth;

    Directory(Path dir, Stat attrs, int depth) {
      this.dir = dir;
      this.attrs = attrs;
      this.depth = depth;
    }

    @Override
    protected Tally compute() {
      Tally tally = new Tally();
      List<Directory> below = visit(tally);
      if (depth < FORK_DEPTH) {
        if (below.size() == 1) {
          tally.add(below.get(0).compute());
        } else if (!below.isEmpty()) {
          for (Tally t : invokeAll(below).stream().map(Directory::join).toList()) {
            tally.add(t);
          }
        }
        return tally;
      }
      Deque<Directory> pending = new ArrayDeque<>(below);
      while (!pending.isEmpty()) {
        pending.pop().visit(tally).forEach(pending::push);
      }
      return tally;
    }

    /** Counts this directory and its files into {@code tally}; returns its subdirectories. */
    private List<Directory> visit(Tally tally) {
      List<Directory> below = new ArrayList<>();
      if (rootDevice != null && !rootDevice.equals(attrs.device())) {
        fail("a mount point is inside: " + dir);
        return below;
      }
      if (directoryTimes) {
        tally.seen(attrs);
      } else {
        tally.entries++;
      }
      tally.bytes += allocated(attrs.size());
      try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
        // each child read relative to the open directory (fstatat), as du does, where the JDK allows it
        SecureDirectoryStream<Path> held = children instanceof SecureDirectoryStream<Path> s ? s : null;
        for (Path child : children) {
          if (checkInside) {
            // A protected part is still walked (reading only): its mtimes say whether the entry is
            // being written, and a young protected entry must not count as a settled one.
            guarded(child);
          }
          Stat a;
          try {
            a = held != null ? Stat.at(held, child.getFileName(), child) : Stat.of(child);
          } catch (IOException e) {
            fail("cannot read " + child + ": " + e.getMessage());
            continue;
          }
          if (a.directory()) {
            below.add(new Directory(child, a, depth + 1));
          } else {
            count(a, tally);
          }
        }
      } catch (IOException | RuntimeException e) {
        fail("cannot list " + dir + ": " + e.getMessage());
      }
      return below;
    }
  }

  /** A file or link: its time always, its blocks when it is a regular file (hard links when all go). */
  private void count(Stat a, Tally tally) {
    tally.seen(a);
    if (!a.regular()) {
      return;
    }
    long size = allocated(a.size());
    int links = a.links();
    if (links > 1) {
      long[] sizeSeenLinks = linked.computeIfAbsent(a.identity(), k -> new long[] {size, 0, links});
      synchronized (sizeSeenLinks) {
        sizeSeenLinks[1]++;
      }
    } else {
      tally.bytes += size;
    }
  }

  private void guarded(Path path) {
    protection.protectedBy(path).ifPresent(r -> fail("holds a protected path " + path + " (" + r + ")"));
  }

  private long allocated(long size) {
    return (size + blockSize - 1) / blockSize * blockSize;
  }

  private void fail(String why) {
    problem.compareAndSet(null, why);
  }
}
