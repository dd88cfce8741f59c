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
 * line cannot be written does not happen, with one exception: when the disk is full (the moment the
 * agent exists for), lines are kept in memory, in order, and written as soon as a removal made room.
 */
public final class AuditLog {
  private final Path file;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();
  private final java.util.List<String> pending = new java.util.ArrayList<>();
  private static final int PENDING_LIMIT = 100_000;
  private static final java.nio.file.attribute.FileAttribute<?> PRIVATE =
      java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
          java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));

  private final long maxSize;
  private final int keep;
  /** The log that owns the file (this one, or the one a watch's view writes through). */
  private final AuditLog owner;
  /** The watch this view writes for ({@code "watch"} field); null for the log of a single directory. */
  private final String watch;
  /** What is in flight: removals and writes begun and not yet ended (the owner's; read once, then followed). */
  private final InFlight inFlight;

  public AuditLog(Path file, Clock clock) {
    this(file, clock, org.diskwarden.config.AuditConfig.defaults());
  }

  /** @param rotation when to rotate the file and how many rotated files to keep */
  public AuditLog(Path file, Clock clock, org.diskwarden.config.AuditConfig rotation) {
    this.file = file;
    this.clock = clock;
    this.maxSize = rotation.maxSize();
    this.keep = rotation.keep();
    this.owner = this;
    this.watch = null;
    this.inFlight = new InFlight(file);
  }

  private AuditLog(AuditLog owner, String watch) {
    this.file = owner.file;
    this.clock = owner.clock;
    this.maxSize = owner.maxSize;
    this.keep = owner.keep;
    this.owner = owner;
    this.watch = watch;
    this.inFlight = owner.inFlight;
  }

  /**
   * The same log as one watch of several writes it: every line carries {@code "watch":NAME}, and what
   * is in flight is that watch's only.
   */
  public AuditLog forWatch(String name) {
    return new AuditLog(owner, name);
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
    intent(candidate, mode, dryRun, java.util.Optional.empty());
  }

  /**
   * Records that {@code candidate} is about to be removed, naming the action and, for compress and
   * move, the verified archive or copy it leaves behind.
   *
   * @throws UncheckedIOException when the line cannot be written: the caller must not remove
   */
  public void intent(Candidate candidate, CleanupMode mode, boolean dryRun, java.util.Optional<Path> keptAt) {
    ObjectNode line = json.createObjectNode()
        .put("time", clock.instant().toString())
        .put("event", "remove")
        .put("path", candidate.path().toString())
        .put("bytes", candidate.bytes())
        .put("policy", candidate.policy())
        .put("reason", candidate.reason())
        .put("action", candidate.action().key())
        .put("mode", mode.key())
        .put("dry_run", dryRun);
    keptAt.ifPresent(k -> line.put("kept_at", k.toString()));
    append(line);
  }

  /**
   * Records that a temporary archive or copy is about to be written at {@code partial}: should the
   * agent die before its outcome line, the next start finds it here and removes it.
   *
   * @throws UncheckedIOException when the line cannot be written: the caller must not write
   */
  public void write(Path partial, Candidate source) {
    append(json.createObjectNode()
        .put("time", clock.instant().toString())
        .put("event", "write")
        .put("path", partial.toString())
        .put("source", source.path().toString())
        .put("policy", source.policy())
        .put("action", source.action().key()));
  }

  /** Records how a write ended: renamed (into place) or discarded. */
  public void written(Path partial, String policy, String outcome) {
    append(json.createObjectNode()
        .put("time", clock.instant().toString())
        .put("event", "outcome")
        .put("path", partial.toString())
        .put("policy", policy)
        .put("outcome", outcome));
  }

  /**
   * Records that something planted where the agent keeps a file of its own (a link at the lock's
   * name, say) was unlinked as a name, its target untouched.
   */
  public void replaced(Path path, String what) {
    append(json.createObjectNode()
        .put("time", clock.instant().toString())
        .put("event", "replaced")
        .put("path", path.toString())
        .put("was", what));
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

  private void append(ObjectNode line) {
    if (watch != null) {
      line.put("watch", watch);
    }
    owner.appendLine(line);
  }

  private synchronized void appendLine(ObjectNode line) {
    pending.add(line.toString() + "\n");
    try {
      flushPending();
    } catch (IOException e) {
      if (!isDiskFull(e) || pending.size() > PENDING_LIMIT) {
        pending.remove(pending.size() - 1);
        throw new UncheckedIOException("cannot write the audit log " + file, e);
      }
      if (pending.size() == 1) {
        org.apache.logging.log4j.LogManager.getLogger(AuditLog.class)
            .warn("The disk is full: audit lines are kept in memory until {} can take them", file);
      }
    }
  }

  /**
   * Paths whose removal was begun (a {@code remove} line, not a dry run) and never ended (no
   * {@code outcome} line after it): what a crashed or killed agent left in flight.
   */
  public java.util.Set<Path> unfinished() {
    return unfinished("remove");
  }

  /**
   * Temporary archives and copies whose writing was begun ({@code write} line) and never ended:
   * what a killed agent left half-written.
   */
  public java.util.Set<Path> unfinishedWrites() {
    return unfinished("write");
  }

  private java.util.Set<Path> unfinished(String event) {
    java.util.Map<String, String> open = owner.open(event);
    return open.entrySet().stream().filter(e -> ours(e.getValue())).map(e -> Path.of(e.getKey()))
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  private synchronized java.util.Map<String, String> open(String event) {
    return inFlight.open(event);
  }

  /** Whether a line was written for this view's watch (a line without the field: the single directory's). */
  private boolean ours(String line) {
    try {
      var w = json.readTree(line).get("watch");
      return watch == null ? w == null : w != null && w.asText().equals(watch);
    } catch (IOException e) {
      return false;
    }
  }

  /** Bytes of the audit file this log has read (not written): bounded by the quiet mark. */
  long bytesRead() {
    return inFlight.bytesRead();
  }

  /** Writes lines held back by a full disk, if any; a no-op when the disk is still full. */
  public void flush() {
    owner.flushOwned();
  }

  private synchronized void flushOwned() {
    try {
      flushPending();
    } catch (IOException e) {
      // still full: they stay in memory, in order
    }
  }

  private void flushPending() throws IOException {
    if (pending.isEmpty()) {
      return;
    }
    inFlight.load();
    byte[] bytes = String.join("", pending).getBytes(StandardCharsets.UTF_8);
    boolean rotated = rotateIfFull(bytes.length);
    Files.createDirectories(file.getParent(), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
        java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-x---")));
    // No-follow: a link planted at the audit log's name is refused, never written through. 0640: it
    // names every path removed, and its timing is what someone racing a sweep would watch.
    try (FileChannel out = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND, java.nio.file.LinkOption.NOFOLLOW_LINKS), PRIVATE)) {
      long start = out.size();
      inFlight.catchUp(start, Files.getAttribute(file, "unix:ino", java.nio.file.LinkOption.NOFOLLOW_LINKS), rotated);
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      try {
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        out.force(false);
      } catch (IOException e) {
        // No half line stays behind to be read as garbage: the whole batch is tried again later.
        out.truncate(start);
        throw e;
      }
    }
    inFlight.wrote(pending, Files.size(file));
    pending.clear();
  }

  /** Rotates before a batch that would take the file past max_size; a failed rotation only delays it. */
  private boolean rotateIfFull(long adding) {
    try {
      long size = Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? Files.size(file) : 0;
      if (size == 0 || size + adding <= maxSize) {
        return false;
      }
      AuditRotation.rotate(file, keep, inFlight.lines());
      return true;
    } catch (IOException e) {
      org.apache.logging.log4j.LogManager.getLogger(AuditLog.class).warn(
          "Cannot rotate the audit log {} ({}); it goes on growing until it can", file, e.toString());
      return false;
    }
  }

  private static boolean isDiskFull(IOException e) {
    return String.valueOf(e.getMessage()).contains("No space left on device");
  }
}
