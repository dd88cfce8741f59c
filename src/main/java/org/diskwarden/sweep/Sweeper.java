package org.diskwarden.sweep;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diskwarden.config.CleanupMode;
import org.diskwarden.config.Size;
import org.diskwarden.config.Thresholds;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.policy.Candidate;
import org.diskwarden.volume.State;
import org.diskwarden.volume.Usage;
import org.diskwarden.volume.Volume;

/**
 * Carries out a {@link Plan}: each candidate through the {@link Guard}, then the audit log, then the
 * {@link Remover}. In until_target mode free space is read again after each removal and the sweep
 * stops at the target; a failed removal is reported and the sweep goes on.
 */
public final class Sweeper {
  private static final Logger LOG = LogManager.getLogger(Sweeper.class);

  private final Volume volume;
  private final AuditLog audit;
  private final Clock clock;

  public Sweeper(Volume volume, AuditLog audit, Clock clock) {
    this.volume = volume;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * @param stopping polled between removals: true once the agent shuts down (the current removal finishes)
   */
  public SweepReport execute(Plan plan, WardenConfig config, boolean dryRun, BooleanSupplier stopping) {
    Instant start = clock.instant();
    CleanupMode mode = config.cleanupMode();
    Thresholds thresholds = plan.thresholds();
    GuardedDelete deletion = GuardedDelete.of(config, plan.keptByRule(), plan.resumed(), audit, clock);
    List<Removal> removed = new ArrayList<>();
    List<Removal> failed = new ArrayList<>();
    List<Candidate> notReached = new ArrayList<>();
    Usage before = volume.read();
    Usage now = before;
    long freed = 0;
    LOG.info(dryRun ? "Starting dry-run cleanup..." : "Starting automatic cleanup...");
    LOG.info("Plan: {} candidate(s), {} reclaimable, {} mode", plan.candidates().size(),
        Size.human(plan.reclaimable(), 1), mode.key());
    for (Candidate c : plan.candidates()) {
      boolean targetMet = mode == CleanupMode.UNTIL_TARGET && thresholds.meetsTarget(now.free(), now.total());
      if (targetMet || stopping.getAsBoolean()) {
        notReached.add(c);
        continue;
      }
      Removal r = deletion.delete(c, mode, dryRun);
      if (r.succeeded()) {
        removed.add(r);
        freed += c.bytes();
        now = dryRun ? before.plus(freed) : volume.read();
      } else {
        failed.add(r);
        now = dryRun ? now : volume.read();
      }
    }
    if (!dryRun) {
      now = volume.read();
    }
    State state = thresholds.isBelowTrigger(now.free(), now.total()) ? State.CRITICAL : State.OK;
    LOG.info("Cleanup complete: freed {}{}", String.format(java.util.Locale.ROOT, "%.1fGB", Size.toGb(freed)),
        notReached.isEmpty() ? "" : " (" + notReached.size() + " candidate(s) kept: target reached)");
    if (state == State.CRITICAL) {
      LOG.warn("Still below the trigger after cleanup: {} free (< {} trigger)", Size.human(now.free(), 1),
          Size.human(thresholds.triggerBytes(now.total()), 1));
    }
    return new SweepReport(start, clock.instant(), mode, dryRun, now.total(), before.free(), now.free(), freed,
        removed, failed, notReached, plan.held(), state);
  }
}
