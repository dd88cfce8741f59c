package org.diskwarden.sweep;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diskwarden.archive.Partial;
import org.diskwarden.config.CleanupMode;
import org.diskwarden.config.Size;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.policy.Candidate;
import org.diskwarden.policy.Protection;
import org.diskwarden.policy.Workers;

/**
 * The one way anything is deleted: base_dir held open ({@link Anchor}), the entry reached from it
 * one no-follow name at a time, the {@link Guard} on what was reached, then the audit line (no line,
 * no removal), then the {@link Remover} on the same held descriptors, then the outcome line. Sweeps
 * and git maintenance both come through here. Close it when the sweep ends.
 */
public final class GuardedDelete implements AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(GuardedDelete.class);
  /** How long a resolution of protected links is trusted while one removal walks a large tree. */
  private static final long TARGETS_FRESH_NANOS = 50_000_000L;

  private final Guard guard;
  private final Protection protection;
  private final AuditLog audit;
  private final Duration minAge;
  private final Clock clock;
  private final Anchor anchor;
  private final Workers removing = Remover.workers();

  private GuardedDelete(Guard guard, Protection protection, AuditLog audit, Duration minAge, Clock clock) {
    this.guard = guard;
    this.protection = protection;
    this.audit = audit;
    this.minAge = minAge;
    this.clock = clock;
    this.anchor = new Anchor(protection.baseDir());
  }

  /**
   * @param keptByRule entries a retention rule keeps: refused whatever a caller asks
   */
  public static GuardedDelete of(WardenConfig config, Set<Path> keptByRule, AuditLog audit, Clock clock) {
    return of(config, keptByRule, Set.of(), List.of(), audit, clock);
  }

  /**
   * @param resumed removals a crashed run began, whose directory mtimes are our own unlinks
   * @param keepingLinks links in policy folders whose targets stay while the link exists
   */
  public static GuardedDelete of(WardenConfig config, Set<Path> keptByRule, Set<Path> resumed,
      List<Path> keepingLinks, AuditLog audit, Clock clock) {
    Protection protection = new Protection(config.baseDir(), config.protect(), keepingLinks);
    return new GuardedDelete(new Guard(protection, keptByRule, config.minAge(), resumed), protection, audit,
        config.minAge(), clock);
  }

  /** Deletes {@code c} (or, in dry run, only records that it would); the result says what happened. */
  public Removal delete(Candidate c, CleanupMode mode, boolean dryRun) {
    return delete(c, mode, dryRun, Optional.empty());
  }

  /**
   * Deletes a file the agent proved redundant (a pack whose every object is in the pack a gc just
   * wrote): every rule of the guard holds except min_age, since such a file is young because a fetch
   * or an auto-gc just wrote it, and its content lives on.
   */
  public Removal deleteRedundant(Candidate c, CleanupMode mode) {
    return remove(c, mode, false, Optional.empty(), Instant.MAX, Instant.MAX);
  }

  /** Why the guard would refuse {@code c} now, or empty when it may go. */
  public Optional<String> refusal(Candidate c) {
    try (Anchor.Reached reached = anchor.reach(c.path(), c.seen())) {
      return guard.refusal(c, reached, protection.targets(), clock.instant());
    } catch (Anchor.Refused e) {
      return Optional.of(e.getMessage());
    }
  }

  /**
   * Deletes {@code c} once it was kept elsewhere ({@code keptAt}: its verified archive or copy, named
   * in the audit line); the guard and audit log apply as to any deletion.
   */
  public Removal delete(Candidate c, CleanupMode mode, boolean dryRun, Optional<Path> keptAt) {
    Instant now = clock.instant();
    return remove(c, mode, dryRun, keptAt, now, now.minus(minAge));
  }

  /**
   * Reaches {@code c}, asks the guard (ages judged at {@code judgedAt}), then the audited removal
   * (files modified after {@code youngerIsAlive} stay).
   */
  private Removal remove(Candidate c, CleanupMode mode, boolean dryRun, Optional<Path> keptAt, Instant judgedAt,
      Instant youngerIsAlive) {
    Optional<String> error;
    try (Anchor.Reached reached = anchor.reach(c.path(), c.seen())) {
      Optional<String> refusal = guard.refusal(c, reached, protection.targets(), judgedAt);
      if (refusal.isPresent()) {
        LOG.warn("Refused to remove {} ({}): {}", c.path(), c.policy(), refusal.get());
        return new Removal(c.path(), c.policy(), c.bytes(), c.reason(), refusal);
      }
      error = audited(c, reached, mode, dryRun, keptAt, protection, youngerIsAlive);
    } catch (Anchor.Refused e) {
      LOG.warn("Refused to remove {} ({}): {}", c.path(), c.policy(), e.getMessage());
      return new Removal(c.path(), c.policy(), c.bytes(), c.reason(), Optional.of(e.getMessage()));
    } catch (UncheckedIOException e) {
      LOG.error("Not removing {}: {}", c.path(), e.getMessage());
      return new Removal(c.path(), c.policy(), c.bytes(), c.reason(), Optional.of(e.getMessage()));
    }
    Removal r = new Removal(c.path(), c.policy(), c.bytes(), c.reason(), error);
    if (error.isEmpty() && keptAt.isPresent()) {
      LOG.info("{} old {} after it was kept ({}) at {}: {} ({})", dryRun ? "[dry run] would remove" : "Removed",
          c.noun(), c.action().key(), keptAt.get(), c.path().getFileName(), Size.human(c.bytes(), 0));
    } else if (error.isEmpty()) {
      // the first script's line, kept as it was: "Deleted old version: v003 (53GB)"
      LOG.info("{} old {}: {} ({})", dryRun ? "[dry run] would delete" : "Deleted", c.noun(), c.path().getFileName(),
          Size.human(c.bytes(), 0));
    } else {
      LOG.warn("Failed to remove {} ({}): {}", c.path(), c.policy(), error.get());
    }
    return r;
  }

  /**
   * Removes a temporary archive or copy diskwarden itself began writing ({@code .name.diskwarden-partial}
   * directly in {@code folder}, an archive folder inside base_dir or a configured move_to folder).
   * It is ours and unfinished, so min_age does not hold it; everything else does: the name, the
   * folder, protect globs inside base_dir, the audit line first, links removed as links.
   *
   * @return why it was not removed, or empty when it is gone
   */
  public Optional<String> discardPartial(Path partial, Path folder, String policy) {
    if (!Partial.is(partial) || !partial.isAbsolute() || !folder.equals(partial.getParent())) {
      return Optional.of(partial + " is not a partial archive or copy of " + folder);
    }
    Candidate c = new Candidate(partial, policy, "partial", 0, clock.instant(), "unfinished archive or copy");
    if (protection.isInside(partial)) {
      Optional<String> rule = protection.protectedBy(partial);
      if (rule.isPresent()) {
        return rule;
      }
      return discard(c, anchor, protection);
    }
    // A move target outside base_dir: the partial copy is the only thing there we may touch.
    try (Anchor outside = new Anchor(folder)) {
      return discard(c, outside, new Protection(folder, List.of()));
    }
  }

  private Optional<String> discard(Candidate c, Anchor from, Protection scope) {
    try (Anchor.Reached reached = from.reach(c.path(), Optional.empty())) {
      return audited(c, reached, CleanupMode.FULL, false, Optional.empty(), scope, Instant.MAX);
    } catch (Anchor.Refused e) {
      return Optional.of(e.getMessage());
    } catch (UncheckedIOException e) {
      return Optional.of(e.getMessage());
    }
  }

  /**
   * The sequence every removal follows once the checks passed: the intent line (forced to disk), the
   * no-follow removal on the held descriptors, the outcome line.
   *
   * @return the removal's error, or empty when the entry is gone (or would be, in dry run)
   * @throws UncheckedIOException when the intent line cannot be written: then nothing was removed
   */
  private Optional<String> audited(Candidate c, Anchor.Reached reached, CleanupMode mode, boolean dryRun,
      Optional<Path> keptAt, Protection scope, Instant youngerIsAlive) {
    audit.intent(c, mode, dryRun, keptAt);
    Optional<String> error = dryRun ? Optional.empty()
        : Remover.remove(reached, scope, fresh(scope), youngerIsAlive, removing);
    audit.flush();
    try {
      audit.outcome(new Removal(c.path(), c.policy(), c.bytes(), c.reason(), error),
          dryRun ? "dry_run" : error.isEmpty() ? "removed" : "failed");
    } catch (UncheckedIOException e) {
      LOG.error("Removed {} but could not record the outcome: {}", c.path(), e.getMessage());
    }
    return error;
  }

  /** Protected link targets, resolved again at most every 50 ms while one removal runs. */
  private static Supplier<Protection.Targets> fresh(Protection scope) {
    return new Supplier<>() {
      private volatile Protection.Targets last = scope.targets();
      private volatile long at = System.nanoTime();

      @Override
      public Protection.Targets get() {
        long now = System.nanoTime();
        if (now - at > TARGETS_FRESH_NANOS) {
          last = scope.targets();
          at = now;
        }
        return last;
      }
    };
  }

  @Override
  public void close() {
    try {
      anchor.close();
    } finally {
      removing.close();
    }
  }
}
