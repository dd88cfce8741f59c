package org.diskwarden.fs;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A directory held open as a descriptor. Everything the agent does in a user's tree starts from one of
 * these and goes one name at a time: opens with {@code O_NOFOLLOW} (a link in the way is refused by the
 * kernel), non-blocking (a FIFO never hangs the agent), creates with {@code O_EXCL}, renames with
 * {@code RENAME_NOREPLACE}, and sets modes, owners and times on descriptors. No method takes a path
 * with more than one name, and none resolves a path again after a check.
 */
public final class Dir extends Descriptor {
  /** A directory opened to list and to act in: read only, never a controlling terminal's wait. */
  private static final int READ_DIR = Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC | Libc.O_NONBLOCK;

  private final Path path;
  /** Whether this descriptor's own position is still at the start (nothing read on it yet). */
  private final AtomicBoolean unread = new AtomicBoolean(true);

  private Dir(int fd, Path path) {
    super(fd);
    this.path = path;
  }

  @Override
  String what() {
    return path.toString();
  }

  /** Whether this platform has the calls (Linux on x86-64 or arm64). */
  public static boolean available() {
    return Libc.LIBC != null;
  }

  /**
   * Opens an absolute directory given by the operator (base_dir, a move target). Links in that path
   * are the operator's and are followed; everything below is reached through {@link #dir}.
   */
  public static Dir open(Path absolute) throws IOException {
    if (!absolute.isAbsolute()) {
      throw new IllegalArgumentException("not an absolute path: " + absolute);
    }
    return new Dir((int) Errors.call(absolute.toString(),
        l -> l.openat(Libc.AT_FDCWD, NameBytes.c(absolute.toString()), READ_DIR, 0)), absolute);
  }

  /** The path this directory had when it was reached: for messages only, never to act on. */
  public Path path() {
    return path;
  }

  /**
   * {@code /proc/self/fd/N} of this descriptor: for a library that takes only a path (JGit), a path
   * whose resolution starts at this very directory, whatever its name or the folders above it became
   * since it was opened. Valid while this {@code Dir} is open; names below it are resolved as usual.
   */
  public Path anchor() {
    return Path.of("/proc/self/fd/" + fd);
  }

  /** Opens the directory {@code name} here without following a link. */
  public Dir dir(String name) throws IOException {
    return openDir(NameBytes.c(NameBytes.check(name)), path.resolve(name));
  }

  /** As {@link #dir(String)}, the name given as its bytes (from {@link #rawList()}). */
  public Dir dir(byte[] name) throws IOException {
    return openDir(NameBytes.c(NameBytes.check(name)), Names.child(path, name));
  }

  private Dir openDir(byte[] cName, Path at) throws IOException {
    try {
      int flags = READ_DIR | Libc.O_NOFOLLOW;
      return new Dir(Fast.AVAILABLE ? Fast.openat(fd, cName, flags, 0) : Errors.libc().openat(fd, cName, flags, 0), at);
    } catch (LastErrorException e) {
      throw Errors.of(e, at.toString());
    }
  }

  /**
   * Opens the directory {@code relative} below this one a name at a time, each without following a
   * link: a link or a non-directory anywhere on the way is refused. An empty path opens this
   * directory again.
   */
  public Dir descend(Path relative) throws IOException {
    if (relative.isAbsolute()) {
      throw new IllegalArgumentException("not a relative path: " + relative);
    }
    Dir at = new Dir((int) Errors.call(what(), l -> l.openat(fd, NameBytes.c("."), READ_DIR, 0)), path);
    for (Path name : relative) {
      if (name.toString().isEmpty()) {
        continue;
      }
      Dir parent = at;
      try {
        at = parent.dir(name.toString());
      } finally {
        parent.close();
      }
    }
    return at;
  }

  /** {@code fstat} of this directory. */
  public Attrs self() throws IOException {
    return stat();
  }

  /** {@code name} here as it is, a link not followed; empty when there is no such name. */
  public Optional<Attrs> stat(String name) throws IOException {
    return statAt(NameBytes.c(NameBytes.check(name)), name);
  }

  /** As {@link #stat(String)}, the name given as its bytes (from {@link #rawList()}). */
  public Optional<Attrs> stat(byte[] name) throws IOException {
    return statAt(NameBytes.c(NameBytes.check(name)), name);
  }

