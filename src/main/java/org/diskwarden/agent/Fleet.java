package org.diskwarden.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diskwarden.config.ConfigException;
import org.diskwarden.config.ConfigLoader;
import org.diskwarden.config.NotifyConfig;
import org.diskwarden.config.Watches;
import org.diskwarden.notify.Dispatcher;
import org.diskwarden.schedule.CheckSchedule;
import org.diskwarden.sweep.AuditLog;

/**
 * One agent guarding every directory of {@code watch:}: one Quartz scheduler with a lane per watch,
 * one dispatcher, one audit log (lines carry the watch), one lock file per watch's base_dir, and one
 * sweep per filesystem at a time. A reload adds, removes and changes watches live. A config with one
 * base_dir is a fleet of one: its watch is unnamed, so names, files and lines are a single agent's.
 */
public final class Fleet {
  private static final Logger LOG = LogManager.getLogger(Fleet.class);

  /** Hears of watches as they start and stop (the JMX beans and metrics follow them). */
  public interface Listener {
    void added(String watch, DiskWarden agent);

    void removed(String watch, DiskWarden agent);

    /** A reload changed the watch's settings (its policies may have changed). */
    default void reloaded(String watch, DiskWarden agent) {}
  }

  private final Path file;
  private final Optional<Path> baseDirOverride;
  private final Clock clock;
  private final AuditLog audit;
  private final Map<String, DiskWarden> agents = new LinkedHashMap<>();
  private final Map<Object, ReentrantLock> volumeLocks = new ConcurrentHashMap<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private volatile Watches watches;
  private volatile CheckSchedule schedule;
  private volatile Dispatcher dispatcher;
  private volatile Duration stopWait = Duration.ofNanos(Long.MAX_VALUE);

  /**
   * @param file the config file the watches came from (reloads read it again)
   * @param baseDirOverride the command line's --base-dir (one base_dir only), applied again on reload
   * @param logDir where the one {@code audit.jsonl} is written
   */
  public Fleet(Watches watches, Path file, Optional<Path> baseDirOverride, Path logDir, Clock clock) {
    this.watches = watches;
    this.file = file;
    this.baseDirOverride = baseDirOverride;
    this.clock = clock;
    this.audit = new AuditLog(logDir.resolve("audit.jsonl"), clock, watches.shared().audit());
  }

