package org.diskwarden.agent;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diskwarden.config.Durations;
import org.diskwarden.config.EventType;
import org.diskwarden.config.Size;
import org.diskwarden.config.Thresholds;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.notify.Alerts;
import org.diskwarden.sweep.AuditLog;

/**
 * Starts and stops one watch: base_dir's lock, the work scheduled in its lane (checks, samples,
 * routine git gc) and the outlets it delivers through; what {@link DiskWarden#start()} and
 * {@link DiskWarden#stop()} do.
 */
final class WatchLifecycle {
  // the agent's own lines ("diskwarden started", "diskwarden stopped"): log scrapers know them by this name
  private static final Logger LOG = LogManager.getLogger(DiskWarden.class);

  private final DiskWarden agent;
  private final Settings settings;
  private final Alerts alerts;
  private final AuditLog audit;
  private final WatchTiming timing;
  private final Supplier<Check> now;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean stopping;
  private volatile Duration stopWait = Duration.ofNanos(Long.MAX_VALUE);
  private BaseDirLock lock;

  WatchLifecycle(DiskWarden agent, Settings settings, Alerts alerts, AuditLog audit, WatchTiming timing,
      Supplier<Check> now) {
    this.agent = agent;
    this.settings = settings;
    this.alerts = alerts;
    this.audit = audit;
    this.timing = timing;
    this.now = now;
  }

  /** True once a stop began: a running sweep ends after its current removal. */
  boolean stopping() {
    return stopping;
  }

  synchronized boolean started() {
    return lock != null;
  }

  BaseDirLock acquireLock() {
    return BaseDirLock.acquire(settings.get().baseDir(), (path, what) -> {
      try {
        audit.replaced(path, what);
      } catch (java.io.UncheckedIOException e) {
        LOG.error("Could not record in the audit log that {} ({}) was unlinked: {}", path, what, e.getMessage());
      }
    });
  }

  synchronized void start() {
    if (lock != null) {
      throw new IllegalStateException("the agent is already started");
    }
    agent.status().configWarnings().forEach(w -> LOG.warn("Config: {}", w));
    WardenConfig c = settings.get();
    // Templates are checked here, before anything else starts: a typo fails now, not at 3 am.
    alerts.startDispatcher(c.notifications());
    try {
      lock = acquireLock();
    } catch (RuntimeException e) {
      alerts.closeDispatcher();
      throw e;
    }
    now.get().recover();
    agent.learnNextSave();
    try {
      timing.start(c, this::scheduledCheck, this::sample, this::scheduledGitGc,
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

  void stopWaitsAtMost(Duration atMost) {
    this.stopWait = atMost;
  }

  synchronized void stop() {
    if (lock == null) {
      return;
    }
    stopping = true;
    try {
      for (String still : timing.stop(stopWait)) {
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

  void awaitStop() throws InterruptedException {
    stopped.await();
  }

  private void sample() {
    now.get().sample().ifPresent(why -> timing.requestCheck(why, agent.sweeping()));
  }

  private void scheduledCheck() {
    try {
      agent.check();
    } catch (RuntimeException e) {
      // The job boundary: log once, tell people, and let the next check run as scheduled.
      LOG.error("Check failed; the next one runs as scheduled", e);
      alerts.publish(EventType.FAILURE, "check failed: " + e, Optional.empty());
    }
  }

  private void scheduledGitGc() {
    try {
      agent.gitGc();
    } catch (RuntimeException e) {
      LOG.warn("Scheduled git gc did not run: {}", e.getMessage());
    }
  }
}
