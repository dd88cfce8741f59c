package org.diskwarden.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.quartz.JobDataMap;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;

/**
 * The Quartz wiring: one worker thread (so two checks never run at once), an in-memory job store, and
 * a trigger that repeats every check_interval and runs a missed check at once after a JVM pause.
 */
public final class CheckSchedule {
  private static final JobKey JOB = JobKey.jobKey("check", "diskwarden");
  private static final TriggerKey TRIGGER = TriggerKey.triggerKey("check-trigger", "diskwarden");
  private static final String TASK = "task";
  private final Scheduler scheduler;

  private CheckSchedule(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  /**
   * Starts a scheduler that runs {@code check} now and every {@code interval}.
   *
   * @throws IllegalStateException when Quartz cannot start
   */
  public static CheckSchedule start(Runnable check, Duration interval) {
    Properties props = new Properties();
    // Unique: getScheduler() would hand back an existing scheduler of the same name.
    props.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, "diskwarden-" + UUID.randomUUID());
    props.setProperty("org.quartz.threadPool.threadCount", "1");
    props.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
    props.setProperty("org.quartz.scheduler.makeSchedulerThreadDaemon", "true");
    props.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
    props.setProperty("org.quartz.jobStore.misfireThreshold", "5000");
    // Quartz's own JMX export stays off: operators act through our MBean, with its audit and notifications.
    props.setProperty("org.quartz.scheduler.jmx.export", "false");
    try {
      Scheduler scheduler = new StdSchedulerFactory(props).getScheduler();
      scheduler.setJobFactory((bundle, s) -> new CheckJob(
          bundle.getJobDetail().getJobDataMap().get(TASK) instanceof Runnable task ? task : check));
      JobDetail job = JobBuilder.newJob(CheckJob.class).withIdentity(JOB).storeDurably().build();
      scheduler.scheduleJob(job, trigger(interval, Instant.now()));
      scheduler.start();
      return new CheckSchedule(scheduler);
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot start the Quartz scheduler: " + e.getMessage(), e);
    }
  }

  private static Trigger trigger(Duration interval, Instant first) {
    return TriggerBuilder.newTrigger()
        .withIdentity(TRIGGER)
        .forJob(JOB)
        .startAt(Date.from(first))
        .withSchedule(SimpleScheduleBuilder.simpleSchedule()
            .withIntervalInMilliseconds(interval.toMillis())
            .repeatForever()
            .withMisfireHandlingInstructionNowWithExistingCount())
        .build();
  }

  /**
   * Makes the check repeat every {@code interval}, the next one {@code interval} from now.
   *
   * @throws IllegalStateException when the trigger is gone (rescheduleJob reports that only as null)
   */
  public void reschedule(Duration interval) {
    try {
      Date next = scheduler.rescheduleJob(TRIGGER, trigger(interval, Instant.now().plus(interval)));
      if (next == null) {
        throw new IllegalStateException("the check trigger is not scheduled; is the agent stopped?");
      }
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot reschedule the check: " + e.getMessage(), e);
    }
  }

  /** Runs the check now on the scheduler's worker, in addition to the schedule. */
  public void triggerNow() {
    try {
      scheduler.triggerJob(JOB);
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot trigger the check: " + e.getMessage(), e);
    }
  }

  /**
   * Runs {@code task} once on the worker thread, after whatever runs there now.
   *
   * @return its result, or its exception
   */
  public <T> CompletableFuture<T> submit(Supplier<T> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Runnable run = () -> {
      try {
        result.complete(task.get());
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    };
    JobDataMap data = new JobDataMap();
    data.put(TASK, run);
    JobDetail job = JobBuilder.newJob(CheckJob.class).withIdentity("once-" + UUID.randomUUID(), "diskwarden")
        .usingJobData(data).build();
    try {
      scheduler.scheduleJob(job, TriggerBuilder.newTrigger().startNow().build());
    } catch (SchedulerException e) {
      result.completeExceptionally(new IllegalStateException("cannot run on the scheduler: " + e.getMessage(), e));
    }
    return result;
  }

  /**
   * Runs {@code task} on the worker at the times of a Quartz cron expression (routine git gc).
   *
   * @throws IllegalArgumentException for a bad expression
   */
  public void scheduleCron(String name, String cron, Runnable task) {
    JobDataMap data = new JobDataMap();
    data.put(TASK, task);
    JobDetail job = JobBuilder.newJob(CheckJob.class).withIdentity(name, "diskwarden").usingJobData(data).build();
    try {
      scheduler.scheduleJob(job, TriggerBuilder.newTrigger().withIdentity(name + "-trigger", "diskwarden")
          .withSchedule(org.quartz.CronScheduleBuilder.cronSchedule(cron)
              .withMisfireHandlingInstructionDoNothing()).build());
    } catch (SchedulerException | RuntimeException e) {
      throw new IllegalArgumentException("cannot schedule " + name + " with '" + cron + "': " + e.getMessage(), e);
    }
  }

  /** When the check fires next, if it is scheduled. */
  public Optional<Instant> nextFire() {
    try {
      Trigger t = scheduler.getTrigger(TRIGGER);
      return Optional.ofNullable(t).map(Trigger::getNextFireTime).map(Date::toInstant);
    } catch (SchedulerException e) {
      return Optional.empty();
    }
  }

  /** The repeat interval of the trigger in force. */
  public Optional<Duration> interval() {
    try {
      Trigger t = scheduler.getTrigger(TRIGGER);
      return t instanceof org.quartz.SimpleTrigger st
          ? Optional.of(Duration.ofMillis(st.getRepeatInterval()))
          : Optional.empty();
    } catch (SchedulerException e) {
      return Optional.empty();
    }
  }

  /** Stops the schedule, waiting for a running check to finish. */
  public void shutdown() {
    try {
      scheduler.shutdown(true);
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot stop the Quartz scheduler: " + e.getMessage(), e);
    }
  }
}
