package org.diskwarden.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import org.diskwarden.config.Foresight;
import org.diskwarden.config.Thresholds;
import org.junit.jupiter.api.Test;

/** The trigger in force: raised for the next save and for what the writers put down before the sample after next. */
class ForecasterThresholdsTest {
  private static final long GB = 1L << 30;
  private static final long TOTAL = 1000 * GB;
  private static final Duration SAMPLE = Duration.ofSeconds(10);
  private final Instant t0 = Instant.parse("2026-12-01T00:00:00Z");
  private static final long MB = 1L << 20;
  private final Thresholds configured = new Thresholds(100 * MB, 0, 120 * MB, 0);
  private final Foresight headroom = new Foresight(1.5, SAMPLE, Duration.ofHours(4));

  @Test
  void nextSave_raisesTheTriggerToHeadroomTimesItsSize() {
    Forecaster f = new Forecaster();
    f.learnNextSave(20 * GB, t0);

    assertThat(f.nextSave()).isEqualTo(20 * GB);
    assertThat(f.thresholds(configured, headroom).triggerBytes(TOTAL)).isEqualTo(30 * GB);
  }

  @Test
  void steadyFill_raisesTheTriggerByTwoSamplesOfIt() {
    Forecaster f = new Forecaster();
    long rate = 50L << 20; // 50 MB/s
    for (int s = 0; s <= 120; s += 10) {
      f.record(new Usage(TOTAL, 500 * GB - rate * s, t0.plusSeconds(s)), SAMPLE);
    }

    assertThat(f.recentRate()).isCloseTo(rate, within(1.0));
    // what the writers put down before the sample after next: 2 x 10 s at 50 MB/s
    assertThat(f.thresholds(configured, headroom.withSaveHeadroom(0)).triggerBytes(TOTAL))
        .isCloseTo(20 * rate, within(20L));
  }

  @Test
  void emptyingVolume_doesNotLowerTheTriggerBelowTheSavesHeadroom() {
    Forecaster f = new Forecaster();
    f.learnNextSave(20 * GB, t0);
    for (int s = 0; s <= 120; s += 10) {
      f.record(new Usage(TOTAL, 500 * GB + (100L << 20) * s, t0.plusSeconds(s)), SAMPLE);
    }

    assertThat(f.thresholds(configured, headroom).triggerBytes(TOTAL)).isEqualTo(30 * GB);
  }

  @Test
  void aSaveThatJustStarted_showsInTheRecentRate_beforeTheFifteenMinuteFitCatchesUp() {
    Forecaster f = new Forecaster();
    long free = 500 * GB;
    int s = 0;
    for (; s <= 600; s += 10) {
      f.record(new Usage(TOTAL, free, t0.plusSeconds(s)), SAMPLE);
    }
    for (int i = 0; i < 6; i++, s += 10) {
      free -= 1L << 30; // 1 GB every 10 s
      f.record(new Usage(TOTAL, free, t0.plusSeconds(s)), SAMPLE);
    }
    Usage now = new Usage(TOTAL, free, t0.plusSeconds(s));

    assertThat(f.recentRate()).isCloseTo(GB / 10.0, within(GB / 100.0));
    assertThat(f.forecast(now, 0).fillBytesPerSecond()).isLessThan(f.recentRate() / 2);
    assertThat(f.thresholds(configured, headroom.withSaveHeadroom(0)).triggerBytes(TOTAL))
        .as("two samples at the recent rate").isCloseTo(2 * GB, within(GB / 5));
  }

  @Test
  void spaceWeFreed_isNotReadAsTheDiskEmptying() {
    Forecaster f = new Forecaster();
    long rate = 10L << 20;
    for (int s = 0; s <= 300; s += 10) {
      if (s == 150) {
        f.credit(100 * GB); // a sweep: 100 GB back at once
      }
      long freed = s >= 150 ? 100 * GB : 0;
      f.record(new Usage(TOTAL, 500 * GB - rate * s + freed, t0.plusSeconds(s)), SAMPLE);
    }
    Usage now = new Usage(TOTAL, 600 * GB - rate * 300, t0.plusSeconds(300));

    assertThat(f.forecast(now, 0).fillBytesPerSecond()).isCloseTo(rate, within(1.0));
  }

  @Test
  void rateIsKnown_onlyFromTwoReadingsApartInTime() {
    Forecaster f = new Forecaster();
    assertThat(f.rateKnown()).isFalse();
    f.record(new Usage(TOTAL, 500 * GB, t0), SAMPLE);
    f.record(new Usage(TOTAL, 499 * GB, t0), SAMPLE);
    assertThat(f.rateKnown()).as("two readings at one instant").isFalse();
    f.record(new Usage(TOTAL, 498 * GB, t0.plusSeconds(10)), SAMPLE);
    assertThat(f.rateKnown()).isTrue();
  }

  @Test
  void nextSaveSize_isStaleOnlyOnceLearntOverAnHourAgo() {
    Forecaster f = new Forecaster();
    f.learnNextSave(20 * GB, t0);

    assertThat(f.nextSaveStale(t0.plus(Duration.ofHours(1)))).isFalse();
    assertThat(f.nextSaveStale(t0.plus(Duration.ofHours(1)).plusMillis(1))).isTrue();
  }
}
