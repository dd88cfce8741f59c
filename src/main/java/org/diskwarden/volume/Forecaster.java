package org.diskwarden.volume;

import java.time.Duration;
import java.time.Instant;
import org.diskwarden.config.Foresight;
import org.diskwarden.config.Thresholds;

/**
 * What the agent sees coming: the fill-rate estimate, the size of the next save and what the rate
 * writes before the sample after next. From these it raises the trigger in force above the configured one.
 */
public final class Forecaster {
  /**
   * How far back the fill rate looks, and so how long a burst is remembered: a least-squares fit over
   * the samples of the last 15 minutes (as Prometheus's {@code predict_linear(free[15m])}). One write
   * and then silence reads as "not filling" once the write is older than this.
   */
  public static final Duration FORGET = Duration.ofMinutes(15);
  private static final Duration RECENT = Duration.ofMinutes(1);
  private final FillEstimator fill = new FillEstimator(FORGET);
  private volatile long nextSave;
  private volatile Instant nextSaveAt = Instant.MIN;
  private volatile long aheadBytes;

  /** The configured thresholds with the floor: save_headroom x next save + the bytes expected before the sample after next. */
  public Thresholds thresholds(Thresholds configured, Foresight foresight) {
    return configured.withFloor((long) (foresight.saveHeadroom() * nextSave) + aheadBytes);
  }

  /** A reading at a check or a sample; at a sample it also updates the bytes expected before the one after next. */
  public void record(Usage u, Duration sampleInterval) {
    fill.add(u.at(), u.free());
    double rate = Math.max(fill.fillRate(), fill.recentFillRate(RECENT));
    double twoSamples = 2 * sampleInterval.toNanos() / 1e9;
    aheadBytes = rate > 0 ? (long) (rate * twoSamples) : 0;
  }

  /** The short-term fill rate, bytes per second: a save that just started shows here first. */
  public double recentRate() {
    return Math.max(fill.fillRate(), fill.recentFillRate(RECENT));
  }

  /** Space we freed (a sweep, a git gc): not the writers' doing. */
  public void credit(long bytes) {
    fill.credit(bytes);
  }

  /** The size of the next save, learnt from a plan. */
  public void learnNextSave(long bytes, Instant at) {
    nextSave = bytes;
    nextSaveAt = at;
  }

  public long nextSave() {
    return nextSave;
  }

  /** True when the next save's size was last learnt over an hour before {@code now}. */
  public boolean nextSaveStale(Instant now) {
    return nextSaveAt.isBefore(now.minus(Duration.ofHours(1)));
  }

  /** Whether the fill rate is measured yet (two samples apart in time). */
  public boolean rateKnown() {
    return fill.known();
  }

  /** Fill rate and times to trigger and full for a volume with {@code u} at {@code trigger}. */
  public Forecast forecast(Usage u, long trigger) {
    return Forecast.of(fill.fillRate(), u.free(), trigger);
  }
}
