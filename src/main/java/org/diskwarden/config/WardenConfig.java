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
    return new WardenConfig(baseDir, t, checkInterval, minAge, cleanupMode, dryRun, paused, protect, policies, git, notifications, foresight, metrics, audit);
  }

  public WardenConfig withCheckInterval(Duration d) {
    return new WardenConfig(baseDir, thresholds, d, minAge, cleanupMode, dryRun, paused, protect, policies, git, notifications, foresight, metrics, audit);
  }

  public WardenConfig withMinAge(Duration d) {
    return new WardenConfig(baseDir, thresholds, checkInterval, d, cleanupMode, dryRun, paused, protect, policies, git, notifications, foresight, metrics, audit);
  }

  public WardenConfig withCleanupMode(CleanupMode m) {
    return new WardenConfig(baseDir, thresholds, checkInterval, minAge, m, dryRun, paused, protect, policies, git, notifications, foresight, metrics, audit);
  }

  public WardenConfig withDryRun(boolean on) {
    return new WardenConfig(baseDir, thresholds, checkInterval, minAge, cleanupMode, on, paused, protect, policies, git, notifications, foresight, metrics, audit);
  }

  public WardenConfig withPaused(boolean on) {
    return new WardenConfig(baseDir, thresholds, checkInterval, minAge, cleanupMode, dryRun, on, protect, policies, git, notifications, foresight, metrics, audit);
  }

  public WardenConfig withForesight(Foresight f) {
    return new WardenConfig(baseDir, thresholds, checkInterval, minAge, cleanupMode, dryRun, paused, protect, policies,
        git, notifications, f, metrics, audit);
  }

  public WardenConfig withPolicy(PolicyConfig changed) {
    List<PolicyConfig> list = policies.stream()
        .map(p -> p.name().equals(changed.name()) ? changed : p)
        .toList();
    return new WardenConfig(baseDir, thresholds, checkInterval, minAge, cleanupMode, dryRun, paused, protect, list, git, notifications, foresight, metrics, audit);
  }
}
