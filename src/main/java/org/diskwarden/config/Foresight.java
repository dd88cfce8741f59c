package org.diskwarden.config;

import java.time.Duration;

/**
 * Seeing a fill coming: headroom for the next save, fast sampling between checks, the prediction horizon.
 *
 * @param saveHeadroom the trigger is at least this times the newest finished entry of a keep_latest
 *     policy (the size of the next save); 0 = off
 * @param sampleInterval free space is read this often between checks; zero = off
 * @param predictHorizon a filling_up event fires when the disk is predicted full within this
 */
public record Foresight(double saveHeadroom, Duration sampleInterval, Duration predictHorizon) {

  public Foresight {
    if (!Double.isFinite(saveHeadroom) || saveHeadroom < 0 || saveHeadroom > 100) {
      throw new IllegalArgumentException("save_headroom value was set to " + saveHeadroom
          + ", must be between 0 (off) and 100");
    }
    if (sampleInterval.isNegative()) {
      throw new IllegalArgumentException("sample_interval value was set to " + sampleInterval + ", must be >= 0");
    }
    if (!sampleInterval.isZero() && sampleInterval.compareTo(Duration.ofMillis(100)) < 0) {
      throw new IllegalArgumentException("sample_interval value was set to " + Durations.format(sampleInterval)
          + ", must be 0 (off) or at least 100ms");
    }
  }

  public static Foresight defaults() {
    return new Foresight(1.5, Duration.ofSeconds(5), Duration.ofHours(4));
  }

  public Foresight withSaveHeadroom(double h) {
    return new Foresight(h, sampleInterval, predictHorizon);
  }
}
