package org.diskwarden.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import org.diskwarden.config.CleanupMode;
import org.diskwarden.policy.Candidate;

/**
 * {@code logs/audit.jsonl}: one JSON line ({@code "event":"remove"}) written and forced to disk before
 * each removal, then one line with its outcome ({@code "event":"outcome"}). A removal whose intent
 * line cannot be written does not happen.
 */
public final class AuditLog {
  private final Path file;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();

  public AuditLog(Path file, Clock clock) {
    this.file = file;
    this.clock = clock;
  }

  public Path file() {
    return file;
  }

  /**
   * Records that {@code candidate} is about to be removed.
   *
   * @throws UncheckedIOException when the line cannot be written: the caller must not remove
   */
  public void intent(Candidate candidate, CleanupMode mode, boolean dryRun) {
    ObjectNode line = json.createObjectNode()
        .put("time", clock.instant().toString())
        .put("event", "remove")
        .put("path", candidate.path().toString())
        .put("bytes", candidate.bytes())
        .put("policy", candidate.policy())
        .put("reason", candidate.reason())
        .put("mode", mode.key())
        .put("dry_run", dryRun);
    append(line);
  }

  /** Records how a removal ended: removed, failed or refused (with the error). */
  public void outcome(Removal removal, String outcome) {
    ObjectNode line = json.createObjectNode()
        .put("time", clock.instant().toString())
        .put("event", "outcome")
        .put("path", removal.path().toString())
        .put("policy", removal.policy())
        .put("outcome", outcome);
    removal.error().ifPresent(e -> line.put("error", e));
    append(line);
  }

  private synchronized void append(ObjectNode line) {
    byte[] bytes = (line.toString() + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      Files.createDirectories(file.getParent());
      try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        out.force(false);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the audit log " + file, e);
    }
  }
}
