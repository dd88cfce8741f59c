package org.diskwarden.policy;

import java.time.Duration;
import java.time.Instant;
import org.diskwarden.config.Durations;
import org.diskwarden.config.PolicyConfig;

/**
 * A retention rule: which settled entries of a policy (or of one group) it keeps. An entry the rule
 * does not keep is a candidate for removal.
 */
public sealed interface Policy permits Policy.KeepLatest, Policy.MaxAge, Policy.Both {

  /**
   * @param rank 0 for the newest settled entry of its group, 1 for the next, ...
   * @param newest the newest modification time inside the entry
   */
  boolean keeps(int rank, Instant newest, Instant now);

  /** Why an entry the rule does not keep may go, for reports and the audit log. */
  String reason();

  /** Keeps the newest {@code n} settled entries; {@code n >= 1}, so the newest is never a candidate. */
  static Policy keepLatest(int n) {
    return new KeepLatest(n);
  }

  /** Keeps entries modified within {@code age}. */
  static Policy maxAge(Duration age) {
    return new MaxAge(age);
  }

  /** The rule a configured policy describes: with both settings an entry goes only when both let it. */
  static Policy of(PolicyConfig config) {
    if (config.hasKeepLatest() && config.hasMaxAge()) {
      return new Both(new KeepLatest(config.keepLatest()), new MaxAge(config.maxAge()));
    }
    return config.hasKeepLatest() ? keepLatest(config.keepLatest()) : maxAge(config.maxAge());
  }

  /** The newest {@code count} settled entries stay. */
  record KeepLatest(int count) implements Policy {
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
  }

  /** Entries modified within {@code age} stay. */
  record MaxAge(Duration age) implements Policy {
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
  }

  /** An entry stays when either rule keeps it. */
  record Both(KeepLatest latest, MaxAge age) implements Policy {
    @Override
    public boolean keeps(int rank, Instant newest, Instant now) {
      return latest.keeps(rank, newest, now) || age.keeps(rank, newest, now);
    }

    @Override
    public String reason() {
      return latest.reason() + " and " + age.reason();
    }
  }
}
