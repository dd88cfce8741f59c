package org.diskwarden.volume;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Reads free space every sample_interval between checks (one statvfs, nothing else) on a thread of
 * its own, so a save that fills the disk in a minute is seen in seconds, not at the next check.
 */
public final class Sampler implements AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(Sampler.class);
  private final ScheduledExecutorService timer;

  public Sampler(Duration interval, Runnable tick) {
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "diskwarden-sampler");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(() -> {
      try {
        tick.run();
      } catch (RuntimeException e) {
        // A failed sample is one missing point in the fit; the next one comes on time.
        LOG.warn("Sampling free space failed: {}", e.toString());
      }
    }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
