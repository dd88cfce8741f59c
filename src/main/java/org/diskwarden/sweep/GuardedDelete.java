package org.diskwarden.sweep;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diskwarden.archive.Partial;
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
    return delete(c, mode, dryRun, Optional.empty());
  }

  /** Why the guard would refuse {@code c} now, or empty when it may go. */
  public Optional<String> refusal(Candidate c) {
    return guard.refusal(c, clock.instant());
  }

  /**
   * Deletes {@code c} once it was kept elsewhere ({@code keptAt}: its verified archive or copy, named
   * in the audit line); the guard and audit log apply as to any deletion.
   */
  public Removal delete(Candidate c, CleanupMode mode, boolean dryRun, Optional<Path> keptAt) {
    Optional<String> refusal = guard.refusal(c, clock.instant());
    if (refusal.isPresent()) {
      LOG.warn("Refused to remove {} ({}): {}", c.path(), c.policy(), refusal.get());
      return new Removal(c.path(), c.policy(), c.bytes(), c.reason(), refusal);
    }
    Optional<String> error;
    try {
      error = audited(c, mode, dryRun, keptAt, protection, clock.instant().minus(minAge));
    } catch (UncheckedIOException e) {
      LOG.error("Not removing {}: {}", c.path(), e.getMessage());
      return new Removal(c.path(), c.policy(), c.bytes(), c.reason(), Optional.of(e.getMessage()));
    }
    Removal r = new Removal(c.path(), c.policy(), c.bytes(), c.reason(), error);
    if (error.isEmpty() && keptAt.isPresent()) {
      LOG.info("{}Removed old {} after it was kept ({}) at {}: {} ({})", dryRun ? "[dry run] Would have " : "",
          c.noun(), c.action().key(), keptAt.get(), c.path().getFileName(), Size.human(c.bytes(), 0));
    } else if (error.isEmpty()) {
      LOG.info("{}Deleted old {}: {} ({})", dryRun ? "[dry run] Would have " : "", c.noun(), c.path().getFileName(),
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
    Protection scope = protection;
    if (protection.isInside(partial)) {
      Optional<String> rule = protection.protectedBy(partial);
      if (rule.isPresent()) {
        return rule;
      }
    } else {
      // A move target outside base_dir: the partial copy is the only thing there we may touch.
      scope = new Protection(folder, java.util.List.of());
    }
    Candidate c = new Candidate(partial, policy, "partial", 0, clock.instant(), "unfinished archive or copy");
    try {
      return audited(c, CleanupMode.FULL, false, Optional.empty(), scope, java.time.Instant.MAX);
    } catch (UncheckedIOException e) {
      return Optional.of(e.getMessage());
    }
  }

  /**
   * The sequence every removal follows once the checks passed: the intent line (forced to disk), the
   * no-follow removal, the outcome line.
   *
   * @return the removal's error, or empty when the entry is gone (or would be, in dry run)
   * @throws UncheckedIOException when the intent line cannot be written: then nothing was removed
   */
  private Optional<String> audited(Candidate c, CleanupMode mode, boolean dryRun, Optional<Path> keptAt,
      Protection scope, java.time.Instant youngerIsAlive) {
    audit.intent(c, mode, dryRun, keptAt);
    Optional<String> error = dryRun ? Optional.empty() : Remover.remove(c.path(), scope, youngerIsAlive);
    audit.flush();
    try {
      audit.outcome(new Removal(c.path(), c.policy(), c.bytes(), c.reason(), error),
          dryRun ? "dry_run" : error.isEmpty() ? "removed" : "failed");
    } catch (UncheckedIOException e) {
      LOG.error("Removed {} but could not record the outcome: {}", c.path(), e.getMessage());
    }
    return error;
  }
}
