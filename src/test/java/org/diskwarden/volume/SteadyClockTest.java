package org.diskwarden.volume;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.diskwarden.MutableClock;
import org.junit.jupiter.api.Test;

/** Ages are judged by a clock that follows the wall clock, except when the wall clock leaps ahead. */
class SteadyClockTest {
  private static final Instant START = Instant.parse("2026-12-01T00:00:00Z");
  // the monotonic clock of a machine that has been up a while: never zero at the agent's start
  private final AtomicLong nanos = new AtomicLong(Duration.ofDays(3).toNanos());
  private final MutableClock wall = new MutableClock(START);
  private final SteadyClock clock = new SteadyClock(wall, nanos::get);

  @Test
  void wallSteppedAheadByAYear_agesAreJudgedByTheTimeThatReallyPassed() {
    run(Duration.ofHours(2));
    wall.advance(Duration.ofDays(365));

    assertThat(clock.instant()).isEqualTo(START.plus(Duration.ofHours(2)));
    assertThat(clock.aheadBy()).isEqualTo(Duration.ofDays(365));
  }

  @Test
  void wallAheadByFiveMinutesExactly_isStillTrusted() {
    run(Duration.ofHours(1));
    wall.advance(Duration.ofMinutes(5));

    assertThat(clock.instant()).isEqualTo(START.plus(Duration.ofMinutes(65)));
    assertThat(clock.aheadBy()).isZero();
  }

  @Test
  void wallAheadByMoreThanFiveMinutes_isNotTrusted() {
    run(Duration.ofHours(1));
    wall.advance(Duration.ofMinutes(5).plusMillis(1));

    assertThat(clock.instant()).isEqualTo(START.plus(Duration.ofHours(1)));
  }

  @Test
  void wallSteppedBack_isFollowed_andLaterTimeIsMeasuredFromThere() {
    run(Duration.ofHours(1));
    wall.advance(Duration.ofHours(-25));
    assertThat(clock.instant()).as("stepped back: entries look younger, which only keeps more")
        .isEqualTo(START.minus(Duration.ofDays(1)));

    run(Duration.ofMinutes(30));
    wall.advance(Duration.ofDays(30));
    assertThat(clock.instant()).as("measured from the step back, not from the start")
        .isEqualTo(START.minus(Duration.ofDays(1)).plus(Duration.ofMinutes(30)));
  }

  @Test
  void zone_isTheWallClocks_andStaysSteadyInAnotherZone() {
    assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
    Clock zoned = clock.withZone(ZoneId.of("Europe/Berlin"));
    run(Duration.ofMinutes(10));
    wall.advance(Duration.ofDays(365));

    assertThat(zoned.instant()).isEqualTo(START.plus(Duration.ofMinutes(10)));
  }

  /** Both clocks run on by {@code d}, as they do on a healthy machine. */
  private void run(Duration d) {
    nanos.addAndGet(d.toNanos());
    wall.advance(d);
  }
}
