package org.diskwarden.notify;

import java.time.Instant;
import java.util.Optional;
import org.diskwarden.volume.State;

/**
 * Where {@link Alerts} keeps the state it last told people about, so a restart (by hand, by the
 * watchdog after a kill) neither repeats a critical alert nothing changed since, nor misses the
 * recovered that happened while the agent was down.
 */
public interface AlertMemory {
  /** What was told, and when the last critical notice went out (reminders count from there). */
  record Told(State state, Instant lastCriticalNotice, boolean fillingUpSent) {}

  /** What an earlier run of this agent told, if anything. */
  Optional<Told> recall();

  /** Keeps {@code told} for the next run (best effort: a full disk must not stop the agent). */
  void remember(Told told);

  /** Nothing kept: every start begins at OK (one-off commands, tests). */
  static AlertMemory none() {
    return new AlertMemory() {
      @Override
      public Optional<Told> recall() {
        return Optional.empty();
      }

      @Override
      public void remember(Told told) {
        // forgotten
      }
    };
  }
}
