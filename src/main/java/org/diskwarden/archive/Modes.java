package org.diskwarden.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** Unix permission bits and owner ids, between NIO's types and a tar header's numbers. */
final class Modes {
  /** Whether the agent runs as root: only then are owners given to what it makes. */
  static final boolean ROOT = "root".equals(System.getProperty("user.name"));

  private static final PosixFilePermission[] ORDER = {
    PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
    PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
    PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
  };

  private Modes() {}

  static int of(Set<PosixFilePermission> permissions) {
    int mode = 0;
    for (int bit = 0; bit < ORDER.length; bit++) {
      if (permissions.contains(ORDER[bit])) {
        mode |= 1 << bit;
      }
    }
    return mode;
  }

  /** The permission bits of {@code attrs}; 0 where the platform has none (and for a link). */
  static int of(java.nio.file.attribute.BasicFileAttributes attrs) {
    return attrs instanceof java.nio.file.attribute.PosixFileAttributes posix && !attrs.isSymbolicLink()
        ? of(posix.permissions()) : 0;
  }

  /** A file that holds an entry's data is no wider than the entry: its read/write bits, never execute. */
  static Set<PosixFilePermission> forArchiveOf(java.nio.file.attribute.BasicFileAttributes entry) {
    int bits = entry instanceof java.nio.file.attribute.PosixFileAttributes posix ? of(posix.permissions()) : 0600;
    return permissions(bits & 0666);
  }

  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    for (int bit = 0; bit < ORDER.length; bit++) {
      if ((mode & (1 << bit)) != 0) {
        set.add(ORDER[bit]);
      }
    }
    return set;
  }

  /** Gives {@code p} (not following a link) these owner ids; as another user than root it cannot, and stays ours. */
  static void own(Path p, int[] ids) {
    try {
      Files.setAttribute(p, "unix:uid", ids[0], LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(p, "unix:gid", ids[1], LinkOption.NOFOLLOW_LINKS);
    } catch (IOException | UnsupportedOperationException e) {
      // not root: the file belongs to the agent's user, which is what it can give
    }
  }

  /** Owner-only bits for a file or directory while it is written; its own are set once it is complete. */
  static java.nio.file.attribute.FileAttribute<Set<PosixFilePermission>> privateWhileWritten(boolean directory) {
    return java.nio.file.attribute.PosixFilePermissions.asFileAttribute(permissions(directory ? 0700 : 0600));
  }

  /** {uid, gid} of {@code p} (not following a link), or empty where the platform has none. */
  static Optional<int[]> ids(Path p) {
    try {
      int uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      int gid = (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
      return Optional.of(new int[] {uid, gid});
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
