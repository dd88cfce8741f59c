package org.diskwarden.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Puts an archived entry back: extracted under a temporary name beside where it goes, then renamed
 * into place. Never overwrites, and never writes outside the entry (names with {@code ..}, absolute
 * names or a second top-level name are refused).
 */
public final class Restorer {
  private Restorer() {}

  /**
   * Restores {@code archive} into {@code folder}.
   *
   * @return the restored entry
   * @throws FileAlreadyExistsException when the entry already exists there
   * @throws IOException when the archive cannot be read or holds something unsafe; nothing is left behind
   */
  public static Path restore(Path archive, Path folder) throws IOException {
    ArchiveFormat format = ArchiveFormat.of(archive)
        .orElseThrow(() -> new IOException(archive + " is not a .tar.zst or .tar.gz archive"));
    String top = format.entryName(archive);
    Path destination = folder.resolve(top);
    if (Files.exists(destination, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(destination.toString(), null, "already exists; restore never overwrites");
    }
    Path tmp = Partial.of(destination);
    try {
      extract(archive, format, top, tmp);
      // Not ATOMIC_MOVE: that is a bare rename(2), which would replace an entry created meanwhile.
      Files.move(tmp, destination);
      Partial.syncDirectory(folder);
      return destination;
    } catch (IOException | RuntimeException e) {
      if (Files.exists(tmp, LinkOption.NOFOLLOW_LINKS)) {
        org.apache.commons.io.file.PathUtils.delete(tmp);
      }
      throw e;
    }
  }

  private static void extract(Path archive, ArchiveFormat format, String top, Path tmp) throws IOException {
    Deque<Object[]> dirs = new ArrayDeque<>();
    java.util.Set<Path> links = new java.util.HashSet<>();
    try (InputStream file = Files.newInputStream(archive);
        TarArchiveInputStream tar = new TarArchiveInputStream(format.decompress(file), 1 << 16)) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        Path to = place(tmp, top, e.getName());
        for (Path link : links) {
          if (to.startsWith(link)) {
            throw new IOException("refusing " + e.getName() + ": it lies behind the link " + link.getFileName());
          }
        }
        if (e.isDirectory()) {
          Files.createDirectory(to, Modes.privateWhileWritten(true));
          dirs.push(new Object[] {to, e});
          continue;
        } else if (e.isSymbolicLink()) {
          Files.createSymbolicLink(to, Path.of(e.getLinkName()));
          links.add(to);
        } else if (e.isFile()) {
          try (OutputStream out = java.nio.channels.Channels.newOutputStream(Files.newByteChannel(to,
              java.util.Set.of(java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE,
                  LinkOption.NOFOLLOW_LINKS), Modes.privateWhileWritten(false)))) {
            TreeWalk.copy(tar, out, e.getSize(), () -> false, archive + ":" + e.getName());
          }
        } else {
          throw new IOException(archive + " holds " + e.getName() + " of a type restore does not write");
        }
        keep(to, e);
      }
    }
    if (!Files.exists(tmp, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(archive + " holds no entry named " + top);
    }
    // Directories last, deepest first: creating their contents touched their times, and a
    // read-only mode set earlier would have kept their contents out.
    while (!dirs.isEmpty()) {
      Object[] d = dirs.pop();
      keep((Path) d[0], (TarArchiveEntry) d[1]);
    }
  }

  private static Path place(Path tmp, String top, String name) throws IOException {
    String clean = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    if (clean.equals(top)) {
      return tmp;
    }
    if (!clean.startsWith(top + "/") || clean.startsWith("/")) {
      throw new IOException("refusing " + name + ": every name must lie under " + top + "/");
    }
    Path rel = Path.of(clean.substring(top.length() + 1));
    Path to = tmp.resolve(rel).normalize();
    if (rel.isAbsolute() || !to.startsWith(tmp) || to.equals(tmp)) {
      throw new IOException("refusing " + name + ": it leads outside the entry");
    }
    return to;
  }

  private static void keep(Path to, TarArchiveEntry e) throws IOException {
    if (e.getLongUserId() >= 0 && "root".equals(System.getProperty("user.name"))) {
      try {
        Files.setAttribute(to, "unix:uid", (int) e.getLongUserId(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(to, "unix:gid", (int) e.getLongGroupId(), LinkOption.NOFOLLOW_LINKS);
      } catch (UnsupportedOperationException ignored) {
        // no unix view: the files belong to the user restoring them
      }
    }
    if (!e.isSymbolicLink()) {
      Files.getFileAttributeView(to, PosixFileAttributeView.class).setPermissions(Modes.permissions(e.getMode()));
      Files.getFileAttributeView(to, BasicFileAttributeView.class).setTimes(e.getLastModifiedTime(), null, null);
    }
  }
}
