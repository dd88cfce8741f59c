package org.diskwarden.policy;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One {@code lstat} of a path: type, size, modification time, link count, device and identity (a
 * key equal for two links to one inode).
 *
 * <p>The public way to the link count is {@code Files.readAttributes(path, "unix:nlink,...")}, which
 * parses the attribute list and fills a map for every file: a fifth of a 200,000-file walk's time.
 * When {@code java.base/sun.nio.fs} is opened to us ({@code bin/diskwarden} does), the link count and
 * device are read from the attributes object the JDK already made; otherwise the map is used. Both
 * give the same values (StatTest).
 */
public record Stat(boolean directory, boolean regular, long size, long mtimeNanos, int links, Object device,
    Object identity) {
  private static final String ATTRIBUTES = "unix:mode,nlink,size,lastModifiedTime,dev,ino";
  private static final int TYPE = 0170000;
  private static final int DIRECTORY = 0040000;
  private static final int REGULAR = 0100000;
  private static final Class<?> UNIX_ATTRIBUTES;
  private static final MethodHandle LINKS;
  private static final MethodHandle DEVICE;
  private static final MethodHandle INODE;
  private static final MethodHandle KEY_DEVICE;

  static {
    Class<?> type = null;
    MethodHandle links = null;
    MethodHandle device = null;
    MethodHandle inode = null;
    MethodHandle keyDevice = null;
    try {
      type = Class.forName("sun.nio.fs.UnixFileAttributes");
      MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(type, MethodHandles.lookup());
      links = lookup.findVirtual(type, "nlink", MethodType.methodType(int.class))
          .asType(MethodType.methodType(int.class, Object.class));
      device = lookup.findVirtual(type, "dev", MethodType.methodType(long.class))
          .asType(MethodType.methodType(long.class, Object.class));
      Class<?> key = Class.forName("sun.nio.fs.UnixFileKey");
      MethodHandles.Lookup keys = MethodHandles.privateLookupIn(key, MethodHandles.lookup());
      inode = keys.findGetter(key, "st_ino", long.class).asType(MethodType.methodType(long.class, Object.class));
      keyDevice = keys.findGetter(key, "st_dev", long.class).asType(MethodType.methodType(long.class, Object.class));
    } catch (ReflectiveOperationException | RuntimeException e) {
      // not Linux/Unix, or the module is not opened: the attribute map is read instead
      links = null;
      device = null;
      inode = null;
      keyDevice = null;
    }
    UNIX_ATTRIBUTES = type;
    LINKS = links;
    DEVICE = device;
    INODE = inode;
    KEY_DEVICE = keyDevice;
  }

  /**
   * Whether {@code a} (the JDK's attributes, whose file key a plan records) and {@code b} (a
   * {@code statx} through a held descriptor) are of one inode on one device; false when that cannot be
   * told, and then a caller must treat the two as different files.
   */
  public static boolean sameFile(java.nio.file.attribute.BasicFileAttributes a, org.diskwarden.fs.Attrs b) {
    return sameFile(a.fileKey(), b);
  }

  /** As {@link #sameFile(java.nio.file.attribute.BasicFileAttributes, org.diskwarden.fs.Attrs)}, for a plan's file key. */
  public static boolean sameFile(Object key, org.diskwarden.fs.Attrs b) {
    if (INODE == null || key == null || !key.getClass().getName().equals("sun.nio.fs.UnixFileKey")) {
      return false;
    }
    try {
      return (long) INODE.invokeExact(key) == b.inode() && (long) KEY_DEVICE.invokeExact(key) == b.statDevice();
    } catch (Throwable e) {
      throw new IllegalStateException("reading the identity of " + key, e);
    }
  }

  /** Reads {@code path} without following a link. */
  static Stat of(Path path) throws IOException {
    return direct() ? direct(path) : mapped(path);
  }

  /** Whether the attributes object is read directly (no map per file). */
  static boolean direct() {
    return LINKS != null;
  }

  static Stat mapped(Path path) throws IOException {
    Map<String, Object> a = Files.readAttributes(path, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
    int type = (Integer) a.get("mode") & TYPE;
    return new Stat(type == DIRECTORY, type == REGULAR, (Long) a.get("size"),
        ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS), (Integer) a.get("nlink"), a.get("dev"),
        a.get("dev") + ":" + a.get("ino"));
  }

  static Stat direct(Path path) throws IOException {
    PosixFileAttributes a = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    return of(a, path);
  }

  /**
   * Reads {@code name} in the open directory {@code dir} without following a link: one
   * {@code fstatat} relative to the held descriptor (no path walked from the root again per file).
   *
   * @param path the same entry as a path, for messages and the fallback
   */
  static Stat at(SecureDirectoryStream<Path> dir, Path name, Path path) throws IOException {
    if (!direct()) {
      return mapped(path);
    }
    PosixFileAttributes a = dir.getFileAttributeView(name, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .readAttributes();
    return of(a, path);
  }

  private static Stat of(PosixFileAttributes a, Path path) throws IOException {
    if (!UNIX_ATTRIBUTES.isInstance(a)) {
      return mapped(path);
    }
    int links;
    long device;
    try {
      links = (int) LINKS.invokeExact((Object) a);
      device = (long) DEVICE.invokeExact((Object) a);
    } catch (Throwable e) {
      // plain accessors: nothing to throw but what the JVM throws anywhere
      throw new IllegalStateException("reading the attributes of " + path, e);
    }
    // the JDK's file key holds device and inode and compares by both: one key per inode
    return new Stat(a.isDirectory(), a.isRegularFile(), a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS), links,
        device, a.fileKey());
  }
}
