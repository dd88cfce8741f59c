package org.diskwarden.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Properties;
import java.util.UUID;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;

/**
 * The Quartz wiring: one scheduler for the whole agent with an in-memory job store, a worker per
 * watched directory, and a {@link Lane} per watch whose check repeats every check_interval (a missed
 * check runs at once after a JVM pause). A lane's work runs one at a time.
 */
public final class CheckSchedule {
  static final String TASK = "task";
  private final Scheduler scheduler;

  private CheckSchedule(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  /**
   * Starts a scheduler with {@code threads} workers and no job until a {@link #lane} is added.
   *
   * @throws IllegalStateException when Quartz cannot start
   */
  public static CheckSchedule start(int threads) {
    Properties props = new Properties();
    // Unique: getScheduler() would hand back an existing scheduler of the same name.
    props.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, "diskwarden-" + UUID.randomUUID());
    props.setProperty("org.quartz.threadPool.threadCount", Integer.toString(Math.max(1, threads)));
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
      return new CheckSchedule(scheduler);
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot start the Quartz scheduler: " + e.getMessage(), e);
    }
  }

  /**
   * One watch's work: its check now and every {@code interval}, its cron jobs and the tasks submitted
   * to it, one at a time (other watches' work runs beside it).
   */
  public Lane lane(String name, Runnable check, Duration interval) {
    Lane lane = new Lane(scheduler, name);
    lane.start(check, interval);
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

  /** Stops the scheduler, waiting for running work to finish. */
  public void shutdown() {
    try {
      scheduler.shutdown(true);
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot stop the Quartz scheduler: " + e.getMessage(), e);
    }
  }
}
