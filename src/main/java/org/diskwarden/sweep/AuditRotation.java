package org.diskwarden.sweep;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collection;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

/**
 * Rotates {@code audit.jsonl}: {@code audit.jsonl.N.gz} move up one (the one beyond {@code keep}
 * goes), the current file is gzipped to {@code audit.jsonl.1.gz}, and a new current file begins with
 * the lines of removals and writes still in flight, so crash recovery reads the current file only.
 * Each step leaves a complete log behind: the current file is replaced by one atomic rename, last.
 */
final class AuditRotation {
  private static final FileAttribute<?> PRIVATE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----"));

  private AuditRotation() {}

  static Path rolled(Path file, int n) {
    return file.resolveSibling(file.getFileName() + "." + n + ".gz");
  }

  static void rotate(Path file, int keep, Collection<String> inFlight) throws IOException {
    Files.deleteIfExists(rolled(file, keep));
    for (int n = keep - 1; n >= 1; n--) {
      if (Files.exists(rolled(file, n), LinkOption.NOFOLLOW_LINKS)) {
        Files.move(rolled(file, n), rolled(file, n + 1), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Path gz = file.resolveSibling(file.getFileName() + ".1.gz.tmp");
    Files.deleteIfExists(gz);
    try (FileChannel out = create(gz);
        OutputStream zip = new GZIPOutputStream(Channels.newOutputStream(out), 1 << 16)) {
      Files.copy(file, zip);
      zip.flush();
    }
    Files.move(gz, rolled(file, 1), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Path next = file.resolveSibling(file.getFileName() + ".new");
    Files.deleteIfExists(next);
    try (FileChannel out = create(next)) {
      out.write(java.nio.ByteBuffer.wrap(String.join("", inFlight).getBytes(StandardCharsets.UTF_8)));
      out.force(true);
    }
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static FileChannel create(Path p) throws IOException {
    return FileChannel.open(p, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS), PRIVATE);
  }
}
