package org.diskwarden.sweep;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.diskwarden.fs.Attrs;
import org.diskwarden.fs.Dir;
import org.diskwarden.fs.Names;
import org.diskwarden.policy.Sighting;
import org.diskwarden.policy.Stat;

/**
 * A root (base_dir, or a move_to folder for our own partial copies) held open as a directory
 * descriptor ({@link Dir}). Every removal reaches its entry from here one name at a time with
 * no-follow opens, each directory it opens checked (by {@code statx} of the opened descriptor)
 * against what the plan saw: a rename or a symlink swapped in at any moment can only make the removal
 * act on the very directory that was judged, or refuse, never reach outside the root.
 */
final class Anchor implements AutoCloseable {
  private final Path root;
  private Dir held;

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
   * following a link ({@code name} as the kernel has it). Close it when done.
   */
  record Reached(Dir folder, Path path, byte[] name, Attrs attrs) implements AutoCloseable {
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
    List<byte[]> names = new ArrayList<>();
    root.relativize(path).forEach(n -> names.add(Names.lastName(n)));
    byte[] name = names.remove(names.size() - 1);
    if (seen.isPresent() && seen.get().folders().size() != names.size()) {
      throw new Refused("its folder is not the one planned");
    }
    Dir at = null;
    try {
      at = rootDir().descend(Path.of(""));
      for (int i = 0; i < names.size(); i++) {
        Dir next = at.dir(names.get(i));
        at.close();
        at = next;
        if (seen.isPresent() && !Stat.sameFile(seen.get().folders().get(i), at.self())) {
          throw new Refused(at.path().getFileName() + " in its path was renamed or replaced since it was planned");
        }
      }
      Optional<Attrs> attrs = at.stat(name);
      if (attrs.isEmpty()) {
        throw new Refused("vanished before removal");
      }
      if (seen.isPresent() && !Stat.sameFile(seen.get().entry(), attrs.get())) {
        throw new Refused("replaced since it was planned (another file or directory under its name)");
      }
      Reached reached = new Reached(at, path, name, attrs.get());
      at = null;
      return reached;
    } catch (IOException | IllegalArgumentException e) {
      throw new Refused("cannot be reached without following a link (one on its path may lead outside base_dir): "
          + e);
    } finally {
      if (at != null) {
        closeQuietly(at);
      }
    }
  }

  private Dir rootDir() throws Refused {
    if (held == null) {
      if (!Dir.available()) {
        throw new Refused("this platform cannot remove relative to an open directory (Linux on x86-64 or arm64 only)");
      }
      try {
        held = Dir.open(root);
      } catch (IOException e) {
        throw new Refused("cannot open " + root + ": " + e);
      }
    }
    return held;
  }

  private static void closeQuietly(Dir dir) {
    try {
      dir.close();
    } catch (IOException e) {
      // read-only descriptor
    }
  }

  @Override
  public synchronized void close() {
    if (held != null) {
      closeQuietly(held);
      held = null;
    }
  }
}
