package org.diskwarden.notify;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diskwarden.config.ConfigException;
import org.diskwarden.config.EventType;
import org.diskwarden.config.NotifyConfig;
import org.diskwarden.config.Size;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.notify.Dispatcher;
import org.diskwarden.notify.Event;
import org.diskwarden.notify.Notifier;
import org.diskwarden.policy.SpaceHolders;
import org.diskwarden.sweep.SweepReport;
import org.diskwarden.volume.Forecast;
import org.diskwarden.volume.State;
import org.diskwarden.volume.Usage;

/**
 * The agent's state and what it tells people: the one event model that feeds JMX notifications and
 * the email/webhook/exec dispatcher, with the edges (critical once, reminders at their period,
 * recovered once, filling_up once per approach).
 */
public final class Alerts {
  private static final Logger LOG = LogManager.getLogger(Alerts.class);

  private final Clock clock;
  private final Supplier<WardenConfig> config;
  private final Supplier<Optional<Usage>> usage;
  private final String host = Event.localHost();
  private final List<Notifier> notifiers = new CopyOnWriteArrayList<>();
  private final AtomicReference<State> state = new AtomicReference<>(State.OK);
  private volatile UnaryOperator<String> environment = System::getenv;
  private volatile Dispatcher dispatcher;
  /** The agent's dispatcher when this is one watch of several: used, never started or closed here. */
  private volatile boolean sharedDispatcher;
  private volatile Optional<String> watch = Optional.empty();
  private volatile Instant lastCriticalNotice = Instant.MIN;
  private volatile boolean fillingUpSent;
  private volatile AlertMemory memory = AlertMemory.none();

  private final SpaceSurvey survey;

  /**
   * @param survey what holds the space: a critical or cleanup event names the largest places and why each stays
   */
  public Alerts(Clock clock, Supplier<WardenConfig> config, Supplier<Optional<Usage>> usage, SpaceSurvey survey) {
    this.clock = clock;
    this.config = config;
    this.usage = usage;
    this.survey = survey;
  }

  /**
   * Keeps what is told in {@code kept} from now on, starting from what an earlier run kept there: the
   * state it last announced, when its last critical notice went out, whether filling_up was sent.
   */
  public void rememberIn(AlertMemory kept) {
    kept.recall().ifPresent(told -> {
      state.set(told.state());
      lastCriticalNotice = told.lastCriticalNotice();
      fillingUpSent = told.fillingUpSent();
      LOG.info("Alert state from the last run: {} (no repeat unless it changes)", told.state());
    });
    this.memory = kept;
  }

  private void remember() {
    memory.remember(new AlertMemory.Told(state.get(), lastCriticalNotice, fillingUpSent));
  }

  public void useEnvironment(UnaryOperator<String> env) {
    this.environment = env;
  }

  public void addNotifier(Notifier notifier) {
    notifiers.add(notifier);
  }

  public void removeNotifier(Notifier notifier) {
    notifiers.remove(notifier);
  }

  public State state() {
    return state.get();
  }

  /** Tells every outlet; an outlet that throws is logged and the others still hear. */
  public void publish(EventType type, String message, Optional<SweepReport> report) {
    publish(type, message, report, state.get());
  }

  private void publish(EventType type, String message, Optional<SweepReport> report, State current) {
    // After a sweep every outlet shows the state and free space the sweep ended with, not the check's.
    Usage u = report.filter(r -> !r.dryRun()).map(r -> new Usage(r.total(), r.freeAfter(), r.end()))
        .orElseGet(() -> usage.get().orElse(new Usage(0, 0, clock.instant())));
    State s = report.filter(r -> !r.dryRun()).map(SweepReport::state).orElse(current);
    WardenConfig c = config.get();
    Event event = new Event(type, clock.instant(), host, c.baseDir().toString(), s, u, c.thresholds(), report,
        message, holders(type, report), watch);
    for (Notifier n : notifiers) {
      try {
        n.publish(event);
      } catch (RuntimeException e) {
        LOG.warn("Notifier {} failed on {} event: {}", n, type.key(), e.toString());
      }
    }
  }

  /** For a critical or cleanup event someone listens to: what holds the space (a failed survey names nothing). */
  private SpaceHolders holders(EventType type, Optional<SweepReport> report) {
    if ((type != EventType.CRITICAL && type != EventType.CLEANUP) || notifiers.isEmpty()) {
      return SpaceHolders.none();
    }
    try {
      return survey.survey(report);
    } catch (RuntimeException e) {
      // the alert goes out all the same, without the list
      LOG.warn("Could not find what holds the space for the {} event: {}", type.key(), e.toString());
      return SpaceHolders.none();
    }
  }

