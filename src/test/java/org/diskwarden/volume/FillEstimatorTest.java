package org.diskwarden.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The estimator on synthetic series: steady growth, bursts, our own removals, noise. */
class FillEstimatorTest {
  private static final long GB = 1L << 30;
  private final Instant t0 = Instant.parse("2026-11-28T00:00:00Z");

  @Test
  void steadyGrowth_givesItsRate_andTheTimesToTriggerAndFull() {
    FillEstimator e = new FillEstimator(Duration.ofHours(1));
    double rate = 10.0 * GB / 3600;   // 10 GB per hour
    for (int s = 0; s <= 600; s += 5) {
      e.add(t0.plusSeconds(s), (long) (500 * GB - rate * s));
    }
    assertThat(e.fillRate()).isCloseTo(rate, within(rate * 1e-6));

    long free = (long) (500 * GB - rate * 600);
    Forecast f = Forecast.of(e.fillRate(), free, 50 * GB);
    assertThat(Forecast.hours(f.toFull().orElseThrow())).isCloseTo(free / (10.0 * GB), within(0.01));
    assertThat(Forecast.hours(f.toTrigger().orElseThrow())).isCloseTo((free - 50.0 * GB) / (10.0 * GB), within(0.01));
    assertThat(f.describe()).contains("filling 10.00 GB/h");
  }

  @Test
  void ourOwnRemovals_areCreditedBack_andDoNotReadAsTheDiskEmptying() {
    FillEstimator e = new FillEstimator(Duration.ofHours(1));
    double rate = 1.0 * GB / 60;   // a save stream: 1 GB per minute
    long removed = 0;
    for (int s = 0; s <= 1200; s += 5) {
      if (s > 0 && s % 300 == 0) {
        e.credit(20 * GB);        // a sweep frees 20 GB
        removed += 20 * GB;
      }
      e.add(t0.plusSeconds(s), (long) (100 * GB - rate * s) + removed);
    }
    assertThat(e.fillRate()).isCloseTo(rate, within(rate * 1e-6));
  }

  @Test
  void bursts_ofCheckpointSaves_giveTheAverageRate_andTheRecentWindowSeesABurstFirst() {
    FillEstimator e = new FillEstimator(Duration.ofHours(1));
    long free = 800 * GB;
    for (int s = 0; s <= 3600; s += 5) {
      if (s % 600 < 60) {
        free -= 53L * GB / 12;      // a 53 GB checkpoint written over one minute, every 10 minutes
      }
      e.add(t0.plusSeconds(s), free);
    }
    double average = 53.0 * GB / 600;
    assertThat(e.fillRate()).isCloseTo(average, within(average * 0.15));

    FillEstimator burst = new FillEstimator(Duration.ofHours(1));
    long f2 = 800 * GB;
    for (int s = 0; s <= 1800; s += 5) {
      if (s > 1750) {
        f2 -= 53L * GB / 12;
      }
      burst.add(t0.plusSeconds(s), f2);
    }
    assertThat(burst.recentFillRate(Duration.ofMinutes(1))).isGreaterThan(burst.fillRate() * 5);
  }

  @Test
  void noise_aroundAFlatLine_givesARateNearZero() {
    FillEstimator e = new FillEstimator(Duration.ofHours(1));
    Random rnd = new Random(42);
    for (int s = 0; s <= 3600; s += 5) {
      e.add(t0.plusSeconds(s), 300 * GB + (long) (rnd.nextGaussian() * 50_000_000));
    }
    assertThat(Math.abs(e.fillRate()) * 3600).isLessThan(0.05 * GB);
    assertThat(Forecast.of(-1, 300 * GB, 50 * GB).toFull()).isEmpty();
  }

  @Test
  void oldSamplesLeaveTheWindow_andTooFewSamplesMeanUnknown() {
    FillEstimator e = new FillEstimator(Duration.ofMinutes(10));
    assertThat(e.fillRate()).isZero();
    for (int s = 0; s <= 3600; s += 5) {
      // fast fill for the first 50 minutes, flat for the last 10
      e.add(t0.plusSeconds(s), s < 3000 ? 500 * GB - s * 1_000_000L : 500 * GB - 3000 * 1_000_000L);
    }
    assertThat(e.size()).isLessThanOrEqualTo(122);
    assertThat(e.fillRate()).isCloseTo(0.0, within(1.0));
  }
}
