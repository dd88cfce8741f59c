package org.diskwarden.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The whole validated configuration of one agent. Immutable: a change (a JMX write, a reload) builds a
 * new one that replaces the old atomically, and each check reads the one in force when it starts.
 *
 * @param baseDir the training directory; nothing outside it is ever touched (absolute, real path)
 * @param thresholds when cleanup starts and stops
 * @param checkInterval period of the scheduled check
 * @param minAge nothing modified more recently than this is removed
 * @param cleanupMode until_target or full
 * @param dryRun log and report, remove nothing
 * @param paused checks go on and alert, removals stop
 * @param protect globs relative to base_dir that are never touched, nor anything under them
 * @param policies retention rules, applied in this order
 * @param git git maintenance: repositories relative to base_dir and when to compact them
 * @param notifications notification settings (the notify: section)
 * @param foresight save headroom, sampling and prediction
 * @param metrics the Prometheus endpoint
 */
public record WardenConfig(
    Path baseDir,
    Thresholds thresholds,
    Duration checkInterval,
    Duration minAge,
    CleanupMode cleanupMode,
    boolean dryRun,
    boolean paused,
    List<String> protect,
    List<PolicyConfig> policies,
    GitConfig git,
    NotifyConfig notifications,
    Foresight foresight,
    MetricsConfig metrics,
    AuditConfig audit) {

  public WardenConfig {
    protect = List.copyOf(protect);
    policies = List.copyOf(policies);
    if (checkInterval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(
          "check_interval value was set to " + Durations.format(checkInterval) + ", must be at least 1s");
    }
    if (minAge.isNegative()) {
      throw new IllegalArgumentException("min_age value was set to " + minAge + ", must be >= 0");
    }
  }

  public WardenConfig withThresholds(Thresholds t) {
    return edit(e -> e.thresholds = t);
  }

  public WardenConfig withCheckInterval(Duration d) {
    return edit(e -> e.checkInterval = d);
  }

  public WardenConfig withMinAge(Duration d) {
    return edit(e -> e.minAge = d);
  }

  public WardenConfig withCleanupMode(CleanupMode m) {
    return edit(e -> e.cleanupMode = m);
  }

  public WardenConfig withDryRun(boolean on) {
    return edit(e -> e.dryRun = on);
  }

  public WardenConfig withPaused(boolean on) {
    return edit(e -> e.paused = on);
  }

  public WardenConfig withForesight(Foresight f) {
    return edit(e -> e.foresight = f);
  }

  public WardenConfig withPolicy(PolicyConfig changed) {
    return edit(e -> e.policies = policies.stream().map(p -> p.name().equals(changed.name()) ? changed : p).toList());
  }

  /** A copy with what {@code change} sets on it; the copy validates as any config does. */
  private WardenConfig edit(java.util.function.Consumer<Edit> change) {
    Edit e = new Edit(this);
    change.accept(e);
    return e.build();
  }

  /** The components of a config, to set one or two and build the copy (records have no withers). */
  private static final class Edit {
    Thresholds thresholds;
    Duration checkInterval;
    Duration minAge;
    CleanupMode cleanupMode;
    boolean dryRun;
    boolean paused;
    List<PolicyConfig> policies;
    Foresight foresight;
    private final WardenConfig from;

    Edit(WardenConfig from) {
      this.from = from;
      thresholds = from.thresholds;
      checkInterval = from.checkInterval;
      minAge = from.minAge;
      cleanupMode = from.cleanupMode;
      dryRun = from.dryRun;
      paused = from.paused;
      policies = from.policies;
      foresight = from.foresight;
    }

    WardenConfig build() {
      return new WardenConfig(from.baseDir, thresholds, checkInterval, minAge, cleanupMode, dryRun, paused,
          from.protect, policies, from.git, from.notifications, foresight, from.metrics, from.audit);
    }
  }
}
