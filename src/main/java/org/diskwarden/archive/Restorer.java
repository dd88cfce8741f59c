package org.diskwarden.archive;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.diskwarden.fs.Descriptor;
import org.diskwarden.fs.Dir;
import org.diskwarden.fs.Handle;

/**
 * Puts an archived entry back: extracted inside a private {@link Room} beside where it goes, every
 * directory, file and link made relative to a held directory descriptor (create-new, no-follow),
 * modes, owners and times set on the descriptors; then one rename into place. Never overwrites, and
 * never writes outside the entry (names with {@code ..}, absolute names, a second top-level name, or a
 * name whose folder is not earlier in the archive are refused).
 */
public final class Restorer {
  private Restorer() {}

  /**
   * Restores {@code archive} into {@code folder} (both given by the operator: links in these paths
   * are followed; nothing inside the folder is).
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
    Path archives = archive.toAbsolutePath().getParent();
    // Beside its archive (the usual case) the folder is opened once: a link swapped into the path
    // between two opens could otherwise send the entry elsewhere than the archive it came from.
    try (Dir from = Dir.open(archives);
        Dir into = folder.toAbsolutePath().equals(archives) ? null : Dir.open(folder.toAbsolutePath());
        Handle file = from.openFile(archive.getFileName().toString())) {
      restore(file, format, top, into == null ? from : into, archive);
      return destination;
    }
  }

  private static void restore(Handle file, ArchiveFormat format, String top, Dir into, Path archive)
      throws IOException {
    if (into.stat(top).isPresent()) {
      throw new FileAlreadyExistsException(into.path().resolve(top).toString(), null,
          "already exists; restore never overwrites");
    }
    try (Room room = Room.make(into, Partial.name(top))) {
      extract(new BufferedInputStream(file.in(), 1 << 16), format, top, room.dir(), archive);
      room.moveOut(top, into, top);
      into.sync();
    }
  }

  /** A directory being filled: its archive name below the top ("" for the top), held open, its header. */
  private record Filling(String rel, Dir dir, TarArchiveEntry header) {}

  private static void extract(InputStream in, ArchiveFormat format, String top, Dir room, Path archive)
      throws IOException {
    Deque<Filling> open = new ArrayDeque<>();
    Set<String> links = new HashSet<>();
    boolean any = false;
    try (TarArchiveInputStream tar = new TarArchiveInputStream(format.decompress(in), 1 << 16)) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        String rel = relative(top, e.getName());
        for (String link : links) {
          if (rel.startsWith(link + "/")) {
            throw new IOException("refusing " + e.getName() + ": it lies behind the link " + link);
          }
        }
        Dir at = room;
        String name = top;
        if (!rel.isEmpty()) {
          String parent = rel.contains("/") ? rel.substring(0, rel.lastIndexOf('/')) : "";
          while (!open.isEmpty() && !within(parent, open.peek().rel())) {
            finish(open.pop());
          }
          if (open.isEmpty() || !open.peek().rel().equals(parent)) {
            throw new IOException("refusing " + e.getName() + ": its folder is not earlier in the archive");
          }
          at = open.peek().dir();
          name = rel.substring(rel.lastIndexOf('/') + 1);
        } else if (any) {
          throw new IOException("refusing " + e.getName() + ": the entry appears twice");
        }
        any = true;
        if (e.isDirectory()) {
          open.push(new Filling(rel, at.mkdir(name, 0700), e));
        } else if (e.isSymbolicLink()) {
          at.symlink(name, e.getLinkName());
          if (Modes.ROOT && e.getLongUserId() >= 0) {
            at.chownNoFollow(name, (int) e.getLongUserId(), (int) e.getLongGroupId());
          }
          at.setModifiedNoFollow(name, e.getLastModifiedTime().toInstant());
          links.add(rel);
        } else if (e.isFile()) {
          try (Handle h = at.createFile(name, 0600)) {
            TreeWalk.copy(tar, h.out(), e.getSize(), () -> false, archive + ":" + e.getName());
            keep(h, e);
          }
        } else {
          throw new IOException(archive + " holds " + e.getName() + " of a type restore does not write");
        }
      }
      // Directories last, deepest first: creating their contents touched their times, and a
      // read-only mode set earlier would have kept their contents out.
      while (!open.isEmpty()) {
        finish(open.pop());
      }
    } finally {
      for (Filling f : open) {
        f.dir().close();
      }
    }
    if (!any) {
      throw new IOException(archive + " holds no entry named " + top);
    }
  }

  private static boolean within(String rel, String dir) {
    return dir.isEmpty() || rel.equals(dir) || rel.startsWith(dir + "/");
  }

  private static void finish(Filling f) throws IOException {
    try (Dir d = f.dir()) {
      keep(d, f.header());
    }
  }

  /** The archive's owner (as root), mode and time, set on the open descriptor. */
  private static void keep(Descriptor d, TarArchiveEntry e) throws IOException {
    if (Modes.ROOT && e.getLongUserId() >= 0) {
      d.chown((int) e.getLongUserId(), (int) e.getLongGroupId());
    }
    d.chmod(e.getMode() & 0777);
    d.setModified(e.getLastModifiedTime().toInstant());
  }

  /**
   * The name below the entry ({@code ""} for the entry itself), each part a plain name.
   *
   * @throws IOException for a name outside the entry, absolute, or with an empty, {@code .} or {@code ..} part
   */
  private static String relative(String top, String name) throws IOException {
    String clean = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    if (clean.equals(top)) {
      return "";
    }
    if (!clean.startsWith(top + "/")) {
      throw new IOException("refusing " + name + ": every name must lie under " + top + "/");
    }
    String rel = clean.substring(top.length() + 1);
    for (String part : rel.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..") || part.indexOf('\0') >= 0) {
        throw new IOException("refusing " + name + ": it leads outside the entry");
      }
    }
    return rel;
  }
}
