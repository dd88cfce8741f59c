package org.diskwarden;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diskwarden.config.Size;
import org.diskwarden.config.Thresholds;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.schedule.CheckSchedule;
import org.diskwarden.sweep.AuditLog;
import org.diskwarden.sweep.Plan;
import org.diskwarden.sweep.Planner;
import org.diskwarden.sweep.SweepReport;
import org.diskwarden.sweep.Sweeper;
import org.diskwarden.volume.State;
import org.diskwarden.volume.Usage;
import org.diskwarden.volume.Volume;

/**
 * One agent watching one base_dir: reads the volume, plans and sweeps when free space runs low, and
 * (once started) does so on a Quartz schedule. The configuration in force is an immutable record
 * swapped atomically; every check reads it once when it begins.
 */
public final class DiskWarden {
  private static final Logger LOG = LogManager.getLogger(DiskWarden.class);

  private final AtomicReference<WardenConfig> config;
  private final Clock clock;
  private final Volume volume;
  private final AuditLog audit;
  private final ReentrantLock sweeping = new ReentrantLock();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean stopping;
  private volatile CheckSchedule schedule;
  private BaseDirLock lock;

  private final AtomicReference<Usage> lastUsage = new AtomicReference<>();
  private final AtomicReference<State> state = new AtomicReference<>(State.OK);
  private final AtomicReference<SweepReport> lastCleanup = new AtomicReference<>();
  private final AtomicReference<Plan> lastPlan = new AtomicReference<>();
  private final AtomicLong cleanupCount = new AtomicLong();
  private final AtomicLong bytesFreedTotal = new AtomicLong();
  private final AtomicLong removalFailures = new AtomicLong();

  /**
   * @param logDir where {@code audit.jsonl} is written
   */
  public DiskWarden(WardenConfig config, Path logDir, Clock clock) {
    this.config = new AtomicReference<>(config);
    this.clock = clock;
    this.volume = Volume.of(config.baseDir(), clock);
    this.audit = new AuditLog(logDir.resolve("audit.jsonl"), clock);
  }

  public WardenConfig config() {
    return config.get();
  }

  /**
   * Replaces the configuration with {@code change} applied to it; the change validates (and may
   * throw IllegalArgumentException, leaving the old one in force).
   *
   * @return the new configuration
   */
  public WardenConfig update(UnaryOperator<WardenConfig> change) {
    WardenConfig before = config.get();
    WardenConfig after = change.apply(before);
    if (!config.compareAndSet(before, after)) {
      throw new IllegalStateException("the configuration changed concurrently; try again");
    }
    CheckSchedule s = schedule;
    if (s != null && !after.checkInterval().equals(before.checkInterval())) {
      s.reschedule(after.checkInterval());
    }
    return after;
  }

  /** Reads the volume now. */
  public Usage usage() {
    Usage u = volume.read();
    lastUsage.set(u);
    return u;
  }

  /** Plans against the volume as it is now; {@code all} plans even above the trigger. */
  public Plan plan() {
    Plan plan = Planner.plan(config.get(), usage(), volume.blockSize(), clock.instant());
    lastPlan.set(plan);
    return plan;
  }

  /**
   * The state now: OK without walking any tree when free space is at or above the trigger, else LOW or
   * CRITICAL from what a plan could reclaim.
   */
  public State assess() {
    Usage u = usage();
    WardenConfig c = config.get();
    if (!c.thresholds().isBelowTrigger(u.free(), u.total())) {
      return State.OK;
    }
    return plan().state();
  }

  /**
   * The scheduled check: one volume reading; below the trigger, a plan and (unless paused) a sweep.
   */
  public void check() {
    WardenConfig c = config.get();
    Usage u = usage();
    Thresholds t = c.thresholds();
    LOG.info(String.format(Locale.ROOT, "Disk: %s used, %s free (%.1f%%)",
        Size.human(u.used(), 0), Size.human(u.free(), 0), u.freePercent()));
    if (!t.isBelowTrigger(u.free(), u.total())) {
      enter(State.OK);
      return;
    }
    LOG.warn(String.format(Locale.ROOT, "Low disk space: %s free (< %s threshold)",
        Size.human(u.free(), 1), Size.human(t.triggerBytes(u.total()), 0)));
    if (c.paused()) {
      Plan plan = plan();
      LOG.warn("Paused: {} candidate(s) ({}) not removed", plan.candidates().size(), Size.human(plan.reclaimable(), 1));
      enter(plan.state());
      return;
    }
    clean(false, c.dryRun()).ifPresent(r -> enter(r.state()));
  }

