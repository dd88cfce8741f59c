package org.diskwarden.archive;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Copies an entry to another filesystem, every file forced to disk, modes, owners (as root) and
 * times kept, links copied as links; then reads the copy back to check it.
 */
public final class Copier {
  private Copier() {}

  /**
   * Copies {@code entry} to {@code target}, which must not exist yet.
   *
   * @return what was copied, with a checksum of every file
   * @throws Interrupted when {@code stopping} turns true; {@code target} is then incomplete
   */
  public static Contents copy(Path entry, Path target, BooleanSupplier stopping) throws IOException {
    CopyVisitor visitor = new CopyVisitor(entry, target);
    try {
      return TreeWalk.walk(entry, visitor, stopping);
    } finally {
      visitor.closeAll();
    }
  }

  /** What {@code entry} holds, every file read and checksummed (to compare with an archive or copy). */
  public static Contents contents(Path entry) throws IOException {
    return TreeWalk.walk(entry, new ReadVisitor(), () -> false);
  }

  /** Why the copy at {@code target} does not hold {@code expected}, or empty when it does. */
  public static Optional<String> verify(Path target, Contents expected) {
    String top = expected.items().isEmpty() ? "" : expected.items().get(0).name();
    try {
      Contents actual = contents(target);
      // The copy carries a temporary name until it is verified: read its items under the entry's name.
      String tmp = target.getFileName().toString();
      return expected.difference(new Contents(actual.items().stream()
          .map(i -> new Contents.Item(top + i.name().substring(tmp.length()), i.type(), i.size(), i.crc(), i.link(),
              i.mode()))
          .toList()));
    } catch (IOException | RuntimeException e) {
      return Optional.of("cannot read the copy back: " + e.getMessage());
    }
  }

  private static final class CopyVisitor implements TreeWalk.Visitor {
    private final Path entry;
    private final Path target;
    private final Map<String, FileChannel> open = new HashMap<>();

    CopyVisitor(Path entry, Path target) {
      this.entry = entry;
      this.target = target;
    }

    void closeAll() throws IOException {
      for (FileChannel c : open.values()) {
        c.close();
      }
      open.clear();
    }

    private Path to(Path source) {
      return target.resolve(entry.relativize(source).toString());
    }

    @Override
    public void directory(String name, Path dir, BasicFileAttributes attrs) throws IOException {
      // Owner-only until complete: a copy of a private folder is never readable on the way.
      Files.createDirectory(to(dir), Modes.privateWhileWritten(true));
    }

    @Override
    public OutputStream file(String name, Path file, BasicFileAttributes attrs) throws IOException {
      FileChannel out = FileChannel.open(to(file), java.util.Set.of(StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE, java.nio.file.LinkOption.NOFOLLOW_LINKS), Modes.privateWhileWritten(false));
      open.put(name, out);
      return Channels.newOutputStream(out);
    }

    @Override
    public void fileDone(String name, Path file, BasicFileAttributes attrs) throws IOException {
      try (FileChannel out = open.remove(name)) {
        out.force(true);
      }
      keep(file, to(file), attrs);
    }

    @Override
    public void link(String name, Path link, String linkTarget, BasicFileAttributes attrs) throws IOException {
      Files.createSymbolicLink(to(link), Path.of(linkTarget));
      Modes.ids(link).ifPresent(ids -> Modes.own(to(link), ids));
    }

    @Override
    public void leaveDirectory(String name, Path dir, BasicFileAttributes attrs) throws IOException {
      keep(dir, to(dir), attrs);
      try (FileChannel d = FileChannel.open(to(dir), StandardOpenOption.READ, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        d.force(true);
      }
    }

    private static void keep(Path source, Path copy, BasicFileAttributes attrs) throws IOException {
      if (attrs instanceof PosixFileAttributes posix) {
        Modes.ids(source).ifPresent(ids -> Modes.own(copy, ids));
        Files.getFileAttributeView(copy, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .setPermissions(posix.permissions());
      }
      Files.getFileAttributeView(copy, java.nio.file.attribute.BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setTimes(attrs.lastModifiedTime(), null, null);
    }

  }

  private static final class ReadVisitor implements TreeWalk.Visitor {
    @Override
    public void directory(String name, Path dir, BasicFileAttributes attrs) {}

    @Override
    public OutputStream file(String name, Path file, BasicFileAttributes attrs) {
      return null;
    }

    @Override
    public void fileDone(String name, Path file, BasicFileAttributes attrs) {}

    @Override
    public void link(String name, Path link, String target, BasicFileAttributes attrs) {}

    @Override
    public void leaveDirectory(String name, Path dir, BasicFileAttributes attrs) {}
  }
}
