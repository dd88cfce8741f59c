package org.diskwarden;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diskwarden.config.ConfigException;
import org.diskwarden.config.ConfigLoader;
import org.diskwarden.config.GitConfig;
import org.diskwarden.config.Size;
import org.diskwarden.config.Thresholds;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.git.GitGcReport;
import org.diskwarden.git.GitMaintenance;
import org.diskwarden.notify.EventType;
import org.diskwarden.notify.Notifier;
import org.diskwarden.schedule.CheckSchedule;
import org.diskwarden.sweep.AuditLog;
import org.diskwarden.sweep.GuardedDelete;
import org.diskwarden.sweep.Plan;
import org.diskwarden.sweep.Planner;
import org.diskwarden.sweep.SweepReport;
import org.diskwarden.sweep.SweepStatistics;
import org.diskwarden.sweep.Sweeper;
import org.diskwarden.volume.Lookout;
import org.diskwarden.volume.Forecast;
import org.diskwarden.volume.State;
import org.diskwarden.volume.StatusLine;
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
  private final AtomicReference<WardenConfig> fileConfig;
  private final Optional<Path> configFile;
  private final Optional<Path> baseDirOverride;
  private final Clock clock;
  private final SteadyClock ages;
  private final Alerts alerts;
  private final Volume volume;
  private final AuditLog audit;
  private final ReentrantLock sweeping = new ReentrantLock();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean stopping;
  private volatile CheckSchedule schedule;
  private BaseDirLock lock;
  private volatile java.util.function.Consumer<String> statusSink = line -> { };

  private final AtomicReference<Usage> lastUsage = new AtomicReference<>();
  private final AtomicReference<Plan> lastPlan = new AtomicReference<>();
  private final AtomicReference<List<GitGcReport>> lastGitGc = new AtomicReference<>(List.of());
  private final AtomicReference<Instant> lastCheck = new AtomicReference<>();
  private final SweepStatistics stats = new SweepStatistics();
  private final Lookout lookout = new Lookout();
  private final java.util.concurrent.atomic.AtomicBoolean checkQueued = new java.util.concurrent.atomic.AtomicBoolean();
  private final Stalemate stalemate = new Stalemate();
  private volatile Sampler sampler;

  /**
   * An agent with no config file behind it (tests, one-shot use).
   *
   * @param logDir where {@code audit.jsonl} is written
   */
  public DiskWarden(WardenConfig config, Path logDir, Clock clock) {
    this(config, Optional.empty(), Optional.empty(), logDir, clock);
  }

  /**
   * @param configFile the file {@code config} was loaded from, for reloads and drift reports
   * @param baseDirOverride the command line's --base-dir, applied again on reload
   * @param logDir where {@code audit.jsonl} is written
   */
  public DiskWarden(WardenConfig config, Optional<Path> configFile, Optional<Path> baseDirOverride, Path logDir,
      Clock clock) {
    this.config = new AtomicReference<>(config);
    this.fileConfig = new AtomicReference<>(config);
    this.configFile = configFile;
    this.baseDirOverride = baseDirOverride;
    this.clock = clock;
    this.ages = new SteadyClock(clock, System::nanoTime);
    this.volume = Volume.of(config.baseDir(), clock);
    this.audit = new AuditLog(logDir.resolve("audit.jsonl"), clock, config.audit());
    this.alerts = new Alerts(clock, this.config::get, this::lastUsage,
        () -> lastPlan().map(Plan::held).orElse(List.of()));
  }

  /** Where secrets (password_env, secret_env, ${VAR} in headers) are read; the process environment by default. */
  public void useEnvironment(UnaryOperator<String> env) {
    alerts.useEnvironment(env);
  }

  /** Adds an outlet for events (JMX notifications, email, webhooks). */
  public void addNotifier(Notifier notifier) {
    alerts.addNotifier(notifier);
  }

  public void removeNotifier(Notifier notifier) {
    alerts.removeNotifier(notifier);
  }

  private void publish(EventType type, String message, Optional<SweepReport> report) {
    alerts.publish(type, message, report);
  }

  public Optional<Path> configFile() {
    return configFile;
  }

  /** True once a runtime change made the configuration differ from what the file says. */
  public boolean configDiffersFromFile() {
    return !config.get().equals(fileConfig.get());
  }

  /**
   * Loads the config file again and puts it in force; a bad file changes nothing.
   *
   * @throws ConfigException listing the file's problems (the old configuration stays)
   * @throws IllegalStateException when the agent has no config file, or the new one names another base_dir
   */
  public WardenConfig reload() throws ConfigException {
    Path file = configFile.orElseThrow(() -> new IllegalStateException("this agent was not started from a config file"));
    WardenConfig loaded;
    try {
      loaded = ConfigLoader.load(file, baseDirOverride);
    } catch (ConfigException e) {
      publish(EventType.FAILURE, "config reload failed; the old config stays: " + e.getMessage(), Optional.empty());
      throw e;
    }
    if (!loaded.baseDir().equals(config.get().baseDir())) {
      throw new IllegalStateException("base_dir changed from " + config.get().baseDir() + " to " + loaded.baseDir()
          + "; a new base_dir needs a restart (the lock is per base_dir)");
    }
    WardenConfig before = config.get();
    if (lock != null) {
      alerts.swapDispatcher(before.notifications(), loaded.notifications(), configFile);
    }
    update(c -> loaded);
    fileConfig.set(loaded);
    LOG.info("Config reloaded from {}{}", file, before.equals(loaded) ? " (unchanged)" : "");
    logConfigWarnings();
    return loaded;
  }

  public WardenConfig config() {
    return config.get();
  }

  /**
   * What in the config is valid but probably not meant: a protect pattern that matches nothing (a
   * typo protects nothing), a trigger larger than the volume (volumes grow, so not an error, but the
   * volume stays CRITICAL until then). Logged at start and on reload, printed by check, shown over JMX.
   */
  public List<String> configWarnings() {
    WardenConfig c = config.get();
    List<String> warnings = new java.util.ArrayList<>();
    for (String pattern : new org.diskwarden.policy.Protection(c.baseDir(), c.protect()).unmatched()) {
      warnings.add("protect pattern " + pattern + " matches nothing in " + c.baseDir());
    }
    Usage u = volume.read();
    long trigger = c.thresholds().triggerBytes(u.total());
    if (trigger > u.total()) {
      warnings.add("the trigger (" + Size.human(trigger, 1) + ") is larger than the volume (" + Size.human(u.total(), 1)
          + "): the volume counts as CRITICAL until it grows");
    }
    return warnings;
  }

  private void logConfigWarnings() {
    configWarnings().forEach(w -> LOG.warn("Config: {}", w));
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
    java.time.Duration ahead = ages.aheadBy();
    if (ahead.toMinutes() > 5) {
      LOG.warn("The wall clock is {} ahead of the time elapsed since start: ages are judged by the latter, "
          + "so a clock step cannot make everything look old", ahead);
    }
    java.util.Set<Path> unfinished = audit.unfinished();
    if (!unfinished.isEmpty()) {
      LOG.warn("The audit log shows {} removal(s) a previous run began and did not finish; finishing them: {}",
          unfinished.size(), unfinished);
    }
    Plan plan = Planner.plan(effectiveConfig(), usage(), volume.blockSize(), ages.instant(), unfinished);
    lookout.learnNextSave(plan.nextSave(), clock.instant());
    // The walk just measured the next save: the plan decides on the trigger that includes it, so a
    // one-shot command needs no second walk to learn it first.
    Thresholds learnt = thresholds();
    if (!learnt.equals(plan.thresholds())) {
      plan = plan.withThresholds(learnt);
    }
    lastPlan.set(plan);
    return plan;
  }

  /**
   * The thresholds in force: the configured ones, with the trigger raised to save_headroom times the
   * size of the next save (so there is always room for one more) plus what the measured fill rate
   * writes before the sample after next (so the sweep runs before the trigger is crossed, not after).
   */
  public Thresholds thresholds() {
    WardenConfig c = config.get();
    return lookout.thresholds(c.thresholds(), c.foresight());
  }

  private WardenConfig effectiveConfig() {
    return config.get().withThresholds(thresholds());
  }

  /**
   * Measures the size of the next save (a plan) when save_headroom is on, so the trigger in force
   * includes it from the first check on. One-shot commands need not: every plan measures it and
   * decides on the trigger that includes it.
   */
  public void learnNextSave() {
    if (config.get().foresight().saveHeadroom() > 0) {
      plan();
    }
  }

  /** The size of the next save as last measured (the newest finished entry of a keep_latest policy). */
  public long nextSaveBytes() {
    return lookout.nextSave();
  }

  /** Whether the fill rate is measured yet (unknown right after start, or with sampling off). */
  public boolean forecastKnown() {
    return lastUsage.get() != null && lookout.rateKnown();
  }

  /** Fill rate and time to trigger and to full, from the samples of the last hour. */
  public Forecast forecast() {
    Usage u = lastUsage.get();
    if (u == null) {
      return Forecast.unknown();
    }
    return lookout.forecast(u, thresholds().triggerBytes(u.total()));
  }

  private void sample() {
    Usage u = usage();
    lookout.record(u, config.get().foresight().sampleInterval());
    double rate = lookout.recentRate();
    long trigger = thresholds().triggerBytes(u.total());
    if (u.free() < trigger && stalemate.worthChecking(u, config.get())) {
      requestCheck(String.format(Locale.ROOT, "%s free is below the trigger %s (at %.1f MB/s the configured one "
          + "is crossed before the sample after next)", Size.human(u.free(), 1), Size.human(trigger, 1),
          rate / (1 << 20)));
    }
    warnIfFillingUp();
  }

  private void requestCheck(String why) {
    CheckSchedule s = schedule;
    if (s == null || sweeping.isLocked() || !checkQueued.compareAndSet(false, true)) {
      return;
    }
    LOG.info("Checking now: {}", why);
    s.triggerNow();
  }

  private void warnIfFillingUp() {
    alerts.fillingUp(forecast());
  }

  /**
   * The state now: OK without walking any tree when free space is at or above the trigger, else LOW or
   * CRITICAL from what a plan could reclaim.
   */
  public State assess() {
    return planIfBelowTrigger().map(Plan::state).orElse(State.OK);
  }

  /**
   * A plan when free space is below the trigger in force, empty above it; the tree is walked only
   * when it must be: below the configured trigger, or with save_headroom on (the trigger then depends
   * on the next save's size, which the one plan measures).
   */
  public Optional<Plan> planIfBelowTrigger() {
    if (config.get().foresight().saveHeadroom() == 0) {
      Usage u = usage();
      if (!thresholds().isBelowTrigger(u.free(), u.total())) {
        return Optional.empty();
      }
    }
    Plan plan = plan();
    return plan.state() == State.OK ? Optional.empty() : Optional.of(plan);
  }

  /**
   * The scheduled check: one volume reading; below the trigger, a plan and (unless paused) a sweep.
   */
  public void check() {
    try {
      checkOnce();
    } finally {
      alerts.remindIfStillCritical();
      Usage u = lastUsage.get();
      if (u != null) {
        statusSink.accept(StatusLine.format(alerts.state(), u, thresholds(), forecast()));
      }
    }
  }

  /** Receives the status line after every check (bin/diskwarden status reads it from the run dir). */
  public void onStatus(java.util.function.Consumer<String> sink) {
    this.statusSink = sink;
  }

  private void checkOnce() {
    checkQueued.set(false);
    WardenConfig c = config.get();
    if (c.foresight().saveHeadroom() > 0 && lookout.nextSaveStale(clock.instant())) {
      // The size of the next save is learnt from a plan; refreshed hourly, and by every sweep.
      plan();
    }
    Usage u = usage();
    lastCheck.set(u.at());
    lookout.record(u, c.foresight().sampleInterval());
    Thresholds t = thresholds();
    Forecast f = forecast();
    LOG.info(String.format(Locale.ROOT, "Disk: %s used, %s free (%.1f%%)%s",
        Size.human(u.used(), 0), Size.human(u.free(), 0), u.freePercent(),
        f.describe().isEmpty() ? "" : ", " + f.describe()));
    warnIfFillingUp();
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
    if (sweeping.isLocked()) {
      LOG.info("A sweep is already running; this check leaves the cleanup to it");
      return;
    }
    try {
      Optional<SweepReport> report = clean(false, c.dryRun());
      report.ifPresentOrElse(r -> enter(r.state()), () -> enter(State.OK));
    } catch (IllegalStateException busy) {
      LOG.info("A sweep is already running; this check leaves the cleanup to it");
    }
  }

  private void scheduledGitGc() {
    try {
      gitGc();
    } catch (RuntimeException e) {
      LOG.warn("Scheduled git gc did not run: {}", e.getMessage());
    }
  }

  private void scheduledCheck() {
    try {
      check();
    } catch (RuntimeException e) {
      // The job boundary: log once, tell people, and let the next check run as scheduled.
      LOG.error("Check failed; the next one runs as scheduled", e);
      publish(EventType.FAILURE, "check failed: " + e, Optional.empty());
    }
  }

  /**
   * Runs {@code task} on the scheduler's worker (where checks run, so never beside a sweep) and waits
   * for its result.
   *
   * @throws IllegalStateException when the agent is not started
   */
  public <T> T onWorker(java.util.function.Supplier<T> task) {
    CheckSchedule s = schedule;
    if (s == null) {
      throw new IllegalStateException("the agent is not started");
    }
    return s.submit(task).join();
  }

  private List<GitGcReport> runGitGc(WardenConfig c) {
    List<GitGcReport> reports;
    try (GuardedDelete deletion = GuardedDelete.of(c, java.util.Set.of(), audit, ages)) {
      reports = new GitMaintenance(c, volume, deletion, clock, () -> stopping).gcAll();
    }
    lastGitGc.set(reports);
    reports.forEach(r -> lookout.credit(r.volumeFreed()));
    for (GitGcReport r : reports) {
      if (r.outcome().equals("failed")) {
        publish(EventType.FAILURE, r.summary(), Optional.empty());
      }
    }
    return reports;
  }

  /**
   * git gc of every configured repository now (never beside a sweep).
   *
   * @throws IllegalStateException when a sweep runs, or no repository is configured
   */
  public List<GitGcReport> gitGc() {
    WardenConfig c = config.get();
    if (c.git().repos().isEmpty()) {
      throw new IllegalStateException("no repository is configured (git.repos in the config file)");
    }
    if (!sweeping.tryLock()) {
      throw new IllegalStateException("a sweep is already running; try again when it ends");
    }
    try {
      return runGitGc(c);
    } finally {
      sweeping.unlock();
    }
  }

  public List<GitGcReport> lastGitGc() {
    return lastGitGc.get();
  }

  /** True while a sweep runs. */
  public boolean isSweeping() {
    return sweeping.isLocked();
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
        if (!plan.hasResumed() || dryRun) {
          return Optional.empty();
        }
        plan = plan.onlyResumed();
      }
      SweepReport report = new Sweeper(volume, audit, ages).execute(plan, c, dryRun, () -> stopping);
      stats.record(report);
      stalemate.after(report, plan, c);
      if (!dryRun) {
        lookout.credit(report.freeAfter() - report.freeBefore());
        // what JMX, metrics and a critical event show from now on is the volume as the sweep left it
        lastUsage.set(new Usage(report.total(), report.freeAfter(), report.end()));
      }
      GitConfig.Gc gc = c.git().gc();
      boolean stillLow = !plan.thresholds().meetsTarget(report.freeAfter(), report.total());
      if (!c.git().repos().isEmpty() && !stopping
          && (gc == GitConfig.Gc.ALWAYS || (gc == GitConfig.Gc.WHEN_STILL_LOW && stillLow))) {
        if (dryRun) {
          LOG.info("[dry run] Would run git gc on {}", c.git().repos());
        } else {
          LOG.info("Running git gc ({}): {}", gc.key(), stillLow ? "the policies did not reach the target" : "every sweep");
          List<GitGcReport> gcs = runGitGc(c);
          Usage after = usage();
          State state = plan.thresholds().isBelowTrigger(after.free(), after.total()) ? State.CRITICAL : State.OK;
          report = report.withGitGc(gcs.stream().map(GitGcReport::summary).toList(), state);
          stats.amendLast(report);
        }
      }
      if (!report.removed().isEmpty()) {
        publish(EventType.CLEANUP, String.format(Locale.ROOT, "%s %s, %s free",
            report.dryRun() ? "would free" : "freed", Size.human(report.bytesFreed(), 1),
            Size.human(report.freeAfter(), 1)), Optional.of(report));
      }
      if (!report.skipped().isEmpty()) {
        LOG.info("{} candidate(s) kept in place: {}", report.skipped().size(), report.skipped().stream()
            .map(m -> m.path().getFileName() + " (" + m.error().orElse("") + ")").toList());
      }
      if (!report.failed().isEmpty()) {
        publish(EventType.FAILURE, report.failed().size() + " removal(s) failed, first: "
            + report.failed().get(0).path() + ": " + report.failed().get(0).error().orElse(""), Optional.of(report));
      }
      return Optional.of(report);
    } finally {
      sweeping.unlock();
    }
  }

  /** Takes base_dir's lock; whatever had to be unlinked at its name first goes into the audit log. */
  BaseDirLock acquireLock() {
    return BaseDirLock.acquire(config.get().baseDir(), (path, what) -> {
      try {
        audit.replaced(path, what);
      } catch (java.io.UncheckedIOException e) {
        LOG.error("Could not record in the audit log that {} ({}) was unlinked: {}", path, what, e.getMessage());
      }
    });
  }

  /**
   * Starts the notification outlets for a one-shot command (the agent starts them in {@link #start()}).
   *
   * @throws IllegalArgumentException when a template is broken
   */
  public void startNotifications() {
    alerts.startDispatcher(config.get().notifications());
  }

  /** Waits for queued deliveries (up to the dispatcher's drain time), then closes the outlets. */
  public void stopNotifications() {
    alerts.closeDispatcher();
  }

  /** Records the state a check or sweep found, and tells people when it turns critical or recovers. */
  public void enter(State next) {
    alerts.enter(next);
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
    logConfigWarnings();
    // Templates are checked here, before anything else starts: a typo fails now, not at 3 am.
    alerts.startDispatcher(config.get().notifications());
    try {
      lock = acquireLock();
    } catch (RuntimeException e) {
      alerts.closeDispatcher();
      throw e;
    }
    try {
      // A killed run's half-written archives and copies go now, not at the first sweep.
      new Sweeper(volume, audit, ages).discardLeftovers(config.get());
    } catch (RuntimeException e) {
      LOG.error("Could not clean up unfinished archives or copies: {}", e.toString());
    }
    if (!audit.unfinished().isEmpty() && !config.get().paused()) {
      try {
        // A removal a killed run began is finished now, whatever the free space.
        clean(false, config.get().dryRun());
      } catch (RuntimeException e) {
        LOG.error("Could not finish the removals an earlier run began: {}", e.toString());
      }
    }
    learnNextSave();
    try {
      schedule = CheckSchedule.start(this::scheduledCheck, config.get().checkInterval());
      Duration every = config.get().foresight().sampleInterval();
      if (!every.isZero()) {
        sampler = new Sampler(every, this::sample);
      }
      config.get().git().schedule().ifPresent(cron -> schedule.scheduleCron("git-gc", cron, this::scheduledGitGc));
    } catch (RuntimeException e) {
      lock.close();
      lock = null;
      alerts.closeDispatcher();
      throw e;
    }
    LOG.info("diskwarden started: watching {} every {} (trigger {} / {}%, target {} / {}%, {} mode{})",
        config.get().baseDir(), org.diskwarden.config.Durations.format(config.get().checkInterval()),
        Size.human(config.get().thresholds().minFree(), 1), config.get().thresholds().minFreePercent(),
        Size.human(config.get().thresholds().targetFree(), 1), config.get().thresholds().targetFreePercent(),
        config.get().cleanupMode().key(), config.get().dryRun() ? ", dry run" : "");
    publish(EventType.STARTED, "diskwarden started", Optional.empty());
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
      if (sampler != null) {
        sampler.close();
        sampler = null;
      }
      schedule.shutdown();
    } finally {
      schedule = null;
      lock.close();
      lock = null;
      stopped.countDown();
      LOG.info("diskwarden stopped");
      publish(EventType.STOPPED, "diskwarden stopped", Optional.empty());
      alerts.closeDispatcher();
    }
  }

  /** Notification deliveries per outlet kind and outcome ({@code "webhook/sent"}). */
  public Map<String, Long> notificationOutcomes() {
    return alerts.outcomes();
  }

  /** Notifications that failed for good since start. */
  public long notificationFailures() {
    return alerts.failures();
  }

  /** Blocks until {@link #stop()} has run. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  public Optional<CheckSchedule> schedule() {
    return Optional.ofNullable(schedule);
  }

  public State state() {
    return alerts.state();
  }

  public Optional<Usage> lastUsage() {
    return Optional.ofNullable(lastUsage.get());
  }

  public Optional<Plan> lastPlan() {
    return Optional.ofNullable(lastPlan.get());
  }

  public Optional<Instant> lastCheck() {
    return Optional.ofNullable(lastCheck.get());
  }

  /** The sweeps' counters (JMX and /metrics read them). */
  public SweepStatistics statistics() {
    return stats;
  }

  public Optional<SweepReport> lastCleanup() {
    return stats.last();
  }
}
