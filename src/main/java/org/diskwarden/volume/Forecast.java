package org.diskwarden.volume;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Where free space is heading.
 *
 * @param fillBytesPerSecond how fast free space shrinks (negative: it grows); 0 when unknown
 * @param toTrigger time until free space crosses the trigger, when it shrinks
 * @param toFull time until it reaches zero, when it shrinks
 */
public record Forecast(double fillBytesPerSecond, Optional<Duration> toTrigger, Optional<Duration> toFull) {

  public static Forecast unknown() {
    return new Forecast(0, Optional.empty(), Optional.empty());
  }

  /** The forecast for a volume with {@code free} bytes falling at {@code rate} towards {@code trigger}. */
  public static Forecast of(double rate, long free, long trigger) {
    if (!(rate > 0)) {
      return new Forecast(Double.isFinite(rate) ? rate : 0, Optional.empty(), Optional.empty());
    }
    return new Forecast(rate, Optional.of(seconds(Math.max(0, free - trigger) / rate)),
        Optional.of(seconds(free / rate)));
  }

  private static Duration seconds(double s) {
    return Duration.ofMillis((long) Math.min(s * 1000, Long.MAX_VALUE / 2.0));
  }

  /** {@code filling 2.1 GB/h, full in 30.5 h}, or empty when it is not filling. */
  public String describe() {
    if (toFull.isEmpty()) {
      return "";
    }
    return String.format(Locale.ROOT, "filling %.2f GB/h, trigger in %.1f h, full in %.1f h",
        fillBytesPerSecond * 3600 / (1L << 30), hours(toTrigger.get()), hours(toFull.get()));
  }

  public static double hours(Duration d) {
    return d.toMillis() / 3_600_000.0;
  }
}
