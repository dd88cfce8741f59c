package org.diskwarden.volume;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.function.LongSupplier;

/**
 * The time ages are judged by: the wall clock, but never further ahead than the monotonic clock has
 * run since the agent started. A wall clock stepped forward by a year (a bad NTP server, a BIOS clock)
 * would otherwise make every log "older than max_age" and every save "older than min_age" at once;
 * stepped back, entries look younger, which only keeps more.
 */
public final class SteadyClock extends Clock {
  private final Clock wall;
  private final LongSupplier nanos;
  private Instant anchorWall;
  private long anchorNanos;

  public SteadyClock(Clock wall, LongSupplier nanos) {
    this.wall = wall;
    this.nanos = nanos;
    this.anchorWall = wall.instant();
    this.anchorNanos = nanos.getAsLong();
  }

  @Override
  public synchronized Instant instant() {
    Instant w = wall.instant();
    long n = nanos.getAsLong();
    Instant steady = anchorWall.plusNanos(n - anchorNanos);
    if (w.isBefore(steady)) {
      // The wall clock went back (or ran slow): follow it, and measure from here.
      anchorWall = w;
      anchorNanos = n;
      return w;
    }
    if (Duration.between(steady, w).compareTo(Duration.ofMinutes(5)) > 0) {
      return steady;
    }
    return w;
  }

  /** How far the wall clock is ahead of the time ages are judged by. */
  public synchronized Duration aheadBy() {
    return Duration.between(instant(), wall.instant());
  }

  @Override
  public ZoneId getZone() {
    return wall.getZone();
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
