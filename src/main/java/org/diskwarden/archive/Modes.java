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

  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    for (int bit = 0; bit < ORDER.length; bit++) {
      if ((mode & (1 << bit)) != 0) {
        set.add(ORDER[bit]);
      }
    }
    return set;
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
