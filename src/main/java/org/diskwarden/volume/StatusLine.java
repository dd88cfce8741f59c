package org.diskwarden.volume;

import java.util.Locale;
import org.diskwarden.config.Size;
import org.diskwarden.config.Thresholds;

/** {@code DISKWARDEN OK - 283.0 GB free (15.4%) | free=...}: one line with Nagios perfdata. */
public final class StatusLine {
  private StatusLine() {}

  public static String format(State state, Usage u, Thresholds t) {
    return format(state, u, t, Forecast.unknown());
  }

  /** With the fill rate and times to trigger and full, when the disk is filling. */
  public static String format(State state, Usage u, Thresholds t, Forecast f) {
    String filling = f.describe().isEmpty() ? "" : ", " + f.describe();
    return String.format(Locale.ROOT,
        "DISKWARDEN %s - %.1f GB free (%.1f%%)%s | free=%dB;%d;;0;%d free_percent=%.2f%%;%.2f;;0;100"
            + " fill_rate=%.0fB/s",
        state, Size.toGb(u.free()), u.freePercent(), filling, u.free(), t.triggerBytes(u.total()), u.total(),
        u.freePercent(), t.minFreePercent(), f.fillBytesPerSecond());
  }
}