  private Optional<Attrs> statAt(byte[] cName, Object name) throws IOException {
    byte[] buffer = Attrs.BUFFER.get();
    try {
      if (Fast.AVAILABLE) {
        Fast.statx(fd, cName, Libc.AT_SYMLINK_NOFOLLOW, Libc.STATX_BASIC_STATS, buffer);
      } else {
        Errors.libc().statx(fd, cName, Libc.AT_SYMLINK_NOFOLLOW, Libc.STATX_BASIC_STATS, buffer);
      }
      return Optional.of(Attrs.decode(buffer));
    } catch (LastErrorException e) {
      if (e.getErrorCode() == Errors.ENOENT) {
        return Optional.empty();
      }
      throw Errors.of(e, name instanceof byte[] raw ? Names.child(path, raw).toString() : where((String) name));
    }
  }

  /**
   * Reads a small control file ({@code gc.pid}, {@code latest}, {@code trainer_state.json}, a hub ref):
   * opened no-follow and non-blocking, checked to be a regular file of at most {@code cap} bytes on
   * the open descriptor, then read. Anything else is {@link ControlFile.Unreadable}.
   */
  public ControlFile read(String name, long cap) {
    return ControlFileRead.read(this, name, cap);
  }

  /**
   * Opens the regular file {@code name} here for reading: no-follow, non-blocking (a FIFO does not
   * wait for a writer), and refused on the open descriptor unless it is a regular file.
   */
  public Handle openFile(String name) throws IOException {
    byte[] c = NameBytes.c(NameBytes.check(name));
    int opened = (int) Errors.call(where(name), l -> l.openat(fd, c,
        Libc.O_RDONLY | Libc.O_NOFOLLOW | Libc.O_NONBLOCK | Libc.O_NOCTTY | Libc.O_CLOEXEC, 0));
    Handle h = new Handle(opened, where(name));
    try {
      Attrs a = h.attrs();
      if (!a.isRegularFile()) {
        throw new FileSystemException(where(name), null, "a " + a.kind() + ", not a regular file");
      }
      return h;
    } catch (IOException | RuntimeException e) {
      h.close();
      throw e;
    }
  }

  /** Creates the file {@code name} here (it must not exist; a link there is not followed) for writing. */
  public Handle createFile(String name, int mode) throws IOException {
    byte[] c = NameBytes.c(NameBytes.check(name));
    return new Handle((int) Errors.call(where(name), l -> l.openat(fd, c,
        Libc.O_WRONLY | Libc.O_CREAT | Libc.O_EXCL | Libc.O_NOFOLLOW | Libc.O_NOCTTY | Libc.O_CLOEXEC, mode)),
        where(name));
  }

  /**
   * Makes the directory {@code name} here and opens it; the opened directory must be one the calling
   * thread's filesystem uid owns (the agent's user, or the owner {@link AsOwner} acts as): a directory
   * someone else put there in the moment between is refused.
   */
  public Dir mkdir(String name, int mode) throws IOException {
    byte[] c = NameBytes.c(NameBytes.check(name));
    Errors.call(where(name), l -> l.mkdirat(fd, c, mode));
    Dir made = dir(name);
    try {
      Attrs a = made.self();
      if (a.uid() != AsOwner.fsuid()) {
        throw new FileSystemException(where(name), null, "replaced by a directory of uid " + a.uid()
            + " right after it was made");
      }
      return made;
    } catch (IOException | RuntimeException e) {
      made.close();
      throw e;
    }
  }

  /** Makes the symbolic link {@code name} here pointing at {@code target} (never followed by us). */
  public void symlink(String name, String target) throws IOException {
    byte[] c = NameBytes.c(NameBytes.check(name));
    Errors.call(where(name), l -> l.symlinkat(NameBytes.c(target), fd, c));
  }

  /** The target of the link {@code name} here. */
  public String readLink(String name) throws IOException {
    byte[] buffer = new byte[4097];
    byte[] c = NameBytes.c(NameBytes.check(name));
    long n = Errors.call(where(name), l -> l.readlinkat(fd, c, buffer, buffer.length));
    if (n >= buffer.length) {
      throw new FileSystemException(where(name), null, "link target longer than 4096 bytes");
    }
    return NameBytes.decode(Arrays.copyOf(buffer, (int) n), where(name));
  }

