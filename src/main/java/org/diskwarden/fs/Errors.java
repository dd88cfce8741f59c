package org.diskwarden.fs;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** errno from a failed call as the exception {@code java.nio.file} would throw for it. */
final class Errors {
  static final int ENOENT = 2;
  static final int EEXIST = 17;
  static final int ENOTDIR = 20;
  static final int ELOOP = 40;
  static final int ENXIO = 6;
  static final int EINTR = 4;
  static final int EAGAIN = 11;

  private Errors() {}

  static IOException of(LastErrorException e, String what) {
    return switch (e.getErrorCode()) {
      case ENOENT -> new NoSuchFileException(what);
      case EEXIST -> new FileAlreadyExistsException(what);
      case ENOTDIR -> new NotDirectoryException(what);
      case ELOOP -> new FileSystemException(what, null, "a symbolic link (not followed)");
      default -> new FileSystemException(what, null, e.getMessage());
    };
  }

  /** One C library call that reports failure through errno. */
  interface Call {
    long on(Libc libc) throws LastErrorException;
  }

  /** Makes {@code call}; a failure is the exception java.nio.file would throw, naming {@code what}. */
  static long call(String what, Call call) throws IOException {
    try {
      return call.on(libc());
    } catch (LastErrorException e) {
      throw of(e, what);
    }
  }

  /** As {@link #call}, made again when a signal interrupted it (EINTR): reads and writes. */
  static long retrying(String what, Call call) throws IOException {
    Libc libc = libc();
    while (true) {
      try {
        return call.on(libc);
      } catch (LastErrorException e) {
        if (e.getErrorCode() != EINTR) {
          throw of(e, what);
        }
      }
    }
  }

  /** The Libc, or an error saying the platform is not one this binding knows. */
  static Libc libc() throws IOException {
    if (Libc.LIBC == null) {
      throw new IOException("descriptor-relative file calls need Linux on x86-64 or arm64; refusing");
    }
    return Libc.LIBC;
  }
}
