package org.diskwarden.sweep;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.diskwarden.policy.Protection;
import org.diskwarden.policy.Stat;
import org.diskwarden.policy.Workers;

/**
 * Removes one entry, reached by {@link Anchor}, without ever following a link (a link goes as a link,
 * its target stays), never crossing into another filesystem, leaving anything protected or freshly
 * written in place, and going on past a failure instead of stopping half-way with no account of
 * what is left.
 *
 * <p>Every step is relative to an open directory ({@link SecureDirectoryStream}: {@code openat} with
 * O_NOFOLLOW, {@code unlinkat}); each directory opened is checked by {@code fstat} to be the one whose
 * attributes were judged a moment before, so a directory swapped for another (or for a link) is never
 * entered. When an attribute a decision needs (type, device, identity) cannot be read, the directory
 * is not entered and the failure is reported.
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
    // The entry itself is always matched against the protect globs; what is inside it only when a
    // glob could match there at all (matching every path of a 200,000-file folder is not free).
    if (protection.protectedBy(full).isPresent() || targets.get().holds(entry.attrs().fileKey())) {
      return Optional.of("1 item(s) left, first: " + full + ": protected");
    }
    OptionalLong device = Stat.device(entry.attrs());
    if (entry.attrs().isDirectory() && device.isEmpty()) {
      return Optional.of("1 item(s) left, first: " + full + ": its device cannot be read, so it is not entered");
    }
    Remover remover = new Remover(protection, targets, youngerIsAlive, protection.mayProtectInside(full),
        device.orElse(-1));
    if (entry.attrs().isDirectory()) {
      workers.invoke(remover.new Subtree(entry.folder(), full.getParent(), entry.name(), entry.attrs(), 0));
    } else {
      remover.removeLeaf(entry.folder(), full, entry.name(), entry.attrs());
    }
    if (remover.failures.get() == 0) {
      return Optional.empty();
    }
    return Optional.of(remover.failures.get() + " item(s) left, first: " + remover.firstError.get());
  }

  private static BasicFileAttributes attributes(SecureDirectoryStream<Path> dir, Path name) throws IOException {
    return dir.getFileAttributeView(name, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes();
  }

  /** A file or link: unlinked unless protected or being written. */
  private void removeLeaf(SecureDirectoryStream<Path> dir, Path full, Path name, BasicFileAttributes attrs) {
    if (checkInside && protection.protectedBy(full).isPresent()) {
      fail(full, "protected");
      return;
    }
    if (!attrs.isSymbolicLink() && attrs.lastModifiedTime().toInstant().isAfter(youngerIsAlive)) {
      fail(full, "modified during the sweep (being written)");
      return;
    }
    if (!attrs.isSymbolicLink() && targets.get().holds(attrs.fileKey())) {
      fail(full, "the target of a protected link");
      return;
    }
    try {
      // unlinkat: a link goes as a link, never its target
      dir.deleteFile(name);
    } catch (NoSuchFileException e) {
      // someone else removed it: the space is free all the same
    } catch (IOException e) {
      fail(full, e);
    }
  }

  /**
   * Reads one name in {@code dir}: a file or link is removed there (or left, with the reason
   * recorded); a directory's attributes are returned for the caller to descend. Null when nothing is
   * left to descend into, also when the name vanished or could not be read.
   */
  private BasicFileAttributes removeUnlessDirectory(SecureDirectoryStream<Path> dir, Path path, Path name) {
    BasicFileAttributes a;
    try {
      a = attributes(dir, name);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      fail(path, e);
      return null;
    }
    if (a.isDirectory()) {
      return a;
    }
    removeLeaf(dir, path, name, a);
    return null;
  }

  /**
   * Opens a directory below {@code dir} for removal: not protected, not a protected link's target (or
   * its folder), on the same filesystem, and (by {@code fstat} of what was opened, O_NOFOLLOW) the
   * very directory {@code judged} describes. Null, with the reason recorded, when it may not.
   */
  private SecureDirectoryStream<Path> enter(SecureDirectoryStream<Path> dir, Path full, Path name,
      BasicFileAttributes judged) {
    if (checkInside && protection.protectedBy(full).isPresent()) {
      fail(full, "protected");
      return null;
    }
    OptionalLong device = Stat.device(judged);
    if (device.isEmpty() || device.getAsLong() != rootDevice) {
      fail(full, device.isEmpty() ? "its device cannot be read" : "a mount point of another filesystem");
      return null;
    }
    if (targets.get().holds(judged.fileKey())) {
      fail(full, "holds the target of a protected link");
      return null;
    }
    SecureDirectoryStream<Path> opened;
    try {
      opened = Anchor.open(dir, name);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      // O_NOFOLLOW refuses a directory that became a link: nothing behind it is touched.
      fail(full, e);
      return null;
    }
    try {
      Object key = Anchor.self(opened).fileKey();
      if (key != null && Objects.equals(key, judged.fileKey())) {
        return opened;
      }
      fail(full, "replaced by another directory while it was being removed");
    } catch (IOException e) {
      fail(full, e);
    }
    close(opened, full);
    return null;
  }

  /** The names in a directory; those that could not be read are recorded as left behind. */
  private List<Path> names(SecureDirectoryStream<Path> dir, Path full) {
    List<Path> names = new ArrayList<>();
    try {
      for (Path p : dir) {
        names.add(p.getFileName());
      }
    } catch (DirectoryIteratorException e) {
      fail(full, e.getCause());
    }
    return names;
  }

  private void removeEmptied(SecureDirectoryStream<Path> dir, Path full, Path name) {
    try {
      dir.deleteDirectory(name);
    } catch (NoSuchFileException e) {
      // gone meanwhile
    } catch (IOException e) {
      fail(full, e);
    }
  }

  /**
   * One directory of the first levels: its files here, its subdirectories as parallel tasks. The
   * parent's stream stays open until every task below it has joined, so each step stays relative to
   * an open directory.
   */
  private final class Subtree extends RecursiveAction {
    private static final long serialVersionUID = 1L;
    private final transient SecureDirectoryStream<Path> parent;
    private final transient Path parentPath;
    private final transient Path name;
    private final transient BasicFileAttributes attrs;
    private final int depth;

    Subtree(SecureDirectoryStream<Path> parent, Path parentPath, Path name, BasicFileAttributes attrs,
        int depth) {
      this.parent = parent;
      this.parentPath = parentPath;
      this.name = name;
      this.attrs = attrs;
      this.depth = depth;
    }

    @Override
    protected void compute() {
      Path full = parentPath.resolve(name);
      try {
        removeSubtree(full);
      } catch (RuntimeException e) {
        // a failed task must not cancel its siblings nor escape as an exception: it is a failure left behind
        fail(full, e);
      }
    }

    private void removeSubtree(Path full) {
      if (depth >= FORK_DEPTH) {
        removeDeep(parent, full, name, attrs);
        return;
      }
      SecureDirectoryStream<Path> child = enter(parent, full, name, attrs);
      if (child == null) {
        return;
      }
      try (child) {
        List<Subtree> below = new ArrayList<>();
        for (Path n : names(child, full)) {
          BasicFileAttributes a = removeUnlessDirectory(child, full.resolve(n), n);
          if (a != null) {
            below.add(new Subtree(child, full, n, a, depth + 1));
          }
        }
        invokeAll(below);
      } catch (IOException e) {
        fail(full, e);
      }
      removeEmptied(parent, full, name);
    }
  }

  /** A directory open for removal, with the names still to visit. */
  private record Frame(SecureDirectoryStream<Path> parent, Path full, Path name, SecureDirectoryStream<Path> stream,
      Iterator<Path> names) {
  }

  /** Removes a deep directory from an explicit stack of open directories (depth is bounded by descriptors only). */
  private void removeDeep(SecureDirectoryStream<Path> top, Path topFull, Path topName, BasicFileAttributes topAttrs) {
    Deque<Frame> stack = new ArrayDeque<>();
    try {
      push(stack, top, topFull, topName, topAttrs);
      while (!stack.isEmpty()) {
        Frame frame = stack.peek();
        if (!frame.names().hasNext()) {
          stack.pop();
          close(frame.stream(), frame.full());
          removeEmptied(frame.parent(), frame.full(), frame.name());
          continue;
        }
        Path n = frame.names().next();
        Path path = frame.full().resolve(n);
        BasicFileAttributes a = removeUnlessDirectory(frame.stream(), path, n);
        if (a != null) {
          push(stack, frame.stream(), path, n, a);
        }
      }
    } finally {
      // only after a failure are frames left open
      stack.forEach(f -> close(f.stream(), f.full()));
    }
  }

  private void push(Deque<Frame> stack, SecureDirectoryStream<Path> parent, Path full, Path name,
      BasicFileAttributes attrs) {
    SecureDirectoryStream<Path> stream = enter(parent, full, name, attrs);
    if (stream != null) {
      stack.push(new Frame(parent, full, name, stream, names(stream, full).iterator()));
    }
  }

  private void close(SecureDirectoryStream<Path> stream, Path full) {
    try {
      stream.close();
    } catch (IOException e) {
      fail(full, e);
    }
  }

  private void fail(Path path, Object why) {
    failures.incrementAndGet();
    firstError.compareAndSet(null, path + ": " + (why instanceof IOException e ? e.toString() : why));
  }
}
