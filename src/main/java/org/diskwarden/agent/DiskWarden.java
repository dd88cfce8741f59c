package org.diskwarden.agent;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diskwarden.archive.Compressibility;
import org.diskwarden.config.ConfigException;
import org.diskwarden.config.EventType;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.git.GitGcReport;
import org.diskwarden.notify.Alerts;
import org.diskwarden.notify.Notifier;
import org.diskwarden.schedule.Lane;
import org.diskwarden.sweep.AuditLog;
import org.diskwarden.sweep.Plan;
import org.diskwarden.sweep.SweepStatistics;
import org.diskwarden.volume.Forecaster;
import org.diskwarden.volume.State;
import org.diskwarden.volume.StatusLine;
import org.diskwarden.volume.SteadyClock;
import org.diskwarden.volume.Usage;
import org.diskwarden.volume.Volume;

/**
 * One agent watching one base_dir: its lifecycle (start, stop), its settings, and the read model.
 * Each unit of work is a {@link Check} on one configuration snapshot; scheduled work and every JMX
 * operation that walks the tree run in the watch's lane, never beside each other. The agent runs
 * every watch in a {@link Fleet} (a config with one base_dir is a fleet of one); one on its own serves
 * the one-shot commands and tests.
 */
public final class DiskWarden implements Agent {
  private static final Logger LOG = LogManager.getLogger(DiskWarden.class);

  private final Settings settings;
  private final Clock clock;
  private final Alerts alerts;
  private final Check.Latest latest = new Check.Latest();
  private final ReentrantLock sweeping = new ReentrantLock();
  private final WatchTiming timing;
  private final WatchSetup setup;
  private final WatchLifecycle lifecycle;
  private final Check.Context context;
  private final Status status;
  private volatile Consumer<String> statusSink = line -> { };
  private volatile Consumer<CheckAnswer> answerSink = answer -> { };

  /** The one way to make an agent: on its own ({@link WatchSetup#of}) or as one of a {@link Fleet}'s watches. */
  public DiskWarden(WatchSetup setup) {
    WardenConfig config = setup.config();
    this.setup = setup;
    this.settings = new Settings(config, setup.file(), setup.baseDirOverride());
    this.clock = setup.clock();
    AuditLog audit = setup.auditView();
    this.timing = new WatchTiming(setup.name(), setup.fleet().map(Fleet::schedule), clock);
    this.alerts = new Alerts(clock, settings::get, () -> Optional.ofNullable(latest.usage.get()),
        LastSurvey.of(settings::get, latest));
    if (setup.named()) {
      alerts.forWatch(setup.name());
    }
    setup.fleet().ifPresent(fleet -> alerts.shareDispatcher(fleet.dispatcher()));
    this.lifecycle = new WatchLifecycle(this, settings, alerts, audit, timing, this::now);
    this.context = new Check.Context(Volume.of(config.baseDir(), clock), audit, clock,
        new SteadyClock(clock, System::nanoTime), new Forecaster(), alerts, new SweepStatistics(), new Stalemate(), latest, sweeping, lifecycle::stopping, new Compressibility(), setup.volumeLock());
    this.status = new Status(settings, context);
  }

  /**
   * Puts settings the file now says in force (the agent read the file); the one watch of a config
   * without {@code watch:} says so in the log, as the agent.
   */
  void reloaded(WardenConfig loaded) {
    WardenConfig before = settings.get();
    update(c -> loaded);
    settings.fileSays(loaded);
    if (!setup.named()) {
      LOG.info("Config reloaded from {}{}", settings.file().orElseThrow(), before.equals(loaded) ? " (unchanged)" : "");
      status.configWarnings().forEach(w -> LOG.warn("Config: {}", w));
    }
  }

  /** Delivers through the agent's dispatcher (a reload that changed notify: replaced it). */
  void shareDispatcher(Optional<org.diskwarden.notify.Dispatcher> dispatcher) {
    alerts.shareDispatcher(dispatcher);
  }

  /** One unit of work on the configuration in force now. */
  private Check now() {
    return new Check(context, settings.get());
  }

