package org.diskwarden.init;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import org.diskwarden.fs.Dir;
import org.diskwarden.fs.Handle;

/**
 * Writes what init proposes: each file made new under a temporary name (no-follow, create-new, its
 * mode set on the descriptor, forced to disk) and renamed into place; without {@code replace} the
 * rename never replaces an existing file, so a config is never overwritten by accident.
 */
public final class ConfigFiles {
  /** What is at a target now. */
  public enum Existing {
    /** Nothing. */
    NONE,
    /** A file with exactly the text init would write. */
    SAME,
    /** The config the distribution ships, unchanged: init may replace it without --force. */
    SAMPLE,
    /** Something else: replaced only with --force. */
    OTHER
  }

  private ConfigFiles() {}

  /** What {@code target} holds compared with {@code text} (a link or a folder there is OTHER). */
  public static Existing existing(Path target, String text) throws IOException {
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      return Existing.NONE;
    }
    if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
      return Existing.OTHER;
    }
    byte[] now = Files.readAllBytes(target);
    if (Arrays.equals(now, text.getBytes(StandardCharsets.UTF_8))) {
      return Existing.SAME;
    }
    return Arrays.equals(now, sample()) ? Existing.SAMPLE : Existing.OTHER;
  }

  /** The shipped conf/diskwarden.yml, as built into the jar. */
  static byte[] sample() throws IOException {
    try (InputStream in = ConfigFiles.class.getResourceAsStream("diskwarden.yml")) {
      return in == null ? new byte[0] : in.readAllBytes();
    }
  }

  /**
   * Writes {@code text} to {@code target} with {@code mode}; its folder is made (0755) when missing.
   *
   * @param replace replace a file that is there; otherwise a file there makes this fail, untouched
   */
  public static void write(Path target, String text, int mode, boolean replace) throws IOException {
    Path folder = target.toAbsolutePath().getParent();
    if (!Files.isDirectory(folder)) {
      Files.createDirectory(folder);
    }
    String name = target.getFileName().toString();
    String tmp = "." + name + ".diskwarden-init-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    try (Dir dir = Dir.open(folder)) {
      try (Handle h = dir.createFile(tmp, mode)) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        h.write(bytes, 0, bytes.length);
        h.chmod(mode);
        h.sync();
      }
      try {
        if (replace) {
          Files.move(folder.resolve(tmp), folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } else {
          dir.rename(tmp, dir, name);
        }
      } finally {
        Files.deleteIfExists(folder.resolve(tmp));
      }
      dir.sync();
    }
  }
}
