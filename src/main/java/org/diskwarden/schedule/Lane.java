package org.diskwarden.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.quartz.JobBuilder;
import org.quartz.JobDataMap;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;

/**
 * One watch's jobs on a shared {@link CheckSchedule}: everything it runs (the check, cron jobs, tasks
 * submitted from JMX) runs one at a time on the lane's own thread, so a preview never races that
 * watch's sweep. Quartz only decides when: its job hands the work to the lane and returns, so a Quartz
 * worker is never held while a lane is busy, no watch waits for another's long gc or sweep, and a
 * watch added by a reload needs no worker of its own. A check or cron job fired while the same one
 * already waits in the lane is not queued twice.
 */
public final class Lane {
  private static final String TASK = CheckSchedule.TASK;
  private final Scheduler scheduler;
  private final String name;
  private final String group;
  private final JobKey job;
  private final TriggerKey trigger;
  private final ReentrantLock serial = new ReentrantLock();
  private final StuckWork work;
  private final ExecutorService thread;
  /** The scheduled jobs (check, cron) waiting in the lane now: one of each at most. */
  private final Set<String> waiting = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  Lane(Scheduler scheduler, String name, Clock clock) {
    this.scheduler = scheduler;
    this.name = name;
    this.group = "watch-" + name;
    this.job = JobKey.jobKey("check", group);
    this.trigger = TriggerKey.triggerKey("check-trigger", group);
    this.work = new StuckWork(name, clock);
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "diskwarden-lane-" + name);
      // stopping does not wait for work stuck in a system call (see CheckSchedule#shutdown)
      t.setDaemon(true);
      return t;
    });
  }

  void start(Runnable check, Duration interval) {
    work.interval(interval);
    try {
      scheduler.scheduleJob(jobOf(job, check, "check"), CheckSchedule.trigger(trigger, job, interval, Instant.now()));
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot schedule the check of " + group + ": " + e.getMessage(), e);
    }
  }

  private JobDetail jobOf(JobKey key, Runnable task, String what) {
    JobDataMap data = new JobDataMap();
    data.put(TASK, (Runnable) () -> handOver(task, what));
    return JobBuilder.newJob(CheckJob.class).withIdentity(key).usingJobData(data).storeDurably().build();
  }

  /** Queues a scheduled job on the lane's thread, unless the same job already waits there. */
  private void handOver(Runnable task, String what) {
    if (closed || !waiting.add(what)) {
      return;
    }
    try {
      thread.execute(() -> {
        waiting.remove(what);
        serially(task, what);
      });
    } catch (RejectedExecutionException e) {
      waiting.remove(what); // the lane closed meanwhile
    }
  }

  /** Runs {@code task} after whatever runs in the lane now; false when the lane closed meanwhile. */
  private boolean serially(Runnable task, String what) {
    serial.lock();
    try {
      // work Quartz fired just before the lane closed does not start after it
      if (closed) {
        return false;
      }
      work.begins(what);
      try {
        task.run();
      } finally {
        work.ends();
      }
      return true;
    } finally {
      serial.unlock();
    }
  }

  /**
   * Hears, once per run, of work in this lane that has run longer than the bound ({@link StuckWork}):
   * the text names the work, how long it has run and the thread's top frames.
   */
  public void onStuck(Consumer<String> listener) {
    work.onStuck(listener);
  }

  /** Looks at the work running now (the schedule's watchdog thread calls this every second). */
  void lookForStuckWork() {
    work.look();
  }

  /** Makes the check repeat every {@code interval}, the next one {@code interval} from now. */
  public void reschedule(Duration interval) {
    work.interval(interval);
    try {
      if (scheduler.rescheduleJob(trigger, CheckSchedule.trigger(trigger, job, interval,
          Instant.now().plus(interval))) == null) {
        throw new IllegalStateException("the check of " + group + " is not scheduled");
      }
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot reschedule the check: " + e.getMessage(), e);
    }
  }

  /** Runs the check now, in addition to the schedule. */
  public void triggerNow() {
    try {
      scheduler.triggerJob(job);
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot trigger the check: " + e.getMessage(), e);
    }
  }

  /** Runs {@code task} once in this lane, after whatever runs in it now. */
  public <T> CompletableFuture<T> submit(Supplier<T> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Runnable run = () -> {
      try {
        result.complete(task.get());
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    };
    try {
      thread.execute(() -> {
        if (!serially(run, "task")) {
          result.completeExceptionally(new IllegalStateException("the agent stopped before the task ran"));
        }
      });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(new IllegalStateException("the agent stopped before the task ran"));
    }
    return result;
  }

  /** Runs {@code task} in this lane at the times of a Quartz cron expression. */
  public void scheduleCron(String name, String cron, Runnable task) {
    JobKey key = JobKey.jobKey(name, group);
    try {
      scheduler.scheduleJob(jobOf(key, task, name), TriggerBuilder.newTrigger().withIdentity(name + "-trigger", group)
          .withSchedule(org.quartz.CronScheduleBuilder.cronSchedule(cron).withMisfireHandlingInstructionDoNothing())
          .build());
    } catch (SchedulerException | RuntimeException e) {
      throw new IllegalArgumentException("cannot schedule " + name + " with '" + cron + "': " + e.getMessage(), e);
    }
  }

  public Optional<Instant> nextFire() {
    try {
      return Optional.ofNullable(scheduler.getTrigger(trigger)).map(Trigger::getNextFireTime).map(Date::toInstant);
    } catch (SchedulerException e) {
      return Optional.empty();
    }
  }

  public Optional<Duration> interval() {
    try {
      return scheduler.getTrigger(trigger) instanceof org.quartz.SimpleTrigger st
          ? Optional.of(Duration.ofMillis(st.getRepeatInterval()))
          : Optional.empty();
    } catch (SchedulerException e) {
      return Optional.empty();
    }
  }

  /**
   * Removes this lane's jobs and waits up to {@code atMost} for the one running in it, if any.
   *
   * @return what still runs (and where) when the wait gave up on it; empty when the lane is idle
   */
  public Optional<String> close(Duration atMost) {
    closed();
    try {
      scheduler.deleteJobs(new java.util.ArrayList<>(scheduler.getJobKeys(GroupMatcher.jobGroupEquals(group))));
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot remove the jobs of " + group + ": " + e.getMessage(), e);
    }
    return awaitIdle(System.nanoTime() + Math.min(atMost.toNanos(), Long.MAX_VALUE / 2));
  }

  /** Marks the lane closed: nothing starts in it from now on. */
  void closed() {
    closed = true;
    // queued work completes its futures as refused; running work finishes (or is left, when stuck)
    thread.shutdown();
  }

  /** Waits until nothing runs in the lane, or until {@code deadline} ({@link System#nanoTime()}). */
  Optional<String> awaitIdle(long deadline) {
    try {
      if (serial.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        serial.unlock();
        return Optional.empty();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Optional.of(work.describe().orElse("work of watch " + name + " that is about to end"));
  }

  boolean isClosed() {
    return closed;
  }
}
