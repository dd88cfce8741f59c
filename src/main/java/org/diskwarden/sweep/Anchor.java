package org.diskwarden.sweep;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.diskwarden.policy.Sighting;

/**
 * A root (base_dir, or a move_to folder for our own partial copies) held open as a directory
 * descriptor. Every removal reaches its entry from here one name at a time with no-follow opens,
 * each directory it opens checked (by {@code fstat} of the opened descriptor) against what the plan
 * saw: a rename or a symlink swapped in at any moment can only make the removal act on the very
 * directory that was judged, or refuse, never reach outside the root.
 */
final class Anchor implements AutoCloseable {
  private final Path root;
  private SecureDirectoryStream<Path> stream;

  Anchor(Path root) {
    this.root = root;
  }

  /** Why an entry was not reached: said in the report, and nothing was touched. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String why) {
      super(why, null, false, false);
    }
  }

  /**
   * An entry reached from the root: its folder held open, the entry's attributes read there without
   * following a link. Close it when done.
   */
  record Reached(SecureDirectoryStream<Path> folder, Path path, Path name, PosixFileAttributes attrs)
      implements AutoCloseable {
    @Override
    public void close() {
      try {
        folder.close();
      } catch (IOException e) {
        // a descriptor we only read from: nothing is lost
      }
    }
  }

  /**
   * Descends to {@code path} (strictly inside the root, lexically normal) and reads it.
   *
   * @param seen what the plan saw; each folder and the entry must still be the same (empty: any plain
   *     directory on the way is accepted, still never a link)
   * @throws Refused when a component is missing, a link, not a directory, or another one than planned
   */
  synchronized Reached reach(Path path, Optional<Sighting> seen) throws Refused {
    if (!path.isAbsolute() || !path.equals(path.normalize()) || !path.startsWith(root) || path.equals(root)) {
      throw new Refused("not inside base_dir " + root);
    }
    List<Path> names = new ArrayList<>();
    root.relativize(path).forEach(names::add);
    Path name = names.remove(names.size() - 1);
    if (seen.isPresent() && seen.get().folders().size() != names.size()) {
      throw new Refused("its folder is not the one planned");
    }
    SecureDirectoryStream<Path> at = dup(rootStream());
    try {
      for (int i = 0; i < names.size(); i++) {
        SecureDirectoryStream<Path> next = open(at, names.get(i));
        at.close();
        at = next;
        Object key = self(at).fileKey();
        if (key == null || (seen.isPresent() && !key.equals(seen.get().folders().get(i)))) {
          throw new Refused(names.get(i) + " in its path was renamed or replaced since it was planned");
        }
      }
      PosixFileAttributes attrs;
      try {
        attrs = at.getFileAttributeView(name, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .readAttributes();
      } catch (NoSuchFileException e) {
        throw new Refused("vanished before removal");
      }
      if (seen.isPresent() && !Objects.equals(attrs.fileKey(), seen.get().entry())) {
        throw new Refused("replaced since it was planned (another file or directory under its name)");
      }
      Reached reached = new Reached(at, path, name, attrs);
      at = null;
      return reached;
    } catch (IOException e) {
      throw new Refused("cannot be reached without following a link (one on its path may lead outside base_dir): "
          + e);
    } finally {
      if (at != null) {
        closeQuietly(at);
      }
    }
  }

  /**
   * Opens the directory {@code dir} (strictly inside the root) the same way: every component no-follow,
   * the last one checked by {@code fstat} to be the directory its name showed. The caller closes it.
   */
  SecureDirectoryStream<Path> openDirectory(Path dir) throws Refused {
    try (Reached reached = reach(dir, Optional.empty())) {
      if (!reached.attrs().isDirectory()) {
        throw new Refused(dir + " is not a directory");
      }
      SecureDirectoryStream<Path> opened = open(reached.folder(), reached.name());
      if (!Objects.equals(self(opened).fileKey(), reached.attrs().fileKey())) {
        closeQuietly(opened);
        throw new Refused(dir + " was replaced while it was opened");
      }
      return opened;
    } catch (IOException e) {
      throw new Refused("cannot open " + dir + " without following a link: " + e);
    }
  }

  private SecureDirectoryStream<Path> rootStream() throws Refused {
    if (stream == null) {
      try {
        DirectoryStream<Path> opened = Files.newDirectoryStream(root);
        if (!(opened instanceof SecureDirectoryStream<Path> secure)) {
          opened.close();
          throw new Refused("this platform cannot remove relative to an open directory (no SecureDirectoryStream)");
        }
        stream = secure;
      } catch (IOException e) {
        throw new Refused("cannot open " + root + ": " + e);
      }
    }
    return stream;
  }

  /** A descriptor of its own for the same directory ("." relative to it), so callers may close theirs. */
  private static SecureDirectoryStream<Path> dup(SecureDirectoryStream<Path> dir) throws Refused {
    try {
      return dir.newDirectoryStream(Path.of("."), LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new Refused("cannot open the root again: " + e);
    }
  }

  /** Opens {@code name} in {@code dir} with O_NOFOLLOW: a link there is refused by the kernel. */
  static SecureDirectoryStream<Path> open(SecureDirectoryStream<Path> dir, Path name) throws IOException {
    return dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
  }

  /** The attributes of the directory an open stream holds ({@code fstat}: no name is resolved). */
  static PosixFileAttributes self(SecureDirectoryStream<Path> dir) throws IOException {
    return dir.getFileAttributeView(PosixFileAttributeView.class).readAttributes();
  }

  private static void closeQuietly(SecureDirectoryStream<Path> dir) {
    try {
      dir.close();
    } catch (IOException e) {
      // read-only descriptor
    }
  }

  @Override
  public synchronized void close() {
    if (stream != null) {
      closeQuietly(stream);
      stream = null;
    }
  }
}
