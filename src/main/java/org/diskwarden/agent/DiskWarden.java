package org.diskwarden.agent;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diskwarden.archive.Compressibility;
import org.diskwarden.config.ConfigException;
import org.diskwarden.config.Durations;
import org.diskwarden.config.EventType;
import org.diskwarden.config.Size;
import org.diskwarden.config.Thresholds;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.git.GitGcReport;
import org.diskwarden.notify.Alerts;
import org.diskwarden.notify.Notifier;
import org.diskwarden.schedule.Lane;
import org.diskwarden.sweep.AuditLog;
import org.diskwarden.sweep.Plan;
import org.diskwarden.sweep.SweepReport;
import org.diskwarden.sweep.SweepStatistics;
import org.diskwarden.volume.Lookout;
import org.diskwarden.volume.State;
import org.diskwarden.volume.StatusLine;
import org.diskwarden.volume.SteadyClock;
import org.diskwarden.volume.Usage;
import org.diskwarden.volume.Volume;

/**
 * One agent watching one base_dir: its lifecycle (start, stop), its settings, and the read model.
 * Each unit of work is a {@link Check} on one configuration snapshot; scheduled work and every JMX
 * operation that walks the tree run on the scheduler's one worker, never beside each other.
 */
public final class DiskWarden implements Agent {
  private static final Logger LOG = LogManager.getLogger(DiskWarden.class);

