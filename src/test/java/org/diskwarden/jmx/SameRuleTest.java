package org.diskwarden.jmx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.stream.Stream;
import javax.management.Attribute;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.WatchSetup;
import org.diskwarden.config.ConfigException;
import org.diskwarden.config.ConfigLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * One rule per setting: every writable attribute and its config key, below the minimum, at each
 * bound, above the maximum, NaN and infinity, get the same verdict from the file and from JMX; a
 * refusal from JMX carries the file's message.
 */
class SameRuleTest {
  private static final double INF = Double.POSITIVE_INFINITY;

  @TempDir
  Path dir;

  DiskWarden warden;
  JmxExporter exporter;
  MBeanServer server;

  /**
   * min_free 0, every target at its maximum, with {@code key} given {@code value} in place of its
   * line: a row judges its own key, never a rule across keys.
   */
  private String config(String key, String value) {
    StringBuilder yaml = new StringBuilder("base_dir: " + dir.resolve("base") + "\n");
    java.util.Map<String, String> lines = new java.util.LinkedHashMap<>();
    lines.put("min_free", "0B");
    lines.put("min_free_percent", "0");
    lines.put("target_free", "1024TB");
    lines.put("target_free_percent", "100");
    lines.put("sample_interval", "0s");
    if (key.equals("min_free_gb")) {
      lines.remove("min_free");
    }
    String policy = "{name: logs, path: logs, max_age: 7d}";
    if (key.equals("keep_latest") || key.equals("max_age")) {
      policy = key.equals("max_age") ? "{name: logs, path: logs, keep_latest: 1, max_age: " + value + "}"
          : "{name: logs, path: logs, max_age: 7d, keep_latest: " + value + "}";
    } else if (!key.isEmpty()) {
      lines.put(key, value);
    }
    lines.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
    return yaml.append("policies:\n  - ").append(policy).append('\n').toString();
  }

  @BeforeEach
  void start() throws Exception {
    Files.createDirectories(dir.resolve("base/logs"));
    warden = new DiskWarden(WatchSetup.of(ConfigLoader.parse(config("", ""), "test.yml", Optional.empty()),
        dir.resolve("logs"),
        Clock.systemUTC()));
    server = MBeanServerFactory.newMBeanServer();
    exporter = JmxExporter.register(warden, server);
  }

  @AfterEach
  void stop() {
    exporter.close();
  }

  static Stream<Arguments> rows() {
    return Stream.of(
        row("MinFreeGb", "min_free_gb", -1.0, "-1", false), row("MinFreeGb", "min_free_gb", 0.0, "0", true),
        row("MinFreeGb", "min_free_gb", 1048576.0, "1048576", true),
        row("MinFreeGb", "min_free_gb", 1048577.0, "1048577", false),
        row("MinFreeGb", "min_free_gb", Double.NaN, ".nan", false), row("MinFreeGb", "min_free_gb", INF, ".inf", false),
        row("MinFree", "min_free", "-1GB", "-1GB", false), row("MinFree", "min_free", "0B", "0B", true),
        row("MinFree", "min_free", "1024TB", "1024TB", true), row("MinFree", "min_free", "1025TB", "1025TB", false),
        row("MinFree", "min_free", "NaN", "NaN", false), row("MinFree", "min_free", "Infinity", "Infinity", false),
        row("MinFree", "min_free", "50", "50", false),
        row("TargetFree", "target_free", "-1GB", "-1GB", false), row("TargetFree", "target_free", "0B", "0B", true),
        row("TargetFree", "target_free", "1024TB", "1024TB", true),
        row("TargetFree", "target_free", "1025TB", "1025TB", false),
        row("TargetFree", "target_free", "NaN", "NaN", false),
        row("TargetFree", "target_free", "Infinity", "Infinity", false),
        row("MinFreePercent", "min_free_percent", -1.0, "-1", false),
        row("MinFreePercent", "min_free_percent", 0.0, "0", true),
        row("MinFreePercent", "min_free_percent", 100.0, "100", true),
        row("MinFreePercent", "min_free_percent", 100.5, "100.5", false),
        row("MinFreePercent", "min_free_percent", Double.NaN, ".nan", false),
        row("MinFreePercent", "min_free_percent", INF, ".inf", false),
        row("TargetFreePercent", "target_free_percent", -1.0, "-1", false),
        row("TargetFreePercent", "target_free_percent", 0.0, "0", true),
        row("TargetFreePercent", "target_free_percent", 100.0, "100", true),
        row("TargetFreePercent", "target_free_percent", 101.0, "101", false),
        row("TargetFreePercent", "target_free_percent", Double.NaN, ".nan", false),
        row("TargetFreePercent", "target_free_percent", INF, ".inf", false),
        row("SaveHeadroom", "save_headroom", -0.5, "-0.5", false), row("SaveHeadroom", "save_headroom", 0.0, "0", true),
        row("SaveHeadroom", "save_headroom", 100.0, "100", true),
        row("SaveHeadroom", "save_headroom", 100.5, "100.5", false),
        row("SaveHeadroom", "save_headroom", Double.NaN, ".nan", false),
        row("SaveHeadroom", "save_headroom", INF, ".inf", false),
        row("CheckIntervalSeconds", "check_interval", 0L, "0s", false),
        row("CheckIntervalSeconds", "check_interval", 1L, "1s", true),
        row("CheckIntervalSeconds", "check_interval", 86400L, "86400s", true),
        row("CheckIntervalSeconds", "check_interval", 86401L, "86401s", false),
        row("CheckIntervalSeconds", "check_interval", Long.MAX_VALUE, "9223372036854775807s", false),
        row("CheckInterval", "check_interval", "0s", "0s", false), row("CheckInterval", "check_interval", "1s", "1s", true),
        row("CheckInterval", "check_interval", "1d", "1d", true),
        row("CheckInterval", "check_interval", "25h", "25h", false),
        row("CheckInterval", "check_interval", "NaN", "NaN", false),
        row("CheckInterval", "check_interval", "Infinity", "Infinity", false),
        row("MinAgeMinutes", "min_age", -1L, "-1m", false), row("MinAgeMinutes", "min_age", 0L, "0m", true),
        row("MinAgeMinutes", "min_age", 525600L, "525600m", true),
        row("MinAgeMinutes", "min_age", 525601L, "525601m", false),
        row("MinAgeMinutes", "min_age", Long.MAX_VALUE, "9223372036854775807m", false),
        row("MinAge", "min_age", "-1m", "-1m", false), row("MinAge", "min_age", "0s", "0s", true),
        row("MinAge", "min_age", "365d", "365d", true), row("MinAge", "min_age", "366d", "366d", false),
        row("MinAge", "min_age", "NaN", "NaN", false), row("MinAge", "min_age", "Infinity", "Infinity", false),
        row("KeepLatest", "keep_latest", 0, "0", false), row("KeepLatest", "keep_latest", 1, "1", true),
        row("KeepLatest", "keep_latest", Integer.MAX_VALUE, "2147483647", true),
        // over JMX 0 days means no age rule, which the file says by leaving max_age out: its bounds are 1s and 3650d
        row("MaxAgeDays", "max_age", -1.0, "-1d", false), row("MaxAgeDays", "max_age", 1 / 86400.0, "1s", true),
        row("MaxAgeDays", "max_age", 3650.0, "3650d", true), row("MaxAgeDays", "max_age", 3651.0, "3651d", false),
        row("MaxAgeDays", "max_age", Double.NaN, "NaN", false), row("MaxAgeDays", "max_age", INF, "Infinity", false),
        row("CleanupMode", "cleanup_mode", "full", "full", true),
        row("CleanupMode", "cleanup_mode", "sometimes", "sometimes", false));
  }

