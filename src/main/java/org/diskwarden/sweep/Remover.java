package org.diskwarden.sweep;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.diskwarden.fs.Attrs;
import org.diskwarden.fs.Dir;
import org.diskwarden.fs.Names;
import org.diskwarden.policy.Protection;
import org.diskwarden.policy.Workers;

/**
 * Removes one entry, reached by {@link Anchor}, without ever following a link (a link goes as a link,
 * its target stays), never crossing into another filesystem, leaving anything protected or freshly
 * written in place, and going on past a failure instead of stopping half-way with no account of
 * what is left.
 *
 * <p>Every step is relative to an open directory ({@link Dir}: {@code openat} with O_NOFOLLOW, one
 * {@code statx} per name, {@code unlinkat}); each directory opened is checked by {@code statx} of the
 * opened descriptor to be the one whose attributes were judged a moment before, so a directory swapped
 * for another (or for a link) is never entered. Anything that is not a directory (a file, a link, a
 * FIFO, a socket, a device) is unlinked by its name and never opened. Names are the kernel's bytes,
 * so a name that is not valid text goes like any other; a path is made only to report a failure.
 *
 * <p>Directories of the first {@value #FORK_DEPTH} levels are removed in parallel: unlinking is bound
 * by the filesystem's journal (and on a discard-mounted disk by the device), not by one core, and four
 * removals in different directories finish a 200,000-file tree in well under the time of one
 * {@code rm -rf}. Deeper levels go from an explicit stack, so no depth can overflow a thread's stack.
 */
final class Remover {
  private static final int FORK_DEPTH = 4;

  private final Protection protection;
  private final Supplier<Protection.Targets> targets;
  private final Instant youngerIsAlive;
  private final boolean checkInside;
  private final long rootDevice;
  private final AtomicLong failures = new AtomicLong();
  private final AtomicReference<String> firstError = new AtomicReference<>();

  private Remover(Protection protection, Supplier<Protection.Targets> targets, Instant youngerIsAlive,
      boolean checkInside, long rootDevice) {
    this.protection = protection;
    this.targets = targets;
    this.youngerIsAlive = youngerIsAlive;
    this.checkInside = checkInside;
    this.rootDevice = rootDevice;
  }

  /**
   * Removes the reached entry.
   *
   * @param targets protected link targets as they are now (asked again as the removal goes on)
   * @param youngerIsAlive anything modified after this is being written and stays
   * @return the first error when anything is left behind, empty when the entry is gone
   */
  static Optional<String> remove(Anchor.Reached entry, Protection protection, Supplier<Protection.Targets> targets,
      Instant youngerIsAlive) {
    try (Workers workers = workers()) {
      return remove(entry, protection, targets, youngerIsAlive, workers);
    }
  }

  /** The threads removals run on: four, whatever the cores (unlinking waits on the journal, not a core). */
  static Workers workers() {
    return Workers.of("diskwarden-remove", 4);
  }

  /** As {@link #remove(Anchor.Reached, Protection, Supplier, Instant)}, on the sweep's {@code workers}. */
  static Optional<String> remove(Anchor.Reached entry, Protection protection, Supplier<Protection.Targets> targets,
      Instant youngerIsAlive, Workers workers) {
    Path full = entry.path();
    Attrs attrs = entry.attrs();
    // The entry itself is always matched against the protect globs; what is inside it only when a
    // glob could match there at all (matching every path of a 200,000-file folder is not free).
    if (protection.protectedBy(full).isPresent() || targets.get().holds(attrs)) {
      return Optional.of("1 item(s) left, first: " + full + ": protected");
    }
    Remover remover = new Remover(protection, targets, youngerIsAlive, protection.mayProtectInside(full),
        attrs.device());
    if (attrs.isDirectory()) {
      workers.invoke(remover.new Subtree(entry.folder(), entry.name(), attrs, 0));
    } else {
      remover.removeLeaf(entry.folder(), entry.name(), attrs);
    }
    if (remover.failures.get() == 0) {
      return Optional.empty();
    }
    return Optional.of(remover.failures.get() + " item(s) left, first: " + remover.firstError.get());
  }

  /** A file, link, FIFO, socket or device: unlinked (never opened) unless protected or being written. */
  private void removeLeaf(Dir dir, byte[] name, Attrs attrs) {
    if (checkInside && protection.protectedBy(Names.child(dir.path(), name)).isPresent()) {
      fail(dir, name, "protected");
      return;
    }
    if (!attrs.isSymbolicLink() && attrs.mtime().isAfter(youngerIsAlive)) {
      fail(dir, name, "modified during the sweep (being written)");
      return;
    }
    if (!attrs.isSymbolicLink() && targets.get().holds(attrs)) {
      fail(dir, name, "the target of a protected link");
      return;
    }
    try {
      // unlinkat: a link goes as a link, never its target
      dir.unlink(name);
    } catch (NoSuchFileException e) {
      // someone else removed it: the space is free all the same
    } catch (IOException e) {
      fail(dir, name, e);
    }
  }

