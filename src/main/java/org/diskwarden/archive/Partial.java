package org.diskwarden.archive;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Names of work in progress: an archive or copy is written under a hidden name ending in
 * {@value #SUFFIX} and renamed into place only once it is verified, so a crash leaves nothing that
 * looks finished.
 */
public final class Partial {
  public static final String SUFFIX = ".diskwarden-partial";

  private Partial() {}

  /** The temporary name for {@code finalPath}: {@code .name.diskwarden-partial} in the same folder. */
  public static Path of(Path finalPath) {
    return finalPath.resolveSibling("." + finalPath.getFileName() + SUFFIX);
  }

  /** The temporary name for {@code name}: {@code .name.diskwarden-partial}. */
  public static String name(String name) {
    return "." + name + SUFFIX;
  }

  public static boolean is(Path p) {
    return p.getFileName() != null && p.getFileName().toString().endsWith(SUFFIX);
  }

  /** Forces a directory's entries (a rename into it) to disk. */
  public static void syncDirectory(Path dir) throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      d.force(true);
    }
  }
}
