package org.diskwarden.sweep;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diskwarden.config.CleanupMode;
import org.diskwarden.config.Size;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.policy.Candidate;
import org.diskwarden.policy.Protection;

/**
 * The one way anything is deleted: the {@link Guard}, then the audit line (no line, no removal), then
 * the no-follow {@link Remover}, then the outcome line. Sweeps and git maintenance both come through here.
 */
public final class GuardedDelete {
  private static final Logger LOG = LogManager.getLogger(GuardedDelete.class);

  private final Guard guard;
  private final Protection protection;
  private final AuditLog audit;
  private final Duration minAge;
  private final Clock clock;

  private GuardedDelete(Guard guard, Protection protection, AuditLog audit, Duration minAge, Clock clock) {
    this.guard = guard;
    this.protection = protection;
    this.audit = audit;
    this.minAge = minAge;
    this.clock = clock;
  }

  /**
   * @param keptByRule entries a retention rule keeps: refused whatever a caller asks
   */
  public static GuardedDelete of(WardenConfig config, Set<Path> keptByRule, AuditLog audit, Clock clock) {
    return of(config, keptByRule, Set.of(), audit, clock);
  }

  /**
   * @param resumed removals a crashed run began, whose directory mtimes are our own unlinks
   */
  public static GuardedDelete of(WardenConfig config, Set<Path> keptByRule, Set<Path> resumed, AuditLog audit,
      Clock clock) {
    Protection protection = new Protection(config.baseDir(), config.protect());
    return new GuardedDelete(new Guard(protection, keptByRule, config.minAge(), resumed), protection, audit,
        config.minAge(), clock);
  }

  /** Deletes {@code c} (or, in dry run, only records that it would); the result says what happened. */
  public Removal delete(Candidate c, CleanupMode mode, boolean dryRun) {
    Optional<String> refusal = guard.refusal(c, clock.instant());
    if (refusal.isPresent()) {
      LOG.warn("Refused to remove {} ({}): {}", c.path(), c.policy(), refusal.get());
      return new Removal(c.path(), c.policy(), c.bytes(), c.reason(), refusal);
    }
    try {
      audit.intent(c, mode, dryRun);
    } catch (UncheckedIOException e) {
      LOG.error("Not removing {}: {}", c.path(), e.getMessage());
      return new Removal(c.path(), c.policy(), c.bytes(), c.reason(), Optional.of(e.getMessage()));
    }
    Optional<String> error = dryRun ? Optional.empty()
        : Remover.remove(c.path(), protection, clock.instant().minus(minAge));
    Removal r = new Removal(c.path(), c.policy(), c.bytes(), c.reason(), error);
    audit.flush();
    try {
      audit.outcome(r, dryRun ? "dry_run" : error.isEmpty() ? "removed" : "failed");
    } catch (UncheckedIOException e) {
      LOG.error("Removed {} but could not record the outcome: {}", c.path(), e.getMessage());
    }
    if (error.isEmpty()) {
      LOG.info("{}Deleted old {}: {} ({})", dryRun ? "[dry run] Would have " : "", c.noun(), c.path().getFileName(),
          Size.human(c.bytes(), 0));
    } else {
      LOG.warn("Failed to remove {} ({}): {}", c.path(), c.policy(), error.get());
    }
    return r;
  }
}
