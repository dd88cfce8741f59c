package org.diskwarden.config;

import java.time.Duration;
import java.util.Optional;

/**
 * One retention rule as configured.
 *
 * @param name unique name, used in logs, the audit log and JMX object names
 * @param path folder relative to base_dir whose direct children are the policy's entries
 * @param keepLatest newest settled entries kept (per group); 0 when the policy has no keep_latest
 * @param maxAge entries older than this are candidates; {@link Duration#ZERO} when the policy has none
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
    int keepLatest,
    Duration maxAge,
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
    this(name, path, keepLatest, maxAge, orderBy, completeMarker, groupBy, match, enabled, action, Layout.PLAIN,
        Optional.empty());
  }

  /** A plain policy whose entries are deleted. */
  public PolicyConfig(String name, String path, int keepLatest, Duration maxAge, OrderBy orderBy,
      Optional<String> completeMarker, Optional<String> groupBy, Optional<String> match, boolean enabled) {
    this(name, path, keepLatest, maxAge, orderBy, completeMarker, groupBy, match, enabled, ActionConfig.delete());
  }

  public PolicyConfig {
    if (keepLatest < 0) {
      throw new IllegalArgumentException("keep_latest value was set to " + keepLatest + ", must be >= 1");
    }
    if (maxAge.isNegative()) {
      throw new IllegalArgumentException("max_age value was set to " + maxAge + ", must be >= 0");
    }
    if (keepLatest == 0 && maxAge.isZero()) {
      throw new IllegalArgumentException("policy " + name + " needs keep_latest (>= 1), max_age (> 0) or both");
    }
  }

  public boolean hasKeepLatest() {
    return keepLatest > 0;
  }

  public boolean hasMaxAge() {
    return !maxAge.isZero();
  }

  public PolicyConfig withKeepLatest(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("keep_latest value was set to " + n + ", must be >= 1");
    }
    return new PolicyConfig(name, path, n, maxAge, orderBy, completeMarker, groupBy, match, enabled, action, layout,
        keepBest);
  }

  public PolicyConfig withMaxAge(Duration d) {
    return new PolicyConfig(name, path, keepLatest, d, orderBy, completeMarker, groupBy, match, enabled, action, layout,
        keepBest);
  }

  public PolicyConfig withEnabled(boolean on) {
    return new PolicyConfig(name, path, keepLatest, maxAge, orderBy, completeMarker, groupBy, match, on, action, layout,
        keepBest);
  }

  /** The noun of the log line {@code Deleted old version: ...}: "model-versions" gives "version". */
  public String noun() {
    String last = name.substring(name.lastIndexOf('-') + 1);
    return last.length() > 1 && last.endsWith("s") ? last.substring(0, last.length() - 1) : last;
  }
}
