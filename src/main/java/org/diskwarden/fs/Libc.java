package org.diskwarden.fs;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The C library calls the agent makes on users' trees, each relative to a held descriptor. Constants
 * are Linux's; {@code O_DIRECTORY} and {@code O_NOFOLLOW} differ between x86-64 and arm64, the only two
 * architectures this binding accepts (elsewhere {@link #LIBC} is null and every caller refuses).
 */
interface Libc extends Library {
  int O_RDONLY = 0;
  int O_WRONLY = 1;
  int O_CREAT = 0100;
  int O_EXCL = 0200;
  int O_NOCTTY = 0400;
  int O_NONBLOCK = 04000;
  int O_CLOEXEC = 02000000;
  int AT_FDCWD = -100;
  int AT_SYMLINK_NOFOLLOW = 0x100;
  int AT_REMOVEDIR = 0x200;
  int AT_EMPTY_PATH = 0x1000;
  int RENAME_NOREPLACE = 1;
  /** statx: type, mode, nlink, uid, gid, mtime, ino, size, blocks. */
  int STATX_BASIC_STATS = 0x7ff;
  long UTIME_OMIT = (1L << 30) - 2;

  int openat(int dirfd, byte[] name, int flags, int mode) throws LastErrorException;

  int mkdirat(int dirfd, byte[] name, int mode) throws LastErrorException;

  int symlinkat(byte[] target, int dirfd, byte[] name) throws LastErrorException;

  int renameat2(int olddirfd, byte[] oldname, int newdirfd, byte[] newname, int flags) throws LastErrorException;

  int unlinkat(int dirfd, byte[] name, int flags) throws LastErrorException;

  int statx(int dirfd, byte[] name, int flags, int mask, byte[] buffer) throws LastErrorException;

  int fchmod(int fd, int mode) throws LastErrorException;

  int fchown(int fd, int uid, int gid) throws LastErrorException;

  int fchownat(int dirfd, byte[] name, int uid, int gid, int flags) throws LastErrorException;

  int futimens(int fd, long[] times) throws LastErrorException;

  int utimensat(int dirfd, byte[] name, long[] times, int flags) throws LastErrorException;

  long read(int fd, byte[] buffer, long count) throws LastErrorException;

  long pread(int fd, byte[] buffer, long count, long offset) throws LastErrorException;

  long write(int fd, byte[] buffer, long count) throws LastErrorException;

  long readlinkat(int dirfd, byte[] name, byte[] buffer, long size) throws LastErrorException;

  int fsync(int fd) throws LastErrorException;

  int close(int fd) throws LastErrorException;

  int dup(int fd) throws LastErrorException;

  Pointer fdopendir(int fd) throws LastErrorException;

  Pointer readdir(Pointer dir) throws LastErrorException;

  int closedir(Pointer dir) throws LastErrorException;

  void rewinddir(Pointer dir);

  int geteuid();

  /** {@code O_DIRECTORY} for this architecture. */
  int O_DIRECTORY = Arch.current().directory;
  /** {@code O_NOFOLLOW} for this architecture. */
  int O_NOFOLLOW = Arch.current().noFollow;

  /** The library, or null where the constants above are not known to be right. */
  Libc LIBC = Arch.current() == Arch.UNKNOWN ? null : Native.load("c", Libc.class);

  /** Where the two flags that differ between architectures live. */
  enum Arch {
    X86_64(0200000, 0400000),
    ARM64(040000, 0100000),
    UNKNOWN(0, 0);

    final int directory;
    final int noFollow;

    Arch(int directory, int noFollow) {
      this.directory = directory;
      this.noFollow = noFollow;
    }

    static Arch current() {
      if (!"Linux".equals(System.getProperty("os.name"))) {
        return UNKNOWN;
      }
      return switch (System.getProperty("os.arch")) {
        case "amd64", "x86_64" -> X86_64;
        case "aarch64", "arm64" -> ARM64;
        default -> UNKNOWN;
      };
    }
  }
}
