package org.diskwarden.sweep;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.diskwarden.archive.ArchiveFormat;
import org.diskwarden.archive.Archiver;
import org.diskwarden.archive.Contents;
import org.diskwarden.archive.Copier;
import org.diskwarden.archive.Room;
import org.diskwarden.config.Action;
import org.diskwarden.fs.Attrs;
import org.diskwarden.fs.Dir;
import org.diskwarden.fs.Handle;
import org.diskwarden.policy.Candidate;
import org.diskwarden.policy.Sighting;

/**
 * One archive or copy as {@link Keeper} makes it, all through held directory descriptors: the
 * entry's folder reached from base_dir one no-follow name at a time, each folder and the entry
 * checked against what the plan saw (as removal does); the target folder held (inside base_dir
 * reached the same way, a move target opened as the operator configured it); the archive or copy
 * made inside a private {@link Room} there, create-new and no-follow, read back, and renamed out of
 * the room into place, never over anything.
 */
final class KeepWork implements AutoCloseable {
  private final Dir entryFolder;
  private final String name;
  private final Attrs entry;
  private final Dir target;
  private Room room;
  private String inner;

  private KeepWork(Dir entryFolder, String name, Attrs entry, Dir target) {
    this.entryFolder = entryFolder;
    this.name = name;
    this.entry = entry;
    this.target = target;
  }

  /** Reaches {@code c} from {@code baseDir} and holds {@code folder}, where its archive or copy goes. */
  static KeepWork open(Path baseDir, Candidate c, Path folder) throws IOException {
    Dir at = reachFolder(baseDir, c);
    try {
      String name = c.path().getFileName().toString();
      Attrs entry = at.stat(name).orElseThrow(() -> new NoSuchFileException(c.path().toString()));
      if (c.seen().isPresent() && !key(entry).equals(String.valueOf(c.seen().get().entry()))) {
        throw new FileSystemException(c.path().toString(), null, "replaced since it was planned");
      }
      Dir into = folder.startsWith(baseDir) ? descend(baseDir, folder) : Dir.open(folder);
      return new KeepWork(at, name, entry, into);
    } catch (IOException | RuntimeException e) {
      at.close();
      throw e;
    }
  }

  /** The folders from below base_dir to the candidate's folder, each no-follow and the one planned. */
  private static Dir reachFolder(Path baseDir, Candidate c) throws IOException {
    Path path = c.path();
    if (!path.isAbsolute() || !path.equals(path.normalize()) || !path.startsWith(baseDir) || path.equals(baseDir)) {
      throw new FileSystemException(path.toString(), null, "not inside base_dir " + baseDir);
    }
    Optional<List<Object>> planned = c.seen().map(Sighting::folders);
    Dir at = Dir.open(baseDir);
    int i = 0;
    try {
      for (Path part : baseDir.relativize(path.getParent())) {
        if (part.toString().isEmpty()) {
          continue;
        }
        Dir next = at.dir(part.toString());
        at.close();
        at = next;
        if (planned.isPresent() && (i >= planned.get().size()
            || !key(at.self()).equals(String.valueOf(planned.get().get(i))))) {
          throw new FileSystemException(path.toString(), null, part + " in its path was renamed or replaced since"
              + " it was planned");
        }
        i++;
      }
      if (planned.isPresent() && i != planned.get().size()) {
        throw new FileSystemException(path.toString(), null, "its folder is not the one planned");
      }
      return at;
    } catch (IOException | RuntimeException e) {
      at.close();
      throw e;
    }
  }

  /** {@code folder} (inside base_dir) from base_dir down, one no-follow name at a time. */
  static Dir descend(Path baseDir, Path folder) throws IOException {
    try (Dir base = Dir.open(baseDir)) {
      return base.descend(baseDir.relativize(folder));
    }
  }

