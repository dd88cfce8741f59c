package org.diskwarden.sweep;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * {@code audit.quiet}: the offset in the current audit file up to which nothing is in flight
 * (every removal and write begun before it has its outcome before it), with the file's inode. A reader
 * looking for unfinished removals starts there instead of at byte 0, so a plan costs the same with
 * 64 MB of history as with none. Only a hint: a missing, malformed or stale mark (another inode after
 * a rotation, an offset past the end) means "read from the start", which is always right.
 */
final class QuietMark {
  private static final int MAX = 256;
  private final Path mark;

  QuietMark(Path audit) {
    // audit.quiet beside audit.jsonl: not a name the rotated files' pattern (audit.jsonl*) takes
    this.mark = audit.resolveSibling(audit.getFileName().toString().replaceFirst("\\.jsonl$", "") + ".quiet");
  }

  /** Where to start reading {@code audit}: the mark's offset when it names this file, else 0. */
  long start(Path audit) {
    try {
      long[] m = read();
      Object ino = Files.getAttribute(audit, "unix:ino", LinkOption.NOFOLLOW_LINKS);
      long size = Files.size(audit);
      if (m != null && ino instanceof Long i && i == m[0] && m[1] >= 0 && m[1] <= size) {
        return m[1];
      }
    } catch (IOException | RuntimeException e) {
      // no mark, or one that does not fit: from the start
    }
    return 0;
  }

  /** Records that nothing is in flight before {@code offset} of {@code audit}; best effort. */
  void record(Path audit, long offset) {
    try {
      Object ino = Files.getAttribute(audit, "unix:ino", LinkOption.NOFOLLOW_LINKS);
      org.diskwarden.fs.Replace.with(mark, (ino + " " + offset + "\n").getBytes(StandardCharsets.US_ASCII));
    } catch (IOException | RuntimeException e) {
      // a full disk: the next reader reads more, nothing else
    }
  }

  private long[] read() throws IOException {
    try (var in = Files.newInputStream(mark, LinkOption.NOFOLLOW_LINKS)) {
      String[] parts = new String(in.readNBytes(MAX), StandardCharsets.US_ASCII).trim().split(" ");
      return parts.length == 2 ? new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])} : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
