package org.diskwarden.agent;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.diskwarden.config.Watches;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.sweep.AuditLog;

/**
 * What one watch's {@link DiskWarden} is made of: its name, its settings and the file they came from,
 * the audit log it writes, and the {@link Fleet} it runs in, if any; {@code new DiskWarden(setup)} is
 * the one way to make an agent. A config with one base_dir is a fleet of one: its watch is
 * {@value Watches#DEFAULT} and unnamed, so its JMX names, metrics, run files, audit lines and events
 * are those of a single-directory agent.
 *
 * @param named true for a watch of {@code watch:}: its events, audit lines and check's line carry its name
 * @param file the config file, for reloads and drift reports
 * @param baseDirOverride the command line's --base-dir, applied again on reload
 * @param audit the audit log (one per agent: a named watch writes through a view that adds its name)
 * @param fleet the agent the watch runs in (its scheduler, dispatcher and reloads); empty: on its own
 * @param volumeLock taken by every sweep and git gc on the watch's filesystem
 */
public record WatchSetup(String name, boolean named, WardenConfig config, Optional<Path> file,
    Optional<Path> baseDirOverride, Clock clock, AuditLog audit, Optional<Fleet> fleet, ReentrantLock volumeLock) {

  /**
   * A config with no file behind it, on its own (tests, one-shot use).
   *
   * @param logDir where {@code audit.jsonl} is written
   */
  public static WatchSetup of(WardenConfig config, Path logDir, Clock clock) {
    return of(Watches.single(config), Watches.single(config).watches().get(0), Optional.empty(), Optional.empty(),
        logDir, clock);
  }

  /**
   * One watch of a config file, on its own (the one-shot commands: check, plan, clean, ...).
   *
   * @param logDir where {@code audit.jsonl} is written
   */
  public static WatchSetup of(Watches watches, Watches.Watch watch, Optional<Path> file, Optional<Path> baseDirOverride,
      Path logDir, Clock clock) {
    WardenConfig config = watch.config();
    return new WatchSetup(watch.name(), watches.listed(), config, file, baseDirOverride, clock,
        new AuditLog(logDir.resolve("audit.jsonl"), clock, config.audit()), Optional.empty(), new ReentrantLock());
  }

  /** The audit log as this watch writes it. */
  AuditLog auditView() {
    return named ? audit.forWatch(name) : audit;
  }
}