  /**
   * Makes {@code folder} (inside base_dir) and any folder above it that is missing, one name at a time
   * from the held base_dir: each existing one opened no-follow (a link or a file on the way is refused
   * before anything below it is made), each missing one made ({@code mkdirat}, 0755) and opened.
   */
  static void makeFolders(Path baseDir, Path folder) throws IOException {
    Dir at = Dir.open(baseDir);
    try {
      for (Path part : baseDir.relativize(folder)) {
        String name = part.toString();
        Optional<Attrs> there = at.stat(name);
        if (there.isPresent() && !there.get().isDirectory()) {
          throw new FileSystemException(at.path().resolve(name).toString(), null, "a " + there.get().kind()
              + " where a folder of compress_to goes (never followed)");
        }
        Dir next = there.isPresent() ? at.dir(name) : at.mkdir(name, 0755);
        at.close();
        at = next;
      }
    } finally {
      at.close();
    }
  }

  /**
   * The identity the plan recorded (the JDK's file key, which prints as {@code (dev=HEX,ino=N)} with
   * {@code st_dev} as glibc's makedev encodes major and minor) for attributes read by statx.
   */
  static String key(Attrs a) {
    long major = a.device() >>> 32;
    long minor = a.device() & 0xffffffffL;
    long dev = ((major & 0xfffL) << 8) | ((major & ~0xfffL) << 32) | (minor & 0xffL) | ((minor & ~0xffL) << 12);
    return "(dev=" + Long.toHexString(dev) + ",ino=" + a.inode() + ")";
  }

  /**
   * Writes the archive or copy as {@code finalName} inside a private {@link Room} named {@code room}
   * in the target folder: the folder's owner can rename the room away, never reach into it.
   */
  Contents write(Action action, String room, String finalName, int level, BooleanSupplier stopping)
      throws IOException {
    this.room = Room.make(target, room);
    this.inner = finalName;
    if (action == Action.COMPRESS) {
      try (Handle out = Archiver.create(this.room.dir(), inner, entry)) {
        return Archiver.write(entryFolder, name, out, ArchiveFormat.best(), level, stopping);
      }
    }
    return Copier.copy(entryFolder, name, this.room.dir(), inner, stopping);
  }

  /** Why what {@link #write} made does not hold {@code written}, or empty when it does. */
  Optional<String> verify(Action action, Contents written) {
    return verify(action, room.dir(), inner, written);
  }

  /** Why the archive or copy {@code name} already in the target folder does not hold what the entry holds now. */
  Optional<String> verifyExisting(Action action, String name) throws IOException {
    return verify(action, target, name, Copier.contents(entryFolder, this.name));
  }

  private static Optional<String> verify(Action action, Dir folder, String name, Contents written) {
    if (action != Action.COMPRESS) {
      return Copier.verify(folder, name, written);
    }
    return Archiver.verify(folder, name, ArchiveFormat.of(Path.of(name)).orElse(ArchiveFormat.best()), written);
  }

  /** Bytes of the archive {@link #write} made. */
  long size() throws IOException {
    return room.dir().stat(inner).orElseThrow(() -> new NoSuchFileException(inner)).size();
  }

  /**
   * Renames the verified archive or copy out of the room into place in the held target folder, never
   * over anything there; an archive gets its data's time (not the time it was made: a policy ranking
   * by mtime must not take it for the newest).
   */
  void rename(Optional<Instant> dataTime) throws IOException {
    if (target.stat(inner).isPresent()) {
      throw new FileAlreadyExistsException(target.path().resolve(inner).toString());
    }
    room.moveOut(inner, target, inner);
    if (dataTime.isPresent()) {
      target.setModifiedNoFollow(inner, dataTime.get());
    }
    target.sync();
  }

  /** Removes the room and what is left in it, and lets go of the folders. */
  @Override
  public void close() throws IOException {
    try (Dir a = entryFolder; Dir b = target) {
      if (room != null) {
        room.close();
      }
    }
  }
}
