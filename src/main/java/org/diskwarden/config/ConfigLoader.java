package org.diskwarden.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code conf/diskwarden.yml} into a {@link WardenConfig}, collecting every problem before it
 * gives up, so that one run of the agent tells the operator all that is wrong.
 */
public final class ConfigLoader {
  static final Set<String> TOP_KEYS = Set.of(
      "base_dir", "min_free", "min_free_gb", "min_free_percent", "target_free", "target_free_percent",
      "check_interval", "min_age", "cleanup_mode", "dry_run", "paused", "protect", "policies", "git", "notify", "save_headroom", "sample_interval", "predict_horizon", "metrics", "audit",
      "keep_versions", "versions_dir", "backups_dir", "logs_dir", "watch");

  /** Thread-safe once made; one for all loaders (a config with watch: makes a loader per watch). */
  private static final YAMLMapper YAML = new YAMLMapper();
  private final Reader in;

  private ConfigLoader(Path configDir) {
    this.in = new Reader(configDir);
  }

  /**
   * Loads and validates a config file.
   *
   * @param baseDirOverride the command line's {@code --base-dir}, which wins over the file's base_dir
   * @throws ConfigException listing every problem found
   */
  public static WardenConfig load(Path file, Optional<Path> baseDirOverride) throws ConfigException {
    return parse(text(file), file.toString(), baseDirOverride, file.toAbsolutePath().getParent());
  }

