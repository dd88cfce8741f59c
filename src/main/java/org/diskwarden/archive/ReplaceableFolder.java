package org.diskwarden.archive;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.diskwarden.fs.Attrs;
import org.diskwarden.fs.Dir;
import org.diskwarden.fs.Names;

/**
 * Finds a folder others may replace (writable by others and not sticky) on the way to where a
 * {@link Room} would be made. In such a folder anyone may rename the folders below it away and put
 * their own in place, so the room's folder would not be the one the agent judged: compress, move and
 * restore are refused there, and base_dir itself being one is said at start and in check and plan.
 * A sticky folder ({@code /tmp}'s 1777) lets each user rename only their own names, and is allowed.
 */
public final class ReplaceableFolder {
  private static final int OTHERS_WRITE = 0002;
  private static final int STICKY = 01000;

  private ReplaceableFolder() {}

  /** The warning for {@code baseDir} when others may replace what is in it; empty otherwise (or unreadable). */
  public static Optional<String> warning(Path baseDir) {
    try (Dir base = Dir.open(baseDir)) {
      return replaceable(base.self()).map(mode -> "base_dir " + Names.of(baseDir) + " is writable by others and not "
          + "sticky (mode " + mode + "): compress, move and restore are refused there, since anyone may replace "
          + "the folders a workroom would sit in (chmod o-w or +t to allow them)");
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The first folder from {@code top} down to {@code folder} (both included; {@code folder} at or
   * below {@code top}) that others may replace, said as the reason a room is not made there; empty
   * when there is none. Reached one no-follow name at a time below {@code top} (the operator's path).
   *
   * @throws IOException when a folder on the way cannot be opened: then nothing is made either
   */
  public static Optional<String> on(Path top, Path folder) throws IOException {
    if (!folder.startsWith(top)) {
      throw new IllegalArgumentException(folder + " is not at or below " + top);
    }
    Dir at = Dir.open(top);
    try {
      Path reached = top;
      Optional<String> mode = replaceable(at.self());
      for (Path name : top.relativize(folder)) {
        if (mode.isPresent() || name.toString().isEmpty()) {
          break;
        }
        Dir next = at.dir(name.toString());
        at.close();
        at = next;
        reached = reached.resolve(name);
        mode = replaceable(at.self());
      }
      Path where = reached;
      return mode.map(m -> Names.of(where) + " is writable by others and not sticky (mode " + m
          + "): anyone may replace the folder a workroom would sit in");
    } finally {
      at.close();
    }
  }

  /** The mode in octal when {@code a} is a folder others may replace. */
  private static Optional<String> replaceable(Attrs a) {
    int bits = a.permissions();
    return (bits & OTHERS_WRITE) != 0 && (bits & STICKY) == 0 ? Optional.of(String.format("%04o", bits))
        : Optional.empty();
  }
}
