package org.diskwarden.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What the fit needs before it gives a rate, and how much it remembers. */
class FillEstimatorLimitsTest {
  private final Instant t0 = Instant.parse("2026-12-01T00:00:00Z");

  @Test
  void twoSamples_giveNoRate_threeInALineGiveIt() {
    FillEstimator e = new FillEstimator(Duration.ofHours(1));
    e.add(t0, 1000);
    e.add(t0.plusSeconds(10), 900);
    assertThat(e.fillRate()).isZero();

    e.add(t0.plusSeconds(20), 800);
    assertThat(e.fillRate()).isCloseTo(10.0, within(1e-9));
  }

  @Test
  void rateIsKnown_fromTheSecondSampleApartInTime() {
    FillEstimator e = new FillEstimator(Duration.ofHours(1));
    e.add(t0, 1000);
    assertThat(e.known()).isFalse();
    e.add(t0.plusSeconds(10), 900);
    assertThat(e.known()).isTrue();
  }

  @Test
  void memory_isBoundedTo4096Samples_evenWithinTheWindow() {
    FillEstimator e = new FillEstimator(Duration.ofHours(1));
    for (int i = 0; i < 5000; i++) {
      e.add(t0.plusMillis(i), 1_000_000 - i);
    }
    assertThat(e.size()).isEqualTo(4096);
    assertThat(e.fillRate()).isCloseTo(1000.0, within(1e-3));
  }

  @Test
  void samplesOlderThanTheWindow_areForgotten() {
    FillEstimator e = new FillEstimator(Duration.ofMinutes(1));
    for (int s = 0; s <= 120; s += 10) {
      e.add(t0.plusSeconds(s), 1000);
    }
    assertThat(e.size()).isEqualTo(7);
  }
}
