package org.diskwarden.archive;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.diskwarden.fs.Attrs;
import org.diskwarden.fs.Dir;
import org.diskwarden.fs.Handle;

/**
 * Writes an entry as a compressed tar (names, modes, owners, times and link targets kept), forced to
 * disk, and reads an archive back to check it holds exactly what was written.
 */
public final class Archiver {
  private Archiver() {}

  /**
   * Writes {@code entry} into {@code target}, which must not exist yet, and forces it to disk (both
   * paths the caller's own: the agent itself goes through {@link #write(Dir, String, FileChannel,
   * ArchiveFormat, int, BooleanSupplier)} from held descriptors).
   *
   * @return what was written, with a checksum of every file
   * @throws Interrupted when {@code stopping} turns true; {@code target} is then incomplete
   */
  public static Contents write(Path entry, Path target, ArchiveFormat format, int level, BooleanSupplier stopping)
      throws IOException {
    try (Dir folder = Dir.open(entry.toAbsolutePath().getParent());
        Dir into = Dir.open(target.toAbsolutePath().getParent())) {
      String name = entry.getFileName().toString();
      Attrs own = folder.stat(name).orElseThrow(() -> new NoSuchFileException(entry.toString()));
      try (Handle out = create(into, target.getFileName().toString(), own)) {
        return write(folder, name, out, format, level, stopping);
      }
    }
  }

  /**
   * Creates {@code name} in the held directory {@code dir} for an archive of an entry with attributes
   * {@code entry}: no-follow and create-new, with the entry's read/write bits (never wider) and, as
   * root, its owner and group, set on the descriptor.
   */
  public static Handle create(Dir dir, String name, Attrs entry) throws IOException {
    Handle h = dir.createFile(name, 0600);
    try {
      if (Modes.ROOT) {
        h.chown(entry.uid(), entry.gid());
      }
      h.chmod(entry.permissions() & 0666);
      return h;
    } catch (IOException | RuntimeException e) {
      h.close();
      throw e;
    }
  }

  /**
   * Writes the entry {@code name} of the held {@code folder} as an archive into {@code out} (a new,
   * empty file) and forces it to disk.
   *
   * @return what was written, with a checksum of every file
   * @throws Interrupted when {@code stopping} turns true; the file is then incomplete
   * @throws Unkeepable when the entry holds what the agent does not archive (the file is then incomplete)
   */
  public static Contents write(Dir folder, String name, Handle out, ArchiveFormat format, int level,
      BooleanSupplier stopping) throws IOException {
    Contents contents;
    try (OutputStream compressed = format.compress(new BufferedOutputStream(out.out(), 1 << 16), level);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(compressed, 1 << 16)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      tar.setAddPaxHeadersForNonAsciiNames(true);
      contents = TreeWalk.walk(folder, name, new TarVisitor(tar), stopping);
      tar.finish();
    }
    out.sync();
    return contents;
  }

  /**
   * What {@code archive} holds, every file read through and checksummed; the archive is opened from
   * its held folder, no-follow and non-blocking, and must be a regular file.
   */
  public static Contents read(Path archive, ArchiveFormat format) throws IOException {
    try (Dir folder = Dir.open(archive.toAbsolutePath().getParent())) {
      return read(folder, archive.getFileName().toString(), format);
    }
  }

  /** What the archive {@code file} in the held {@code folder} holds, every file read through and checksummed. */
  public static Contents read(Dir folder, String file, ArchiveFormat format) throws IOException {
    Path archive = folder.path().resolve(file);
    List<Contents.Item> items = new ArrayList<>();
    try (Handle h = folder.openFile(file);
        InputStream in = new java.io.BufferedInputStream(h.in(), 1 << 16);
        TarArchiveInputStream tar = new TarArchiveInputStream(format.decompress(in), 1 << 16)) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        String name = e.getName().endsWith("/") ? e.getName().substring(0, e.getName().length() - 1) : e.getName();
        if (e.isDirectory()) {
          items.add(new Contents.Item(name, 'd', 0, 0, "", e.getMode() & 0777));
        } else if (e.isSymbolicLink()) {
          items.add(new Contents.Item(name, 'l', 0, 0, e.getLinkName(), 0));
        } else if (e.isFile()) {
          long crc = TreeWalk.copy(tar, null, e.getSize(), () -> false, archive + ":" + name);
          items.add(new Contents.Item(name, 'f', e.getSize(), crc, "", e.getMode() & 0777));
        } else {
          throw new IOException(archive + " holds " + name + " of a type diskwarden does not write");
        }
      }
    }
    return new Contents(items);
  }

  /** Why {@code archive} does not hold {@code expected}, or empty when it does. */
  public static Optional<String> verify(Path archive, ArchiveFormat format, Contents expected) {
    try {
      return expected.difference(read(archive, format));
    } catch (IOException | RuntimeException e) {
      return Optional.of("cannot read it back: " + e.getMessage());
    }
  }

  /** Why the archive {@code name} in the held {@code folder} does not hold {@code expected}, or empty when it does. */
  public static Optional<String> verify(Dir folder, String name, ArchiveFormat format, Contents expected) {
    try {
      return expected.difference(read(folder, name, format));
    } catch (IOException | RuntimeException e) {
      return Optional.of("cannot read it back: " + e.getMessage());
    }
  }

  private static final class TarVisitor implements TreeWalk.Visitor {
    private final TarArchiveOutputStream tar;

    TarVisitor(TarArchiveOutputStream tar) {
      this.tar = tar;
    }

    @Override
    public void directory(String name, Attrs attrs) throws IOException {
      TarArchiveEntry e = new TarArchiveEntry(name + "/", TarConstants.LF_DIR);
      describe(e, attrs, 040000);
      tar.putArchiveEntry(e);
      tar.closeArchiveEntry();
    }

    @Override
    public OutputStream file(String name, Attrs attrs) throws IOException {
      TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
      describe(e, attrs, 0100000);
      e.setSize(attrs.size());
      tar.putArchiveEntry(e);
      return tar;
    }

    @Override
    public void fileDone(String name, Attrs attrs) throws IOException {
      tar.closeArchiveEntry();
    }

    @Override
    public void link(String name, String target, Attrs attrs) throws IOException {
      TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
      describe(e, attrs, 0120000);
      e.setLinkName(target);
      tar.putArchiveEntry(e);
      tar.closeArchiveEntry();
    }

    @Override
    public void leaveDirectory(String name, Attrs attrs) {
      // a tar keeps a directory's time in its header: nothing to do after its contents
    }

    private static void describe(TarArchiveEntry e, Attrs attrs, int type) {
      e.setModTime(FileTime.from(attrs.mtime()));
      e.setMode(type | (attrs.isSymbolicLink() ? 0777 : attrs.permissions() & 0777));
      e.setUserId(attrs.uid());
      e.setGroupId(attrs.gid());
    }
  }
}
