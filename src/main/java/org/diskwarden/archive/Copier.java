package org.diskwarden.archive;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.diskwarden.fs.Attrs;
import org.diskwarden.fs.Descriptor;
import org.diskwarden.fs.Dir;
import org.diskwarden.fs.Handle;

/**
 * Copies an entry to another filesystem, every file forced to disk, modes, owners (as root) and
 * times kept, links copied as links; then reads the copy back to check it. Both sides go through
 * held directory descriptors: the entry is read by {@link TreeWalk}, the copy made with create-new,
 * no-follow calls relative to the directories it makes, modes, owners and times set on descriptors.
 */
public final class Copier {
  private Copier() {}

  /**
   * Copies the entry {@code name} of the held {@code folder} to {@code as} in the held {@code into}
   * (which must not exist yet).
   *
   * @return what was copied, with a checksum of every file
   * @throws Interrupted when {@code stopping} turns true; the copy is then incomplete
   * @throws Unkeepable when the entry holds what the agent does not copy (the copy is then incomplete)
   */
  public static Contents copy(Dir folder, String name, Dir into, String as, BooleanSupplier stopping)
      throws IOException {
    CopyVisitor visitor = new CopyVisitor(into, as);
    try {
      return TreeWalk.walk(folder, name, visitor, stopping);
    } finally {
      visitor.closeAll();
    }
  }

  /** {@link #copy(Dir, String, Dir, String, BooleanSupplier)} between two paths of the caller's. */
  public static Contents copy(Path entry, Path target, BooleanSupplier stopping) throws IOException {
    try (Dir folder = Dir.open(entry.toAbsolutePath().getParent());
        Dir into = Dir.open(target.toAbsolutePath().getParent())) {
      return copy(folder, entry.getFileName().toString(), into, target.getFileName().toString(), stopping);
    }
  }

  /** What the entry {@code name} of the held {@code folder} holds, every file read and checksummed. */
  public static Contents contents(Dir folder, String name) throws IOException {
    return TreeWalk.walk(folder, name, TreeWalk.Visitor.READ_ONLY, () -> false);
  }

  /** What {@code entry} holds, every file read and checksummed (to compare with an archive or copy). */
  public static Contents contents(Path entry) throws IOException {
    try (Dir folder = Dir.open(entry.toAbsolutePath().getParent())) {
      return contents(folder, entry.getFileName().toString());
    }
  }

  /** Why the copy {@code name} in the held {@code folder} does not hold {@code expected}, or empty when it does. */
  public static Optional<String> verify(Dir folder, String name, Contents expected) {
    String top = expected.items().isEmpty() ? "" : expected.items().get(0).name();
    try {
      Contents actual = contents(folder, name);
      // The copy carries a temporary name until it is verified: read its items under the entry's name.
      return expected.difference(new Contents(actual.items().stream()
          .map(i -> new Contents.Item(top + i.name().substring(name.length()), i.type(), i.size(), i.crc(), i.link(),
              i.mode()))
          .toList()));
    } catch (IOException | RuntimeException e) {
      return Optional.of("cannot read the copy back: " + e.getMessage());
    }
  }

  /** Why the copy at {@code target} does not hold {@code expected}, or empty when it does. */
  public static Optional<String> verify(Path target, Contents expected) {
    try (Dir folder = Dir.open(target.toAbsolutePath().getParent())) {
      return verify(folder, target.getFileName().toString(), expected);
    } catch (IOException e) {
      return Optional.of("cannot read the copy back: " + e.getMessage());
    }
  }

  /** The copy's side: a stack of the directories it is filling, each held open. */
  private static final class CopyVisitor implements TreeWalk.Visitor {
    private final Dir into;
    private final String as;
    private final Deque<Dir> dirs = new ArrayDeque<>();
    private Handle file;

    CopyVisitor(Dir into, String as) {
      this.into = into;
      this.as = as;
    }

    void closeAll() throws IOException {
      if (file != null) {
        file.close();
      }
      while (!dirs.isEmpty()) {
        dirs.pop().close();
      }
    }

    private Dir parent() {
      return dirs.isEmpty() ? into : dirs.peek();
    }

    /** The copy's name for an archive name: {@code as} for the entry, else its last part. */
    private String last(String name) {
      return dirs.isEmpty() ? as : name.substring(name.lastIndexOf('/') + 1);
    }

    @Override
    public void directory(String name, Attrs attrs) throws IOException {
      // Owner-only until complete: a copy of a private folder is never readable on the way.
      dirs.push(parent().mkdir(last(name), 0700));
    }

    @Override
    public OutputStream file(String name, Attrs attrs) throws IOException {
      file = parent().createFile(last(name), 0600);
      return file.out();
    }

    @Override
    public void fileDone(String name, Attrs attrs) throws IOException {
      try (Handle done = file) {
        file = null;
        done.sync();
        keep(done, attrs);
      }
    }

    @Override
    public void link(String name, String target, Attrs attrs) throws IOException {
      String at = last(name);
      parent().symlink(at, target);
      if (Modes.ROOT) {
        parent().chownNoFollow(at, attrs.uid(), attrs.gid());
      }
      parent().setModifiedNoFollow(at, attrs.mtime());
    }

    @Override
    public void leaveDirectory(String name, Attrs attrs) throws IOException {
      try (Dir d = dirs.pop()) {
        keep(d, attrs);
        d.sync();
      }
    }

    /** The entry's owner (as root), mode and time, set on the copy's open descriptor. */
    private static void keep(Descriptor copy, Attrs attrs) throws IOException {
      if (Modes.ROOT) {
        copy.chown(attrs.uid(), attrs.gid());
      }
      copy.chmod(attrs.permissions() & 0777);
      copy.setModified(attrs.mtime());
    }
  }
}
