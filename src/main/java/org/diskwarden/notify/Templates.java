package org.diskwarden.notify;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.diskwarden.config.Size;
import org.diskwarden.fs.Names;
import org.diskwarden.sweep.Removal;
import org.diskwarden.sweep.SweepReport;
import org.diskwarden.volume.Usage;

/**
 * The message templates of {@code notifications/}: per event a subject, a plain-text and an HTML body,
 * and a Slack message ({@code cleanup.subject.txt}, {@code cleanup.txt}, {@code cleanup.html},
 * {@code cleanup.slack.json}, ...), all read and checked once at start-up.
 */
public final class Templates {
  static final List<String> KINDS = List.of("subject.txt", "txt", "html", "slack.json");
  private final Map<String, Template> byFile;

  private Templates(Map<String, Template> byFile) {
    this.byFile = byFile;
  }

  /**
   * Reads the templates of {@code events} from {@code dir}.
   *
   * @throws IllegalArgumentException naming the file (and line) that is missing or wrong
   */
  public static Templates load(Path dir, Collection<String> events) {
    Map<String, Template> byFile = new HashMap<>();
    for (String event : events) {
      for (String kind : KINDS) {
        Path file = dir.resolve(event + "." + kind);
        try {
          String text = Files.readString(file);
          if (kind.equals("subject.txt")) {
            oneLine(text, file);
          }
          byFile.put(event + "." + kind, Template.parse(text, file.toString()));
        } catch (IOException e) {
          throw new IllegalArgumentException("cannot read the notification template " + file + ": " + e.getMessage(), e);
        }
      }
    }
    return new Templates(byFile);
  }

  /** A mail refuses a subject with a line break in it: refused here, at start, with its line. */
  private static void oneLine(String text, Path file) {
    String subject = text.stripTrailing();
    int start = subject.length() - subject.stripLeading().length();
    for (int at = start; at < subject.length(); at++) {
      if (subject.charAt(at) == '\n' || subject.charAt(at) == '\r') {
        long line = 1 + subject.substring(0, at).chars().filter(c -> c == '\n').count();
        throw new IllegalArgumentException(file + ":" + line + ": a subject is one line; this one goes on after it");
      }
    }
  }

  /** A message ready for every outlet. */
  public record Message(String subject, String text, String html, String slackJson) {}

  /** Renders the event's message; {@code suppressed} is the "3 more since 14:05" note, or empty. */
  public Message render(Event event, String suppressed) {
    Map<String, String> fields = fields(event, suppressed);
    Map<String, List<Map<String, String>>> rows = Map.of(Template.LOOP, rows(event), Template.HOLDERS,
        HoldingText.rows(event));
    String key = event.type().key() + ".";
    // Every value is text for people: a name in it is escaped (Names) before the form's own escaping,
    // so it can neither add a line to the plain text nor a header to the mail.
    return new Message(
        byFile.get(key + "subject.txt").render(fields, rows, Names::escape).strip(),
        byFile.get(key + "txt").render(fields, rows, Names::escape),
        byFile.get(key + "html").render(fields, rows, v -> html(Names.escape(v))),
        byFile.get(key + "slack.json").render(fields, rows, v -> json(Names.escape(v))));
  }

  /**
   * What is sent instead when an outlet refused the message for what it says: fixed text made here
   * (no template, no name from a user's tree) with the event, its state and the free space, pointing
   * to the full text in the log.
   */
  static Message neutral(Event e, String deliveryId) {
    String host = Names.escape(e.source());
    Usage u = e.usage();
    String subject = "[diskwarden] " + host + ": " + e.type().key() + " (neutral form), " + size(u.free()) + " free";
    String text = String.format(Locale.ROOT, "diskwarden on %s has a %s event: state %s, %s free of %s (%.1f%%).%n"
        + "Its message was refused for what it says, so it comes in this neutral form without names;%n"
        + "the full text is in diskwarden.log on %s (delivery %s).%nTime: %s%n", host, e.type().key(),
        e.state().name(), size(u.free()), size(u.total()), u.freePercent(), host, deliveryId, e.time());
    return new Message(subject, text, "<!DOCTYPE html>\n<html><body><pre>" + html(text) + "</pre></body></html>\n",
        "{\"text\": \"" + json(subject + "\n" + text) + "\"}");
  }

  /** {@code 53.0 GB}: a size as people read it in a message. */
  static String size(long bytes) {
    return Size.human(bytes, 1).replaceFirst("(\\d)([A-Z])", "$1 $2");
  }

  static Map<String, String> fields(Event e, String suppressed) {
    Usage u = e.usage();
    Map<String, String> f = new LinkedHashMap<>();
    // host/watch for one watch of several: subjects read [diskwarden] host/scratch: ...
    f.put("host", e.source());
    f.put("watch", e.watch().orElse(""));
    f.put("base_dir", e.baseDir());
    f.put("time", e.time().toString());
    f.put("event", e.type().key());
    f.put("state", e.state().name());
    f.put("message", e.message());
    f.put("free", size(u.free()));
    f.put("free_bytes", Long.toString(u.free()));
    f.put("total", size(u.total()));
    f.put("total_bytes", Long.toString(u.total()));
    f.put("free_percent", String.format(Locale.ROOT, "%.1f", u.freePercent()));
    f.put("trigger", size(e.thresholds().triggerBytes(u.total())));
    f.put("trigger_bytes", Long.toString(e.thresholds().triggerBytes(u.total())));
    f.put("target", size(e.thresholds().targetBytes(u.total())));
    f.put("target_bytes", Long.toString(e.thresholds().targetBytes(u.total())));
    f.put("min_free", size(e.thresholds().minFree()));
    f.put("min_free_percent", String.format(Locale.ROOT, "%.1f", e.thresholds().minFreePercent()));
    SweepReport r = e.report().orElse(null);
    f.put("bytes_freed", size(r == null ? 0 : r.bytesFreed()));
    f.put("bytes_freed_bytes", Long.toString(r == null ? 0 : r.bytesFreed()));
    f.put("removed_count", Integer.toString(r == null ? 0 : r.removed().size()));
    f.put("failed_count", Integer.toString(r == null ? 0 : r.failed().size()));
    f.put("dry_run", r != null && r.dryRun() ? "(dry run: nothing was removed) " : "");
    f.put("suppressed", suppressed);
    f.put("holding", e.holding());
    f.put("holding_other", HoldingText.other(e));
    f.put("holding_outside", HoldingText.outside(e));
    f.put("holding_note", HoldingText.note(e));
    f.put("git_gc", r == null || r.gitGc().isEmpty() ? "" : "git gc after the sweep: " + String.join("; ", r.gitGc()));
    return f;
  }

  private static List<Map<String, String>> rows(Event e) {
    List<Map<String, String>> rows = new ArrayList<>();
    for (Removal m : e.report().map(SweepReport::removed).orElse(List.of())) {
      rows.add(Map.of("path", Names.raw(m.path()), "size", size(m.bytes()), "bytes", Long.toString(m.bytes()),
          "policy", m.policy(), "reason", m.reason(), "action", m.action().key(),
          "kept_at", m.keptAt().map(Names::raw).orElse("")));
    }
    return rows;
  }

  private static String html(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
        .replace("'", "&#39;");
  }

  private static String json(String s) {
    return new String(JsonStringEncoder.getInstance().quoteAsString(s));
  }
}
