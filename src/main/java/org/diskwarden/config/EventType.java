package org.diskwarden.config;

import java.util.Locale;

/** What happened; the names are those of the config's {@code notify.events}. */
public enum EventType implements Keyed {
  /** A sweep removed something (or would have, in dry run). */
  CLEANUP,
  /** The state became CRITICAL. */
  CRITICAL,
  /** Still CRITICAL after the reminder period. */
  CRITICAL_REMINDER,
  /** Back to OK after LOW or CRITICAL. */
  RECOVERED,
  /** A removal, git gc or config reload failed. */
  FAILURE,
  /** At the measured fill rate the disk is predicted full within predict_horizon. */
  FILLING_UP,
  /** The agent started. */
  STARTED,
  /** The agent stopped. */
  STOPPED;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The event named {@code key}, if any. */
  public static java.util.Optional<EventType> fromKey(String key) {
    return Keyed.find(EventType.class, key);
  }
}