  /** Renames {@code from} here to {@code to} in {@code into}, never over an existing name. */
  public void rename(String from, Dir into, String to) throws IOException {
    byte[] a = NameBytes.c(NameBytes.check(from));
    byte[] b = NameBytes.c(NameBytes.check(to));
    Errors.call(where(from) + " -> " + into.where(to), l -> l.renameat2(fd, a, into.fd, b, Libc.RENAME_NOREPLACE));
  }

  /** Removes the file or link {@code name} here (never a directory's contents). */
  public void unlink(String name) throws IOException {
    byte[] c = NameBytes.c(NameBytes.check(name));
    Errors.call(where(name), l -> l.unlinkat(fd, c, 0));
  }

  /** Removes the empty directory {@code name} here. */
  public void rmdir(String name) throws IOException {
    byte[] c = NameBytes.c(NameBytes.check(name));
    Errors.call(where(name), l -> l.unlinkat(fd, c, Libc.AT_REMOVEDIR));
  }

  /** As {@link #unlink(String)}, the name given as its bytes (from {@link #rawList()}). */
  public void unlink(byte[] name) throws IOException {
    unlinkAt(name, 0);
  }

  /** As {@link #rmdir(String)}, the name given as its bytes (from {@link #rawList()}). */
  public void rmdir(byte[] name) throws IOException {
    unlinkAt(name, Libc.AT_REMOVEDIR);
  }

  /** {@code unlinkat}; the path for the message is made only when it fails (a removal unlinks every file). */
  private void unlinkAt(byte[] name, int flags) throws IOException {
    byte[] c = NameBytes.c(NameBytes.check(name));
    try {
      if (Fast.AVAILABLE) {
        Fast.unlinkat(fd, c, flags);
      } else {
        Errors.libc().unlinkat(fd, c, flags);
      }
    } catch (LastErrorException e) {
      throw Errors.of(e, Names.child(path, name).toString());
    }
  }

  /** Sets owner and group of {@code name} here without following it (for links). */
  public void chownNoFollow(String name, int uid, int gid) throws IOException {
    byte[] c = NameBytes.c(NameBytes.check(name));
    Errors.call(where(name), l -> l.fchownat(fd, c, uid, gid, Libc.AT_SYMLINK_NOFOLLOW));
  }

  /** Sets the modification time of {@code name} here without following it (for links). */
  public void setModifiedNoFollow(String name, Instant mtime) throws IOException {
    byte[] c = NameBytes.c(NameBytes.check(name));
    Errors.call(where(name), l -> l.utimensat(fd, c, times(mtime), Libc.AT_SYMLINK_NOFOLLOW));
  }

  /**
   * The names here, without {@code .} and {@code ..}. A name that is not valid in the JDK's file name
   * charset is refused (it could not be named again exactly), never skipped silently.
   */
  public List<String> list() throws IOException {
    List<String> names = new ArrayList<>();
    for (byte[] raw : readdirNames()) {
      names.add(NameBytes.decode(raw, path.toString()));
    }
    return names;
  }

  /**
   * The names here as the kernel has them, without {@code .} and {@code ..}: for a walk that only
   * measures and reports, where a name that is not valid text is still a name to count and to show
   * ({@link Names#child}, {@link #stat(byte[])}, {@link #dir(byte[])}).
   */
  public List<byte[]> rawList() throws IOException {
    return Fast.AVAILABLE ? Fast.names(fd, path.toString()) : readdirNames();
  }

  /**
   * As {@link #rawList()}, read on this descriptor itself the first time it is listed (a directory
   * opened to be walked or emptied once: one {@code openat} and one {@code close} fewer than a second
   * descriptor costs); any later call, or one racing it on another thread, lists as {@link #rawList()}.
   */
  public List<byte[]> rawListOnce() throws IOException {
    if (Fast.AVAILABLE && unread.compareAndSet(true, false)) {
      return Fast.namesAt(fd, path.toString());
    }
    return rawList();
  }

  /** The names one {@code readdir} call each (where {@link Fast} cannot be bound, and for {@link #list()}). */
  List<byte[]> readdirNames() throws IOException {
    // a dup shares this descriptor's position: once read through it, the position is no longer the start
    unread.set(false);
    return NameBytes.readdir(fd, path.toString());
  }

  String where(String name) {
    return path.resolve(name).toString();
  }
}
