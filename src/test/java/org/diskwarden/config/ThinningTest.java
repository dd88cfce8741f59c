package org.diskwarden.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The thinning keys against restic's documented examples (restic, doc/060_forget.rst, published as
 * https://restic.readthedocs.io/en/latest/060_forget.html, "Removing snapshots according to a policy": twelve Sunday snapshots under {@code --keep-daily 4}, and a daily
 * backup for 100 years under {@code --keep-daily 7 --keep-weekly 5 --keep-monthly 12 --keep-yearly
 * 75}), plus month and year boundaries, ISO weeks and a DST change, each in the zone given.
 */
class ThinningTest {
  private static final ZoneId UTC = ZoneOffset.UTC;
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  private static Thinning periods(ZoneId zone, Object... periodAndCount) {
    Map<Thinning.Period, Integer> counts = new LinkedHashMap<>();
    for (int i = 0; i < periodAndCount.length; i += 2) {
      counts.put((Thinning.Period) periodAndCount[i], (Integer) periodAndCount[i + 1]);
    }
    return new Thinning(counts, 0, zone);
  }

  /** The entries a rule keeps among {@code times} (any order), as the times in ISO form, newest first. */
  private static List<String> kept(Retention rule, List<String> times) {
    List<Instant> newestFirst = times.stream().map(t -> OffsetDateTime.parse(t).toInstant())
        .sorted(Comparator.reverseOrder()).toList();
    List<Optional<String>> why = rule.kept(newestFirst.stream()
        .map(t -> new Retention.Settled(t, OptionalLong.empty())).toList(), NOW);
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < newestFirst.size(); i++) {
      if (why.get(i).isPresent()) {
        kept.add(newestFirst.get(i).toString());
      }
    }
    return kept;
  }

  private static List<String> utc(String... isoInstants) {
    return List.of(isoInstants).stream().map(s -> Instant.parse(s).toString()).toList();
  }

  static Stream<Arguments> calendar() {
    List<String> sundays = new ArrayList<>();
    for (LocalDate d = LocalDate.of(2019, 9, 1); !d.isAfter(LocalDate.of(2019, 11, 17)); d = d.plusWeeks(1)) {
      sundays.add(d + "T11:00:00Z");
    }
    return Stream.of(
        // restic's example: "forget --keep-daily 4 will keep the last four snapshots, for the last four Sundays"
        Arguments.of("restic keep-daily 4 over twelve Sundays", periods(UTC, Thinning.Period.DAILY, 4), sundays,
            utc("2019-11-17T11:00:00Z", "2019-11-10T11:00:00Z", "2019-11-03T11:00:00Z", "2019-10-27T11:00:00Z")),
        // the newest of each day: two saves on one day keep one
        Arguments.of("two saves a day, keep_daily 2", periods(UTC, Thinning.Period.DAILY, 2),
            List.of("2026-11-30T08:00:00Z", "2026-11-30T20:00:00Z", "2026-11-29T20:00:00Z", "2026-11-28T20:00:00Z"),
            utc("2026-11-30T20:00:00Z", "2026-11-29T20:00:00Z")),
        // days without an entry are not counted: the last 2 days that have one
        Arguments.of("gaps are skipped", periods(UTC, Thinning.Period.DAILY, 2),
            List.of("2026-11-30T08:00:00Z", "2026-11-20T08:00:00Z", "2026-11-01T08:00:00Z"),
            utc("2026-11-30T08:00:00Z", "2026-11-20T08:00:00Z")),
        // month boundary: 23:30 on Jan 31 and 00:30 on Feb 1 are two months
        Arguments.of("month boundary", periods(UTC, Thinning.Period.MONTHLY, 2),
            List.of("2026-01-31T23:30:00Z", "2026-02-01T00:30:00Z", "2026-01-15T00:00:00Z"),
            utc("2026-02-01T00:30:00Z", "2026-01-31T23:30:00Z")),
        // year boundary: two years, one ISO week (2026-12-31 is a Thursday, 2027-01-01 a Friday: both 2026-W53)
        Arguments.of("year boundary, keep_yearly 2", periods(UTC, Thinning.Period.YEARLY, 2),
            List.of("2026-12-31T12:00:00Z", "2027-01-01T12:00:00Z", "2026-06-01T12:00:00Z"),
            utc("2027-01-01T12:00:00Z", "2026-12-31T12:00:00Z")),
        Arguments.of("year boundary inside one ISO week, keep_weekly 1", periods(UTC, Thinning.Period.WEEKLY, 1),
            List.of("2026-12-31T12:00:00Z", "2027-01-01T12:00:00Z", "2026-12-28T12:00:00Z"),
            utc("2027-01-01T12:00:00Z")),
        // weeks start on Monday: Sunday 2026-11-29 and Monday 2026-11-30 are two weeks
        Arguments.of("ISO weeks start on Monday", periods(UTC, Thinning.Period.WEEKLY, 2),
            List.of("2026-11-30T00:10:00Z", "2026-11-29T23:50:00Z", "2026-11-23T09:00:00Z"),
            utc("2026-11-30T00:10:00Z", "2026-11-29T23:50:00Z")),
        // DST ends in Berlin on 2026-10-25 (a 25-hour day): 00:30 CEST and 23:30 CET are one local day,
        // though in UTC they fall on the 24th and the 25th
        Arguments.of("DST change, local days", periods(BERLIN, Thinning.Period.DAILY, 2),
            List.of("2026-10-24T12:00:00+02:00", "2026-10-25T00:30:00+02:00", "2026-10-25T23:30:00+01:00"),
            utc("2026-10-25T22:30:00Z", "2026-10-24T10:00:00Z")),
        Arguments.of("DST change, the same instants in UTC days", periods(UTC, Thinning.Period.DAILY, 2),
            List.of("2026-10-24T12:00:00+02:00", "2026-10-25T00:30:00+02:00", "2026-10-25T23:30:00+01:00"),
            utc("2026-10-25T22:30:00Z", "2026-10-24T22:30:00Z")),
        // the repeated hour 02:00-02:59 of that night is two hours on the clock
        Arguments.of("DST change, the repeated hour", periods(BERLIN, Thinning.Period.HOURLY, 3),
            List.of("2026-10-25T02:10:00+02:00", "2026-10-25T02:40:00+02:00", "2026-10-25T02:10:00+01:00",
                "2026-10-25T01:10:00+02:00", "2026-10-24T23:00:00+02:00"),
            utc("2026-10-25T01:10:00Z", "2026-10-25T00:40:00Z", "2026-10-24T23:10:00Z")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("calendar")
  void periods_keepTheNewestOfEachOfTheLastNPeriodsThatHaveAnEntry(String name, Thinning thinning, List<String> times,
      List<String> expected) {
    assertThat(kept(Retention.of(0, Duration.ZERO, thinning), times)).isEqualTo(expected);
  }

  @Test
  void resticHundredYearExample_keepsSevenDailiesFourMoreWeekliesElevenMoreMonthliesAndTheYearEnds() {
    // one backup a day for 100 years, the newest on Sunday 2019-11-17; restic: "the most recent 7 daily
    // snapshots and 4 last-day-of-the-week ones (since the 7 dailies already include 1 weekly)", then
    // "12 or 11" monthly and "75 or 74" yearly ones
    List<Retention.Settled> newestFirst = new ArrayList<>();
    for (LocalDate d = LocalDate.of(2019, 11, 17); d.isAfter(LocalDate.of(1919, 11, 17)); d = d.minusDays(1)) {
      newestFirst.add(new Retention.Settled(d.atTime(5, 0).toInstant(ZoneOffset.UTC), OptionalLong.empty()));
    }
    Thinning t = periods(UTC, Thinning.Period.DAILY, 7, Thinning.Period.WEEKLY, 5, Thinning.Period.MONTHLY, 12,
        Thinning.Period.YEARLY, 75);

    List<List<String>> why = t.keep(newestFirst);

    // 2018-12-31 is the last of a month and of a year: the yearly rule's 75 add 73 to the others
    assertThat(why.stream().filter(w -> !w.isEmpty()).count()).isEqualTo(7 + 4 + 11 + 73);
    assertThat(count(why, "daily")).isEqualTo(7);
    assertThat(count(why, "weekly")).isEqualTo(5);
    assertThat(count(why, "monthly")).isEqualTo(12);
    assertThat(count(why, "yearly")).isEqualTo(75);
    assertThat(why.stream().filter(w -> w.size() == 1 && w.get(0).startsWith("weekly"))).hasSize(4);
    assertThat(why.stream().filter(w -> !w.isEmpty() && w.get(0).startsWith("monthly"))).hasSize(11);
    assertThat(why.get(0)).containsExactly("daily 2019-11-17", "weekly 2019-W46", "monthly 2019-11", "yearly 2019");
  }

  private static long count(List<List<String>> why, String period) {
    return why.stream().filter(w -> w.stream().anyMatch(r -> r.startsWith(period + " "))).count();
  }

  @Test
  void keepEverySteps_keepsEveryMultiple_andNamesTheRuleWithKeepLatest() {
    List<Retention.Settled> newestFirst = new ArrayList<>();
    for (long step = 5000; step >= 500; step -= 500) {
      newestFirst.add(new Retention.Settled(NOW.minusSeconds(step), OptionalLong.of(step)));
    }
    Retention rule = Retention.of(1, Duration.ZERO, new Thinning(Map.of(), 2000, UTC));

    List<Optional<String>> why = rule.kept(newestFirst, NOW);

    assertThat(why.get(0)).contains("kept: among the newest 1");
    assertThat(why.get(2)).contains("kept: every 2000 steps (step 4000)");
    assertThat(why.stream().filter(Optional::isPresent).count()).isEqualTo(3); // 5000, 4000, 2000
    assertThat(rule.reason()).isEqualTo("beyond the newest 1, and not kept by every 2000 steps");
  }

  @Test
  void planNamesThePeriod() {
    Retention rule = Retention.of(0, Duration.ZERO, periods(UTC, Thinning.Period.DAILY, 1));
    List<Optional<String>> why = rule.kept(List.of(new Retention.Settled(Instant.parse("2026-11-30T10:00:00Z"),
        OptionalLong.empty())), NOW);
    assertThat(why.get(0)).contains("kept: daily 2026-11-30");
  }

  @Test
  void keepEveryStepsAlone_isRefused_negativeCountsToo() {
    assertThatThrownBy(() -> Retention.of(0, Duration.ZERO, new Thinning(Map.of(), 1000, UTC)))
        .hasMessageContaining("keep_every_steps alone would let the newest entry go");
    assertThatThrownBy(() -> periods(UTC, Thinning.Period.WEEKLY, -1))
        .hasMessage("keep_weekly value was set to -1, must be >= 0");
  }
}