  private static Arguments row(String attribute, String key, Object jmxValue, String fileValue, boolean allowed) {
    return Arguments.of(attribute, key, jmxValue, fileValue, allowed);
  }

  @ParameterizedTest(name = "{0} = {2} / {1}: {3} -> allowed {4}")
  @MethodSource("rows")
  void fileAndJmx_giveTheSameVerdict(String attribute, String key, Object jmxValue, String fileValue, boolean allowed)
      throws Exception {
    Optional<String> fromFile = fileProblem(config(key, fileValue));
    Optional<String> fromJmx = jmxProblem(attribute, jmxValue);

    assertThat(fromFile.isEmpty()).as("file %s: %s -> %s", key, fileValue, fromFile).isEqualTo(allowed);
    assertThat(fromJmx.isEmpty()).as("JMX %s = %s -> %s", attribute, jmxValue, fromJmx).isEqualTo(allowed);
    if (!allowed) {
      assertThat(fromJmx.orElseThrow()).contains(attribute, key + " value was set to");
    }
  }

  @org.junit.jupiter.api.Test
  void aCheckIntervalShorterThanSampling_isRefusedByTheFileAndByJmx_withTheSameMessage() throws Exception {
    String yaml = config("check_interval", "1s").replace("sample_interval: 0s", "sample_interval: 5s");
    exporter.close();
    warden = new DiskWarden(WatchSetup.of(ConfigLoader.parse(config("sample_interval", "5s"), "test.yml",
        Optional.empty()),
        dir.resolve("logs"), Clock.systemUTC()));
    exporter = JmxExporter.register(warden, server);

    String rule = "sample_interval value was set to '5s', must be at most check_interval (1s)";
    assertThat(fileProblem(yaml)).hasValueSatisfying(m -> assertThat(m).contains(rule));
    assertThat(jmxProblem("CheckIntervalSeconds", 1L)).hasValueSatisfying(m -> assertThat(m).contains(rule));
    assertThat(jmxProblem("CheckInterval", "1s")).hasValueSatisfying(m -> assertThat(m).contains(rule));
  }

  private Optional<String> fileProblem(String yaml) {
    try {
      ConfigLoader.parse(yaml, "test.yml", Optional.empty());
      return Optional.empty();
    } catch (ConfigException e) {
      return Optional.of(e.getMessage());
    }
  }

  private Optional<String> jmxProblem(String attribute, Object value) throws JMException {
    try {
      ObjectName target = attribute.equals("KeepLatest") || attribute.equals("MaxAgeDays")
          ? JmxExporter.policyName("logs") : new ObjectName(JmxExporter.AGENT);
      server.setAttribute(target, new Attribute(attribute, value));
      return Optional.empty();
    } catch (RuntimeMBeanException e) {
      return Optional.of(String.valueOf(e.getCause().getMessage()));
    }
  }
}
