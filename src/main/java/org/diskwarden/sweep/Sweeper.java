package org.diskwarden.sweep;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diskwarden.archive.Compressibility;
import org.diskwarden.config.Action;
import org.diskwarden.config.ActionConfig;
import org.diskwarden.config.CleanupMode;
import org.diskwarden.config.PolicyConfig;
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
  private final Consumer<Path> beforeVerify;
  private final Compressibility estimates;

  public Sweeper(Volume volume, AuditLog audit, Clock clock) {
    this(volume, audit, clock, new Compressibility());
  }

  /** @param estimates the agent's compression estimates, taught what each archive really saved */
  public Sweeper(Volume volume, AuditLog audit, Clock clock, Compressibility estimates) {
    this(volume, audit, clock, partial -> { }, estimates);
  }

  /**
   * @param beforeVerify sees each temporary archive or copy after it is written and before it is read
   *     back (tests corrupt it there to prove the verification holds)
   */
  Sweeper(Volume volume, AuditLog audit, Clock clock, Consumer<Path> beforeVerify) {
    this(volume, audit, clock, beforeVerify, new Compressibility());
  }

  private Sweeper(Volume volume, AuditLog audit, Clock clock, Consumer<Path> beforeVerify,
      Compressibility estimates) {
    this.estimates = estimates;
    this.volume = volume;
    this.audit = audit;
    this.clock = clock;
    this.beforeVerify = beforeVerify;
  }

  /**
   * Removes what a killed run left half-written (temporary archives and copies the audit log
   * announced and never finished); the originals were never touched. Called at start and before
   * every sweep.
   */
  public void discardLeftovers(WardenConfig config) {
    java.util.Set<Path> leftovers = audit.unfinishedWrites();
    if (leftovers.isEmpty()) {
      return;
    }
    try (GuardedDelete deletion = GuardedDelete.of(config, java.util.Set.of(), audit, clock)) {
      discard(config, leftovers, deletion);
    }
  }

  private void discard(WardenConfig config, java.util.Set<Path> leftovers, GuardedDelete deletion) {
    for (Path partial : leftovers) {
      Optional<String> policy = writer(config, partial.getParent());
      if (policy.isEmpty()) {
        LOG.warn("The audit log names an unfinished {} outside base_dir and every configured move_to; left alone",
            partial);
        continue;
      }
      if (java.nio.file.Files.exists(partial, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Optional<String> error = deletion.discardPartial(partial, partial.getParent(), policy.get());
        if (error.isPresent()) {
          LOG.error("Could not remove the unfinished {}: {}", partial, error.get());
          continue;
        }
        LOG.info("Removed {}, left unfinished by an earlier run; its original was never touched", partial);
      }
      audit.written(partial, policy.get(), "discarded");
    }
  }

  /**
   * Removals a killed run began whose entries are gone by now (it got that far, or someone else
   * finished): their outcome goes into the audit log, so no later run reports them unfinished again.
   */
  private void recordVanished(Plan plan) {
    for (Path path : plan.resumed()) {
      if (!java.nio.file.Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        try {
          audit.outcome(new Removal(path, "(resumed)", 0, "finished before this run", Optional.empty()), "removed");
        } catch (java.io.UncheckedIOException e) {
          LOG.error("Could not record that {} is gone: {}", path, e.getMessage());
        }
      }
    }
  }

  /**
   * The policy that may have written into {@code folder}: a configured move_to, or any folder inside
   * base_dir (the config may have changed since the crash); empty for any other place.
   */
  private static Optional<String> writer(WardenConfig config, Path folder) {
    for (PolicyConfig p : config.policies()) {
      Optional<Path> moveTo = p.action().moveTo();
      try {
        if (moveTo.isPresent() && folder.equals(moveTo.get().toRealPath())) {
          return Optional.of(p.name());
        }
      } catch (java.io.IOException e) {
        // an unmounted target holds nothing of ours now
      }
    }
    Path normal = folder.normalize();
    return normal.startsWith(config.baseDir()) ? Optional.of("(leftover)") : Optional.empty();
  }

  /**
   * @param stopping polled between removals: true once the agent shuts down (the current removal finishes)
   */
  public SweepReport execute(Plan plan, WardenConfig config, boolean dryRun, BooleanSupplier stopping) {
    try (GuardedDelete deletion = GuardedDelete.of(config, plan.keptByRule(), plan.resumed(), plan.keepingLinks(),
        audit, clock)) {
      return execute(plan, config, dryRun, stopping, deletion);
    }
  }

  private SweepReport execute(Plan plan, WardenConfig config, boolean dryRun, BooleanSupplier stopping,
      GuardedDelete deletion) {
    Instant start = clock.instant();
    CleanupMode mode = config.cleanupMode();
    Thresholds thresholds = plan.thresholds();
    Keeper keeper = new Keeper(deletion, audit, volume, config.baseDir(), plan.resumed(), stopping, beforeVerify,
        estimates);
    Map<String, ActionConfig> actions = new HashMap<>();
    config.policies().forEach(p -> actions.put(p.name(), p.action()));
    List<Removal> removed = new ArrayList<>();
    List<Removal> failed = new ArrayList<>();
    List<Removal> skipped = new ArrayList<>();
    List<Candidate> notReached = new ArrayList<>();
    if (!dryRun) {
      discard(config, audit.unfinishedWrites(), deletion);
      recordVanished(plan);
    }
    Usage before = volume.read();
    Usage now = before;
    long freed = 0;
    LOG.info(dryRun ? "Starting dry-run cleanup..." : "Starting automatic cleanup...");
    LOG.info("Plan: {} candidate(s), {} reclaimable, {} mode", plan.candidates().size(),
        Size.human(plan.reclaimable(), 1), mode.key());
    for (Candidate c : plan.candidates()) {
      // A removal a killed run began is finished whatever the target: half a version helps no one.
      boolean targetMet = mode == CleanupMode.UNTIL_TARGET && thresholds.meetsTarget(now.free(), now.total())
          && !plan.resumed().contains(c.path());
      if (targetMet || stopping.getAsBoolean()) {
        notReached.add(c);
        continue;
      }
      Keeper.Result result = c.action() == Action.DELETE
          ? Keeper.Result.of(deletion.delete(c, mode, dryRun))
          : keeper.keep(c, actions.get(c.policy()), mode, dryRun);
      Removal r = result.removal();
      if (result.kind() == Keeper.Kind.SKIPPED) {
        skipped.add(r);
      } else if (r.succeeded()) {
        removed.add(r);
        freed += r.freed();
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
    LOG.info("Cleanup complete: {} {}{}", dryRun ? "would free" : "freed", Size.human(freed, 1),
        notReached.isEmpty() ? "" : " (" + notReached.size() + " candidate(s) kept: target reached)");
    if (state == State.CRITICAL) {
      LOG.warn("Still below the trigger after cleanup: {} free (< {} trigger)", Size.human(now.free(), 1),
          Size.human(thresholds.triggerBytes(now.total()), 1));
    }
    return new SweepReport(start, clock.instant(), mode, dryRun, now.total(), before.free(), now.free(), freed,
        removed, failed, notReached, plan.held(), state, List.of(), skipped);
  }
}
