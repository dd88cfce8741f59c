package org.diskwarden.volume;

/** How the volume stands against the thresholds. */
public enum State {
  /** Free space at or above the trigger. */
  OK(0),
  /** Below the trigger, and what the policies allow can bring it back. */
  LOW(1),
  /** Below the trigger, and all that the policies allow cannot bring it back (or a sweep ended still below it). */
  CRITICAL(2);

  private final int exitCode;

  State(int exitCode) {
    this.exitCode = exitCode;
  }

  /** Exit status of {@code bin/diskwarden check}: the Nagios plugin convention (OK 0, WARNING 1, CRITICAL 2). */
  public int exitCode() {
    return exitCode;
  }
}
