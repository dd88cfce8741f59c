package org.diskwarden.fs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;

/**
 * One {@code statx} of a held descriptor or of a name in a held directory, read without following a
 * link: what a decision about a file in a user's tree needs.
 *
 * @param device the device as {@code major:minor} folded into one number
 * @param mtime modification time (seconds and nanoseconds)
 * @param atime last access time (as the mount's atime option keeps it)
 */
public record Attrs(int mode, int uid, int gid, long links, long inode, long device, long size, long blocks,
    Instant mtime, Instant atime) {
  static final int SIZE = 256;
  /** The bytes of {@code struct statx} that {@link #decode} reads (up to {@code stx_dev_minor}). */
  static final int DECODED = 144;
  /** One statx buffer per thread (decoded at once): a walk or a removal stats every name it lists. */
  static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[SIZE]);
  private static final int S_IFMT = 0170000;

  /** Decodes {@code struct statx} (the same layout on every Linux architecture). */
  static Attrs decode(byte[] statx) {
    ByteBuffer b = ByteBuffer.wrap(statx).order(ByteOrder.nativeOrder());
    int nlink = b.getInt(16);
    int uid = b.getInt(20);
    int gid = b.getInt(24);
    int mode = Short.toUnsignedInt(b.getShort(28));
    long ino = b.getLong(32);
    long size = b.getLong(40);
    long blocks = b.getLong(48);
    Instant mtime = Instant.ofEpochSecond(b.getLong(112), Integer.toUnsignedLong(b.getInt(120)));
    Instant atime = Instant.ofEpochSecond(b.getLong(64), Integer.toUnsignedLong(b.getInt(72)));
    long device = (Integer.toUnsignedLong(b.getInt(136)) << 32) | Integer.toUnsignedLong(b.getInt(140));
    return new Attrs(mode, uid, gid, Integer.toUnsignedLong(nlink), ino, device, size, blocks, mtime, atime);
  }

  public boolean isDirectory() {
    return (mode & S_IFMT) == 0040000;
  }

  public boolean isRegularFile() {
    return (mode & S_IFMT) == 0100000;
  }

  public boolean isSymbolicLink() {
    return (mode & S_IFMT) == 0120000;
  }

  /** A socket: opening one never waits (the kernel refuses it with ENXIO). */
  public boolean isSocket() {
    return (mode & S_IFMT) == 0140000;
  }

  /** A FIFO, socket, character or block device. */
  public boolean isSpecial() {
    return !isDirectory() && !isRegularFile() && !isSymbolicLink();
  }

  /** The permission bits (with set-id and sticky bits). */
  public int permissions() {
    return mode & 07777;
  }

  /** The device as {@code stat(2)} reports {@code st_dev} (glibc's makedev of major and minor), as the JDK's file key holds it. */
  public long statDevice() {
    long major = device >>> 32;
    long minor = device & 0xffffffffL;
    return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8) | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
  }

  /** Same inode on the same device: the identity removal checks. */
  public boolean sameFileAs(Attrs other) {
    return inode == other.inode && device == other.device;
  }

  /** What kind of file, for messages. */
  public String kind() {
    return switch (mode & S_IFMT) {
      case 0040000 -> "directory";
      case 0100000 -> "regular file";
      case 0120000 -> "symbolic link";
      case 0010000 -> "FIFO";
      case 0140000 -> "socket";
      case 0020000 -> "character device";
      case 0060000 -> "block device";
      default -> "file of unknown type";
    };
  }
}
