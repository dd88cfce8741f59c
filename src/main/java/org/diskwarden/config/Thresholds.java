package org.diskwarden.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * When cleanup starts (free below {@code min_free} or below {@code min_free_percent}, or below the
 * headroom {@code floor} for the next save) and when it stops (free at or above both targets, and the
 * floor plus the configured gap between trigger and target).
 *
 * @param floor free bytes the next save needs (save_headroom x newest finished entry); 0 when off.
 *     Computed at run time, never read from the config file.
 * @param targetFollows target_free was never set on its own: it is min_free x 1.2 and follows min_free
 * @param percentFollows target_free_percent was never set on its own: it follows min_free_percent
 */
public record Thresholds(long minFree, double minFreePercent, long targetFree, double targetFreePercent, long floor,
    boolean targetFollows, boolean percentFollows) {

  /** Thresholds whose targets were set explicitly. */
  public Thresholds(long minFree, double minFreePercent, long targetFree, double targetFreePercent) {
    this(minFree, minFreePercent, targetFree, targetFreePercent, 0, false, false);
  }

  /** The same thresholds with the headroom floor for the next save. */
  public Thresholds withFloor(long bytes) {
    return new Thresholds(minFree, minFreePercent, targetFree, targetFreePercent, Math.max(0, bytes), targetFollows,
        percentFollows);
  }

  /** A new min_free; a target that follows it moves with it. */
  public Thresholds withMinFree(long bytes) {
    return new Thresholds(bytes, minFreePercent, targetFollows ? defaultTargetFree(bytes) : targetFree,
        targetFreePercent, floor, targetFollows, percentFollows);
  }

  /** A new min_free_percent; a percent target that follows it moves with it. */
  public Thresholds withMinFreePercent(double percent) {
    return new Thresholds(minFree, percent, targetFree,
        percentFollows ? defaultTargetFreePercent(percent) : targetFreePercent, floor, targetFollows, percentFollows);
  }

  /** target_free set on its own: it no longer follows min_free. */
  public Thresholds withTargetFree(long bytes) {
    return new Thresholds(minFree, minFreePercent, bytes, targetFreePercent, floor, false, percentFollows);
  }

  /** target_free_percent set on its own. */
  public Thresholds withTargetFreePercent(double percent) {
    return new Thresholds(minFree, minFreePercent, targetFree, percent, floor, targetFollows, false);
  }

  public Thresholds {
    List<String> problems = problems(minFree, minFreePercent, targetFree, targetFreePercent);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /** The target the issue defines when none is given: the trigger times 1.2. */
  public static long defaultTargetFree(long minFree) {
    return (long) Math.ceil(minFree * 1.2);
  }

  /** The default percent target: the trigger times 1.2, at most 100 (a percent cannot exceed it). */
  public static double defaultTargetFreePercent(double minFreePercent) {
    return Math.max(minFreePercent, Math.min(100.0, minFreePercent * 1.2));
  }

  static List<String> problems(long minFree, double minFreePercent, long targetFree, double targetFreePercent) {
    List<String> problems = new ArrayList<>();
    if (minFree < 0) {
      problems.add("min_free value was set to " + minFree + " bytes, must be >= 0");
    }
    if (!isPercent(minFreePercent)) {
      problems.add("min_free_percent value was set to " + minFreePercent + ", must be between 0 and 100");
    }
    if (!isPercent(targetFreePercent)) {
      problems.add("target_free_percent value was set to " + targetFreePercent + ", must be between 0 and 100");
    }
    if (targetFree < minFree) {
      problems.add(String.format(Locale.ROOT,
          "target_free value was set to %s, must be >= min_free (%s)",
          Size.human(targetFree, 1), Size.human(minFree, 1)));
    }
    if (isPercent(minFreePercent) && isPercent(targetFreePercent) && targetFreePercent < minFreePercent) {
      problems.add("target_free_percent value was set to " + targetFreePercent
          + ", must be >= min_free_percent (" + minFreePercent + ")");
    }
    return problems;
  }

  private static boolean isPercent(double p) {
    return !Double.isNaN(p) && p >= 0 && p <= 100;
  }

  /** Free bytes below which a volume of {@code total} bytes is low. */
  public long triggerBytes(long total) {
    return Math.max(configuredTrigger(total), floor);
  }

  /** Free bytes at which cleanup of a volume of {@code total} bytes stops. */
  public long targetBytes(long total) {
    long target = Math.max(targetFree, (long) Math.ceil(total * targetFreePercent / 100.0));
    return Math.max(target, floor + Math.max(0, target - configuredTrigger(total)));
  }

  /** Free bytes below which the configured min_free / min_free_percent alone call a volume low. */
  public long configuredTriggerBytes(long total) {
    return configuredTrigger(total);
  }

  private long configuredTrigger(long total) {
    return Math.max(minFree, (long) Math.ceil(total * minFreePercent / 100.0));
  }

  public boolean isBelowTrigger(long free, long total) {
    return free < triggerBytes(total);
  }

  public boolean meetsTarget(long free, long total) {
    return free >= targetBytes(total);
  }
}
