package org.diskwarden.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;

/**
 * The Quartz wiring: one scheduler for the whole agent with an in-memory job store and a {@link Lane}
 * per watch whose check repeats every check_interval (a missed check runs at once after a JVM pause).
 * Quartz decides when; the work runs on the lane's own thread, one at a time, so the scheduler's one
 * worker only hands jobs over and is never held by a long sweep or gc: however many watches a reload
 * adds, none waits for another.
 */
public final class CheckSchedule {
  private static final Logger LOG = LogManager.getLogger(CheckSchedule.class);
  static final String TASK = "task";
  /** How often the watchdog looks at the lanes' running work. */
  static final Duration LOOK_EVERY = Duration.ofSeconds(1);
  private final Scheduler scheduler;
  private final Clock clock;
  private final List<Lane> lanes = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService watchdog;

  private CheckSchedule(Scheduler scheduler, Clock clock) {
    this.scheduler = scheduler;
    this.clock = clock;
    this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "diskwarden-watchdog");
      t.setDaemon(true);
      return t;
    });
    watchdog.scheduleWithFixedDelay(this::look, LOOK_EVERY.toMillis(), LOOK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void look() {
    lanes.removeIf(Lane::isClosed);
    for (Lane lane : lanes) {
      try {
        lane.lookForStuckWork();
      } catch (RuntimeException e) {
        LOG.warn("The watchdog could not look at a lane: {}", e.toString());
      }
    }
  }

  /**
   * Starts a scheduler with no job until a {@link #lane} is added, and the watchdog that reports work
   * running far longer than its lane's check interval.
   *
   * @param clock what the watchdog measures running times with
   * @throws IllegalStateException when Quartz cannot start
   */
  public static CheckSchedule start(Clock clock) {
    Properties props = new Properties();
    // Unique: getScheduler() would hand back an existing scheduler of the same name.
    props.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, "diskwarden-" + UUID.randomUUID());
    // one worker: a job only hands its work to its lane (Lane#handOver) and returns
    props.setProperty("org.quartz.threadPool.threadCount", "1");
    props.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
    props.setProperty("org.quartz.scheduler.makeSchedulerThreadDaemon", "true");
    props.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
    props.setProperty("org.quartz.jobStore.misfireThreshold", "5000");
    // Quartz's own JMX export stays off: operators act through our MBean, with its audit and notifications.
    props.setProperty("org.quartz.scheduler.jmx.export", "false");
    try {
      Scheduler scheduler = new StdSchedulerFactory(props).getScheduler();
      scheduler.setJobFactory((bundle, s) -> new CheckJob((Runnable) bundle.getJobDetail().getJobDataMap().get(TASK)));
      scheduler.start();
      return new CheckSchedule(scheduler, clock);
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot start the Quartz scheduler: " + e.getMessage(), e);
    }
  }

  /**
   * One watch's work: its check now and every {@code interval}, its cron jobs and the tasks submitted
   * to it, one at a time (other watches' work runs beside it).
   */
  public Lane lane(String name, Runnable check, Duration interval) {
    Lane lane = new Lane(scheduler, name, clock);
    lane.start(check, interval);
    lanes.add(lane);
    return lane;
  }

  static Trigger trigger(TriggerKey key, JobKey job, Duration interval, Instant first) {
    return TriggerBuilder.newTrigger()
        .withIdentity(key)
        .forJob(job)
        .startAt(Date.from(first))
        .withSchedule(SimpleScheduleBuilder.simpleSchedule()
            .withIntervalInMilliseconds(interval.toMillis())
            .repeatForever()
            .withMisfireHandlingInstructionNowWithExistingCount())
        .build();
  }

  /** Stops the scheduler, waiting as long as it takes for running work to finish. */
  public void shutdown() {
    shutdown(Duration.ofNanos(Long.MAX_VALUE));
  }

  /**
   * Stops the scheduler and waits up to {@code atMost} for running work to finish. Work that is still
   * running then (stuck in a system call, say) is left to its worker thread, a daemon that does not
   * keep the JVM alive; no work starts after this returns.
   *
   * @return what still runs and where, one line per lane; empty when everything finished
   */
  public List<String> shutdown(Duration atMost) {
    List<Lane> all = List.copyOf(lanes);
    all.forEach(Lane::closed);
    try {
      scheduler.shutdown(false);
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot stop the Quartz scheduler: " + e.getMessage(), e);
    } finally {
      watchdog.shutdownNow();
    }
    long deadline = System.nanoTime() + Math.min(atMost.toNanos(), Long.MAX_VALUE / 2);
    List<String> still = new ArrayList<>();
    for (Lane lane : all) {
      lane.awaitIdle(deadline).ifPresent(still::add);
    }
    return still;
  }
}
