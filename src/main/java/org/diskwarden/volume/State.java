package org.diskwarden.volume;

/** How the volume stands against the thresholds. */
public enum State {
  /** Free space at or above the trigger. */
  OK,
  /** Below the trigger, and what the policies allow can bring it back. */
  LOW,
  /** Below the trigger, and all that the policies allow cannot bring it back (or a sweep ended still below it). */
  CRITICAL;

  /** Exit status of {@code bin/diskwarden check}: the Nagios plugin convention. */
  public int exitCode() {
    return ordinal();
  }
}
