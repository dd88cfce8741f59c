package org.diskwarden.agent;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diskwarden.archive.Compressibility;
import org.diskwarden.config.EventType;
import org.diskwarden.config.GitConfig;
import org.diskwarden.config.Size;
import org.diskwarden.config.Thresholds;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.fs.Names;
import org.diskwarden.git.GitGcReport;
import org.diskwarden.git.GitMaintenance;
import org.diskwarden.notify.Alerts;
import org.diskwarden.sweep.AuditLog;
import org.diskwarden.sweep.GuardedDelete;
import org.diskwarden.sweep.Plan;
import org.diskwarden.sweep.Planner;
import org.diskwarden.sweep.SweepReport;
import org.diskwarden.sweep.SweepStatistics;
import org.diskwarden.sweep.Sweeper;
import org.diskwarden.volume.Forecast;
import org.diskwarden.volume.Lookout;
import org.diskwarden.volume.State;
import org.diskwarden.volume.SteadyClock;
import org.diskwarden.volume.Usage;
import org.diskwarden.volume.Volume;

/**
 * One check, on ONE configuration snapshot taken when it begins: read the volume, decide, plan, sweep,
 * decide on git gc, tell people. A reload or a JMX write during the check takes effect at the next one;
 * nothing in here reads the settings again.
 */
final class Check {
  private static final Logger LOG = LogManager.getLogger(Check.class);

  /** What every check works with; owned by the agent, shared by its checks. */
  record Crew(Volume volume, AuditLog audit, Clock clock, SteadyClock ages, Lookout lookout, Alerts alerts,
      SweepStatistics stats, Stalemate stalemate, Readings readings, ReentrantLock sweeping,
      BooleanSupplier stopping, Compressibility estimates, ReentrantLock volumeLock) {}

  /** The last of each reading, for the read model. */
  static final class Readings {
    final AtomicReference<Usage> usage = new AtomicReference<>();
    final AtomicReference<Plan> plan = new AtomicReference<>();
    /** The sweep of {@link #plan}, when one followed it. */
    final AtomicReference<SweepReport> report = new AtomicReference<>();
    final AtomicReference<List<GitGcReport>> gitGc = new AtomicReference<>(List.of());
    final AtomicReference<Instant> check = new AtomicReference<>();
  }

  private final Crew crew;
  private final WardenConfig c;

  Check(Crew crew, WardenConfig config) {
    this.crew = crew;
    this.c = config;
  }

  WardenConfig config() {
    return c;
  }

  /** The thresholds this check decides on: the configured ones, the trigger raised by foresight. */
  Thresholds thresholds() {
    return crew.lookout().thresholds(c.thresholds(), c.foresight());
  }

  Forecast forecast() {
    Usage u = crew.readings().usage.get();
    return u == null ? Forecast.unknown() : crew.lookout().forecast(u, thresholds().triggerBytes(u.total()));
  }

  Usage usage() {
    Usage u = crew.volume().read();
    crew.readings().usage.set(u);
    return u;
  }

  /** Plans against the volume as it is now (all policies, whatever the free space). */
  Plan plan() {
    java.time.Duration ahead = crew.ages().aheadBy();
    if (ahead.toMinutes() > 5) {
      LOG.warn("The wall clock is {} ahead of the time elapsed since start: ages are judged by the latter, "
          + "so a clock step cannot make everything look old", ahead);
    }
    Set<Path> unfinished = crew.audit().unfinished();
    if (!unfinished.isEmpty()) {
      LOG.warn("The audit log shows {} removal(s) a previous run began and did not finish; finishing them: {}",
          unfinished.size(), unfinished);
    }
    Plan plan = Planner.plan(c.withThresholds(thresholds()), usage(), crew.volume().blockSize(),
        crew.ages().instant(), unfinished, crew.estimates());
    crew.lookout().learnNextSave(plan.nextSave(), crew.clock().instant());
    // The walk just measured the next save: the plan decides on the trigger that includes it, so a
    // one-shot command needs no second walk to learn it first.
    Thresholds learnt = thresholds();
    if (!learnt.equals(plan.thresholds())) {
      plan = plan.withThresholds(learnt);
    }
    crew.readings().report.set(null);
    crew.readings().plan.set(plan);
    return plan;
  }

