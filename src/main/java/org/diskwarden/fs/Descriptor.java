package org.diskwarden.fs;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.time.Instant;

/**
 * What {@link Dir} and {@link Handle} have in common: one open descriptor, its attributes, and its
 * mode, owner, times and sync set on the descriptor itself, never on a path.
 */
public abstract class Descriptor implements AutoCloseable {
  final int fd;
  private boolean closed;

  Descriptor(int fd) {
    this.fd = fd;
  }

  /** What the descriptor is, for messages (the path it was reached by: never acted on). */
  abstract String what();

  private static final byte[] EMPTY = {0};

  /** {@code fstat} of the open descriptor. */
  Attrs stat() throws IOException {
    byte[] buffer = Attrs.BUFFER.get();
    int flags = Libc.AT_EMPTY_PATH | Libc.AT_SYMLINK_NOFOLLOW;
    if (Fast.AVAILABLE) {
      try {
        Fast.statx(fd, EMPTY, flags, Libc.STATX_BASIC_STATS, buffer);
      } catch (LastErrorException e) {
        throw Errors.of(e, what());
      }
    } else {
      Errors.call(what(), l -> l.statx(fd, EMPTY, flags, Libc.STATX_BASIC_STATS, buffer));
    }
    return Attrs.decode(buffer);
  }

  public void chmod(int mode) throws IOException {
    Errors.call(what(), l -> l.fchmod(fd, mode));
  }

  public void chown(int uid, int gid) throws IOException {
    Errors.call(what(), l -> l.fchown(fd, uid, gid));
  }

  /** Sets the modification time (the access time is left as it is). */
  public void setModified(Instant mtime) throws IOException {
    Errors.call(what(), l -> l.futimens(fd, times(mtime)));
  }

  /** Forces what was written (a file's data, a directory's entries) to disk. */
  public void sync() throws IOException {
    Errors.call(what(), l -> l.fsync(fd));
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      if (!Fast.AVAILABLE) {
        Errors.call(what(), l -> l.close(fd));
        return;
      }
      try {
        Fast.close(fd);
      } catch (LastErrorException e) {
        throw Errors.of(e, what());
      }
    }
  }

  /** {@code struct timespec[2]}: access time left alone, modification time {@code mtime}. */
  static long[] times(Instant mtime) {
    return new long[] {0, Libc.UTIME_OMIT, mtime.getEpochSecond(), mtime.getNano()};
  }
}
