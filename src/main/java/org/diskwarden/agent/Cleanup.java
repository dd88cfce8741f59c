package org.diskwarden.agent;

import java.util.Optional;
import org.diskwarden.sweep.SweepReport;

/**
 * What asking for a cleanup came to: a sweep ran (its report), none was needed (free space above the
 * trigger and not forced), or another sweep of the watch was running. "Busy" is an answer, not an
 * exception: any exception out of a cleanup is a real failure and is reported as one.
 */
public sealed interface Cleanup {
  /** A sweep ran (or was simulated, in a dry run). */
  record Swept(SweepReport sweep) implements Cleanup {}

  /** Free space was above the trigger and the cleanup was not forced: nothing was planned to run. */
  record NotNeeded() implements Cleanup {}

  /** Another sweep of this watch was running; try again when it ends. */
  record Busy() implements Cleanup {}

  Cleanup NOT_NEEDED = new NotNeeded();
  Cleanup BUSY = new Busy();

  /** The sweep's report when one ran. */
  default Optional<SweepReport> report() {
    return this instanceof Swept s ? Optional.of(s.sweep()) : Optional.empty();
  }

  /**
   * The sweep's report.
   *
   * @throws IllegalStateException saying why no sweep ran
   */
  default SweepReport orElseThrow() {
    return report().orElseThrow(() -> new IllegalStateException(this instanceof Busy
        ? "a sweep is already running; try again when it ends" : "no cleanup was needed"));
  }
}
