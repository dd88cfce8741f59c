package org.diskwarden.policy;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RecursiveTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.diskwarden.fs.Attrs;
import org.diskwarden.fs.Dir;
import org.diskwarden.fs.Names;

/**
 * Sizes an entry as its removal will free it, in one walk that never follows a link: allocated blocks
 * (like {@code du}), a hard-linked inode only when every one of its links is inside the entry, a link
 * as 0, and nothing behind a mount point (another filesystem frees nothing here).
 *
 * <p>The walk goes as removal does: from the entry's folder held open ({@link Dir}), one name at a
 * time, each directory opened no-follow relative to its held parent and checked (device and inode of
 * the opened descriptor) to be the one whose {@code statx} decided to descend. A link or a directory
 * swapped in between is the walk's problem (the entry is then not removed on a wrong size), never
 * followed: bytes and times outside the entry are never counted.
 *
 * <p>One {@code statx} per entry, names read in batches ({@code getdents64}), and directories sized in
 * parallel on the plan's {@link Workers} (bounded to the cores). Protect globs are matched per path only
 * when one could match inside the entry at all.
 */
public final class FootprintWalk {
  private final Protection protection;
  private final boolean checkInside;
  private final long blockSize;
  private final boolean directoryTimes;
  private final long rootDevice;
  private final Map<Inode, long[]> linked = new ConcurrentHashMap<>();
  private final AtomicReference<String> problem = new AtomicReference<>();

  private FootprintWalk(Protection protection, boolean checkInside, long blockSize, boolean directoryTimes,
      long rootDevice) {
    this.protection = protection;
    this.checkInside = checkInside;
    this.blockSize = blockSize;
    this.directoryTimes = directoryTimes;
    this.rootDevice = rootDevice;
  }

  private record Inode(long device, long inode) {}

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

  /**
   * As {@link #measure(Path, Protection, long, boolean)}, on the plan's {@code workers}. The entry's
   * folder is reached from base_dir one no-follow name at a time when it is inside base_dir; a path
   * outside base_dir (the {@code du} command's) is the operator's and opened as given.
   */
  public static Footprint measure(Path entry, Protection protection, long blockSize, boolean directoryTimes,
      Workers workers) {
    Path parent = entry.toAbsolutePath().normalize().getParent();
    if (parent == null) {
      return unreadable(entry, "not an entry in a folder");
    }
    try (Dir folder = folder(parent, protection.baseDir())) {
      return measure(folder, entry, null, protection, blockSize, directoryTimes, workers);
    } catch (IOException | RuntimeException e) {
      return unreadable(entry, e.getMessage());
    }
  }

  private static Dir folder(Path parent, Path baseDir) throws IOException {
    Path base = baseDir.toAbsolutePath().normalize();
    if (parent.startsWith(base)) {
      try (Dir at = Dir.open(base)) {
        return at.descend(base.relativize(parent));
      }
    }
    return Dir.open(parent);
  }

  /**
   * Walks the entry {@code entry} named in {@code folder} (held open by the caller).
   *
   * @param seen the attributes that made it an entry, or null; when given, the entry read here must
   *     be that same inode, else the entry is reported as replaced
   */
  public static Footprint measure(Dir folder, Path entry, BasicFileAttributes seen, Protection protection,
      long blockSize, boolean directoryTimes, Workers workers) {
    byte[] name = Names.lastName(entry);
    Attrs root;
    try {
      Optional<Attrs> read = folder.stat(name);
      if (read.isEmpty()) {
        return unreadable(entry, "it vanished");
      }
      root = read.get();
    } catch (IOException | RuntimeException e) {
      return unreadable(entry, e.getMessage());
    }
    if (seen != null && !Stat.sameFile(seen, root)) {
      return new Footprint(0, Instant.EPOCH, 0, Optional.of(Names.raw(entry) + " was replaced while it was read"));
    }
    FootprintWalk walk = new FootprintWalk(protection, protection.mayProtectInside(entry), blockSize,
        directoryTimes, root.device());
    walk.guarded(entry);
    FootprintTally tally = new FootprintTally();
    if (root.isDirectory()) {
      tally.add(workers.invoke(walk.new Directory(new Opened(folder, false, 1), name, entry, root, 0)));
    } else {
      walk.count(root, tally);
    }
    for (long[] sizeSeenLinks : walk.linked.values()) {
      if (sizeSeenLinks[1] >= sizeSeenLinks[2]) {
        tally.bytes += sizeSeenLinks[0];
      }
    }
    Instant newest = tally.newestNanos == Long.MIN_VALUE ? Instant.EPOCH
        : Instant.ofEpochSecond(Math.floorDiv(tally.newestNanos, 1_000_000_000L),
            Math.floorMod(tally.newestNanos, 1_000_000_000L));
    return new Footprint(tally.bytes, newest.isBefore(Instant.EPOCH) ? Instant.EPOCH : newest, tally.entries,
        Optional.ofNullable(walk.problem.get()));
  }

  private static Footprint unreadable(Path entry, String why) {
    return new Footprint(0, Instant.EPOCH, 0, Optional.of("cannot read " + Names.raw(entry) + ": " + why));
  }

  /**
   * A directory held open while its subdirectories still have to be opened from it: closed when the
   * last of them is (a walk holds about as many descriptors as it is deep, never one per directory).
   */
  private static final class Opened {
    final Dir dir;
    private final boolean owned;
    private final AtomicInteger waiting;

