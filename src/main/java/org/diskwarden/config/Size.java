package org.diskwarden.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte sizes as operators write them: {@code 50GB}, {@code 1.5 TiB}, {@code 512MB}. Units are binary
 * (1 GB = 1024^3 bytes), as {@code df -h} shows them.
 */
public final class Size {
  private static final Pattern FORMAT =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMGT]?i?B?)", Pattern.CASE_INSENSITIVE);
  private static final String[] UNITS = {"B", "KB", "MB", "GB", "TB"};
  public static final long GB = 1L << 30;

  private Size() {}

  /**
   * Parses a size such as {@code 50GB}; a bare number is bytes.
   *
   * @throws IllegalArgumentException naming the allowed form when the text is not a size
   */
  public static long parse(String text) {
    Matcher m = FORMAT.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "must be a non-negative size such as 50GB (units B, KB, MB, GB, TB; binary)");
    }
    String unit = m.group(2).toUpperCase(Locale.ROOT).replace("I", "");
    int power = switch (unit.isEmpty() ? "B" : unit) {
      case "B" -> 0;
      case "K", "KB" -> 1;
      case "M", "MB" -> 2;
      case "G", "GB" -> 3;
      case "T", "TB" -> 4;
      default -> throw new IllegalArgumentException(
          "unit '" + m.group(2) + "' is not one of B, KB, MB, GB, TB");
    };
    double bytes = Double.parseDouble(m.group(1)) * Math.pow(1024, power);
    if (bytes >= Long.MAX_VALUE) {
      throw new IllegalArgumentException("is too large");
    }
    return (long) Math.ceil(bytes);
  }

  /** Size in the largest unit that keeps the value at or above 1, e.g. {@code 53.0GB}. */
  public static String human(long bytes, int decimals) {
    double value = bytes;
    int unit = 0;
    while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%." + decimals + "f%s", value, UNITS[unit]);
  }

  /**
   * A size in config syntax, exact when a unit divides it ({@code 50GB}, {@code 512MB}), else rounded
   * to two decimals in the largest unit ({@code 40.96MB}): what an operator reads and can write back.
   */
  public static String format(long bytes) {
    for (int unit = UNITS.length - 1; unit > 0; unit--) {
      long scale = 1L << (10 * unit);
      if (bytes != 0 && bytes % scale == 0) {
        return bytes / scale + UNITS[unit];
      }
    }
    return bytes < 1024 ? bytes + "B" : human(bytes, 2);
  }

  /** Bytes in GB (binary), the unit that leaves the code at JMX and in check output. */
  public static double toGb(long bytes) {
    return bytes / (double) GB;
  }

  /** GB (binary) to bytes, rounded up so a threshold is never weakened by rounding. */
  public static long fromGb(double gb) {
    return (long) Math.ceil(gb * GB);
  }
}
