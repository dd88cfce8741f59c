package org.diskwarden.notify;

import java.time.Instant;
import java.util.Optional;
import org.diskwarden.config.Thresholds;
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
 */
public record Event(EventType type, Instant time, String host, String baseDir, State state, Usage usage,
    Thresholds thresholds, Optional<SweepReport> report, String message) {

  /** This machine's name, as events carry it ($HOSTNAME, else localhost, when it cannot be resolved). */
  public static String localHost() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("localhost");
    }
  }
}
