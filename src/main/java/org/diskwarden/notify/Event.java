package org.diskwarden.notify;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.diskwarden.config.EventType;
import org.diskwarden.config.Thresholds;
import org.diskwarden.fs.Names;
import org.diskwarden.policy.Held;
import org.diskwarden.sweep.SweepReport;
import org.diskwarden.volume.State;
import org.diskwarden.volume.Usage;

/**
 * One thing worth telling people, the single model every outlet (JMX, email, webhooks) renders.
 *
 * @param type what happened
 * @param time when
 * @param host the machine's name
 * @param baseDir the watched directory
 * @param state the state at that time
 * @param usage the volume at that time
 * @param thresholds the thresholds in force
 * @param report for cleanup: the sweep's report
 * @param message one line for people
 * @param held what the plan kept or held, largest first in {@link #holding()}
 * @param watch the watch's name when the agent guards several directories ({@code watch:})
 */
public record Event(EventType type, Instant time, String host, String baseDir, State state, Usage usage,
    Thresholds thresholds, Optional<SweepReport> report, String message, List<Held> held, Optional<String> watch) {

  public Event {
    held = List.copyOf(held);
  }

  /** An event whose held entries are the report's, if any. */
  public Event(EventType type, Instant time, String host, String baseDir, State state, Usage usage,
      Thresholds thresholds, Optional<SweepReport> report, String message) {
    this(type, time, host, baseDir, state, usage, thresholds, report, message,
        report.map(SweepReport::held).orElse(List.of()), Optional.empty());
  }

  /** {@code host} or, for one watch of several, {@code host/watch}: where the event comes from. */
  public String source() {
    return watch.map(w -> host + "/" + w).orElse(host);
  }

  /**
   * What holds the space: the five largest entries the policies keep or hold, with sizes and why,
   * and what no policy covers (used space minus every entry the policies measured).
   */
  public String holding() {
    if (held.isEmpty()) {
      return "";
    }
    List<Held> largest = held.stream().filter(h -> h.bytes() > 0)
        .sorted(java.util.Comparator.comparingLong(Held::bytes).reversed()).limit(5).toList();
    long measured = held.stream().mapToLong(Held::bytes).sum();
    long other = Math.max(0, usage.used() - measured);
    StringBuilder out = new StringBuilder();
    for (Held h : largest) {
      out.append(Names.raw(h.path())).append(' ').append(org.diskwarden.config.Size.human(h.bytes(), 1)).append(" (")
          .append(h.reason()).append("); ");
    }
    return out.append("other, no policy covers it: ").append(org.diskwarden.config.Size.human(other, 1)).toString();
  }

  /**
   * This event told in {@code message} alone: no report, nothing held, so no name from a user's tree
   * (the form sent again when an outlet refused the first for what it said).
   */
  Event neutral(String message) {
    return new Event(type, time, host, baseDir, state, usage, thresholds, Optional.empty(), message, List.of(), watch);
  }

  /** This machine's name, as events carry it ($HOSTNAME, else localhost, when it cannot be resolved). */
  public static String localHost() {
    return org.diskwarden.volume.Host.name();
  }
}