  /**
   * Reads one name in {@code dir} ({@code statx}, a link not followed): anything but a directory is
   * removed there (or left, with the reason recorded); a directory's attributes are returned for the
   * caller to descend. Null when nothing is left to descend into, also when the name vanished or could
   * not be read.
   */
  private Attrs removeUnlessDirectory(Dir dir, byte[] name) {
    Optional<Attrs> read;
    try {
      read = dir.stat(name);
    } catch (IOException e) {
      fail(dir, name, e);
      return null;
    }
    if (read.isEmpty()) {
      return null;
    }
    Attrs a = read.get();
    if (a.isDirectory()) {
      return a;
    }
    removeLeaf(dir, name, a);
    return null;
  }

  /**
   * Opens a directory below {@code dir} for removal: not protected, not a protected link's target (or
   * its folder), on the same filesystem, and (by {@code statx} of what was opened, O_NOFOLLOW) the
   * very directory {@code judged} describes. Null, with the reason recorded, when it may not.
   */
  private Dir enter(Dir dir, byte[] name, Attrs judged) {
    if (checkInside && protection.protectedBy(Names.child(dir.path(), name)).isPresent()) {
      fail(dir, name, "protected");
      return null;
    }
    if (judged.device() != rootDevice) {
      fail(dir, name, "a mount point of another filesystem");
      return null;
    }
    if (targets.get().holds(judged)) {
      fail(dir, name, "holds the target of a protected link");
      return null;
    }
    Dir opened;
    try {
      opened = dir.dir(name);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      // O_NOFOLLOW refuses a directory that became a link, O_DIRECTORY one that became a file: nothing
      // behind it is touched.
      fail(dir, name, e);
      return null;
    }
    try {
      if (opened.self().sameFileAs(judged)) {
        return opened;
      }
      fail(dir, name, "replaced by another directory while it was being removed");
    } catch (IOException e) {
      fail(dir, name, e);
    }
    close(opened);
    return null;
  }

  /** The names in a directory (the kernel's bytes); when they cannot be read, that is recorded. */
  private List<byte[]> names(Dir dir) {
    try {
      return dir.rawListOnce();
    } catch (IOException e) {
      fail(dir.path(), e);
      return List.of();
    }
  }

  private void removeEmptied(Dir parent, byte[] name) {
    try {
      parent.rmdir(name);
    } catch (NoSuchFileException e) {
      // gone meanwhile
    } catch (IOException e) {
      fail(parent, name, e);
    }
  }

  /**
   * One directory of the first levels: its files here, its subdirectories as parallel tasks. The
   * parent stays open until every task below it has joined, so each step stays relative to an open
   * directory.
   */
  private final class Subtree extends RecursiveAction {
    private static final long serialVersionUID = 1L;
    private final transient Dir parent;
    private final transient byte[] name;
    private final transient Attrs attrs;
    private final int depth;

    Subtree(Dir parent, byte[] name, Attrs attrs, int depth) {
      this.parent = parent;
      this.name = name;
      this.attrs = attrs;
      this.depth = depth;
    }

    @Override
    protected void compute() {
      try {
        removeSubtree();
      } catch (RuntimeException e) {
        // a failed task must not cancel its siblings nor escape as an exception: it is a failure left behind
        fail(parent, name, e);
      }
    }

    private void removeSubtree() {
      if (depth >= FORK_DEPTH) {
        removeDeep(parent, name, attrs);
        return;
      }
      Dir child = enter(parent, name, attrs);
      if (child == null) {
        return;
      }
      try {
        List<Subtree> below = new ArrayList<>();
        for (byte[] n : names(child)) {
          Attrs a = removeUnlessDirectory(child, n);
          if (a != null) {
            below.add(new Subtree(child, n, a, depth + 1));
          }
        }
        invokeAll(below);
      } finally {
        close(child);
      }
      removeEmptied(parent, name);
    }
  }

  /** A directory open for removal, with the names still to visit. */
  private record Frame(Dir parent, byte[] name, Dir dir, Iterator<byte[]> names) {
  }

  /** Removes a deep directory from an explicit stack of open directories (depth is bounded by descriptors only). */
  private void removeDeep(Dir top, byte[] topName, Attrs topAttrs) {
    Deque<Frame> stack = new ArrayDeque<>();
    try {
      push(stack, top, topName, topAttrs);
      while (!stack.isEmpty()) {
        Frame frame = stack.peek();
        if (!frame.names().hasNext()) {
          stack.pop();
          close(frame.dir());
          removeEmptied(frame.parent(), frame.name());
          continue;
        }
        byte[] n = frame.names().next();
        Attrs a = removeUnlessDirectory(frame.dir(), n);
        if (a != null) {
          push(stack, frame.dir(), n, a);
        }
      }
    } finally {
      // only after a failure are frames left open
      stack.forEach(f -> close(f.dir()));
    }
  }

  private void push(Deque<Frame> stack, Dir parent, byte[] name, Attrs attrs) {
    Dir dir = enter(parent, name, attrs);
    if (dir != null) {
      stack.push(new Frame(parent, name, dir, names(dir).iterator()));
    }
  }

  private void close(Dir dir) {
    try {
      dir.close();
    } catch (IOException e) {
      fail(dir.path(), e);
    }
  }

  /** Records what is left: the path of {@code name} in {@code dir} is made here, only for the message. */
  private void fail(Dir dir, byte[] name, Object why) {
    fail(Names.child(dir.path(), name), why);
  }

  private void fail(Path path, Object why) {
    failures.incrementAndGet();
    firstError.compareAndSet(null, path + ": " + (why instanceof IOException e ? e.toString() : why));
  }
}
