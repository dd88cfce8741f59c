package org.diskwarden.config;

import java.time.Duration;
import java.time.Instant;

/**
 * A policy's retention rule: which settled entries of a policy (or of one group) it keeps, ranked newest
 * first. An entry the rule does not keep is a candidate for removal. A new rule is a record here, read
 * in {@link PolicyReader}; the selector asks every rule the same three questions.
 */
public sealed interface Retention permits Retention.KeepLatest, Retention.MaxAge, Retention.Both {

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
}
