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

  /**
   * With the fill rate and times to trigger and full, when the disk is filling. Perfdata: WARN is the
   * trigger in force (raised by save_headroom and the fill rate), CRIT the configured min_free /
   * min_free_percent floor; the text says when and why the trigger in force is higher.
   */
  public static String format(State state, Usage u, Thresholds t, Forecast f) {
    String filling = f.describe().isEmpty() ? "" : ", " + f.describe();
    long trigger = t.triggerBytes(u.total());
    long configured = t.configuredTriggerBytes(u.total());
    String raised = trigger > configured ? String.format(Locale.ROOT, ", trigger %s (configured %s, raised by "
        + "save_headroom and the fill rate)", Size.human(trigger, 1), Size.human(configured, 1)) : "";
    return String.format(Locale.ROOT,
        "DISKWARDEN %s - %.1f GB free (%.1f%%)%s%s | free=%dB;%d;%d;0;%d free_percent=%.2f%%;%.2f;;0;100"
            + " fill_rate=%.0fB/s",
        state, Size.toGb(u.free()), u.freePercent(), raised, filling, u.free(), trigger, configured, u.total(),
        u.freePercent(), t.minFreePercent(), f.fillBytesPerSecond());
  }
}