  /**
   * A plan when free space is below the trigger in force, empty above it; the tree is walked only when
   * it must be: below the configured trigger, or with save_headroom on (the trigger then depends on the
   * next save's size, which the one plan measures).
   */
  Optional<Plan> planIfBelowTrigger() {
    if (c.foresight().saveHeadroom() == 0) {
      Usage u = usage();
      if (!thresholds().isBelowTrigger(u.free(), u.total())) {
        return Optional.empty();
      }
    }
    Plan plan = plan();
    return plan.state() == State.OK ? Optional.empty() : Optional.of(plan);
  }

  /** The scheduled check: one volume reading; below the trigger, a plan and (unless paused) a sweep. */
  void run() {
    if (c.foresight().saveHeadroom() > 0 && crew.lookout().nextSaveStale(crew.clock().instant())) {
      // The size of the next save is learnt from a plan; refreshed hourly, and by every sweep.
      plan();
    }
    Usage u = usage();
    crew.readings().check.set(u.at());
    crew.lookout().record(u, c.foresight().sampleInterval());
    Thresholds t = thresholds();
    Forecast f = forecast();
    LOG.info(String.format(Locale.ROOT, "Disk: %s used, %s free (%.1f%%)%s",
        Size.human(u.used(), 0), Size.human(u.free(), 0), u.freePercent(),
        f.describe().isEmpty() ? "" : ", " + f.describe()));
    crew.alerts().fillingUp(f, t.isBelowTrigger(u.free(), u.total()));
    if (!t.isBelowTrigger(u.free(), u.total())) {
      crew.alerts().enter(State.OK);
      return;
    }
    LOG.warn(String.format(Locale.ROOT, "Low disk space: %s free (< %s threshold)",
        Size.human(u.free(), 1), Size.human(t.triggerBytes(u.total()), 0)));
    if (c.paused()) {
      Plan plan = plan();
      LOG.warn("Paused: {} candidate(s) ({}) not removed", plan.candidates().size(), Size.human(plan.reclaimable(), 1));
      crew.alerts().enter(plan.state());
      return;
    }
    Cleanup cleanup = clean(false, c.dryRun());
    if (cleanup instanceof Cleanup.Busy) {
      LOG.info("A sweep is already running; this check leaves the cleanup to it");
    } else {
      crew.alerts().enter(cleanup.report().map(SweepReport::state).orElse(State.OK));
    }
  }

  /**
   * One cleanup now: plans, then sweeps; never two at once.
   *
   * @param force sweep even above the trigger
   * @return the report; not needed when free space is above the trigger and {@code force} is off;
   *     busy when a sweep is already running
   */
  Cleanup clean(boolean force, boolean dryRun) {
    if (!crew.sweeping().tryLock()) {
      return Cleanup.BUSY;
    }
    // one sweep per filesystem: another watch on this volume sweeping now is waited for, and the plan
    // below reads free space as that sweep left it
    crew.volumeLock().lock();
    try {
      Plan plan = plan();
      if (!force && plan.state() == State.OK) {
        if (!plan.hasResumed() || dryRun) {
          return Cleanup.NOT_NEEDED;
        }
        plan = plan.onlyResumed();
      }
      SweepReport report = new Sweeper(crew.volume(), crew.audit(), crew.ages(), crew.estimates())
          .execute(plan, c, dryRun, crew.stopping());
      crew.stats().record(report);
      crew.stalemate().after(report, plan, c);
      if (!dryRun) {
        crew.lookout().credit(report.freeAfter() - report.freeBefore());
        // what JMX, metrics and a critical event show from now on is the volume as the sweep left it
        crew.readings().usage.set(new Usage(report.total(), report.freeAfter(), report.end()));
      }
      report = gcAfter(plan, report, dryRun);
      crew.readings().report.set(report);
      announce(report);
      return new Cleanup.Swept(report);
    } finally {
      crew.volumeLock().unlock();
      crew.sweeping().unlock();
    }
  }

