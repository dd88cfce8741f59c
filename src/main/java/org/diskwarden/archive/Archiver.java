package org.diskwarden.archive;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.io.output.CloseShieldOutputStream;

/**
 * Writes an entry as a compressed tar (names, modes, owners, times and link targets kept), forced to
 * disk, and reads an archive back to check it holds exactly what was written.
 */
public final class Archiver {
  private Archiver() {}

  /**
   * Writes {@code entry} into {@code target}, which must not exist yet, and forces it to disk.
   *
   * @return what was written, with a checksum of every file
   * @throws Interrupted when {@code stopping} turns true; {@code target} is then incomplete
   */
  public static Contents write(Path entry, Path target, ArchiveFormat format, int level, BooleanSupplier stopping)
      throws IOException {
    try (java.nio.file.DirectoryStream<Path> dir = Files.newDirectoryStream(target.getParent())) {
      if (!(dir instanceof java.nio.file.SecureDirectoryStream<Path> secure)) {
        throw new IOException("this platform cannot create files relative to an open directory");
      }
      try (FileChannel channel = create(secure, target.getFileName(), entry)) {
        return write(entry, channel, format, level, stopping);
      }
    }
  }

  /**
   * Creates {@code name} in the open directory {@code dir} for an archive of {@code entry}: no-follow and
   * create-new, with the entry's read/write bits (never wider) and its owner and group.
   */
  public static FileChannel create(java.nio.file.SecureDirectoryStream<Path> dir, Path name, Path entry)
      throws IOException {
    PosixFileAttributes own = Files.readAttributes(entry, PosixFileAttributes.class,
        java.nio.file.LinkOption.NOFOLLOW_LINKS);
    java.nio.channels.SeekableByteChannel opened = dir.newByteChannel(name, java.util.Set.of(
        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, java.nio.file.LinkOption.NOFOLLOW_LINKS),
        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(Modes.forArchiveOf(own)));
    if (!(opened instanceof FileChannel channel)) {
      opened.close();
      throw new IOException("this platform gives no file channel to force an archive to disk");
    }
    try {
      java.nio.file.attribute.PosixFileAttributeView view = dir.getFileAttributeView(name,
          java.nio.file.attribute.PosixFileAttributeView.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
      view.setOwner(own.owner());
      view.setGroup(own.group());
    } catch (IOException e) {
      // not root: the archive belongs to the agent's user, and its mode is the entry's at most
    }
    return channel;
  }

  /**
   * Writes {@code entry} as an archive into {@code channel} (a new, empty file) and forces it to disk.
   *
   * @return what was written, with a checksum of every file
   * @throws Interrupted when {@code stopping} turns true; the file is then incomplete
   */
  public static Contents write(Path entry, FileChannel channel, ArchiveFormat format, int level,
      BooleanSupplier stopping) throws IOException {
    Contents contents;
    try (OutputStream compressed = format.compress(
            new BufferedOutputStream(CloseShieldOutputStream.wrap(Channels.newOutputStream(channel)), 1 << 16), level);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(compressed, 1 << 16)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      tar.setAddPaxHeadersForNonAsciiNames(true);
      contents = TreeWalk.walk(entry, new TarVisitor(tar), stopping);
      tar.finish();
    }
    channel.force(true);
    return contents;
  }

  /** What {@code archive} holds, every file read through and checksummed. */
  public static Contents read(Path archive, ArchiveFormat format) throws IOException {
    List<Contents.Item> items = new ArrayList<>();
    try (InputStream file = Files.newInputStream(archive);
        TarArchiveInputStream tar = new TarArchiveInputStream(format.decompress(file), 1 << 16)) {
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

  private static final class TarVisitor implements TreeWalk.Visitor {
    private final TarArchiveOutputStream tar;

    TarVisitor(TarArchiveOutputStream tar) {
      this.tar = tar;
    }

    @Override
    public void directory(String name, Path dir, BasicFileAttributes attrs) throws IOException {
      TarArchiveEntry e = new TarArchiveEntry(name + "/", TarConstants.LF_DIR);
      describe(e, dir, attrs, 040000);
      tar.putArchiveEntry(e);
      tar.closeArchiveEntry();
    }

    @Override
    public OutputStream file(String name, Path file, BasicFileAttributes attrs) throws IOException {
      TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
      describe(e, file, attrs, 0100000);
      e.setSize(attrs.size());
      tar.putArchiveEntry(e);
      return tar;
    }

    @Override
    public void fileDone(String name, Path file, BasicFileAttributes attrs) throws IOException {
      tar.closeArchiveEntry();
    }

    @Override
    public void link(String name, Path link, String target, BasicFileAttributes attrs) throws IOException {
      TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
      describe(e, link, attrs, 0120000);
      e.setLinkName(target);
      tar.putArchiveEntry(e);
      tar.closeArchiveEntry();
    }

    @Override
    public void leaveDirectory(String name, Path dir, BasicFileAttributes attrs) {
      // a tar keeps a directory's time in its header: nothing to do after its contents
    }

    private static void describe(TarArchiveEntry e, Path p, BasicFileAttributes attrs, int type) {
      e.setModTime(attrs.lastModifiedTime());
      if (attrs instanceof PosixFileAttributes posix) {
        e.setMode(type | Modes.of(posix.permissions()));
        e.setUserName(posix.owner().getName());
        e.setGroupName(posix.group().getName());
      }
      Modes.ids(p).ifPresent(ids -> {
        e.setUserId(ids[0]);
        e.setGroupId(ids[1]);
      });
    }
  }
}
