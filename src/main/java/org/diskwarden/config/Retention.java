package org.diskwarden.config;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A policy's retention rule: which settled entries of a policy (or of one group) it keeps, ranked newest
 * first. An entry the rule does not keep is a candidate for removal. A new rule is a record here, read
 * in {@link PolicyReader}; the selector asks every rule the same three questions.
 */
public sealed interface Retention permits Retention.KeepLatest, Retention.MaxAge, Retention.Both,
    Retention.Thinned {

  /** A settled entry as a rule that looks at the whole group sees it (the thinning keys). */
  record Settled(Instant newest, OptionalLong step) {}

  /**
   * @param rank 0 for the newest settled entry of its group, 1 for the next, ...
   * @param newest the newest modification time inside the entry
   */
  boolean keeps(int rank, Instant newest, Instant now);

  /** Why an entry the rule does not keep may go, for reports and the audit log. */
  String reason();

  /** Why an entry the rule keeps stays ({@code "among the newest 2"}). */
  String keptBecause(int rank, Instant newest, Instant now);

  /** The keep_latest count in this rule, 0 when it has none (JMX shows it; the next save is learnt from it). */
  default int keepLatest() {
    return 0;
  }

  /** The max_age in this rule, zero when it has none. */
  default Duration maxAge() {
    return Duration.ZERO;
  }

  /** The thinning keys in this rule; empty when it has none. */
  default Optional<Thinning> thinning() {
    return Optional.empty();
  }

  /**
   * Why the rule keeps each of a group's settled entries, newest first ({@code "kept by rule (among
   * the newest 2)"}, {@code "kept: daily 2026-11-30"}); empty for an entry it lets go. The selector
   * asks this; a rule that judges each entry alone answers from {@link #keeps}.
   */
  default List<Optional<String>> kept(List<Settled> newestFirst, Instant now) {
    List<Optional<String>> why = new ArrayList<>();
    for (int rank = 0; rank < newestFirst.size(); rank++) {
      Instant newest = newestFirst.get(rank).newest();
      why.add(keeps(rank, newest, now) ? Optional.of("kept by rule (" + keptBecause(rank, newest, now) + ")")
          : Optional.empty());
    }
    return why;
  }

  /** Keeps the newest {@code n} settled entries; {@code n >= 1}, so the newest is never a candidate. */
  static Retention keepLatest(int n) {
    return new KeepLatest(n);
  }

  /** Keeps entries modified within {@code age}. */
  static Retention maxAge(Duration age) {
    return new MaxAge(age);
  }

  /**
   * The rule keep_latest and max_age describe: with both an entry goes only when both let it.
   *
   * @param keepLatest 0 for none
   * @param maxAge zero for none
   * @throws IllegalArgumentException when neither is set, or one is out of range
   */
  static Retention of(int keepLatest, Duration maxAge) {
    if (keepLatest == 0 && maxAge.isZero()) {
      throw new IllegalArgumentException("needs keep_latest (>= 1), max_age (> 0) or both");
    }
    if (keepLatest != 0 && !maxAge.isZero()) {
      return new Both(new KeepLatest(keepLatest), new MaxAge(maxAge));
    }
    return keepLatest != 0 ? keepLatest(keepLatest) : maxAge(maxAge);
  }

  /**
   * keep_latest, max_age and the thinning keys: the union of what each keeps.
   *
   * @throws IllegalArgumentException when nothing keeps the newest entry (no keep_latest, max_age nor
   *     period key), or a value is out of range
   */
  static Retention of(int keepLatest, Duration maxAge, Thinning thinning) {
    if (thinning.isEmpty()) {
      return of(keepLatest, maxAge);
    }
    if (keepLatest == 0 && maxAge.isZero()) {
      if (!thinning.hasPeriods()) {
        throw new IllegalArgumentException("keep_every_steps alone would let the newest entry go; add keep_latest, "
            + "max_age or a keep_hourly/daily/weekly/monthly/yearly key beside it");
      }
      return new Thinned(Optional.empty(), thinning);
    }
    return new Thinned(Optional.of(of(keepLatest, maxAge)), thinning);
  }

  /** The newest {@code count} settled entries stay. */
  record KeepLatest(int count) implements Retention {
    public KeepLatest {
      if (count < 1) {
        throw new IllegalArgumentException("keep_latest value was set to " + count + ", must be >= 1");
      }
    }

    @Override
    public boolean keeps(int rank, Instant newest, Instant now) {
      return rank < count;
    }

    @Override
    public String reason() {
      return "beyond the newest " + count;
    }

    @Override
    public String keptBecause(int rank, Instant newest, Instant now) {
      return "among the newest " + count;
    }

    @Override
    public int keepLatest() {
      return count;
    }
  }

  /** Entries modified within {@code age} stay. */
  record MaxAge(Duration age) implements Retention {
    public MaxAge {
      if (age.isNegative() || age.isZero()) {
        throw new IllegalArgumentException("max_age value was set to " + age + ", must be > 0");
      }
    }

    @Override
    public boolean keeps(int rank, Instant newest, Instant now) {
      return newest.isAfter(now.minus(age));
    }

    @Override
    public String reason() {
      return "older than " + Durations.format(age);
    }

    @Override
    public String keptBecause(int rank, Instant newest, Instant now) {
      return "younger than " + Durations.format(age);
    }

    @Override
    public Duration maxAge() {
      return age;
    }
  }

  /** An entry stays when either rule keeps it. */
  record Both(KeepLatest latest, MaxAge age) implements Retention {
    @Override
    public boolean keeps(int rank, Instant newest, Instant now) {
      return latest.keeps(rank, newest, now) || age.keeps(rank, newest, now);
    }

    @Override
    public String reason() {
      return latest.reason() + " and " + age.reason();
    }

    @Override
    public String keptBecause(int rank, Instant newest, Instant now) {
      return latest.keeps(rank, newest, now) ? latest.keptBecause(rank, newest, now)
          : age.keptBecause(rank, newest, now);
    }

    @Override
    public int keepLatest() {
      return latest.count();
    }

    @Override
    public Duration maxAge() {
      return age.age();
    }
  }

  /**
   * keep_latest and/or max_age (when set) and the thinning keys: an entry stays when any of them keeps
   * it. The thinning looks at the whole group, so {@link #keeps} answers for the base rule alone; the
   * selector asks {@link #kept}.
   */
  record Thinned(Optional<Retention> base, Thinning thin) implements Retention {
    public Thinned {
      if (base.isPresent() && base.get() instanceof Thinned) {
        throw new IllegalArgumentException("a thinned rule's base is keep_latest and/or max_age");
      }
      if (base.isEmpty() && !thin.hasPeriods()) {
        throw new IllegalArgumentException("keep_every_steps alone would let the newest entry go");
      }
    }

    @Override
    public boolean keeps(int rank, Instant newest, Instant now) {
      return base.map(b -> b.keeps(rank, newest, now)).orElse(false);
    }

    @Override
    public String reason() {
      return base.map(b -> b.reason() + ", and ").orElse("") + "not kept by " + thin.describe();
    }

    @Override
    public String keptBecause(int rank, Instant newest, Instant now) {
      return base.filter(b -> b.keeps(rank, newest, now)).map(b -> b.keptBecause(rank, newest, now))
          .orElse(thin.describe());
    }

    @Override
    public List<Optional<String>> kept(List<Settled> newestFirst, Instant now) {
      List<List<String>> thinned = thin.keep(newestFirst);
      List<Optional<String>> why = new ArrayList<>();
      for (int rank = 0; rank < newestFirst.size(); rank++) {
        List<String> parts = new ArrayList<>();
        Instant newest = newestFirst.get(rank).newest();
        if (keeps(rank, newest, now)) {
          parts.add(keptBecause(rank, newest, now));
        }
        parts.addAll(thinned.get(rank));
        why.add(parts.isEmpty() ? Optional.empty() : Optional.of("kept: " + String.join(", ", parts)));
      }
      return why;
    }

    @Override
    public int keepLatest() {
      return base.map(Retention::keepLatest).orElse(0);
    }

    @Override
    public Duration maxAge() {
      return base.map(Retention::maxAge).orElse(Duration.ZERO);
    }

    @Override
    public Optional<Thinning> thinning() {
      return Optional.of(thin);
    }
  }
}
