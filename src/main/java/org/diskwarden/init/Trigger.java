package org.diskwarden.init;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.diskwarden.config.Size;
import org.diskwarden.volume.Usage;

/**
 * The proposed thresholds, from the volume's size and how fast the directory filled lately: the files
 * modified there in the last {@link #RECENT} (what the survey saw) as a rate per day. Cleanup starts
 * below two days of that rate or {@value #PERCENT}% of the volume, whichever is larger.
 *
 * @param minFree the proposed min_free in bytes (whole GB, or whole MB below 1 GB)
 * @param seen the comment lines saying why
 */
record Trigger(long minFree, List<String> seen) {
  static final Duration RECENT = Duration.ofDays(7);
  static final int PERCENT = 10;
  private static final long MB = 1L << 20;

  static Trigger propose(Usage volume, Seen root, Instant now, String dir) {
    Instant since = now.minus(RECENT);
    long recent = root.all().filter(s -> s.isFile() && s.mtime().isAfter(since)).mapToLong(Seen::size).sum();
    long perDay = recent / RECENT.toDays();
    // a floor for a directory that wrote nothing lately: 1 GB, or 5% of a small volume
    long floor = Math.min(Size.GB, volume.total() / 20);
    long half = volume.total() / 2;
    long wanted = Math.max(2 * perDay, floor);
    long minFree = roundUp(Math.min(wanted, half));
    List<String> seen = new ArrayList<>();
    seen.add("The volume of " + Yaml.shown(dir) + ": " + Size.human(volume.total(), 1) + ", " + Size.human(volume.free(), 1)
        + " free now.");
    if (recent == 0) {
      seen.add("No file there was modified in the last 7 days: min_free is a floor of " + Size.human(floor, 1) + ".");
    } else {
      String basis = wanted > half ? "min_free is two days at that rate, capped at half the volume"
          : 2 * perDay >= floor ? "min_free is two days at that rate"
          : "two days at that rate is less than the floor of " + Size.human(floor, 1) + ", which min_free is";
      seen.add("Files modified there in the last 7 days: " + Size.human(recent, 1) + ", about " + Size.human(perDay, 1)
          + " a day: " + basis + ".");
    }
    long percent = (long) Math.ceil(volume.total() * PERCENT / 100.0);
    seen.add("Cleanup starts below min_free or below min_free_percent (" + PERCENT + "% of the volume: "
        + Size.human(percent, 1) + "), whichever is larger, and stops at 1.2 times each; the trigger rises by itself "
        + "to 1.5 times the newest checkpoint a rule keeps (save_headroom), so the next save fits.");
    if (volume.free() < Math.max(minFree, percent)) {
      seen.add("Free space is below this trigger now: the agent would clean up at once (see the plan).");
    }
    return new Trigger(minFree, List.copyOf(seen));
  }

  /** min_free as the config writes it: {@code 4GB}, {@code 512MB}. */
  String value() {
    return minFree % Size.GB == 0 ? minFree / Size.GB + "GB" : minFree / MB + "MB";
  }

  private static long roundUp(long bytes) {
    long unit = bytes >= Size.GB ? Size.GB : MB;
    return Math.max(unit, (bytes + unit - 1) / unit * unit);
  }
}
