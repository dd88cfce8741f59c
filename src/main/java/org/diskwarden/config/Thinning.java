package org.diskwarden.config;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The thinning keys of a policy, with restic's meaning ({@code restic forget --keep-daily}, doc
 * 060_forget.rst): for each of the last N hours, days, ISO weeks, months or years that have an entry,
 * the newest entry of that period stays; periods are calendar periods in {@code zone} (the agent's
 * local time zone), so a day is 23 or 25 hours across a DST change. {@code keep_every_steps: N} keeps
 * every entry whose training step is a multiple of N. All of them keep, none removes: an entry stays
 * when any rule keeps it.
 *
 * @param counts how many periods of each kind (absent or 0: none)
 * @param everySteps 0 for none
 * @param zone the zone whose calendar the periods follow
 */
public record Thinning(Map<Period, Integer> counts, long everySteps, ZoneId zone) {

  /** No thinning key set. */
  public static Thinning none(ZoneId zone) {
    return new Thinning(Map.of(), 0, zone);
  }

  public Thinning {
    EnumMap<Period, Integer> copy = new EnumMap<>(Period.class);
    counts.forEach((p, n) -> {
      if (n < 0) {
        throw new IllegalArgumentException(p.key() + " value was set to " + n + ", must be >= 0");
      }
      if (n > 0) {
        copy.put(p, n);
      }
    });
    if (everySteps < 0) {
      throw new IllegalArgumentException("keep_every_steps value was set to " + everySteps + ", must be >= 1");
    }
    counts = java.util.Collections.unmodifiableMap(copy);
    java.util.Objects.requireNonNull(zone, "zone");
  }

  /** The count for {@code period}, 0 when not set. */
  public int count(Period period) {
    return counts.getOrDefault(period, 0);
  }

  /** The same with {@code period} set to {@code n} (0 removes it). */
  public Thinning with(Period period, int n) {
    Map<Period, Integer> changed = new HashMap<>(counts);
    changed.put(period, n);
    return new Thinning(changed, everySteps, zone);
  }

  /** The same with keep_every_steps set to {@code n} (0 removes it). */
  public Thinning withEverySteps(long n) {
    return new Thinning(counts, n, zone);
  }

  public boolean isEmpty() {
    return counts.isEmpty() && everySteps == 0;
  }

  /** Whether a period key is set: only a period keeps the newest entry whatever its step. */
  public boolean hasPeriods() {
    return !counts.isEmpty();
  }

  /**
   * Why each entry stays, for a group's settled entries newest first ({@code ["daily 2026-11-30",
   * "weekly 2026-W48"]}); an empty list for an entry no thinning key keeps.
   */
  public List<List<String>> keep(List<Retention.Settled> newestFirst) {
    List<List<String>> why = new ArrayList<>();
    newestFirst.forEach(e -> why.add(new ArrayList<>()));
    for (Map.Entry<Period, Integer> c : counts.entrySet()) {
      Period p = c.getKey();
      // the period's start -> the first (newest) entry in it
      TreeMap<Instant, Integer> newestOfPeriod = new TreeMap<>(java.util.Comparator.reverseOrder());
      for (int i = 0; i < newestFirst.size(); i++) {
        newestOfPeriod.putIfAbsent(p.start(newestFirst.get(i).newest().atZone(zone)), i);
      }
      newestOfPeriod.entrySet().stream().limit(c.getValue()).forEach(e ->
          why.get(e.getValue()).add(p.word + " " + p.label(e.getKey().atZone(zone))));
    }
    if (everySteps > 0) {
      for (int i = 0; i < newestFirst.size(); i++) {
        OptionalLong step = newestFirst.get(i).step();
        if (step.isPresent() && step.getAsLong() % everySteps == 0) {
          why.get(i).add("every " + everySteps + " steps (step " + step.getAsLong() + ")");
        }
      }
    }
    return why;
  }

  /** The keys as set, for reasons: {@code daily 7, weekly 4, every 1000 steps}. */
  public String describe() {
    List<String> parts = new ArrayList<>();
    counts.forEach((p, n) -> parts.add(p.word + " " + n));
    if (everySteps > 0) {
      parts.add("every " + everySteps + " steps");
    }
    return String.join(", ", parts);
  }

  /** A calendar period: its key, the word a reason uses, where it starts and how it is written. */
  public enum Period implements Keyed {
    HOURLY("hourly", "yyyy-MM-dd HH:00xxx"),
    DAILY("daily", "yyyy-MM-dd"),
    WEEKLY("weekly", "yyyy"),
    MONTHLY("monthly", "yyyy-MM"),
    YEARLY("yearly", "yyyy");

    private final String word;
    private final DateTimeFormatter label;

    Period(String word, String pattern) {
      this.word = word;
      this.label = DateTimeFormatter.ofPattern(pattern, Locale.ROOT);
    }

    /** The config key: {@code keep_daily}. */
    @Override
    public String key() {
      return "keep_" + word;
    }

    /**
     * The instant the period holding {@code t} starts. An hour is told apart by its offset too: the
     * repeated hour of a DST change is two hours, as it is on the clock of the entries' writer.
     */
    Instant start(ZonedDateTime t) {
      return switch (this) {
        case HOURLY -> t.truncatedTo(ChronoUnit.HOURS).toInstant();
        case DAILY -> t.toLocalDate().atStartOfDay(t.getZone()).toInstant();
        case WEEKLY -> t.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
            .atStartOfDay(t.getZone()).toInstant();
        case MONTHLY -> t.toLocalDate().withDayOfMonth(1).atStartOfDay(t.getZone()).toInstant();
        case YEARLY -> t.toLocalDate().withDayOfYear(1).atStartOfDay(t.getZone()).toInstant();
      };
    }

    String label(ZonedDateTime start) {
      if (this == WEEKLY) {
        return String.format(Locale.ROOT, "%d-W%02d", start.get(IsoFields.WEEK_BASED_YEAR),
            start.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
      }
      return label.format(start);
    }
  }
}
