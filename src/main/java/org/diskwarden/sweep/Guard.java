package org.diskwarden.sweep;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.diskwarden.config.Durations;
import org.diskwarden.policy.Candidate;
import org.diskwarden.policy.Protection;

/**
 * The one gate every removal passes, checked again at removal time whatever the plan said, on the
 * entry as {@link Anchor} reached it (its folder held open, its attributes read there): not protected
 * by name, not a protected link's target nor holding one (links resolved now), not kept by a
 * retention rule, not modified within min_age.
 */
final class Guard {
  private final Protection protection;
  private final Set<Path> keptByRule;
  private final Duration minAge;
  private final Set<Path> resumed;

  Guard(Protection protection, Set<Path> keptByRule, Duration minAge, Set<Path> resumed) {
    this.protection = protection;
    this.keptByRule = keptByRule;
    this.minAge = minAge;
    this.resumed = resumed;
  }

  /** Why {@code candidate}, as {@code reached}, must not be removed now, or empty when it may. */
  Optional<String> refusal(Candidate candidate, Anchor.Reached reached, Protection.Targets targets, Instant now) {
    Path path = candidate.path();
    if (!protection.isInside(path)) {
      return Optional.of("not inside base_dir " + protection.baseDir());
    }
    Optional<String> rule = protection.protectedBy(path);
    if (rule.isPresent()) {
      return rule;
    }
    if (targets.holds(reached.attrs())) {
      return Optional.of("a protected link points at it or into it");
    }
    if (keptByRule.contains(path)) {
      return Optional.of("kept by its retention rule");
    }
    // A resumed removal's directory mtime is our own earlier unlinks; its files are still checked one by one.
    boolean ownUnlinks = reached.attrs().isDirectory() && resumed.contains(path);
    if (!ownUnlinks && reached.attrs().mtime().isAfter(now.minus(minAge))) {
      return Optional.of("modified within min_age " + Durations.format(minAge) + " since it was planned");
    }
    return Optional.empty();
  }
}