  private final Settings settings;
  private final Clock clock;
  private final Volume volume;
  private final AuditLog audit;
  private final Alerts alerts;
  private final Lookout lookout = new Lookout();
  private final SweepStatistics stats = new SweepStatistics();
  private final Check.Readings readings = new Check.Readings();
  private final ReentrantLock sweeping = new ReentrantLock();
  private final Rounds rounds;
  private final Optional<Membership> member;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Check.Crew crew;
  private final Status status;
  private volatile boolean stopping;
  private volatile Duration stopWait = Duration.ofNanos(Long.MAX_VALUE);
  private volatile Consumer<String> statusSink = line -> { };
  private volatile Consumer<CheckAnswer> answerSink = answer -> { };
  private BaseDirLock lock;

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
    this(config, configFile, baseDirOverride, clock, Optional.empty(),
        new AuditLog(logDir.resolve("audit.jsonl"), clock, config.audit()), new ReentrantLock(), "default");
  }

  /**
   * One watch of a config with {@code watch:}, on its own (the one-shot commands): its events and
   * audit lines carry its name.
   */
  public DiskWarden(String watch, WardenConfig config, Optional<Path> configFile, Path logDir, Clock clock) {
    this(config, configFile, Optional.empty(), clock, Optional.empty(),
        new AuditLog(logDir.resolve("audit.jsonl"), clock, config.audit()).forWatch(watch), new ReentrantLock(),
        watch);
    alerts.forWatch(watch);
  }

  /** One watch of several in one agent ({@link Fleet}): its lane, audit view and dispatcher are the agent's. */
  DiskWarden(String watch, WardenConfig config, Optional<Path> configFile, Clock clock, Fleet fleet,
      AuditLog audit, ReentrantLock volumeLock) {
    this(config, configFile, Optional.empty(), clock, Optional.of(new Membership(watch, fleet)),
        audit.forWatch(watch), volumeLock, watch);
    alerts.forWatch(watch);
    alerts.shareDispatcher(fleet.dispatcher());
  }

  private DiskWarden(WardenConfig config, Optional<Path> configFile, Optional<Path> baseDirOverride, Clock clock,
      Optional<Membership> member, AuditLog audit, ReentrantLock volumeLock, String name) {
    this.settings = new Settings(config, configFile, baseDirOverride);
    this.clock = clock;
    this.member = member;
    this.volume = Volume.of(config.baseDir(), clock);
    this.audit = audit;
    this.rounds = new Rounds(name, member.map(m -> m.fleet().schedule()), clock);
    this.alerts = new Alerts(clock, settings::get, () -> Optional.ofNullable(readings.usage.get()),
        LastSurvey.of(settings::get, readings));
    this.crew = new Check.Crew(volume, audit, clock, new SteadyClock(clock, System::nanoTime), lookout, alerts,
        stats, new Stalemate(), readings, sweeping, () -> stopping, new Compressibility(), volumeLock);
    this.status = new Status(settings, crew);
  }

  /** What makes a watch one of several: its name and the agent that holds them. */
  private record Membership(String watch, Fleet fleet) {}

  /** Puts a reloaded watch's settings in force (the agent read the file). */
  void reloaded(WardenConfig loaded) {
    update(c -> loaded);
    settings.fileSays(loaded);
  }

  /** One unit of work on the configuration in force now. */
  private Check now() {
    return new Check(crew, settings.get());
  }

  // ---- settings

  /**
   * Replaces the configuration with {@code change} applied to it; the change validates (and may throw
   * IllegalArgumentException, leaving the old one in force). A new check_interval reschedules.
   */
  @Override
  public WardenConfig update(UnaryOperator<WardenConfig> change) {
    Settings.Change swap = settings.update(change);
    if (!swap.after().checkInterval().equals(swap.before().checkInterval())) {
      rounds.reschedule(swap.after().checkInterval());
    }
    return swap.after();
  }

  /**
   * Loads the config file again and puts it in force; a bad file changes nothing.
   *
   * @throws ConfigException listing the file's problems (the old configuration stays)
   * @throws IllegalStateException when the agent has no config file, or the new one names another base_dir
   */
  @Override
  public WardenConfig reload() throws ConfigException {
    WardenConfig loaded;
    try {
      if (member.isPresent()) {
        // one watch of several: the file is the agent's, and a reload may add or remove watches
        member.get().fleet().reload();
        return settings.get();
      }
      loaded = settings.load();
    } catch (ConfigException e) {
      alerts.publish(EventType.FAILURE, "config reload failed; the old config stays: " + e.getMessage(), Optional.empty());
      throw e;
    }
    WardenConfig before = settings.get();
    if (lock != null) {
      alerts.swapDispatcher(before.notifications(), loaded.notifications(), settings.file());
    }
    update(c -> loaded);
    settings.fileSays(loaded);
    LOG.info("Config reloaded from {}{}", settings.file().orElseThrow(), before.equals(loaded) ? " (unchanged)" : "");
    logConfigWarnings();
    return loaded;
  }

  private void logConfigWarnings() {
    status.configWarnings().forEach(w -> LOG.warn("Config: {}", w));
  }

  /** Where secrets (password_env, secret_env, ${VAR} in headers) are read; the process environment by default. */
  public void useEnvironment(UnaryOperator<String> env) {
    alerts.useEnvironment(env);
  }

  @Override
  public void addNotifier(Notifier notifier) {
    alerts.addNotifier(notifier);
  }

  @Override
  public void removeNotifier(Notifier notifier) {
    alerts.removeNotifier(notifier);
  }

  // ---- one unit of work each, on the calling thread (one-shot commands, tests)

  /** Reads the volume now. */
  public Usage usage() {
    return now().usage();
  }

  /** Plans against the volume as it is now (all policies, whatever the free space). */
  public Plan plan() {
    return now().plan();
  }

  /** A plan when free space is below the trigger in force, empty above it (see {@link Check#planIfBelowTrigger()}). */
  public Optional<Plan> planIfBelowTrigger() {
    return now().planIfBelowTrigger();
  }

  /** The state now: OK without walking any tree at or above the trigger, else LOW or CRITICAL from a plan. */
  public State assess() {
    return planIfBelowTrigger().map(Plan::state).orElse(State.OK);
  }

  /**
   * One cleanup now: plans, then sweeps; never two at once.
   *
   * @param force sweep even above the trigger
   * @return the report; not needed when free space is above the trigger and {@code force} is off;
   *     busy when a sweep is already running
   */
  public Cleanup clean(boolean force, boolean dryRun) {
    return now().clean(force, dryRun);
  }

  /**
   * git gc of every configured repository now (never beside a sweep).
   *
   * @throws IllegalStateException when a sweep runs, or no repository is configured
   */
  public List<GitGcReport> gitGc() {
    return now().gitGc();
  }

  /**
   * Measures the size of the next save (a plan) when save_headroom is on, so the trigger in force
   * includes it from the first check on. One-shot commands need not: every plan measures it.
   */
  public void learnNextSave() {
    if (settings.get().foresight().saveHeadroom() > 0) {
      plan();
    }
  }

  /** The scheduled check: one volume reading; below the trigger, a plan and (unless paused) a sweep. */
  public void check() {
    rounds.checkBegins();
    Check now = now();
    try {
      now.run();
    } finally {
      alerts.remindIfStillCritical();
      Usage u = readings.usage.get();
      if (u != null) {
        String line = StatusLine.format(alerts.state(), u, now.thresholds(), now.forecast());
        statusSink.accept(line);
        // as check prints it: "scratch: DISKWARDEN ..." for one watch of several
        String prefix = member.map(m -> m.watch() + ": ").orElse("");
        answerSink.accept(new CheckAnswer(clock.instant(), now.config().checkInterval().multipliedBy(2),
            settings.file().map(Path::toAbsolutePath), settings.digestInForce(), prefix + line,
            alerts.state().exitCode(), status().configWarnings().stream().map(w -> prefix + w).toList()));
      }
    }
  }

  /** Receives the status line after every check (bin/diskwarden status reads it from the run dir). */
  public void onStatus(Consumer<String> sink) {
    this.statusSink = sink;
  }

  /** Receives what check would answer, after every check (bin/diskwarden check reads it from the run dir). */
  public void onCheck(Consumer<CheckAnswer> sink) {
    this.answerSink = sink;
  }

  /** Records the state a check or sweep found, and tells people when it turns critical or recovers. */
  public void enter(State next) {
    alerts.enter(next);
  }

  // ---- the same on the worker (JMX)

  /**
   * Runs {@code task} on the scheduler's worker (where checks run, so never beside a sweep) and waits
   * for its result.
   *
   * @throws IllegalStateException when the agent is not started
   */
  public <T> T onWorker(Supplier<T> task) {
    return rounds.onWorker(task);
  }

  @Override
  public State assessNow() {
    return onWorker(this::assess);
  }

  @Override
  public Plan previewNow() {
    return onWorker(this::plan);
  }

  @Override
  public Cleanup cleanNow() {
    return onWorker(() -> {
      Check now = now();
      Cleanup cleanup = now.clean(true, now.config().dryRun());
      cleanup.report().ifPresent(report -> alerts.enter(report.state()));
      return cleanup;
    });
  }

  @Override
  public List<GitGcReport> gitGcNow() {
    return onWorker(this::gitGc);
  }

  // ---- scheduled work

  private void sample() {
    now().sample().ifPresent(why -> rounds.requestCheck(why, sweeping.isLocked()));
  }

  private void scheduledCheck() {
    try {
      check();
    } catch (RuntimeException e) {
      // The job boundary: log once, tell people, and let the next check run as scheduled.
      LOG.error("Check failed; the next one runs as scheduled", e);
      alerts.publish(EventType.FAILURE, "check failed: " + e, Optional.empty());
    }
  }

  private void scheduledGitGc() {
    try {
      gitGc();
    } catch (RuntimeException e) {
      LOG.warn("Scheduled git gc did not run: {}", e.getMessage());
    }
  }

  /** Runs the check on the scheduler's worker now; false when the agent is not started. */
  public boolean triggerCheck() {
    return rounds.triggerNow();
  }

  // ---- lifecycle

  /** Takes base_dir's lock; whatever had to be unlinked at its name first goes into the audit log. */
  public BaseDirLock acquireLock() {
    return BaseDirLock.acquire(settings.get().baseDir(), (path, what) -> {
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
  /** Alerts keep what they told in {@code memory} and start from what an earlier run kept there. */
  public void rememberAlertsIn(org.diskwarden.notify.AlertMemory memory) {
    alerts.rememberIn(memory);
  }

  public void startNotifications() {
    alerts.startDispatcher(settings.get().notifications());
  }

  /** Waits for queued deliveries (up to the dispatcher's drain time), then closes the outlets. */
  public void stopNotifications() {
    alerts.closeDispatcher();
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
    WardenConfig c = settings.get();
    // Templates are checked here, before anything else starts: a typo fails now, not at 3 am.
    alerts.startDispatcher(c.notifications());
    try {
      lock = acquireLock();
    } catch (RuntimeException e) {
      alerts.closeDispatcher();
      throw e;
    }
    now().recover();
    learnNextSave();
    try {
      rounds.start(c, this::scheduledCheck, this::sample, this::scheduledGitGc,
          stuck -> alerts.publish(EventType.FAILURE, stuck, Optional.empty()));
    } catch (RuntimeException e) {
      lock.close();
      lock = null;
      alerts.closeDispatcher();
      throw e;
    }
    Thresholds t = c.thresholds();
    LOG.info("diskwarden started: watching {} every {} (trigger {} / {}%, target {} / {}%, {} mode{})",
        c.baseDir(), Durations.format(c.checkInterval()), Size.human(t.minFree(), 1), t.minFreePercent(),
        Size.human(t.targetFree(), 1), t.targetFreePercent(), c.cleanupMode().key(), c.dryRun() ? ", dry run" : "");
    alerts.publish(EventType.STARTED, "diskwarden started", Optional.empty());
  }

  /**
   * How long {@link #stop()} waits for running work (a check, a sweep's current removal, a git gc);
   * as long as it takes unless set ({@code bin/diskwarden run} sets it from DISKWARDEN_STOP_TIMEOUT).
   */
  public void stopWaitsAtMost(Duration atMost) {
    this.stopWait = atMost;
  }

  /**
   * Stops the schedule (a running sweep finishes its current removal) and releases base_dir. Work
   * still running after {@link #stopWaitsAtMost} (stuck in a system call, say) is abandoned to its
   * daemon thread and reported as a failure.
   */
  public synchronized void stop() {
    if (lock == null) {
      return;
    }
    stopping = true;
    try {
      for (String still : rounds.stop(stopWait)) {
        LOG.error("Stopping without waiting any longer: {}", still);
        alerts.publish(EventType.FAILURE, "stopped without waiting any longer: " + still, Optional.empty());
      }
    } finally {
      lock.close();
      lock = null;
      stopped.countDown();
      LOG.info("diskwarden stopped");
      alerts.publish(EventType.STOPPED, "diskwarden stopped", Optional.empty());
      alerts.closeDispatcher();
    }
  }

  /** Blocks until {@link #stop()} has run. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  public Optional<Lane> schedule() {
    return rounds.schedule();
  }

  /** What the agent knows, for jmx, metrics and the commands (read-only, never blocks). */
  @Override
  public AgentStatus status() {
    return status;
  }
}
