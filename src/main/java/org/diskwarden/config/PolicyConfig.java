package org.diskwarden.config;

import java.time.Duration;
import java.util.Optional;

/**
 * One retention rule as configured.
 *
 * @param name unique name, used in logs, the audit log and JMX object names
 * @param path folder relative to base_dir whose direct children are the policy's entries
 * @param retention which settled entries the rule keeps (keep_latest, max_age or both)
 * @param orderBy how entries are ranked
 * @param completeMarker glob an entry must hold to count as a finished save; empty when not set
 * @param groupBy regex whose group 1 is the entry's group; empty when not set
 * @param match glob on entry names; empty means every entry
 * @param enabled whether sweeps apply the policy
 * @param action what a sweep does with an entry the policy lets go (delete, compress, move)
 * @param layout what the folder holds (a framework's layout), plain by default
 * @param keepBest the best entries by a metric in their names, kept besides keep_latest; empty when not set
 */
public record PolicyConfig(
    String name,
    String path,
    Retention retention,
    OrderBy orderBy,
    Optional<String> completeMarker,
    Optional<String> groupBy,
    Optional<String> match,
    boolean enabled,
    ActionConfig action,
    Layout layout,
    Optional<KeepBest> keepBest) {

  /** A plain policy. */
  public PolicyConfig(String name, String path, int keepLatest, Duration maxAge, OrderBy orderBy,
      Optional<String> completeMarker, Optional<String> groupBy, Optional<String> match, boolean enabled,
      ActionConfig action) {
    this(name, path, Retention.of(keepLatest, maxAge), orderBy, completeMarker, groupBy, match, enabled, action,
        Layout.PLAIN, Optional.empty());
  }

  /** A plain policy whose entries are deleted. */
  public PolicyConfig(String name, String path, int keepLatest, Duration maxAge, OrderBy orderBy,
      Optional<String> completeMarker, Optional<String> groupBy, Optional<String> match, boolean enabled) {
    this(name, path, keepLatest, maxAge, orderBy, completeMarker, groupBy, match, enabled, ActionConfig.delete());
  }

  public PolicyConfig {
    java.util.Objects.requireNonNull(retention, "retention");
  }

  /** keep_latest, 0 when the rule has none. */
  public int keepLatest() {
    return retention.keepLatest();
  }

  /** max_age, zero when the rule has none. */
  public Duration maxAge() {
    return retention.maxAge();
  }

  public boolean hasKeepLatest() {
    return keepLatest() > 0;
  }

  public boolean hasMaxAge() {
    return !maxAge().isZero();
  }

  public PolicyConfig withKeepLatest(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("keep_latest value was set to " + n + ", must be >= 1");
    }
    return withRetention(rebuilt(n, maxAge(), retention.thinning()));
  }

  public PolicyConfig withMaxAge(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("max_age value was set to " + d + ", must be >= 0");
    }
    try {
      return withRetention(rebuilt(keepLatest(), d, retention.thinning()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("policy " + name + " " + e.getMessage(), e);
    }
  }

  /**
   * The same with these thinning keys (none when {@code t} is empty).
   *
   * @throws IllegalArgumentException as the config file refuses them: keep_every_steps on a layout
   *     whose entries have no step, or nothing left that keeps the newest entry
   */
  public PolicyConfig withThinning(Thinning t) {
    if (t.everySteps() > 0 && !layout.hasSteps()) {
      throw new IllegalArgumentException("keep_every_steps value was set to " + t.everySteps() + " on policy " + name
          + " with layout " + layout.key() + ", whose entries have no training step; allowed with "
          + Layout.withSteps());
    }
    try {
      return withRetention(rebuilt(keepLatest(), maxAge(), Optional.of(t)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("policy " + name + " " + e.getMessage(), e);
    }
  }

  private static Retention rebuilt(int keepLatest, Duration maxAge, Optional<Thinning> thinning) {
    return thinning.isPresent() ? Retention.of(keepLatest, maxAge, thinning.get()) : Retention.of(keepLatest, maxAge);
  }

  public PolicyConfig withRetention(Retention r) {
    return new PolicyConfig(name, path, r, orderBy, completeMarker, groupBy, match, enabled, action, layout, keepBest);
  }

  public PolicyConfig withEnabled(boolean on) {
    return new PolicyConfig(name, path, retention, orderBy, completeMarker, groupBy, match, on, action, layout,
        keepBest);
  }

  /** The noun of the log line {@code Deleted old version: ...}: "model-versions" gives "version". */
  public String noun() {
    String last = name.substring(name.lastIndexOf('-') + 1);
    return last.length() > 1 && last.endsWith("s") ? last.substring(0, last.length() - 1) : last;
  }
}
