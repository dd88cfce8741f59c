package org.diskwarden.cli;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The agent's one way out: the stop that SIGTERM, SIGINT or the JVM's exit begins, run once, and
 * bounded by DISKWARDEN_STOP_TIMEOUT (T, passed as {@value #PROPERTY}). Running work gets T/3
 * ({@link #workWait}: a check stuck in a system call is abandoned to its daemon thread and
 * reported); when the stop as a whole has not ended after 5T/6 (something it waits on is stuck too),
 * the JVM halts with status 1, still before bin/diskwarden would send SIGKILL at T.
 */
final class Stop {
  private static final Logger LOG = LogManager.getLogger(Stop.class);
  /** The system property bin/diskwarden passes DISKWARDEN_STOP_TIMEOUT in, in seconds. */
  static final String PROPERTY = "diskwarden.stop.timeout";
  static final long DEFAULT_SECONDS = 30;
  static final long MAX_SECONDS = 86_400;

  private final Duration timeout;
  private final Runnable stop;
  private final IntConsumer halt;
  private final AtomicBoolean begun = new AtomicBoolean();
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile Thread stopping;

  /**
   * @param stop what stopping is (the agent, then what serves it)
   * @param halt ends the JVM at once with the given status ({@link #haltJvm})
   */
  Stop(Duration timeout, Runnable stop, IntConsumer halt) {
    this.timeout = timeout;
    this.stop = stop;
    this.halt = halt;
  }

  /**
   * The stop timeout a value of {@value #PROPERTY} gives (null: the default, 30 s).
   *
   * @throws IllegalArgumentException when it is not a whole number of seconds from 1 to 86400
   */
  static Duration timeout(String seconds) {
    if (seconds == null) {
      return Duration.ofSeconds(DEFAULT_SECONDS);
    }
    try {
      long s = Long.parseLong(seconds.strip());
      if (s >= 1 && s <= MAX_SECONDS) {
        return Duration.ofSeconds(s);
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new IllegalArgumentException("DISKWARDEN_STOP_TIMEOUT (" + PROPERTY + ") value was set to '" + seconds
        + "', must be a whole number of seconds from 1 to " + MAX_SECONDS);
  }

  /** How long the stop waits for running work: a third of the timeout. */
  static Duration workWait(Duration timeout) {
    return timeout.dividedBy(3);
  }

  /** When the JVM halts if the stop has not ended: five sixths of the timeout after it began. */
  Duration haltAfter() {
    return timeout.multipliedBy(5).dividedBy(6);
  }

  /** Flushes the log, then halts the JVM: no shutdown hook runs (one of them may be what is stuck). */
  static void haltJvm(int status) {
    LogManager.shutdown();
    Runtime.getRuntime().halt(status);
  }

  /** Runs the stop on this thread, once (a later call returns at once); the halt timer starts with it. */
  void begin() {
    if (!begun.compareAndSet(false, true)) {
      return;
    }
    stopping = Thread.currentThread();
    Thread timer = new Thread(this::haltUnlessDone, "diskwarden-stop-timer");
    timer.setDaemon(true);
    timer.start();
    try {
      stop.run();
    } finally {
      done.countDown();
    }
  }

  /** Waits for a stop (begun anywhere) to end. */
  void await() throws InterruptedException {
    done.await();
  }

  /** Waits for the stop to end, at most until the JVM would halt; false when it did not end. */
  boolean awaitBounded() throws InterruptedException {
    return done.await(haltAfter().toNanos(), TimeUnit.NANOSECONDS);
  }

  private void haltUnlessDone() {
    try {
      if (awaitBounded()) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Thread t = stopping;
    String frames = t == null ? "" : Arrays.stream(t.getStackTrace()).limit(12).map(StackTraceElement::toString)
        .collect(Collectors.joining(" < "));
    LOG.error("The stop did not end within {} s (DISKWARDEN_STOP_TIMEOUT {} s); halting. The stop is at: {}",
        haltAfter().toMillis() / 1000.0, timeout.toSeconds(), frames);
    halt.accept(1);
  }
}
