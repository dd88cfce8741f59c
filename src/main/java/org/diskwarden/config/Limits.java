package org.diskwarden.config;

import java.time.Duration;
import java.util.Locale;

/**
 * The one rule for each setting a file, a reload and a JMX write can give: the loader and every
 * writer go through these, so a value is refused the same way, with the same message
 * ({@code KEY value was set to VALUE, must be ...}), wherever it comes from.
 */
public final class Limits {
  /** The largest size any setting takes: 1024TB; nothing a deleting daemon computes with may overflow. */
  public static final long MAX_SIZE = 1024L * 1024 * Size.GB;
  /** The largest size in GB ({@code min_free_gb}, JMX {@code *Gb}). */
  public static final double MAX_GB = 1024 * 1024;
  public static final Duration MIN_CHECK_INTERVAL = Duration.ofSeconds(1);
  public static final Duration MAX_CHECK_INTERVAL = Duration.ofDays(1);
  public static final Duration MAX_MIN_AGE = Duration.ofDays(365);
  /** The longest duration any setting takes (max_age, ...): nothing computed with it may overflow. */
  public static final Duration MAX_DURATION = Duration.ofDays(3650);

  static final String GB_RANGE = "must be a number of GB from 0 to 1048576 (1024TB)";
  static final String HEADROOM_RANGE = "must be a factor from 0 (off) to 100";
  static final String PERCENT_RANGE = "must be a percent between 0 and 100";

  private Limits() {}

  /** A size in config syntax ({@code 50GB}); a bare non-zero number is refused (it needs a unit). */
  public static long size(String key, String text) {
    String t = text == null ? "" : text.trim();
    if (t.matches("\\d+(\\.\\d+)?") && Double.parseDouble(t) != 0) {
      // min_free: 50 meant 50GB far more often than 50 bytes: a size needs its unit (0 alone is clear)
      throw refused(key, text, "needs a unit: did you mean " + t
          + "GB? (units B, KB, MB, GB, TB; binary; a bare 0 is allowed)");
    }
    long bytes;
    try {
      bytes = Size.parse(t);
    } catch (IllegalArgumentException e) {
      throw refused(key, text, e.getMessage());
    }
    if (bytes > MAX_SIZE) {
      throw refused(key, text, "must be at most 1024TB");
    }
    return bytes;
  }

  /** A size in GB (binary), 0 to 1048576 (1024TB), as bytes rounded up. */
  public static long gb(String key, double gb) {
    if (!(gb >= 0 && gb <= MAX_GB)) {
      throw refused(key, format(gb), GB_RANGE);
    }
    return Size.fromGb(gb);
  }

  /** A percent, 0 to 100. */
  public static double percent(String key, double percent) {
    if (!(percent >= 0 && percent <= 100)) {
      throw refused(key, format(percent), PERCENT_RANGE);
    }
    return percent;
  }

  /** save_headroom: a factor from 0 (off) to 100. */
  public static double saveHeadroom(double factor) {
    if (!(factor >= 0 && factor <= 100)) {
      throw refused("save_headroom", format(factor), HEADROOM_RANGE);
    }
    return factor;
  }

  /** check_interval: from 1s to 1d. */
  public static Duration checkInterval(String shown, Duration d) {
    if (d.compareTo(MIN_CHECK_INTERVAL) < 0 || d.compareTo(MAX_CHECK_INTERVAL) > 0) {
      throw refused("check_interval", shown, "must be from 1s to 1d");
    }
    return d;
  }

  /** min_age: from 0 to 365d. */
  public static Duration minAge(String shown, Duration d) {
    if (d.isNegative() || d.compareTo(MAX_MIN_AGE) > 0) {
      throw refused("min_age", shown, "must be at most " + Durations.format(MAX_MIN_AGE));
    }
    return d;
  }

  /** max_age over JMX, in days: 0 (no age rule; the file leaves the key out) to 3650. */
  public static Duration maxAgeDays(double days) {
    if (!(days >= 0 && days <= MAX_DURATION.toDays())) {
      throw refused("max_age", format(days) + "d", "must be at most " + Durations.format(MAX_DURATION)
          + " (0 = no age rule)");
    }
    return Duration.ofSeconds(Math.round(days * 86400));
  }

  /** keep_latest: a whole number >= 1. */
  public static int keepLatest(int keep) {
    if (keep < 1) {
      throw refused("keep_latest", Integer.toString(keep), "must be a whole number >= 1");
    }
    return keep;
  }

  /** sample_interval across check_interval: sampling between checks needs checks further apart than samples. */
  public static void sampleWithin(Duration sample, Duration checkInterval) {
    if (sample.compareTo(checkInterval) > 0) {
      throw refused("sample_interval", Durations.format(sample), "must be at most check_interval ("
          + Durations.format(checkInterval) + ")");
    }
  }

  /** cleanup_mode: one of its keys. */
  public static CleanupMode cleanupMode(String text) {
    try {
      return CleanupMode.fromKey(text);
    } catch (IllegalArgumentException e) {
      throw refused("cleanup_mode", text, e.getMessage());
    }
  }

  /** A duration in config syntax ({@code 30m}) under the rule of {@code key}. */
  public static Duration duration(String key, String text) {
    Duration d;
    try {
      d = Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw refused(key, text, e.getMessage());
    }
    return switch (key) {
      case "check_interval" -> checkInterval(text, d);
      case "min_age" -> minAge(text, d);
      default -> throw new IllegalArgumentException("no duration rule for " + key);
    };
  }

  /** Numbers show as the file gives them: 150, not 150.0. */
  public static String format(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
  }

  static IllegalArgumentException refused(String key, String value, String allowed) {
    return new IllegalArgumentException(key + " value was set to '" + value + "', " + allowed);
  }
}
