package org.diskwarden.fs;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The calls a walk or a removal of many files makes per entry, bound by JNA's direct mapping (a native method, no
 * proxy and no reflection per call: about a tenth of the cost of {@link Libc}'s), and the directory
 * read in batches ({@code getdents64}, glibc 2.30 and later) rather than one {@code readdir} call per
 * name. Where any of them cannot be bound, {@link #AVAILABLE} is false and {@link Dir} uses {@link Libc}.
 */
final class Fast {
  static final boolean AVAILABLE = bind();
  private static final byte[] DOT = {'.', 0};
  /** One listing buffer per thread: a walk lists thousands of directories, each would malloc and register a cleaner. */
  private static final ThreadLocal<Memory> BUFFER = ThreadLocal.withInitial(() -> new Memory(32 * 1024));

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

  /**
   * The names in the directory {@code fd} through {@code getdents64}, read on a descriptor of its own
   * (the caller's offset is left alone), without {@code .} and {@code ..}.
   *
   * @param where the directory's path, for errors
   */
  static List<byte[]> names(int fd, String where) throws IOException {
    int own;
    try {
      own = openat(fd, DOT, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC | Libc.O_NONBLOCK, 0);
    } catch (LastErrorException e) {
      throw Errors.of(e, where);
    }
    try {
      return namesAt(own, where);
    } finally {
      try {
        close(own);
      } catch (LastErrorException e) {
        // a descriptor only read from
      }
    }
  }

  /**
   * The names read on {@code fd} itself from where its position is (a directory just opened: from the
   * start), without {@code .} and {@code ..}; its position is left at the end.
   */
  static List<byte[]> namesAt(int fd, String where) throws IOException {
    List<byte[]> names = new ArrayList<>();
    // native memory: an array argument would be copied in and out whole on every call
    Memory buffer = BUFFER.get();
    while (true) {
      long n;
      try {
        n = getdents64(fd, buffer, buffer.size());
      } catch (LastErrorException e) {
        throw Errors.of(e, where);
      }
      if (n <= 0) {
        return names;
      }
      byte[] batch = buffer.getByteArray(0, (int) n);
      // struct linux_dirent64: d_ino (8 bytes), d_off (8), d_reclen (2), d_type (1), d_name (NUL-ended)
      for (int at = 0; at < n; ) {
        int length = (batch[at + 16] & 0xff) | (batch[at + 17] & 0xff) << 8;
        int end = at + 19;
        while (batch[end] != 0) {
          end++;
        }
        byte[] raw = Arrays.copyOfRange(batch, at + 19, end);
        if (!((raw.length == 1 && raw[0] == '.') || (raw.length == 2 && raw[0] == '.' && raw[1] == '.'))) {
          names.add(raw);
        }
        at += length;
      }
    }
  }

  /** A thread's native memory for the name and the result of a statx. */
  private static final class Scratch {
    final Memory name = new Memory(4096);
    final Memory stat = new Memory(Attrs.SIZE);
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /**
   * {@code statx} of {@code cName} (NUL-ended) in {@code dirfd}: made on native memory (a byte array
   * argument would be copied in and back whole by JNA), the bytes {@link Attrs#decode} reads copied to {@code out}.
   */
  static void statx(int dirfd, byte[] cName, int flags, int mask, byte[] out) throws LastErrorException {
    Scratch s = SCRATCH.get();
    if (cName.length > s.name.size()) {
      throw new LastErrorException(36); // ENAMETOOLONG: no single name is this long
    }
    s.name.write(0, cName, 0, cName.length);
    statx(dirfd, s.name, flags, mask, s.stat);
    s.stat.read(0, out, 0, Attrs.DECODED);
  }

  private static native int statx(int dirfd, Pointer name, int flags, int mask, Pointer buffer)
      throws LastErrorException;

  static native long getdents64(int fd, Pointer buffer, long count) throws LastErrorException;

  static native int openat(int dirfd, byte[] name, int flags, int mode) throws LastErrorException;

  static native int unlinkat(int dirfd, byte[] name, int flags) throws LastErrorException;

  static native int close(int fd) throws LastErrorException;
}
