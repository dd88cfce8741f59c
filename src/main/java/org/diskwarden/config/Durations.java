package org.diskwarden.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as operators write them: {@code 30m}, {@code 7d}, {@code 5s}, {@code 1h}, {@code 500ms}; a bare number is seconds. */
public final class Durations {
  private static final Pattern FORMAT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|[smhd]?)");

  private Durations() {}

  /**
   * Parses a duration.
   *
   * @throws IllegalArgumentException naming the allowed form when the text is not a duration
   */
  public static Duration parse(String text) {
    Matcher m = FORMAT.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "must be a non-negative duration such as 30m (units ms, s, m, h, d; a bare number is seconds)");
    }
    double seconds = Double.parseDouble(m.group(1)) * switch (m.group(2)) {
      case "ms" -> 0.001;
      case "m" -> 60;
      case "h" -> 3600;
      case "d" -> 86400;
      default -> 1;
    };
    return Duration.ofMillis(Math.round(seconds * 1000));
  }

  /** The shortest exact form, e.g. {@code 5m}, {@code 7d}, {@code 90s}. */
  public static String format(Duration d) {
    long s = d.toSeconds();
    if (d.toMillis() % 1000 != 0) {
      return d.toMillis() / 1000.0 + "s";
    }
    if (s != 0 && s % 86400 == 0) {
      return s / 86400 + "d";
    }
    if (s != 0 && s % 3600 == 0) {
      return s / 3600 + "h";
    }
    if (s != 0 && s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }
}