  /**
   * Replaces the configuration with {@code change} applied to it; the change validates (and may throw
   * IllegalArgumentException, leaving the old one in force). A new check_interval reschedules.
   */
  @Override
  public WardenConfig update(UnaryOperator<WardenConfig> change) {
    Settings.Change swap = settings.update(change);
    if (!swap.after().checkInterval().equals(swap.before().checkInterval())) {
      timing.reschedule(swap.after().checkInterval());
    }
    return swap.after();
  }

  /**
   * Loads the config file again and puts it in force (in a fleet: the agent's file, which may add or
   * remove watches); a bad file changes nothing.
   *
   * @throws ConfigException listing the file's problems (the old configuration stays)
   * @throws IllegalStateException when the agent has no config file, or the new one needs a restart
   *     (another base_dir; watch: added or gone)
   */
  @Override
  public WardenConfig reload() throws ConfigException {
    WardenConfig loaded;
    try {
      if (setup.fleet().isPresent()) {
        setup.fleet().get().reload();
        return settings.get();
      }
      loaded = settings.load();
    } catch (ConfigException e) {
      alerts.publish(EventType.FAILURE, "config reload failed; the old config stays: " + e.getMessage(), Optional.empty());
      throw e;
    }
    if (lifecycle.started()) {
      alerts.swapDispatcher(settings.get().notifications(), loaded.notifications(), settings.file());
    }
    reloaded(loaded);
    return loaded;
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
    timing.checkBegins();
    Check now = now();
    try {
      now.run();
    } finally {
      alerts.remindIfStillCritical();
      Usage u = latest.usage.get();
      if (u != null) {
        String line = StatusLine.format(alerts.state(), u, now.thresholds(), now.forecast());
        statusSink.accept(line);
        // as check prints it: "scratch: DISKWARDEN ..." for one watch of several
        String prefix = setup.named() ? setup.name() + ": " : "";
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

  /**
   * Runs {@code task} on the scheduler's worker (where checks run, so never beside a sweep) and waits
   * for its result.
   *
   * @throws IllegalStateException when the agent is not started
   */
  public <T> T onWorker(Supplier<T> task) {
    return timing.onWorker(task);
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

  /** Runs the check on the scheduler's worker now; false when the agent is not started. */
  public boolean triggerCheck() {
    return timing.triggerNow();
  }

  /** True while a sweep of this watch runs. */
  boolean sweeping() {
    return sweeping.isLocked();
  }

  /** Takes base_dir's lock; whatever had to be unlinked at its name first goes into the audit log. */
  public BaseDirLock acquireLock() {
    return lifecycle.acquireLock();
  }

  /** Alerts keep what they told in {@code memory} and start from what an earlier run kept there. */
  public void rememberAlertsIn(org.diskwarden.notify.AlertMemory memory) {
    alerts.rememberIn(memory);
  }

  /**
   * Starts the notification outlets for a one-shot command (the agent starts them in {@link #start()}).
   *
   * @throws IllegalArgumentException when a template is broken
   */
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
  public void start() {
    lifecycle.start();
  }

  /**
   * How long {@link #stop()} waits for running work (a check, a sweep's current removal, a git gc);
   * as long as it takes unless set ({@code bin/diskwarden run} sets it from DISKWARDEN_STOP_TIMEOUT).
   */
  public void stopWaitsAtMost(Duration atMost) {
    lifecycle.stopWaitsAtMost(atMost);
  }

  /**
   * Stops the schedule (a running sweep finishes its current removal) and releases base_dir. Work
   * still running after {@link #stopWaitsAtMost} (stuck in a system call, say) is abandoned to its
   * daemon thread and reported as a failure.
   */
  public void stop() {
    lifecycle.stop();
  }

  /** Blocks until {@link #stop()} has run. */
  public void awaitStop() throws InterruptedException {
    lifecycle.awaitStop();
  }

  public Optional<Lane> schedule() {
    return timing.schedule();
  }

  /** What the agent knows, for jmx, metrics and the commands (read-only, never blocks). */
  @Override
  public AgentStatus status() {
    return status;
  }
}
