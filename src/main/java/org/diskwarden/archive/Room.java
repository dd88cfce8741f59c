package org.diskwarden.archive;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.util.Optional;
import org.diskwarden.fs.Attrs;
import org.diskwarden.fs.Dir;

/**
 * A private workroom: a directory the agent makes ({@code mkdirat}, mode 0700) beside where a result
 * goes, checked on its descriptor (a directory, owned by the agent's user, no bits for group or
 * others), and held open. Work in progress is built inside it through that descriptor: the owner of
 * the folder around it may rename the room or put a link in its place, but cannot enter it, and
 * nothing the agent does resolves the room's name again. The result leaves by one rename between
 * held descriptors (same filesystem: the room sits in the result's folder).
 */
public final class Room implements AutoCloseable {
  private final Dir folder;
  private final String name;
  private final Dir dir;
  private final Attrs made;

  private Room(Dir folder, String name, Dir dir, Attrs made) {
    this.folder = folder;
    this.name = name;
    this.dir = dir;
    this.made = made;
  }

  /** Makes the room {@code name} in {@code folder}; it must not exist (a name planted there refuses). */
  public static Room make(Dir folder, String name) throws IOException {
    Dir dir = folder.mkdir(name, 0700);
    try {
      Attrs a = dir.self();
      if (!a.isDirectory() || (a.permissions() & 077) != 0) {
        throw new FileSystemException(folder.path().resolve(name).toString(), null,
            "the workroom is not a private directory (mode " + Integer.toOctalString(a.permissions()) + ")");
      }
      return new Room(folder, name, dir, a);
    } catch (IOException | RuntimeException e) {
      dir.close();
      throw e;
    }
  }

  /** The room, held open: everything made inside goes through it. */
  public Dir dir() {
    return dir;
  }

  /** Renames {@code from} out of the room to {@code to} in {@code into}, never over an existing name. */
  public void moveOut(String from, Dir into, String to) throws IOException {
    dir.rename(from, into, to);
  }

  /**
   * Removes what is left inside (through the held descriptor), then the room itself when its name
   * still holds it (the folder's owner may have moved it away: then the empty room stays where they
   * put it).
   */
  @Override
  public void close() throws IOException {
    try {
      clear(dir);
      Optional<Attrs> there = folder.stat(name);
      if (there.isPresent() && there.get().sameFileAs(made)) {
        folder.rmdir(name);
      }
    } finally {
      dir.close();
    }
  }

  /** Removes everything in {@code d}, links as links, one name at a time. */
  static void clear(Dir d) throws IOException {
    for (String n : d.list()) {
      Optional<Attrs> a = d.stat(n);
      if (a.isEmpty()) {
        continue;
      }
      if (a.get().isDirectory()) {
        try (Dir sub = d.dir(n)) {
          clear(sub);
        }
        d.rmdir(n);
      } else {
        d.unlink(n);
      }
    }
  }
}