  private SweepReport gcAfter(Plan plan, SweepReport report, boolean dryRun) {
    GitConfig.Gc gc = c.git().gc();
    boolean stillLow = !plan.thresholds().meetsTarget(report.freeAfter(), report.total());
    if (c.git().repos().isEmpty() || crew.stopping().getAsBoolean() || !gc.runAfter(stillLow)) {
      return report;
    }
    if (dryRun) {
      LOG.info("[dry run] Would run git gc on {}", c.git().repos());
      return report;
    }
    LOG.info("Running git gc ({}): {}", gc.key(), stillLow ? "the policies did not reach the target" : "every sweep");
    List<GitGcReport> gcs = gitGcLocked();
    Usage after = usage();
    State state = plan.thresholds().isBelowTrigger(after.free(), after.total()) ? State.CRITICAL : State.OK;
    SweepReport amended = report.withGitGc(gcs.stream().map(GitGcReport::summary).toList(), state);
    crew.stats().amendLast(amended);
    return amended;
  }

  private void announce(SweepReport report) {
    if (!report.removed().isEmpty()) {
      crew.alerts().publish(EventType.CLEANUP, String.format(Locale.ROOT, "%s %s, %s free",
          report.dryRun() ? "would free" : "freed", Size.human(report.bytesFreed(), 1),
          Size.human(report.freeAfter(), 1)), Optional.of(report));
    }
    if (!report.skipped().isEmpty()) {
      LOG.info("{} candidate(s) kept in place: {}", report.skipped().size(), report.skipped().stream()
          .map(m -> m.path().getFileName() + " (" + m.error().orElse("") + ")").toList());
    }
    if (!report.failed().isEmpty()) {
      crew.alerts().publish(EventType.FAILURE, report.failed().size() + " removal(s) failed, first: "
          + Names.raw(report.failed().get(0).path()) + ": " + report.failed().get(0).error().orElse(""), Optional.of(report));
    }
  }

  /**
   * git gc of every configured repository now (never beside a sweep).
   *
   * @throws IllegalStateException when a sweep runs, or no repository is configured
   */
  List<GitGcReport> gitGc() {
    if (c.git().repos().isEmpty()) {
      throw new IllegalStateException("no repository is configured (git.repos in the config file)");
    }
    if (!crew.sweeping().tryLock()) {
      throw new IllegalStateException("a sweep is already running; try again when it ends");
    }
    crew.volumeLock().lock();
    try {
      return gitGcLocked();
    } finally {
      crew.volumeLock().unlock();
      crew.sweeping().unlock();
    }
  }

  private List<GitGcReport> gitGcLocked() {
    List<GitGcReport> reports;
    try (GuardedDelete deletion = GuardedDelete.of(c, Set.of(), crew.audit(), crew.ages())) {
      reports = new GitMaintenance(c, crew.volume(), deletion, crew.clock(), crew.stopping()).gcAll();
    }
    crew.readings().gitGc.set(reports);
    reports.forEach(r -> crew.lookout().credit(r.volumeFreed()));
    reports.stream().filter(r -> r.outcome() == GitGcReport.Outcome.FAILED)
        .forEach(r -> crew.alerts().publish(EventType.FAILURE, r.summary(), Optional.empty()));
    return reports;
  }

  /**
   * One sample between checks: records the volume, warns when it is filling up, and says why a check
   * should run now when free space is below the trigger in force (empty otherwise).
   */
  Optional<String> sample() {
    Usage u = usage();
    crew.lookout().record(u, c.foresight().sampleInterval());
    long trigger = thresholds().triggerBytes(u.total());
    crew.alerts().fillingUp(forecast(), u.free() < trigger);
    if (u.free() >= trigger || !crew.stalemate().worthChecking(u, c)) {
      return Optional.empty();
    }
    return Optional.of(String.format(Locale.ROOT, "%s free is below the trigger %s (at %.1f MB/s the configured one "
        + "is crossed before the sample after next)", Size.human(u.free(), 1), Size.human(trigger, 1),
        crew.lookout().recentRate() / (1 << 20)));
  }

  /**
   * At start: a killed run's half-written archives and copies go, and the removals it began are
   * finished whatever the free space (unless paused). Failures are logged; the agent starts anyway.
   */
  void recover() {
    try {
      new Sweeper(crew.volume(), crew.audit(), crew.ages(), crew.estimates()).discardLeftovers(c);
    } catch (RuntimeException e) {
      LOG.error("Could not clean up unfinished archives or copies: {}", e.toString());
    }
    if (!crew.audit().unfinished().isEmpty() && !c.paused()) {
      try {
        clean(false, c.dryRun());
      } catch (RuntimeException e) {
        LOG.error("Could not finish the removals an earlier run began: {}", e.toString());
      }
    }
  }
}
