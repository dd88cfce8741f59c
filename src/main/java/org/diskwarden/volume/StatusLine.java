package org.diskwarden.volume;

import java.util.Locale;
import org.diskwarden.config.Size;
import org.diskwarden.config.Thresholds;

/** {@code DISKWARDEN OK - 283.0 GB free (15.4%) | free=...}: one line with Nagios perfdata. */
public final class StatusLine {
  private StatusLine() {}

  public static String format(State state, Usage u, Thresholds t) {
    return String.format(Locale.ROOT,
        "DISKWARDEN %s - %.1f GB free (%.1f%%) | free=%dB;%d;;0;%d free_percent=%.2f%%;%.2f;;0;100",
        state, Size.toGb(u.free()), u.freePercent(), u.free(), t.triggerBytes(u.total()), u.total(),
        u.freePercent(), t.minFreePercent());
  }
}
