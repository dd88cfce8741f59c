package org.diskwarden.agent;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.schedule.CheckSchedule;
import org.diskwarden.schedule.Lane;
import org.diskwarden.volume.Sampler;

/**
 * A watch's timing: its lane on the agent's Quartz scheduler (checks, routine git gc, and every JMX
 * operation that walks the tree, one at a time), and the sampler that asks for a check between them.
 */
final class Rounds {
  private static final Logger LOG = LogManager.getLogger(Rounds.class);

  private final String name;
  private final Optional<CheckSchedule> shared;
  private final Clock clock;
  private final AtomicBoolean checkQueued = new AtomicBoolean();
  private volatile CheckSchedule own;
  private volatile Lane lane;
  private volatile Sampler sampler;

  /**
   * @param shared the agent's scheduler when it guards several directories; empty: a scheduler of its own
   */
  Rounds(String name, Optional<CheckSchedule> shared, Clock clock) {
    this.name = name;
    this.shared = shared;
    this.clock = clock;
  }

  /**
   * Starts the checks (the first at once), the sampler and the routine git gc.
   *
   * @param stuck hears of work in the lane that runs far past its interval (where it is stuck)
   * @throws IllegalStateException when Quartz cannot start
   */
  void start(WardenConfig c, Runnable check, Runnable sample, Runnable gitGc, Consumer<String> stuck) {
    CheckSchedule schedule = shared.orElseGet(() -> own = CheckSchedule.start(clock));
    lane = schedule.lane(name, check, c.checkInterval());
    lane.onStuck(stuck);
    Duration every = c.foresight().sampleInterval();
    if (!every.isZero()) {
      sampler = new Sampler(every, sample);
    }
    c.git().schedule().ifPresent(cron -> lane.scheduleCron("git-gc", cron, gitGc));
  }

  /**
   * Stops sampling and the checks: a running one finishes its current removal first, if it does so
   * within {@code atMost}.
   *
   * @return what was still running (and where) when the wait gave up on it
   */
  List<String> stop(Duration atMost) {
    try {
      if (sampler != null) {
        sampler.close();
        sampler = null;
      }
      if (own != null) {
        return own.shutdown(atMost);
      } else if (lane != null) {
        return lane.close(atMost).stream().toList();
      }
      return List.of();
    } finally {
      own = null;
      lane = null;
    }
  }

  Optional<Lane> schedule() {
    return Optional.ofNullable(lane);
  }

  /** A check begins: a sampler may ask for the next one from now on. */
  void checkBegins() {
    checkQueued.set(false);
  }

  /** Asks for a check now, once, unless one is queued or a sweep runs. */
  void requestCheck(String why, boolean sweeping) {
    Lane l = lane;
    if (l == null || sweeping || !checkQueued.compareAndSet(false, true)) {
      return;
    }
    LOG.info("Checking now: {}", why);
    l.triggerNow();
  }

  /** Runs the check now; false when not started. */
  boolean triggerNow() {
    Lane l = lane;
    if (l == null) {
      return false;
    }
    l.triggerNow();
    return true;
  }

  void reschedule(Duration interval) {
    Lane l = lane;
    if (l != null) {
      l.reschedule(interval);
    }
  }

  /**
   * Runs {@code task} in this watch's lane (where its checks run, so never beside its sweep) and waits.
   *
   * @throws IllegalStateException when the agent is not started
   */
  <T> T onWorker(Supplier<T> task) {
    Lane l = lane;
    if (l == null) {
      throw new IllegalStateException("the agent is not started");
    }
    try {
      return l.submit(task).join();
    } catch (CompletionException e) {
      // the task's own exception, as if it had run on this thread
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }
}
