package org.diskwarden.fs;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * The calls a walk of many files makes per entry, bound by JNA's direct mapping (a native method, no
 * proxy and no reflection per call: about a tenth of the cost of {@link Libc}'s), and the directory
 * read in batches ({@code getdents64}, glibc 2.30 and later) rather than one {@code readdir} call per
 * name. Where any of them cannot be bound, {@link #AVAILABLE} is false and {@link Dir} uses {@link Libc}.
 */
final class Fast {
  static final boolean AVAILABLE = bind();

  private Fast() {}

  private static boolean bind() {
    if (Libc.LIBC == null) {
      return false;
    }
    try {
      Native.register(Fast.class, NativeLibrary.getInstance("c"));
      return true;
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      // an older C library (no getdents64 wrapper): the walk lists and stats through Libc
      return false;
    }
  }

  static native int statx(int dirfd, byte[] name, int flags, int mask, byte[] buffer) throws LastErrorException;

  static native long getdents64(int fd, com.sun.jna.Pointer buffer, long count) throws LastErrorException;

  static native int openat(int dirfd, byte[] name, int flags, int mode) throws LastErrorException;

  static native int close(int fd) throws LastErrorException;
}
