package org.diskwarden.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;

/**
 * What the audit log says is in flight: removals ({@code remove} lines, not dry runs) and writes
 * ({@code write} lines) begun and not yet ended by an {@code outcome} line, by path. Read once from the
 * {@link QuietMark} on (the point before which nothing is in flight), then followed line by line as the
 * log is written, and caught up when another process appended or rotated the file meanwhile: a plan
 * costs the same with months of history as with none. The caller (the {@link AuditLog} that owns the
 * file) holds its lock around every call.
 */
final class InFlight {
  private final Path file;
  private final ObjectMapper json = new ObjectMapper();
  private final QuietMark quiet;
  private Map<String, String> removes;
  private Map<String, String> writes;
  /** Where the current file has been read or written up to (another process may append after it). */
  private long knownEnd;
  private Object knownFile;
  /** Bytes of the audit file read so far (what a plan costs with a long history). */
  private long bytesRead;

  InFlight(Path file) {
    this.file = file;
    this.quiet = new QuietMark(file);
  }

  /**
   * Reads the file once, from its quiet mark on. A read error is logged at ERROR: crash recovery then
   * knows nothing of what a killed run left, and says so.
   */
  void load() {
    if (removes != null) {
      return;
    }
    removes = new LinkedHashMap<>();
    writes = new LinkedHashMap<>();
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    readFrom(quiet.start(file));
    if (removes.isEmpty() && writes.isEmpty() && knownEnd > 0) {
      quiet.record(file, knownEnd);
    }
  }

  /** The open lines of {@code event} ({@code remove} or {@code write}) by path. */
  Map<String, String> open(String event) {
    load();
    return Map.copyOf(event.equals("remove") ? removes : writes);
  }

  /** Every line still in flight: what a rotation carries over into the new file. */
  List<String> lines() {
    List<String> lines = new ArrayList<>(removes.values());
    lines.addAll(writes.values());
    return lines;
  }

  /**
   * Before appending to the file, now {@code start} bytes long with inode {@code ino}: learns what
   * another process appended, or re-reads a file another process rotated.
   *
   * @param rotated whether this log itself just rotated (it carried forward what is tracked)
   */
  void catchUp(long start, Object ino, boolean rotated) {
    if (!ino.equals(knownFile)) {
      knownFile = ino;
      if (rotated || knownEnd == 0 && start == 0) {
        // our own rotation or a file made just now
        knownEnd = start;
      } else {
        // rotated by another process: the in-flight lines it carried over are read like any others
        removes.clear();
        writes.clear();
        readFrom(0);
      }
    } else if (start > knownEnd) {
      // another process (a clean beside the agent) appended since: its lines count for what is in flight
      readFrom(knownEnd);
    }
  }

  /** After {@code lines} were appended and the file is {@code end} bytes long. */
  void wrote(List<String> lines, long end) {
    lines.forEach(this::track);
    knownEnd = end;
    if (removes.isEmpty() && writes.isEmpty()) {
      quiet.record(file, knownEnd);
    }
  }

  long bytesRead() {
    return bytesRead;
  }

  /** Tracks the lines of the current file from {@code offset} to its end; knownEnd is then that end. */
  private void readFrom(long offset) {
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      knownFile = Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS);
      in.position(offset);
      BufferedReader reader = new BufferedReader(Channels.newReader(in, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        track(line + "\n");
      }
      long end = in.position();
      bytesRead += end - offset;
      knownEnd = end;
    } catch (IOException | UncheckedIOException e) {
      LogManager.getLogger(AuditLog.class).error("Cannot read the audit log {}: {}; "
          + "removals a killed run began cannot be finished from it", file, e.toString());
    }
  }

  /** Follows one line: an intent or write opens its path, an outcome closes it. */
  private void track(String line) {
    try {
      var node = json.readTree(line);
      String path = node.path("path").asText();
      switch (node.path("event").asText()) {
        case "remove" -> {
          if (!node.path("dry_run").asBoolean()) {
            removes.put(path, line);
          }
        }
        case "write" -> writes.put(path, line);
        case "outcome" -> {
          removes.remove(path);
          writes.remove(path);
        }
        default -> {
          // replaced: nothing in flight
        }
      }
    } catch (IOException e) {
      // a torn line from a crash: nothing to learn from it
    }
  }
}
