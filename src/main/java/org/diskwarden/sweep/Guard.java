package org.diskwarden.sweep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.diskwarden.config.Durations;
import org.diskwarden.policy.Candidate;
import org.diskwarden.policy.Protection;

/**
 * The one gate every removal passes, checked again at removal time whatever the plan said: inside
 * base_dir (through no link leading out), not protected, not kept by a retention rule, not modified
 * within min_age.
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

  /** Why {@code candidate} must not be removed now, or empty when it may. */
  Optional<String> refusal(Candidate candidate, Instant now) {
    Path path = candidate.path();
    if (!path.isAbsolute() || !path.equals(path.normalize()) || !protection.isInside(path)) {
      return Optional.of("not inside base_dir " + protection.baseDir());
    }
    try {
      // The entry itself may be a link (removed as a link); its folder must really be inside base_dir.
      Path parent = path.getParent().toRealPath();
      if (!parent.startsWith(protection.baseDir())) {
        return Optional.of("its folder leads outside base_dir to " + parent);
      }
    } catch (IOException e) {
      return Optional.of("its folder cannot be resolved: " + e.getMessage());
    }
    Optional<String> rule = protection.protectedBy(path);
    if (rule.isPresent()) {
      return rule;
    }
    if (keptByRule.contains(path)) {
      return Optional.of("kept by its retention rule");
    }
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return Optional.of("vanished before removal");
    }
    // A resumed removal's directory mtime is our own earlier unlinks; its files are still checked one by one.
    boolean ownUnlinks = attrs.isDirectory() && resumed.contains(path);
    if (!ownUnlinks && attrs.lastModifiedTime().toInstant().isAfter(now.minus(minAge))) {
      return Optional.of("modified within min_age " + Durations.format(minAge) + " since it was planned");
    }
    return Optional.empty();
  }
}
