package org.diskwarden.notify;

import java.time.Instant;
import java.util.Optional;
import org.diskwarden.config.EventType;
import org.diskwarden.config.Thresholds;
import org.diskwarden.policy.SpaceHolders;
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
 * @param holders for critical and cleanup: what holds the space (largest places, why each stays, the rest)
 * @param watch the watch's name when the agent guards several directories ({@code watch:})
 */
public record Event(EventType type, Instant time, String host, String baseDir, State state, Usage usage,
    Thresholds thresholds, Optional<SweepReport> report, String message, SpaceHolders holders,
    Optional<String> watch) {

  /** An event that does not name what holds the space. */
  public Event(EventType type, Instant time, String host, String baseDir, State state, Usage usage,
      Thresholds thresholds, Optional<SweepReport> report, String message) {
    this(type, time, host, baseDir, state, usage, thresholds, report, message, SpaceHolders.none(), Optional.empty());
  }

  /** {@code host} or, for one watch of several, {@code host/watch}: where the event comes from. */
  public String source() {
    return watch.map(w -> host + "/" + w).orElse(host);
  }

  /**
   * What holds the space in one line: the largest places with sizes and why each stays, then the
   * other places and what the volume holds beyond base_dir (empty when the event names none).
   */
  public String holding() {
    return HoldingText.line(this);
  }

  /**
   * This event told in {@code message} alone: no report, nothing held, so no name from a user's tree
   * (the form sent again when an outlet refused the first for what it said).
   */
  Event neutral(String message) {
    return new Event(type, time, host, baseDir, state, usage, thresholds, Optional.empty(), message, SpaceHolders.none(), watch);
  }

  /** This machine's name, as events carry it ($HOSTNAME, else localhost, when it cannot be resolved). */
  public static String localHost() {
    return org.diskwarden.volume.Host.name();
  }
}
