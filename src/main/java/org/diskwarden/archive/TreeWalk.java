package org.diskwarden.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32C;
import org.diskwarden.fs.Attrs;
import org.diskwarden.fs.Dir;
import org.diskwarden.fs.Handle;

/**
 * Walks an entry from its held folder one no-follow name at a time ({@link Dir#dir},
 * {@link Dir#openFile}, {@link Dir#readLink}): a folder swapped for a link anywhere below is refused
 * by the kernel, and each directory and file opened must be the one its name showed a moment before
 * (device and inode of the open descriptor). It refuses what cannot be kept faithfully (special files,
 * mount points of other filesystems: the remover would not take those either, so the original could
 * never go) and what the agent will not keep ({@link Unkeepable}: a member of another owner, a file
 * with more than one link). Each file's bytes pass through the visitor once, checksummed on the way.
 */
final class TreeWalk {
  static final int CHUNK = 1 << 20;

  /** What the walk feeds; names are archive names ({@code entry/sub/file}); attributes from the open descriptor. */
  interface Visitor {
    /** Only reads: every file checksummed, nothing written anywhere. */
    Visitor READ_ONLY = new Visitor() {};

    default void directory(String name, Attrs attrs) throws IOException {}

    /** Where a file's bytes go (they are checksummed on the way); null to only checksum them. */
    default OutputStream file(String name, Attrs attrs) throws IOException {
      return null;
    }

    /** After a file's bytes were written to the stream {@link #file} gave. */
    default void fileDone(String name, Attrs attrs) throws IOException {}

    default void link(String name, String target, Attrs attrs) throws IOException {}

    default void leaveDirectory(String name, Attrs attrs) throws IOException {}
  }

  private final Visitor visitor;
  private final BooleanSupplier stopping;
  private final List<Contents.Item> items = new ArrayList<>();
  private Attrs top;

  private TreeWalk(Visitor visitor, BooleanSupplier stopping) {
    this.visitor = visitor;
    this.stopping = stopping;
  }

  /** Walks {@code name} in the held {@code folder}. */
  static Contents walk(Dir folder, String name, Visitor visitor, BooleanSupplier stopping) throws IOException {
    TreeWalk walk = new TreeWalk(visitor, stopping);
    walk.visit(folder, name, name);
    return new Contents(walk.items);
  }

  private void visit(Dir parent, String name, String archived) throws IOException {
    if (stopping.getAsBoolean()) {
      throw new Interrupted();
    }
    Attrs seen = parent.stat(name).orElseThrow(() -> new NoSuchFileException(where(parent, name)));
    if (top == null) {
      top = seen;
    }
    if (seen.isDirectory()) {
      try (Dir d = parent.dir(name)) {
        Attrs attrs = same(d.self(), seen, parent, name);
        ours(attrs, archived);
        if (attrs.device() != top.device()) {
          throw new FileSystemException(where(parent, name), null, "a mount point of another filesystem");
        }
        visitor.directory(archived, attrs);
        items.add(new Contents.Item(archived, 'd', 0, 0, "", attrs.permissions() & 0777));
        for (String child : d.list()) {
          visit(d, child, archived + "/" + child);
        }
        visitor.leaveDirectory(archived, attrs);
      }
    } else if (seen.isSymbolicLink()) {
      ours(seen, archived);
      String target = parent.readLink(name);
      visitor.link(archived, target, seen);
      items.add(new Contents.Item(archived, 'l', 0, 0, target, 0));
    } else if (seen.isRegularFile()) {
      try (Handle h = parent.openFile(name)) {
        Attrs attrs = same(h.attrs(), seen, parent, name);
        if (attrs.links() > 1) {
          throw new Unkeepable(archived + " has " + attrs.links() + " links (a hard link to a file elsewhere may be"
              + " one its owner could not read)");
        }
        ours(attrs, archived);
        OutputStream out = visitor.file(archived, attrs);
        long crc = copy(h.in(), out, attrs.size(), stopping, where(parent, name));
        if (!h.attrs().mtime().equals(attrs.mtime())) {
          throw new IOException(where(parent, name) + " was modified while it was being kept");
        }
        visitor.fileDone(archived, attrs);
        items.add(new Contents.Item(archived, 'f', attrs.size(), crc, "", attrs.permissions() & 0777));
      }
    } else {
      throw new IOException(where(parent, name) + " is a " + seen.kind() + ", which cannot be kept");
    }
  }

  /** The open descriptor's attributes, when they are those of the name looked at. */
  private static Attrs same(Attrs opened, Attrs seen, Dir parent, String name) throws IOException {
    if (!opened.sameFileAs(seen)) {
      throw new FileSystemException(where(parent, name), null, "was replaced while it was being read");
    }
    return opened;
  }

  private void ours(Attrs a, String archived) throws Unkeepable {
    if (a.uid() != top.uid()) {
      throw new Unkeepable(archived + " belongs to uid " + a.uid() + ", not to the entry's owner (uid " + top.uid()
          + ")");
    }
  }

  private static String where(Dir parent, String name) {
    return parent.path().resolve(name).toString();
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
}