  private static String text(Path file) throws ConfigException {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException(file.toString(), List.of("cannot read the file: " + e));
    }
  }

  /** Validates config text; {@code source} names it in the error; relative paths resolve against ./conf. */
  public static WardenConfig parse(String text, String source, Optional<Path> baseDirOverride)
      throws ConfigException {
    return parse(text, source, baseDirOverride, Path.of("conf").toAbsolutePath());
  }

  /**
   * Loads a config that may list several directories under {@code watch:}; without it, the one
   * base_dir is one watch named {@value Watches#DEFAULT}.
   *
   * @throws ConfigException listing every problem found, in every watch
   */
  public static Watches loadWatches(Path file, Optional<Path> baseDirOverride) throws ConfigException {
    return parseWatches(text(file), file.toString(), baseDirOverride, file.toAbsolutePath().getParent());
  }

  /** As {@link #loadWatches}, for config text; relative paths resolve against {@code configDir}. */
  public static Watches parseWatches(String text, String source, Optional<Path> baseDirOverride, Path configDir)
      throws ConfigException {
    return checked(source, configDir, loader -> loader.readWatches(text, baseDirOverride));
  }

  /** What {@code read} makes of the text; whatever problems it found, thrown together. */
  private static <T> T checked(String source, Path configDir, java.util.function.Function<ConfigLoader, T> read)
      throws ConfigException {
    ConfigLoader loader = new ConfigLoader(configDir);
    T result = read.apply(loader);
    if (loader.in.problemCount() > 0 || result == null) {
      throw new ConfigException(source, loader.in.problems());
    }
    return result;
  }

  private Watches readWatches(String text, Optional<Path> baseDirOverride) {
    JsonNode root = root(text);
    if (root == null) {
      return null;
    }
    if (!root.has("watch")) {
      WardenConfig single = readRoot(root, baseDirOverride);
      return single == null ? null : Watches.single(single);
    }
    return new WatchesReader(in, this::readWatch).read(root, baseDirOverride);
  }

  /** One watch's config: the merged node read as a config of its own, its problems in its own list. */
  private WatchesReader.Read readWatch(JsonNode merged) {
    ConfigLoader one = new ConfigLoader(in.configDir());
    return new WatchesReader.Read(one.readRoot(merged, Optional.empty()), one.in.problems());
  }

  private static WardenConfig parse(String text, String source, Optional<Path> baseDirOverride, Path configDir)
      throws ConfigException {
    return checked(source, configDir, loader -> loader.read(text, baseDirOverride));
  }

  private WardenConfig read(String text, Optional<Path> baseDirOverride) {
    JsonNode root = root(text);
    if (root == null) {
      return null;
    }
    if (root.has("watch")) {
      in.problem("watch: lists several directories; this command takes one config (use the agent or --watch)");
      return null;
    }
    return readRoot(root, baseDirOverride);
  }

  /** The YAML document, checked for strictness and shape; null (with the problem) when it cannot be read. */
  private JsonNode root(String text) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      in.problem("not valid YAML: " + e.getOriginalMessage());
      return null;
    }
    List<String> strict = StrictYaml.problems(text);
    if (!strict.isEmpty()) {
      strict.forEach(in::problem);
      return null;
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      in.problem("the file is empty; base_dir is required");
      return null;
    }
    if (!root.isObject()) {
      in.problem("the top level must be a mapping of keys such as base_dir, min_free, policies");
      return null;
    }
    return root;
  }

  private WardenConfig readRoot(JsonNode root, Optional<Path> baseDirOverride) {
    in.unknownKeys(root, TOP_KEYS, "");
    // a rule across the thresholds judges only values the file gave and the reader took: after a typo'd
    // key (min_fre) or a refused value it would judge a default, a second error that misleads
    int problemsBeforeThresholds = in.problemCount();

    Path baseDir = baseDir(root, baseDirOverride);
    long minFree;
    if (root.has("min_free") && root.has("min_free_gb")) {
      in.problem("min_free and min_free_gb are both set; give only one");
    }
    if (root.has("min_free_gb")) {
      double gb = in.number(root, "min_free_gb", 50, 0, 1024 * 1024, "a number of GB from 0 to 1048576 (1024TB)");
      minFree = Size.fromGb(gb);
    } else {
      minFree = in.size(root, "min_free", 50 * Size.GB);
    }
    double minPercent = in.number(root, "min_free_percent", 10, 0, 100, "a percent between 0 and 100");
    long targetFree = in.size(root, "target_free", Thresholds.defaultTargetFree(minFree));
    double targetPercent = in.number(root, "target_free_percent",
        Thresholds.defaultTargetFreePercent(minPercent), 0, 100, "a percent between 0 and 100");
    Thresholds thresholds = null;
    List<String> thresholdProblems = Thresholds.problems(minFree, minPercent, targetFree, targetPercent);
    if (thresholdProblems.isEmpty()) {
      thresholds = new Thresholds(minFree, minPercent, targetFree, targetPercent, 0, !root.has("target_free"),
          !root.has("target_free_percent"));
    } else if (in.problemCount() == problemsBeforeThresholds && in.unknownKeys() == 0) {
      thresholdProblems.stream().filter(p -> !p.contains("between 0 and 100")).forEach(in::problem);
    }

    Duration checkInterval = in.duration(root, "check_interval", Duration.ofMinutes(5));
    if (checkInterval.compareTo(Duration.ofSeconds(1)) < 0 || checkInterval.compareTo(Duration.ofDays(1)) > 0) {
      in.problem("check_interval value was set to " + root.path("check_interval").asText()
          + ", must be from 1s to 1d");
      checkInterval = Duration.ofMinutes(5);
    }
    Duration minAge = in.bounded(root, "min_age", Duration.ofMinutes(30), Duration.ofDays(365));
    CleanupMode mode = in.parsed(root, "cleanup_mode", CleanupMode.UNTIL_TARGET, CleanupMode::fromKey);
    boolean dryRun = in.bool(root, "dry_run", false);
    boolean paused = in.bool(root, "paused", false);
    List<String> protect = (root.has("protect") ? in.strings(root, "protect") : List.of("current_model")).stream()
        .map(Reader::normalGlob).toList();
    protect.forEach(glob -> in.relativeGlob("protect", glob));
    if (root.has("policies")) {
      PolicyReader.COMPACT_KEYS.stream().sorted().filter(root::has).forEach(key -> in.problem(key + " is set beside policies:, "
          + "which replaces the compact form (keep_versions, versions_dir, backups_dir, logs_dir) and would ignore "
          + "it; move it into a policy or remove it"));
    }
    List<PolicyConfig> policies = root.has("policies") ? new PolicyReader(in).policies(root) : new PolicyReader(in).compactPolicies(root);
    GitConfig git = new GitReader(in).git(root);
    if (root.has("policies") && root.get("policies").isArray() && policies.isEmpty() && git.repos().isEmpty()) {
      in.problem("policies is an empty list and no git repository is configured: there is nothing to do; "
          + "list at least one policy (or configure git.repos)");
    }
    Foresight defaults = Foresight.defaults();
    double headroom = in.number(root, "save_headroom", defaults.saveHeadroom(), 0, 100, "a factor from 0 (off) to 100");
    // not given: the default, or every check when checks are more frequent than that
    Duration sampleDefault = defaults.sampleInterval().compareTo(checkInterval) > 0 ? checkInterval
        : defaults.sampleInterval();
    Duration sample = in.duration(root, "sample_interval", sampleDefault);
    if (!sample.isZero() && sample.compareTo(Duration.ofMillis(100)) < 0) {
      in.problem("sample_interval value was set to '" + root.path("sample_interval").asText()
          + "', must be 0 (off) or at least 100ms");
      sample = sampleDefault;
    } else if (sample.compareTo(checkInterval) > 0) {
      in.problem("sample_interval value was set to '" + root.path("sample_interval").asText()
          + "', must be at most check_interval (" + Durations.format(checkInterval) + ")");
    }
    Duration horizon = in.bounded(root, "predict_horizon", defaults.predictHorizon(), Duration.ofDays(30));
    Foresight foresight = new Foresight(headroom, sample, horizon);
    NotifyConfig notifications = new NotifyReader(in).notify(root.has("notify") ? root.get("notify") : YAML.createObjectNode());

    if (baseDir != null) {
      for (PolicyConfig p : policies) {
        p.action().moveTo().ifPresent(to -> new ActionReader(in)
            .checkMoveTarget("policies." + p.name(), to, baseDir));
      }
    }
    if (in.problemCount() > 0 || baseDir == null || thresholds == null) {
      return null;
    }
    return new WardenConfig(baseDir, thresholds, checkInterval, minAge, mode, dryRun, paused,
        protect, policies, git, notifications, foresight, metrics(root), audit(root));
  }

  private Path baseDir(JsonNode root, Optional<Path> override) {
    Path dir;
    String shown;
    if (override.isPresent()) {
      dir = override.get();
      shown = "--base-dir value " + dir;
    } else if (!root.hasNonNull("base_dir") || root.get("base_dir").asText().isBlank()) {
      in.problem("base_dir is required: the training directory to watch (an existing directory)");
      return null;
    } else {
      dir = Path.of(root.get("base_dir").asText());
      shown = "base_dir value " + dir;
      if (!dir.isAbsolute()) {
        // Resolved against whoever runs the command, '.' would be a different tree for each caller.
        in.invalid("base_dir", dir, "an absolute path (such as /data/training)");
        return null;
      }
    }
    if (!dir.isAbsolute()) {
      dir = dir.toAbsolutePath();
    }
    if (!Files.isDirectory(dir)) {
      in.problem(shown + " does not exist or is not a directory; must be an existing directory");
      return null;
    }
    try {
      // A base_dir reached through a symlink is watched as the real directory, so that every
      // "is it inside base_dir?" question compares real paths.
      return dir.toRealPath();
    } catch (IOException e) {
      in.problem(shown + " cannot be resolved: " + e);
      return null;
    }
  }

  private AuditConfig audit(JsonNode root) {
    if (!root.has("audit")) {
      return AuditConfig.defaults();
    }
    JsonNode a = root.get("audit");
    if (!a.isObject()) {
      in.problem("audit must be a mapping (max_size, keep)");
      return AuditConfig.defaults();
    }
    in.unknownKeys(a, Set.of("max_size", "keep"), "audit.");
    long maxSize = in.size(a, "max_size", AuditConfig.DEFAULT_MAX_SIZE);
    if (a.has("max_size") && maxSize < (64L << 10)) {
      in.invalid("audit.max_size", a.get("max_size").asText(), "at least 64KB");
    }
    double keep = in.number(a, "keep", AuditConfig.DEFAULT_KEEP, 1, 1000, "a whole number of rotated files from 1 to 1000",
        "audit.");
    if (keep != Math.rint(keep)) {
      in.invalid("audit.keep", a.get("keep").asText(), "a whole number");
    }
    return new AuditConfig(maxSize, (int) keep);
  }

  private MetricsConfig metrics(JsonNode root) {
    if (!root.has("metrics")) {
      return MetricsConfig.off();
    }
    JsonNode m = root.get("metrics");
    if (!m.isObject()) {
      in.problem("metrics must be a mapping (port, host)");
      return MetricsConfig.off();
    }
    in.unknownKeys(m, Set.of("port", "host"), "metrics.");
    int port = in.port(m, "metrics.port", 0, 0, "0 (off) or a port number 1..65535");
    return new MetricsConfig(port, in.text(m, "host", "127.0.0.1"));
  }

}
