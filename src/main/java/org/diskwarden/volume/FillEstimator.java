package org.diskwarden.volume;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A ring of free-space samples and a least-squares fit of how fast free space shrinks. Space our own
 * removals freed is credited back, so a sweep's jump does not read as the disk "emptying": the fit
 * sees the writers' curve alone.
 */
public final class FillEstimator {
  private static final int CAPACITY = 4096;

  private record Sample(Instant at, long adjustedFree) {}

  private final Duration window;
  private final Deque<Sample> samples = new ArrayDeque<>();
  private long credited;

  /**
   * @param window how far back the fit looks
   */
  public FillEstimator(Duration window) {
    this.window = window;
  }

  /** Adds one reading of free space. */
  public synchronized void add(Instant at, long free) {
    samples.addLast(new Sample(at, free - credited));
    while (samples.size() > CAPACITY
        || (!samples.isEmpty() && samples.peekFirst().at().isBefore(at.minus(window)))) {
      samples.removeFirst();
    }
  }

  /** Tells the estimator that we freed {@code bytes} (a sweep, a git gc): not the writers' doing. */
  public synchronized void credit(long bytes) {
    if (bytes > 0) {
      credited += bytes;
    }
  }

  /** Fill rate over the whole window, bytes per second (negative when free space grows); 0 when unknown. */
  public synchronized double fillRate() {
    return fit(Instant.MIN);
  }

  /** Whether there are samples enough (two, apart in time) for a rate at all. */
  public synchronized boolean known() {
    return samples.size() >= 2 && samples.peekFirst().at().isBefore(samples.peekLast().at());
  }

  /** Fill rate over the last {@code recent} only: a save that just started shows here first. */
  public synchronized double recentFillRate(Duration recent) {
    return samples.isEmpty() ? 0 : fit(samples.peekLast().at().minus(recent));
  }

  private double fit(Instant from) {
    int n = 0;
    double sumT = 0;
    double sumF = 0;
    double sumTT = 0;
    double sumTF = 0;
    Instant origin = null;
    long originFree = 0;
    for (Sample s : samples) {
      if (s.at().isBefore(from)) {
        continue;
      }
      if (origin == null) {
        origin = s.at();
        originFree = s.adjustedFree();
      }
      // relative to the first sample, so terabyte volumes keep their precision in the sums
      double t = Duration.between(origin, s.at()).toNanos() / 1e9;
      double f = s.adjustedFree() - originFree;
      n++;
      sumT += t;
      sumF += f;
      sumTT += t * t;
      sumTF += t * f;
    }
    double denominator = n * sumTT - sumT * sumT;
    if (n < 3 || denominator <= 1e-9) {
      return 0;
    }
    double slope = (n * sumTF - sumT * sumF) / denominator;
    return -slope;
  }

  public synchronized int size() {
    return samples.size();
  }
}
