package org.diskwarden.archive;

import java.nio.file.Path;

/**
 * Names of work in progress: an archive, copy or restored entry is made inside a private
 * {@link Room} with a hidden name ending in {@value #SUFFIX} and renamed out into place only once it
 * is complete (and verified), so a crash leaves nothing that looks finished.
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
}
