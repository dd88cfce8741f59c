package org.diskwarden.volume;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The fill rate the agent reports everywhere (status, JMX, metrics, filling_up) forgets a burst. */
class ForecasterTest {
  private static final long MB = 1L << 20;
  private final Instant t0 = Instant.parse("2026-12-01T00:00:00Z");

  @Test
  void oneBurstThenSilence_readsAsNotFilling_onceTheBurstIsOlderThanForget() {
    Forecaster forecaster = new Forecaster();
    Duration sample = Duration.ofSeconds(10);
    long free = 200 * MB;
    long trigger = 60 * MB;
    // quiet, then one 110 MB write (the case), then nothing
    int s = 0;
    for (; s < 300; s += 10) {
      forecaster.record(new Usage(1000 * MB, free, t0.plusSeconds(s)), sample);
    }
    free -= 110 * MB;
    Instant burst = t0.plusSeconds(s);
    forecaster.record(new Usage(1000 * MB, free, burst), sample);
    s += 10;
    Forecast justAfter = null;
    Forecast beforeBound = null;
    for (; t0.plusSeconds(s).isBefore(burst.plus(Forecaster.FORGET).plusSeconds(30)); s += 10) {
      Usage u = new Usage(1000 * MB, free, t0.plusSeconds(s));
      forecaster.record(u, sample);
      Forecast f = forecaster.forecast(u, trigger);
      if (justAfter == null) {
        justAfter = f;
      }
      if (!t0.plusSeconds(s).isAfter(burst.plus(Forecaster.FORGET).minusSeconds(60))) {
        beforeBound = f;
      }
    }
    assertThat(justAfter.toFull()).as("right after the burst it is filling").isPresent();
    assertThat(beforeBound.fillBytesPerSecond()).as("still remembered a minute before the bound").isPositive();
    Usage last = new Usage(1000 * MB, free, t0.plusSeconds(s));
    forecaster.record(last, sample);
    Forecast after = forecaster.forecast(last, trigger);
    assertThat(after.toFull()).as("forgotten after FORGET").isEmpty();
    assertThat(after.fillBytesPerSecond()).isZero();
    assertThat(after.describe()).isEmpty();
  }

  @Test
  void steadyFill_staysFilling() {
    Forecaster forecaster = new Forecaster();
    for (int s = 0; s <= 3600; s += 10) {
      forecaster.record(new Usage(1000 * MB, 900 * MB - s * 100_000L, t0.plusSeconds(s)), Duration.ofSeconds(10));
    }
    Usage u = new Usage(1000 * MB, 900 * MB - 3600 * 100_000L, t0.plusSeconds(3600));
    assertThat(forecaster.forecast(u, 0).fillBytesPerSecond()).isCloseTo(100_000, org.assertj.core.data.Offset.offset(1.0));
  }
}
