package org.diskwarden.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32C;

/**
 * Walks an entry without following links, refusing what cannot be
 * kept faithfully: special files and mount points of other filesystems (the remover would not take
 * those either, so the original could never go). Each file's bytes pass through the visitor once,
 * checksummed on the way.
 */
final class TreeWalk {
  static final int CHUNK = 1 << 20;

  /** What the walk feeds; names are archive names ({@code entry/sub/file}). */
  interface Visitor {
    void directory(String name, Path dir, BasicFileAttributes attrs) throws IOException;

    /** Where a file's bytes go (they are checksummed on the way); null to only checksum them. */
    OutputStream file(String name, Path file, BasicFileAttributes attrs) throws IOException;

    /** After a file's bytes were written to the stream {@link #file} gave. */
    void fileDone(String name, Path file, BasicFileAttributes attrs) throws IOException;

    void link(String name, Path link, String target, BasicFileAttributes attrs) throws IOException;

    void leaveDirectory(String name, Path dir, BasicFileAttributes attrs) throws IOException;
  }

  private TreeWalk() {}

  static Contents walk(Path entry, Visitor visitor, BooleanSupplier stopping) throws IOException {
    List<Contents.Item> items = new ArrayList<>();
    String top = entry.getFileName().toString();
    Object device = Files.getAttribute(entry, "unix:dev", LinkOption.NOFOLLOW_LINKS);
    Files.walkFileTree(entry, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
      private final List<BasicFileAttributes> dirs = new ArrayList<>();

      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes basic) throws IOException {
        if (!Objects.equals(device, Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS))) {
          throw new IOException(dir + " is a mount point of another filesystem");
        }
        BasicFileAttributes attrs = posix(dir, basic);
        String name = name(top, entry, dir);
        visitor.directory(name, dir, attrs);
        items.add(new Contents.Item(name, 'd', 0, 0, "", Modes.of(attrs)));
        dirs.add(attrs);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes basic) throws IOException {
        if (stopping.getAsBoolean()) {
          throw new Interrupted();
        }
        BasicFileAttributes attrs = posix(file, basic);
        String name = name(top, entry, file);
        if (attrs.isSymbolicLink()) {
          String target = Files.readSymbolicLink(file).toString();
          visitor.link(name, file, target, attrs);
          items.add(new Contents.Item(name, 'l', 0, 0, target, 0));
        } else if (attrs.isRegularFile()) {
          OutputStream out = visitor.file(name, file, attrs);
          long crc;
          try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            crc = copy(in, out, attrs.size(), stopping, file);
          }
          if (!Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).equals(attrs.lastModifiedTime())) {
            throw new IOException(file + " was modified while it was being kept");
          }
          visitor.fileDone(name, file, attrs);
          items.add(new Contents.Item(name, 'f', attrs.size(), crc, "", Modes.of(attrs)));
        } else {
          throw new IOException(file + " is a special file (device, socket or pipe) that cannot be kept");
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
        if (exc != null) {
          throw exc;
        }
        visitor.leaveDirectory(name(top, entry, dir), dir, dirs.remove(dirs.size() - 1));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
        throw exc;
      }
    });
    return new Contents(items);
  }

  /**
   * The walk hands out basic attributes; modes and owners are what keeps a private entry private, so
   * each item is read once more as POSIX attributes (without following a link).
   */
  private static BasicFileAttributes posix(Path p, BasicFileAttributes basic) throws IOException {
    try {
      return Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException e) {
      return basic;
    }
  }

  /**
   * Copies exactly {@code size} bytes from {@code in} to {@code out} (null: nowhere) and returns their CRC-32C.
   *
   * @throws IOException when {@code in} ends early or holds more: the file changed under us
   */
  static long copy(InputStream in, OutputStream out, long size, BooleanSupplier stopping, Object what)
      throws IOException {
    CRC32C crc = new CRC32C();
    byte[] buffer = new byte[(int) Math.min(CHUNK, Math.max(size, 1))];
    long left = size;
    while (left > 0) {
      if (stopping.getAsBoolean()) {
        throw new Interrupted();
      }
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        throw new IOException(what + " ended " + left + " byte(s) early: it changed while it was being kept");
      }
      crc.update(buffer, 0, n);
      if (out != null) {
        out.write(buffer, 0, n);
      }
      left -= n;
    }
    if (in.read() >= 0) {
      throw new IOException(what + " grew while it was being kept");
    }
    return crc.getValue();
  }

  private static String name(String top, Path entry, Path p) {
    Path rel = entry.relativize(p);
    if (rel.toString().isEmpty()) {
      return top;
    }
    StringBuilder name = new StringBuilder(top);
    for (Path part : rel) {
      name.append('/').append(part);
    }
    return name.toString();
  }
}