  /** Records the state a check or sweep found, and tells people when it turns critical or recovers. */
  public void enter(State next) {
    State before = state.getAndSet(next);
    if (before == next) {
      return;
    }
    LOG.info("State {} -> {}", before, next);
    String free = usage.get().map(u -> Size.human(u.free(), 1) + " free").orElse("");
    if (next == State.CRITICAL) {
      lastCriticalNotice = clock.instant();
    }
    remember();
    if (next == State.CRITICAL) {
      publish(EventType.CRITICAL, "space is critical: " + free
          + ", below the trigger, and the policies cannot bring it back", Optional.empty());
    } else if (next == State.OK) {
      publish(EventType.RECOVERED, "recovered: " + free, Optional.empty());
    }
  }

  /** After a check: a reminder when still CRITICAL a critical_reminder period after the last notice. */
  public void remindIfStillCritical() {
    Duration period = config.get().notifications().criticalReminder();
    Instant now = clock.instant();
    if (state.get() == State.CRITICAL && !period.isZero() && !now.isBefore(lastCriticalNotice.plus(period))) {
      lastCriticalNotice = now;
      remember();
      String free = usage.get().map(u -> Size.human(u.free(), 1) + " free").orElse("");
      publish(EventType.CRITICAL_REMINDER, "still critical: " + free, Optional.empty());
    }
  }

  /** filling_up once while the disk is predicted full within predict_horizon; re-armed when it no longer is. */
  public void fillingUp(Forecast f) {
    fillingUp(f, false);
  }

  /**
   * As {@link #fillingUp(Forecast)}, for a reading below the trigger in force: the event then says so and
   * carries LOW (or CRITICAL when the last check found that), never the OK of the check before.
   */
  public void fillingUp(Forecast f, boolean belowTrigger) {
    Duration horizon = config.get().foresight().predictHorizon();
    boolean soon = f.toFull().isPresent() && f.toFull().get().compareTo(horizon) < 0;
    if (soon && !fillingUpSent) {
      fillingUpSent = true;
      remember();
      LOG.warn("Filling up: {}", f.describe());
      String message = belowTrigger ? f.describe() + "; already below the trigger, a cleanup is due" : f.describe();
      State now = belowTrigger && state.get() == State.OK ? State.LOW : state.get();
      publish(EventType.FILLING_UP, message, Optional.empty(), now);
    } else if (!soon && fillingUpSent) {
      fillingUpSent = false;
      remember();
    }
  }

  /**
   * Starts the dispatcher when outlets are configured, checking every template first.
   *
   * @throws IllegalArgumentException naming a template file and line that is wrong
   */
  /** Events name {@code name} as their watch (one watch of several). */
  public void forWatch(String name) {
    this.watch = Optional.of(name);
  }

  /** Delivers through the agent's {@code shared} dispatcher (one watch of several), which this never closes. */
  public synchronized void shareDispatcher(Optional<Dispatcher> shared) {
    closeDispatcher();
    sharedDispatcher = true;
    shared.ifPresent(d -> {
      dispatcher = d;
      addNotifier(d);
    });
  }

  public synchronized void startDispatcher(NotifyConfig notify) {
    if (sharedDispatcher) {
      return;
    }
    if (notify.hasOutlets()) {
      dispatcher = Dispatcher.start(notify, clock, environment);
      addNotifier(dispatcher);
    }
  }

  /**
   * Replaces the dispatcher when a reload changed the notify section; a bad one keeps the old.
   *
   * @throws ConfigException naming the template problem
   */
  public synchronized void swapDispatcher(NotifyConfig before, NotifyConfig after, Optional<Path> source)
      throws ConfigException {
    if (before.equals(after) || sharedDispatcher) {
      return;
    }
    Dispatcher next = null;
    if (after.hasOutlets()) {
      try {
        next = Dispatcher.start(after, clock, environment);
      } catch (IllegalArgumentException e) {
        publish(EventType.FAILURE, "config reload failed; the old config stays: " + e.getMessage(), Optional.empty());
        throw new ConfigException(source.map(Path::toString).orElse("config"), List.of(e.getMessage()));
      }
    }
    closeDispatcher();
    if (next != null) {
      dispatcher = next;
      addNotifier(next);
    }
  }

  /** Drains the dispatcher's queue (up to 10 s) and stops it. */
  public synchronized void closeDispatcher() {
    Dispatcher d = dispatcher;
    if (d != null) {
      removeNotifier(d);
      if (!sharedDispatcher) {
        d.close();
      }
      dispatcher = null;
    }
  }

  public Map<String, Long> outcomes() {
    Dispatcher d = dispatcher;
    return d == null ? Map.of() : d.outcomes(watch);
  }

  /** Notifications of this watch that failed for good. */
  public long failures() {
    Dispatcher d = dispatcher;
    if (d == null) {
      return 0;
    }
    return watch.isEmpty() ? d.failures()
        : d.outcomes(watch).entrySet().stream().filter(e -> e.getKey().endsWith("/failed"))
            .mapToLong(Map.Entry::getValue).sum();
  }
}
