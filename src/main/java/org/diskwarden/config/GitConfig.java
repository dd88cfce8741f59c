package org.diskwarden.config;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code git:} section: which repositories to compact and when.
 *
 * @param repos paths relative to base_dir
 * @param gc when a sweep runs gc
 * @param aggressive {@code git gc --aggressive}: smaller, much heavier
 * @param pruneExpire unreachable objects younger than this are kept, in git's form (2.weeks.ago, never)
 * @param schedule optional Quartz cron expression for routine gc
 */
public record GitConfig(List<String> repos, Gc gc, boolean aggressive, String pruneExpire, Optional<String> schedule) {
  private static final Pattern AGO =
      Pattern.compile("(\\d+)[. ](second|minute|hour|day|week|month|year)s?[. ]ago");

  /** When a sweep compacts the repositories. */
  public enum Gc implements Keyed {
    NEVER {
      @Override
      public boolean runAfter(boolean stillLow) {
        return false;
      }
    },
    WHEN_STILL_LOW {
      @Override
      public boolean runAfter(boolean stillLow) {
        return stillLow;
      }
    },
    ALWAYS {
      @Override
      public boolean runAfter(boolean stillLow) {
        return true;
      }
    };

    /** Whether gc runs after a sweep that left free space {@code stillLow} (below the target). */
    public abstract boolean runAfter(boolean stillLow);

    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @throws IllegalArgumentException naming the allowed values
     */
    public static Gc fromKey(String key) {
      return Keyed.parse(Gc.class, key);
    }
  }

  public GitConfig {
    repos = List.copyOf(repos);
    expireWindow(pruneExpire);
  }

  public static GitConfig none() {
    return new GitConfig(List.of(), Gc.WHEN_STILL_LOW, false, "2.weeks.ago", Optional.empty());
  }

  /**
   * The window prune_expire keeps, or empty for {@code never} (nothing unreachable is pruned).
   *
   * @throws IllegalArgumentException for a form it does not know, or a zero window
   */
  public static Optional<Duration> expireWindow(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("never")) {
      return Optional.empty();
    }
    Matcher m = AGO.matcher(t);
    if (!m.matches()) {
      throw new IllegalArgumentException("must be N.<unit>.ago (seconds, minutes, hours, days, weeks, months, years) "
          + "or never, e.g. 2.weeks.ago");
    }
    long n = Long.parseLong(m.group(1));
    Duration unit = switch (m.group(2)) {
      case "second" -> Duration.ofSeconds(1);
      case "minute" -> Duration.ofMinutes(1);
      case "hour" -> Duration.ofHours(1);
      case "day" -> Duration.ofDays(1);
      case "week" -> Duration.ofDays(7);
      case "month" -> Duration.ofDays(30);
      default -> Duration.ofDays(365);
    };
    if (n == 0) {
      // Readers (a git log, a training job reading a checkpoint by hash) may still need fresh unreachable objects.
      throw new IllegalArgumentException("must keep a non-zero window (readers may be active), e.g. 1.hour.ago");
    }
    return Optional.of(unit.multipliedBy(n));
  }

  /** Unreachable objects older than this instant may be pruned; {@link Instant#EPOCH} for never. */
  public Instant expireBefore(Instant now) {
    return expireWindow(pruneExpire).map(now::minus).orElse(Instant.EPOCH);
  }
}
