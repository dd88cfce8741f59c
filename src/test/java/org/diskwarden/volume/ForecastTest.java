package org.diskwarden.volume;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Times to trigger and to full are given only for a volume that is filling. */
class ForecastTest {
  private static final long GB = 1L << 30;

  @Test
  void filling_timesToTriggerAndFull() {
    Forecast f = Forecast.of(GB / 3600.0, 20 * GB, 10 * GB);

    assertThat(f.toTrigger()).contains(Duration.ofHours(10));
    assertThat(f.toFull()).contains(Duration.ofHours(20));
  }

  @Test
  void alreadyBelowTheTrigger_triggerIsNow() {
    assertThat(Forecast.of(GB / 3600.0, 5 * GB, 10 * GB).toTrigger()).contains(Duration.ZERO);
  }

  @Test
  void notFilling_orEmptying_orUnknown_hasNoTimes_andSaysNothing() {
    for (double rate : new double[] {0, -GB, Double.NaN}) {
      Forecast f = Forecast.of(rate, 20 * GB, 10 * GB);
      assertThat(f.toFull()).as("rate %s", rate).isEmpty();
      assertThat(f.toTrigger()).as("rate %s", rate).isEmpty();
      assertThat(f.describe()).isEmpty();
    }
    assertThat(Forecast.of(-GB, 20 * GB, 10 * GB).fillBytesPerSecond()).as("emptying is reported").isEqualTo(-GB);
    assertThat(Forecast.of(Double.NaN, 20 * GB, 10 * GB).fillBytesPerSecond()).isZero();
    assertThat(Forecast.unknown()).isEqualTo(new Forecast(0, java.util.Optional.empty(), java.util.Optional.empty()));
  }
}