  /**
   * One cleanup now: plans, then sweeps; never two at once.
   *
   * @param force sweep even above the trigger
   * @return the report, or empty when free space is above the trigger and {@code force} is off
   * @throws IllegalStateException when a sweep is already running
   */
  public Optional<SweepReport> clean(boolean force, boolean dryRun) {
    if (!sweeping.tryLock()) {
      throw new IllegalStateException("a sweep is already running; try again when it ends");
    }
    try {
      WardenConfig c = config.get();
      Plan plan = plan();
      if (!force && plan.state() == State.OK) {
        return Optional.empty();
      }
      SweepReport report = new Sweeper(volume, audit, clock).execute(plan, c, dryRun, () -> stopping);
      lastCleanup.set(report);
      cleanupCount.incrementAndGet();
      bytesFreedTotal.addAndGet(report.dryRun() ? 0 : report.bytesFreed());
      removalFailures.addAndGet(report.failed().size());
      return Optional.of(report);
    } finally {
      sweeping.unlock();
    }
  }

  private void enter(State next) {
    State before = state.getAndSet(next);
    if (before != next) {
      LOG.info("State {} -> {}", before, next);
    }
  }

  /**
   * Takes the base_dir lock and starts the scheduled checks (the first runs at once).
   *
   * @throws IllegalStateException when another agent holds base_dir, or Quartz cannot start
   */
  public synchronized void start() {
    if (lock != null) {
      throw new IllegalStateException("the agent is already started");
    }
    lock = BaseDirLock.acquire(config.get().baseDir());
    try {
      schedule = CheckSchedule.start(this::check, config.get().checkInterval());
    } catch (RuntimeException e) {
      lock.close();
      lock = null;
      throw e;
    }
    LOG.info("diskwarden started: watching {} every {} (trigger {} / {}%, target {} / {}%, {} mode{})",
        config.get().baseDir(), org.diskwarden.config.Durations.format(config.get().checkInterval()),
        Size.human(config.get().thresholds().minFree(), 1), config.get().thresholds().minFreePercent(),
        Size.human(config.get().thresholds().targetFree(), 1), config.get().thresholds().targetFreePercent(),
        config.get().cleanupMode().key(), config.get().dryRun() ? ", dry run" : "");
  }

  /** Runs the check on the scheduler's worker now; false when the agent is not started. */
  public boolean triggerCheck() {
    CheckSchedule s = schedule;
    if (s == null) {
      return false;
    }
    s.triggerNow();
    return true;
  }

  /** Stops the schedule (a running sweep finishes its current removal) and releases base_dir. */
  public synchronized void stop() {
    if (lock == null) {
      return;
    }
    stopping = true;
    try {
      schedule.shutdown();
    } finally {
      schedule = null;
      lock.close();
      lock = null;
      stopped.countDown();
      LOG.info("diskwarden stopped");
    }
  }

  /** Blocks until {@link #stop()} has run. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  public Optional<CheckSchedule> schedule() {
    return Optional.ofNullable(schedule);
  }

  public State state() {
    return state.get();
  }

  public Optional<Usage> lastUsage() {
    return Optional.ofNullable(lastUsage.get());
  }

  public Optional<SweepReport> lastCleanup() {
    return Optional.ofNullable(lastCleanup.get());
  }

  public Optional<Plan> lastPlan() {
    return Optional.ofNullable(lastPlan.get());
  }

  public long cleanupCount() {
    return cleanupCount.get();
  }

  public long bytesFreedTotal() {
    return bytesFreedTotal.get();
  }

  public long removalFailures() {
    return removalFailures.get();
  }

  public Instant now() {
    return clock.instant();
  }
}