    Opened(Dir dir, boolean owned, int waiting) {
      this.dir = dir;
      this.owned = owned;
      this.waiting = new AtomicInteger(waiting);
    }

    void release() {
      if (waiting.decrementAndGet() == 0 && owned) {
        try {
          dir.close();
        } catch (IOException e) {
          // a descriptor only read from: nothing is lost
        }
      }
    }
  }

  /**
   * One directory and everything below it. Subdirectories of the first {@value #FORK_DEPTH} levels are
   * forked (that is where the parallelism is); deeper ones are walked in this task from an explicit
   * stack, so a directory chain thousands deep cannot overflow a thread's stack.
   */
  private final class Directory extends RecursiveTask<FootprintTally> {
    private static final long serialVersionUID = 1L;
    private static final int FORK_DEPTH = 4;
    private final transient Opened parent;
    private final byte[] name;
    private final transient Path path;
    private final transient Attrs attrs;
    private final int depth;

    Directory(Opened parent, byte[] name, Path path, Attrs attrs, int depth) {
      this.parent = parent;
      this.name = name;
      this.path = path;
      this.attrs = attrs;
      this.depth = depth;
    }

    @Override
    protected FootprintTally compute() {
      FootprintTally tally = new FootprintTally();
      List<Directory> below = visit(tally);
      if (depth < FORK_DEPTH) {
        if (below.size() == 1) {
          tally.add(below.get(0).compute());
        } else if (!below.isEmpty()) {
          for (FootprintTally t : invokeAll(below).stream().map(Directory::join).toList()) {
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
    private List<Directory> visit(FootprintTally tally) {
      Dir dir;
      try {
        dir = open();
      } finally {
        parent.release();
      }
      if (dir == null) {
        return List.of();
      }
      if (directoryTimes) {
        tally.seen(attrs);
      } else {
        tally.entries++;
      }
      tally.bytes += allocated(attrs.size());
      record Sub(byte[] name, Path path, Attrs attrs) {}
      List<Sub> subs = new ArrayList<>();
      try {
        for (byte[] child : dir.rawListOnce()) {
          Path childPath = checkInside ? Names.child(path, child) : null;
          if (checkInside) {
            // A protected part is still walked (reading only): its mtimes say whether the entry is
            // being written, and a young protected entry must not count as a settled one.
            guarded(childPath);
          }
          Optional<Attrs> a = read(dir, child);
          if (a.isPresent() && a.get().isDirectory()) {
            subs.add(new Sub(child, childPath != null ? childPath : Names.child(path, child), a.get()));
          } else if (a.isPresent()) {
            count(a.get(), tally);
          }
        }
      } catch (IOException | RuntimeException e) {
        fail("cannot list " + Names.raw(path) + ": " + e.getMessage());
        close(dir);
        return List.of();
      }
      // held open until the last subdirectory is opened from it; with none, closed at once
      Opened self = new Opened(dir, true, Math.max(1, subs.size()));
      if (subs.isEmpty()) {
        self.release();
      }
      List<Directory> below = new ArrayList<>(subs.size());
      subs.forEach(sub -> below.add(new Directory(self, sub.name(), sub.path(), sub.attrs(), depth + 1)));
      return below;
    }

    /** This directory, opened no-follow from its held parent and checked to be the one read there. */
    private Dir open() {
      if (attrs.device() != rootDevice) {
        fail("a mount point is inside: " + Names.raw(path));
        return null;
      }
      Dir dir;
      try {
        dir = parent.dir.dir(name);
      } catch (IOException | RuntimeException e) {
        fail("cannot open " + Names.raw(path) + " without following a link: " + e.getMessage());
        return null;
      }
      try {
        if (dir.self().sameFileAs(attrs)) {
          return dir;
        }
        fail(Names.raw(path) + " was replaced while it was read");
      } catch (IOException | RuntimeException e) {
        fail("cannot read " + Names.raw(path) + ": " + e.getMessage());
      }
      close(dir);
      return null;
    }

    private Optional<Attrs> read(Dir dir, byte[] child) {
      try {
        Optional<Attrs> a = dir.stat(child);
        if (a.isEmpty()) {
          fail("cannot read " + Names.raw(Names.child(path, child)) + ": it vanished");
        }
        return a;
      } catch (IOException | RuntimeException e) {
        fail("cannot read " + Names.raw(Names.child(path, child)) + ": " + e.getMessage());
        return Optional.empty();
      }
    }
  }

  private static void close(Dir dir) {
    try {
      dir.close();
    } catch (IOException e) {
      // a descriptor only read from: nothing is lost
    }
  }

  /** A file or link: its time always, its blocks when it is a regular file (hard links when all go). */
  private void count(Attrs a, FootprintTally tally) {
    tally.seen(a);
    if (!a.isRegularFile()) {
      return;
    }
    long size = allocated(a.size());
    long links = a.links();
    if (links > 1) {
      long[] sizeSeenLinks = linked.computeIfAbsent(new Inode(a.device(), a.inode()), k -> new long[] {size, 0, links});
      synchronized (sizeSeenLinks) {
        sizeSeenLinks[1]++;
      }
    } else {
      tally.bytes += size;
    }
  }

  private void guarded(Path path) {
    protection.protectedBy(path).ifPresent(r -> fail("holds a protected path " + Names.raw(path) + " (" + r + ")"));
  }

  private long allocated(long size) {
    return (size + blockSize - 1) / blockSize * blockSize;
  }

  private void fail(String why) {
    problem.compareAndSet(null, why);
  }
}