  /** True when the config lists its watches ({@code watch:}); false for a config with one base_dir. */
  public boolean listed() {
    return watches.listed();
  }

  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  /**
   * Starts every watch: the shared dispatcher first (a broken template fails here, before anything
   * else), then a lane and a lock per watch.
   *
   * @throws IllegalStateException when a base_dir is held by another agent, or Quartz cannot start
   * @throws IllegalArgumentException when a template is broken
   */
  public synchronized void start() {
    if (watches.shared().notifications().hasOutlets()) {
      dispatcher = Dispatcher.start(watches.shared().notifications(), clock, System::getenv);
    }
    schedule = CheckSchedule.start(clock);
    try {
      watches.watches().forEach(this::add);
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
  }

  private void add(Watches.Watch w) {
    DiskWarden agent = new DiskWarden(new WatchSetup(w.name(), watches.listed(), w.config(), Optional.of(file),
        baseDirOverride, clock, audit, Optional.of(this), volumeLock(w.config().baseDir())));
    // a watch that leaves the config on a reload stops within the same bound
    agent.stopWaitsAtMost(stopWait);
    // the listeners first: the status of the first check and the beans are in place when it runs
    listeners.forEach(l -> l.added(w.name(), agent));
    try {
      agent.start();
    } catch (RuntimeException e) {
      listeners.forEach(l -> l.removed(w.name(), agent));
      throw e;
    }
    agents.put(w.name(), agent);
    if (watches.listed()) {
      LOG.info("Watch {} started: {}", w.name(), w.config().baseDir());
    }
  }

  private void remove(String name) {
    DiskWarden agent = agents.remove(name);
    if (agent != null) {
      listeners.forEach(l -> l.removed(name, agent));
      agent.stop();
      if (watches.listed()) {
        LOG.info("Watch {} stopped (it left the config)", name);
      }
    }
  }

  /** The sweep lock of the filesystem {@code dir} is on: watches on one volume take turns. */
  private ReentrantLock volumeLock(Path dir) {
    Object device;
    try {
      device = Files.getAttribute(dir, "unix:dev");
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      device = dir; // the device cannot be read: this watch takes turns with nobody
    }
    return volumeLocks.computeIfAbsent(device, d -> new ReentrantLock());
  }

  /**
   * How long {@link #stop()} waits for running work in all watches together; as long as it takes
   * unless set ({@code bin/diskwarden run} sets it from DISKWARDEN_STOP_TIMEOUT).
   */
  public void stopWaitsAtMost(Duration atMost) {
    this.stopWait = atMost;
  }

  /**
   * Stops every watch (each finishes its current removal, within {@link #stopWaitsAtMost} for all
   * together), then the scheduler and the dispatcher.
   */
  public synchronized void stop() {
    long deadline = System.nanoTime() + Math.min(stopWait.toNanos(), Long.MAX_VALUE / 2);
    for (String name : new ArrayList<>(agents.keySet())) {
      try {
        agents.get(name).stopWaitsAtMost(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        remove(name);
      } catch (RuntimeException e) {
        LOG.error("Could not stop watch {}: {}", name, e.toString());
      }
    }
    if (schedule != null) {
      schedule.shutdown(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))
          .forEach(still -> LOG.error("Stopping without waiting any longer: {}", still));
      schedule = null;
    }
    if (dispatcher != null) {
      dispatcher.close();
      dispatcher = null;
    }
  }

  /**
   * Reads the file again: watches that left it stop (their beans unregister, their locks are
   * released), new ones start, changed ones take their new settings (a new base_dir restarts the
   * watch), a changed notify: replaces the dispatcher. A bad file changes nothing.
   *
   * @throws ConfigException listing the file's problems (a broken template among them)
   * @throws IllegalStateException when the file no longer lists watches, or now does, or (one base_dir)
   *     names another base_dir: a restart is needed
   */
  public synchronized Watches reload() throws ConfigException {
    Watches next = ConfigLoader.loadWatches(file, baseDirOverride);
    if (next.listed() != watches.listed()) {
      throw new IllegalStateException(watches.listed()
          ? "the config no longer has watch:; going back to one directory needs a restart"
          : "the config now has watch:; guarding several directories needs a restart");
    }
    if (!next.listed()) {
      Settings.sameBaseDir(watches.shared(), next.shared());
    }
    replaceDispatcher(next);
    for (String name : new ArrayList<>(agents.keySet())) {
      Optional<Watches.Watch> now = next.named(name);
      if (now.isEmpty() || !now.get().config().baseDir().equals(agents.get(name).status().config().baseDir())) {
        remove(name);
      }
    }
    for (Watches.Watch w : next.watches()) {
      DiskWarden agent = agents.get(w.name());
      if (agent == null) {
        add(w);
      } else {
        agent.reloaded(w.config());
        listeners.forEach(l -> l.reloaded(w.name(), agent));
      }
    }
    watches = next;
    if (next.listed()) {
      LOG.info("Config reloaded from {}: watches {}", file, next.names());
    }
    return next;
  }

  /** A notify: section the reload changed: its outlets from now on (a broken template keeps the old). */
  private void replaceDispatcher(Watches next) throws ConfigException {
    NotifyConfig after = next.shared().notifications();
    if (after.equals(watches.shared().notifications())) {
      return;
    }
    Dispatcher started = null;
    if (after.hasOutlets()) {
      try {
        started = Dispatcher.start(after, clock, System::getenv);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(file.toString(), List.of(e.getMessage()));
      }
    }
    Dispatcher before = dispatcher;
    dispatcher = started;
    agents.values().forEach(a -> a.shareDispatcher(dispatcher()));
    if (before != null) {
      before.close();
    }
  }

  CheckSchedule schedule() {
    return schedule;
  }

  Optional<Dispatcher> dispatcher() {
    return Optional.ofNullable(dispatcher);
  }

  /** The running watches by name, in the file's order. */
  public synchronized Map<String, DiskWarden> agents() {
    return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(agents));
  }

  /** The running watches' names, in the file's order. */
  public synchronized List<String> names() {
    return List.copyOf(agents.keySet());
  }

  public synchronized Optional<DiskWarden> agent(String watch) {
    return Optional.ofNullable(agents.get(watch));
  }
}
