package org.diskwarden.agent;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.schedule.CheckSchedule;
import org.diskwarden.volume.Sampler;

/**
 * The agent's timing: the Quartz schedule with its one worker (checks, routine git gc, and every JMX
 * operation that walks the tree), and the sampler that asks for a check between them.
 */
final class Rounds {
  private static final Logger LOG = LogManager.getLogger(Rounds.class);

  private final AtomicBoolean checkQueued = new AtomicBoolean();
  private volatile CheckSchedule schedule;
  private volatile Sampler sampler;

  /**
   * Starts the schedule (the first check runs at once), the sampler and the routine git gc.
   *
   * @throws IllegalStateException when Quartz cannot start
   */
  void start(WardenConfig c, Runnable check, Runnable sample, Runnable gitGc) {
    schedule = CheckSchedule.start(check, c.checkInterval());
    Duration every = c.foresight().sampleInterval();
    if (!every.isZero()) {
      sampler = new Sampler(every, sample);
    }
    c.git().schedule().ifPresent(cron -> schedule.scheduleCron("git-gc", cron, gitGc));
  }

  /** Stops sampling and the schedule (a running check finishes its current removal first). */
  void stop() {
    try {
      if (sampler != null) {
        sampler.close();
        sampler = null;
      }
      if (schedule != null) {
        schedule.shutdown();
      }
    } finally {
      schedule = null;
    }
  }

  Optional<CheckSchedule> schedule() {
    return Optional.ofNullable(schedule);
  }

  /** A check begins: a sampler may ask for the next one from now on. */
  void checkBegins() {
    checkQueued.set(false);
  }

  /** Asks for a check now, once, unless one is queued or a sweep runs. */
  void requestCheck(String why, boolean sweeping) {
    CheckSchedule s = schedule;
    if (s == null || sweeping || !checkQueued.compareAndSet(false, true)) {
      return;
    }
    LOG.info("Checking now: {}", why);
    s.triggerNow();
  }

  /** Runs the check on the worker now; false when not started. */
  boolean triggerNow() {
    CheckSchedule s = schedule;
    if (s == null) {
      return false;
    }
    s.triggerNow();
    return true;
  }

  void reschedule(Duration interval) {
    CheckSchedule s = schedule;
    if (s != null) {
      s.reschedule(interval);
    }
  }

  /**
   * Runs {@code task} on the worker (where checks run, so never beside a sweep) and waits for it.
   *
   * @throws IllegalStateException when the agent is not started
   */
  <T> T onWorker(Supplier<T> task) {
    CheckSchedule s = schedule;
    if (s == null) {
      throw new IllegalStateException("the agent is not started");
    }
    try {
      return s.submit(task).join();
    } catch (CompletionException e) {
      // the task's own exception, as if it had run on this thread
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }
}
