package org.diskwarden.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads {@code conf/diskwarden.yml} into a {@link WardenConfig}, collecting every problem before it
 * gives up, so that one run of the agent tells the operator all that is wrong.
 */
public final class ConfigLoader {
  private static final Set<String> TOP_KEYS = Set.of(
      "base_dir", "min_free", "min_free_gb", "min_free_percent", "target_free", "target_free_percent",
      "check_interval", "min_age", "cleanup_mode", "dry_run", "paused", "protect", "policies", "git", "notify", "save_headroom", "sample_interval", "predict_horizon", "metrics", "audit",
      "keep_versions", "versions_dir", "backups_dir", "logs_dir");
  private static final Set<String> COMPACT_KEYS = Set.of("keep_versions", "versions_dir", "backups_dir", "logs_dir");
  private static final Set<String> POLICY_KEYS = union(Set.of(
      "name", "path", "keep_latest", "max_age", "order_by", "complete_marker", "group_by", "match", "enabled",
      "layout", "keep_best"),
      ActionReader.KEYS);
  private static final Set<String> GIT_KEYS = Set.of("repo", "repos", "gc", "aggressive", "prune_expire", "schedule");
  private static final Set<String> NOTIFY_KEYS = Set.of("events", "critical_reminder", "min_interval", "retries",
      "retry_backoff", "templates", "email", "webhooks", "exec");
  private static final Set<String> EMAIL_KEYS = Set.of("host", "port", "transport", "username", "password_env",
      "from", "to", "timeout", "tls_verify");
  private static final Set<String> WEBHOOK_KEYS = Set.of("url", "format", "secret_env", "headers", "timeout");
  /** The longest duration any key takes (ten years): larger ones overflow time arithmetic. */
  static final Duration MAX_DURATION = Duration.ofDays(3650);
  /** The largest size any key takes. */
  static final long MAX_SIZE = 1024L * 1024 * Size.GB;
  private static final Pattern POLICY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  /** The first script's backup naming: {@code <type>_<yyyymmdd>...}. */
  static final String DEFAULT_BACKUP_GROUP = "^(.+?)_\\d{8}";

  private final YAMLMapper yaml = new YAMLMapper();
  private final Path configDir;
  private final List<String> problems = new ArrayList<>();

  private ConfigLoader(Path configDir) {
    this.configDir = configDir;
  }

  /**
   * Loads and validates a config file.
   *
   * @param baseDirOverride the command line's {@code --base-dir}, which wins over the file's base_dir
   * @throws ConfigException listing every problem found
   */
  public static WardenConfig load(Path file, Optional<Path> baseDirOverride) throws ConfigException {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException(file.toString(), List.of("cannot read the file: " + e));
    }
    Path dir = file.toAbsolutePath().getParent();
    return parse(text, file.toString(), baseDirOverride, dir);
  }

  /** Validates config text; {@code source} names it in the error; relative paths resolve against ./conf. */
  public static WardenConfig parse(String text, String source, Optional<Path> baseDirOverride)
      throws ConfigException {
    return parse(text, source, baseDirOverride, Path.of("conf").toAbsolutePath());
  }

  private static WardenConfig parse(String text, String source, Optional<Path> baseDirOverride, Path configDir)
      throws ConfigException {
    ConfigLoader loader = new ConfigLoader(configDir);
    WardenConfig config = loader.read(text, baseDirOverride);
    if (!loader.problems.isEmpty() || config == null) {
      throw new ConfigException(source, loader.problems);
    }
    return config;
  }

  private WardenConfig read(String text, Optional<Path> baseDirOverride) {
    JsonNode root;
    try {
      root = yaml.readTree(text);
    } catch (JsonProcessingException e) {
      problems.add("not valid YAML: " + e.getOriginalMessage());
      return null;
    }
    List<String> strict = StrictYaml.problems(text);
    if (!strict.isEmpty()) {
      problems.addAll(strict);
      return null;
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      problems.add("the file is empty; base_dir is required");
      return null;
    }
    if (!root.isObject()) {
      problems.add("the top level must be a mapping of keys such as base_dir, min_free, policies");
      return null;
    }
    unknownKeys(root, TOP_KEYS, "");

    Path baseDir = baseDir(root, baseDirOverride);
    long minFree;
    if (root.has("min_free") && root.has("min_free_gb")) {
      problems.add("min_free and min_free_gb are both set; give only one");
    }
    if (root.has("min_free_gb")) {
      double gb = number(root, "min_free_gb", 50, 0, 1024 * 1024, "a number of GB from 0 to 1048576 (1024TB)");
      minFree = Size.fromGb(gb);
    } else {
      minFree = size(root, "min_free", 50 * Size.GB);
    }
    double minPercent = number(root, "min_free_percent", 10, 0, 100, "a percent between 0 and 100");
    long targetFree = size(root, "target_free", Thresholds.defaultTargetFree(minFree));
    double targetPercent = number(root, "target_free_percent",
        Thresholds.defaultTargetFreePercent(minPercent), 0, 100, "a percent between 0 and 100");
    Thresholds thresholds = null;
    List<String> thresholdProblems = Thresholds.problems(minFree, minPercent, targetFree, targetPercent);
    if (thresholdProblems.isEmpty()) {
      thresholds = new Thresholds(minFree, minPercent, targetFree, targetPercent, 0, !root.has("target_free"),
          !root.has("target_free_percent"));
    } else {
      thresholdProblems.stream().filter(p -> !p.contains("between 0 and 100")).forEach(problems::add);
    }

    Duration checkInterval = duration(root, "check_interval", Duration.ofMinutes(5));
    if (checkInterval.compareTo(Duration.ofSeconds(1)) < 0 || checkInterval.compareTo(Duration.ofDays(1)) > 0) {
      problems.add("check_interval value was set to " + root.path("check_interval").asText()
          + ", must be from 1s to 1d");
      checkInterval = Duration.ofMinutes(5);
    }
    Duration minAge = bounded(root, "min_age", Duration.ofMinutes(30), Duration.ofDays(365));
    CleanupMode mode = parsed(root, "cleanup_mode", CleanupMode.UNTIL_TARGET, CleanupMode::fromKey);
    boolean dryRun = bool(root, "dry_run", false);
    boolean paused = bool(root, "paused", false);
    List<String> protect = (root.has("protect") ? strings(root, "protect") : List.of("current_model")).stream()
        .map(ConfigLoader::normalGlob).toList();
    protect.forEach(glob -> relativeGlob("protect", glob));
    if (root.has("policies")) {
      COMPACT_KEYS.stream().sorted().filter(root::has).forEach(key -> problems.add(key + " is set beside policies:, "
          + "which replaces the compact form (keep_versions, versions_dir, backups_dir, logs_dir) and would ignore "
          + "it; move it into a policy or remove it"));
    }
    List<PolicyConfig> policies = root.has("policies") ? policies(root) : compactPolicies(root);
    GitConfig git = git(root);
    if (root.has("policies") && root.get("policies").isArray() && policies.isEmpty() && git.repos().isEmpty()) {
      problems.add("policies is an empty list and no git repository is configured: there is nothing to do; "
          + "list at least one policy (or configure git.repos)");
    }
    Foresight defaults = Foresight.defaults();
    double headroom = number(root, "save_headroom", defaults.saveHeadroom(), 0, 100, "a factor from 0 (off) to 100");
    Duration sample = duration(root, "sample_interval", defaults.sampleInterval());
    if (!sample.isZero() && sample.compareTo(Duration.ofMillis(100)) < 0) {
      problems.add("sample_interval value was set to '" + root.path("sample_interval").asText()
          + "', must be 0 (off) or at least 100ms");
      sample = defaults.sampleInterval();
    }
    if (sample.compareTo(checkInterval) > 0) {
      problems.add("sample_interval value was set to '" + root.path("sample_interval").asText()
          + "', must be at most check_interval (" + Durations.format(checkInterval) + ")");
    }
    Duration horizon = bounded(root, "predict_horizon", defaults.predictHorizon(), Duration.ofDays(30));
    Foresight foresight = new Foresight(headroom, sample, horizon);
    NotifyConfig notifications = notify(root.has("notify") ? root.get("notify") : yaml.createObjectNode());

    if (baseDir != null) {
      for (PolicyConfig p : policies) {
        p.action().moveTo().ifPresent(to -> new ActionReader(this, problems)
            .checkMoveTarget("policies." + p.name(), to, baseDir));
      }
    }
    if (!problems.isEmpty() || baseDir == null || thresholds == null) {
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
      problems.add("base_dir is required: the training directory to watch (an existing directory)");
      return null;
    } else {
      dir = Path.of(root.get("base_dir").asText());
      shown = "base_dir value " + dir;
      if (!dir.isAbsolute()) {
        // Resolved against whoever runs the command, '.' would be a different tree for each caller.
        problems.add("base_dir value was set to '" + dir + "', must be an absolute path (such as /data/training)");
        return null;
      }
    }
    if (!dir.isAbsolute()) {
      dir = dir.toAbsolutePath();
    }
    if (!Files.isDirectory(dir)) {
      problems.add(shown + " does not exist or is not a directory; must be an existing directory");
      return null;
    }
    try {
      // A base_dir reached through a symlink is watched as the real directory, so that every
      // "is it inside base_dir?" question compares real paths.
      return dir.toRealPath();
    } catch (IOException e) {
      problems.add(shown + " cannot be resolved: " + e);
      return null;
    }
  }

  private List<PolicyConfig> policies(JsonNode root) {
    JsonNode list = root.get("policies");
    List<PolicyConfig> result = new ArrayList<>();
    if (list.isNull()) {
      problems.add("policies is given with nothing under it; list at least one policy (name, path, keep_latest "
          + "and/or max_age), or write policies: [] when only git repositories are maintained");
      return result;
    }
    if (!list.isArray()) {
      problems.add("policies must be a list of policies (name, path, keep_latest and/or max_age)");
      return result;
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode p = list.get(i);
      String at = "policies[" + i + "]";
      if (!p.isObject()) {
        problems.add(at + " must be a mapping with name, path, keep_latest and/or max_age");
        continue;
      }
      unknownKeys(p, POLICY_KEYS, at + ".");
      String name = p.path("name").asText("");
      if (!POLICY_NAME.matcher(name).matches()) {
        problems.add(at + ".name value was set to '" + name
            + "', must be a non-empty name of letters, digits, '.', '_' or '-'");
      } else if (!names.add(name)) {
        problems.add(at + ".name value '" + name + "' is used twice, must be unique");
      }
      at = "policies." + (name.isEmpty() ? i : name);
      result.add(policy(p, at, name));
    }
    return result.contains(null) ? List.of() : result;
  }

  private PolicyConfig policy(JsonNode p, String at, String name) {
    int before = problems.size();
    String path = p.path("path").asText("");
    if (path.isBlank()) {
      problems.add(at + ".path is required: a folder relative to base_dir");
    } else {
      relativePath(at + ".path", path);
    }
    int keep = 0;
    if (p.has("keep_latest")) {
      JsonNode k = p.get("keep_latest");
      if (!k.canConvertToInt() || !k.isIntegralNumber() || k.asInt() < 1) {
        problems.add(at + ".keep_latest value was set to " + k + ", must be a whole number >= 1");
      } else {
        keep = k.asInt();
      }
    }
    Duration maxAge = duration(p, "max_age", Duration.ZERO, at + ".");
    if (p.has("max_age") && maxAge.isZero()) {
      problems.add(at + ".max_age value was set to " + p.get("max_age").asText() + ", must be > 0");
    }
    if (!p.has("keep_latest") && !p.has("max_age")) {
      problems.add(at + " needs keep_latest, max_age or both");
    }
    Layout layout = parsed(p, "layout", Layout.PLAIN, Layout::fromKey, at + ".");
    if (layout == Layout.HF_CACHE) {
      // The hub cache's revisions, links and blobs have one shape: nothing here may reshape it.
      for (String key : List.of("order_by", "complete_marker", "group_by", "match", "keep_best", "action")) {
        if (p.has(key)) {
          problems.add(at + "." + key + " is set with layout: hf_cache, which ranks revisions by last use and "
              + "removes them with their unshared blobs; remove " + key + " or use another layout");
        }
      }
    } else if (layout != Layout.PLAIN && p.has("group_by")) {
      problems.add(at + ".group_by is set with layout: " + layout.key() + ", whose entries are one series; "
          + "remove group_by or use layout: plain");
    }
    OrderBy order = parsed(p, "order_by", layout.defaultOrder(), OrderBy::fromKey, at + ".");
    Optional<String> marker = optionalText(p, "complete_marker").or(layout::defaultMarker);
    marker.ifPresent(g -> nameGlob(at + ".complete_marker", g));
    Optional<String> groupBy = optionalText(p, "group_by");
    groupBy.ifPresent(r -> regex(at + ".group_by", r));
    Optional<String> match = optionalText(p, "match");
    match.ifPresent(g -> nameGlob(at + ".match", g));
    boolean enabled = bool(p, "enabled", true, at + ".");
    Optional<ActionConfig> action = new ActionReader(this, problems).read(p, at);
    if (problems.size() > before || (keep == 0 && maxAge.isZero()) || action.isEmpty()) {
      return null;
    }
    Optional<KeepBest> best = keepBest(p, at);
    if (problems.size() > before) {
      return null;
    }
    return new PolicyConfig(name, path, keep, maxAge, order, marker, groupBy, match, enabled, action.get(), layout,
        best);
  }

  /** {@code keep_best: {metric: val_loss, mode: min, count: 1}}. */
  private Optional<KeepBest> keepBest(JsonNode p, String at) {
    if (!p.has("keep_best")) {
      return Optional.empty();
    }
    JsonNode b = p.get("keep_best");
    String where = at + ".keep_best";
    if (!b.isObject()) {
      problems.add(where + " must be a mapping {metric: NAME, mode: min|max, count: N}");
      return Optional.empty();
    }
    unknownKeys(b, Set.of("metric", "mode", "count"), where + ".");
    String metric = b.path("metric").asText("");
    if (!metric.matches("[A-Za-z0-9_.-]+")) {
      problems.add(where + ".metric value was set to '" + metric + "', must be the name written before '=' in "
          + "entry names, such as val_loss");
    }
    String mode = b.path("mode").asText("min");
    if (!mode.equals("min") && !mode.equals("max")) {
      problems.add(where + ".mode value was set to '" + mode + "', must be min or max");
    }
    JsonNode count = b.path("count");
    int n = 1;
    if (!count.isMissingNode()) {
      if (!count.isIntegralNumber() || !count.canConvertToInt() || count.asInt() < 1 || count.asInt() > 1000) {
        problems.add(where + ".count value was set to " + count + ", must be a whole number from 1 to 1000");
      } else {
        n = count.asInt();
      }
    }
    return Optional.of(new KeepBest(metric, !mode.equals("max"), n));
  }

  private List<PolicyConfig> compactPolicies(JsonNode root) {
    int keep = 2;
    if (root.has("keep_versions")) {
      JsonNode k = root.get("keep_versions");
      if (!k.isIntegralNumber() || !k.canConvertToInt() || k.asInt() < 1) {
        problems.add("keep_versions value was set to " + k + ", must be a whole number >= 1");
      } else {
        keep = k.asInt();
      }
    }
    String versions = text(root, "versions_dir", "models/versions");
    String backups = text(root, "backups_dir", "models/backups");
    String logs = text(root, "logs_dir", "logs");
    for (String key : COMPACT_KEYS) {
      if (key.endsWith("_dir") && root.has(key)) {
        relativePath(key, root.get(key).asText());
      }
    }
    return List.of(
        new PolicyConfig("model-versions", versions, keep, Duration.ZERO, OrderBy.MTIME,
            Optional.empty(), Optional.empty(), Optional.empty(), true),
        new PolicyConfig("backups", backups, 1, Duration.ZERO, OrderBy.MTIME,
            Optional.empty(), Optional.of(DEFAULT_BACKUP_GROUP), Optional.empty(), true),
        new PolicyConfig("logs", logs, 0, Duration.ofDays(7), OrderBy.MTIME,
            Optional.empty(), Optional.empty(), Optional.of("*.log"), true));
  }

  private AuditConfig audit(JsonNode root) {
    if (!root.has("audit")) {
      return AuditConfig.defaults();
    }
    JsonNode a = root.get("audit");
    if (!a.isObject()) {
      problems.add("audit must be a mapping (max_size, keep)");
      return AuditConfig.defaults();
    }
    unknownKeys(a, Set.of("max_size", "keep"), "audit.");
    long maxSize = size(a, "max_size", AuditConfig.DEFAULT_MAX_SIZE);
    if (a.has("max_size") && maxSize < (64L << 10)) {
      problems.add("audit.max_size value was set to '" + a.get("max_size").asText() + "', must be at least 64KB");
    }
    double keep = number(a, "keep", AuditConfig.DEFAULT_KEEP, 1, 1000, "a whole number of rotated files from 1 to 1000",
        "audit.");
    if (keep != Math.rint(keep)) {
      problems.add("audit.keep value was set to '" + a.get("keep").asText() + "', must be a whole number");
    }
    return new AuditConfig(maxSize, (int) keep);
  }

  private MetricsConfig metrics(JsonNode root) {
    if (!root.has("metrics")) {
      return MetricsConfig.off();
    }
    JsonNode m = root.get("metrics");
    if (!m.isObject()) {
      problems.add("metrics must be a mapping (port, host)");
      return MetricsConfig.off();
    }
    unknownKeys(m, Set.of("port", "host"), "metrics.");
    int port = port(m, "metrics.port", 0, 0, "0 (off) or a port number 1..65535");
    return new MetricsConfig(port, text(m, "host", "127.0.0.1"));
  }

  /** The port under {@code key}'s last segment, from {@code min} to 65535, else the problem and {@code fallback}. */
  private int port(JsonNode node, String key, int fallback, int min, String allowed) {
    JsonNode p = node.get(key.substring(key.lastIndexOf('.') + 1));
    if (p == null) {
      return fallback;
    }
    if (!p.isIntegralNumber() || p.asInt() < min || p.asInt() > 65535) {
      problems.add(key + " value was set to " + p + ", must be " + allowed);
      return fallback;
    }
    return p.asInt();
  }

  private GitConfig git(JsonNode root) {
    GitConfig d = GitConfig.none();
    if (!root.has("git")) {
      return d;
    }
    JsonNode git = root.get("git");
    if (!git.isObject()) {
      problems.add("git must be a mapping (repos, gc, aggressive, prune_expire, schedule)");
      return d;
    }
    unknownKeys(git, GIT_KEYS, "git.");
    List<String> repos = new ArrayList<>();
    if (git.has("repo")) {
      repos.add(git.get("repo").asText());
    }
    if (git.has("repos")) {
      repos.addAll(strings(git, "repos", "git."));
    }
    repos.forEach(r -> relativePath("git.repos", r));
    GitConfig.Gc gc = parsed(git, "gc", d.gc(), GitConfig.Gc::fromKey, "git.");
    String expire = text(git, "prune_expire", d.pruneExpire());
    try {
      GitConfig.expireWindow(expire);
    } catch (IllegalArgumentException e) {
      problems.add("git.prune_expire value was set to '" + expire + "', " + e.getMessage());
      expire = d.pruneExpire();
    }
    Optional<String> schedule = optionalText(git, "schedule");
    schedule.filter(cron -> !org.quartz.CronExpression.isValidExpression(cron)).ifPresent(cron -> problems.add(
        "git.schedule value was set to '" + cron + "', must be a Quartz cron expression such as '0 0 3 ? * SUN'"));
    return new GitConfig(repos, gc, bool(git, "aggressive", false, "git."), expire, schedule);
  }

  private NotifyConfig notify(JsonNode n) {
    NotifyConfig d = NotifyConfig.none();
    if (!n.isObject()) {
      problems.add("notify must be a mapping (events, critical_reminder, min_interval, email, webhooks, exec)");
      return d;
    }
    unknownKeys(n, NOTIFY_KEYS, "notify.");
    List<String> events = n.has("events") ? strings(n, "events", "notify.") : d.events();
    for (String e : events) {
      if (!NotifyConfig.EVENTS.contains(e)) {
        problems.add("notify.events value '" + e + "' is not an event; allowed: " + NotifyConfig.EVENTS);
      }
    }
    Duration reminder = duration(n, "critical_reminder", d.criticalReminder(), "notify.");
    Duration minInterval = duration(n, "min_interval", d.minInterval(), "notify.");
    int retries = d.retries();
    if (n.has("retries")) {
      JsonNode r = n.get("retries");
      if (!r.isIntegralNumber() || r.asInt() < 1 || r.asInt() > 10) {
        problems.add("notify.retries value was set to " + r + ", must be a whole number from 1 to 10");
      } else {
        retries = r.asInt();
      }
    }
    Duration backoff = duration(n, "retry_backoff", d.retryBackoff(), "notify.");
    // Templates live in notifications/ beside conf/, wherever the install is.
    // The install's own templates unless the config names others: a config kept outside conf/ works as is.
    String home = System.getProperty("diskwarden.home");
    Path templates = optionalText(n, "templates").map(configDir::resolve)
        .orElse(home != null ? Path.of(home, "notifications") : configDir.resolve("../notifications")).normalize();
    Optional<NotifyConfig.Email> email = n.hasNonNull("email") ? Optional.ofNullable(email(n.get("email")))
        : Optional.empty();
    List<NotifyConfig.Webhook> hooks = new ArrayList<>();
    if (n.has("webhooks")) {
      JsonNode list = n.get("webhooks");
      if (!list.isArray()) {
        problems.add("notify.webhooks must be a list of {url, format, secret_env, headers, timeout}");
      } else {
        for (int i = 0; i < list.size(); i++) {
          NotifyConfig.Webhook hook = webhook(list.get(i), "notify.webhooks[" + i + "].");
          if (hook != null) {
            hooks.add(hook);
          }
        }
      }
    }
    return new NotifyConfig(events, reminder, minInterval, retries, backoff, templates, email, hooks,
        optionalText(n, "exec"));
  }

  private NotifyConfig.Email email(JsonNode e) {
    String at = "notify.email.";
    if (!e.isObject()) {
      problems.add("notify.email must be a mapping (host, port, transport, username, password_env, from, to, timeout)");
      return null;
    }
    unknownKeys(e, EMAIL_KEYS, at);
    String host = text(e, "host", "");
    if (host.isBlank()) {
      problems.add(at + "host is required: the SMTP server");
    }
    String transport = text(e, "transport", "smtp_tls");
    if (!NotifyConfig.Email.TRANSPORTS.contains(transport)) {
      problems.add(at + "transport value was set to '" + transport + "', must be one of " + NotifyConfig.Email.TRANSPORTS);
    }
    int defaultPort = switch (transport) {
      case "smtps" -> 465;
      case "smtp" -> 25;
      default -> 587;
    };
    int port = port(e, at + "port", defaultPort, 1, "a port number 1..65535");
    String from = text(e, "from", "");
    if (from.isBlank()) {
      problems.add(at + "from is required: the sender address");
    }
    List<String> to = strings(e, "to", at);
    if (to.isEmpty()) {
      problems.add(at + "to is required: one or more recipient addresses");
    }
    Duration timeout = duration(e, "timeout", Duration.ofSeconds(10), at);
    return new NotifyConfig.Email(host, port, transport, optionalText(e, "username"), optionalText(e, "password_env"),
        from, to, timeout, bool(e, "tls_verify", true, at));
  }

  private NotifyConfig.Webhook webhook(JsonNode w, String at) {
    if (!w.isObject()) {
      problems.add(at.substring(0, at.length() - 1) + " must be a mapping {url, format, secret_env, headers, timeout}");
      return null;
    }
    unknownKeys(w, WEBHOOK_KEYS, at);
    String url = text(w, "url", "");
    java.net.URI uri = null;
    try {
      uri = new java.net.URI(url);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new java.net.URISyntaxException(url, "must be an http or https URL");
      }
    } catch (java.net.URISyntaxException ex) {
      String shown = NotifyConfig.Webhook.shown(java.net.URI.create(url.replaceAll("[\\s\"<>{}|^`\\\\]", "")));
      problems.add(at + "url value was set to '" + (url.contains("://") ? shown : "(not a URL)")
          + "' (path and userinfo not shown), must be an http:// or https:// URL");
    }
    String format = text(w, "format", "json");
    if (!NotifyConfig.Webhook.FORMATS.contains(format)) {
      problems.add(at + "format value was set to '" + format + "', must be one of " + NotifyConfig.Webhook.FORMATS);
    }
    java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
    if (w.has("headers")) {
      if (!w.get("headers").isObject()) {
        problems.add(at + "headers must be a mapping of header name to value");
      } else {
        w.get("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
      }
    }
    Duration timeout = duration(w, "timeout", Duration.ofSeconds(5), at);
    return uri == null ? null : new NotifyConfig.Webhook(uri, format, optionalText(w, "secret_env"), headers, timeout);
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }

  private void unknownKeys(JsonNode node, Set<String> allowed, String prefix) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        problems.add("unknown key " + prefix + key + "; allowed keys are " + new java.util.TreeSet<>(allowed));
      }
    }
  }

  void relativePath(String key, String value) {
    Path p = Path.of(value);
    if (p.isAbsolute() || p.normalize().startsWith("..") || value.contains("\0")) {
      problems.add(key + " value was set to '" + value
          + "', must be a path relative to base_dir that stays inside it (no absolute path, no '..')");
    }
  }

  private void relativeGlob(String key, String glob) {
    if (glob.startsWith("/") || java.util.Arrays.asList(glob.split("/")).contains("..")) {
      problems.add(key + " value was set to '" + glob + "', must be a glob relative to base_dir (no absolute "
          + "path, no '..')");
      return;
    }
    nameGlob(key, glob);
  }

  private void nameGlob(String key, String glob) {
    try {
      FileSystems.getDefault().getPathMatcher("glob:" + glob);
    } catch (RuntimeException e) {
      problems.add(key + " value was set to '" + glob + "', must be a valid glob: " + e.getMessage());
    }
  }

  private void regex(String key, String regex) {
    try {
      if (Pattern.compile(regex).matcher("").groupCount() < 1) {
        problems.add(key + " value was set to '" + regex
            + "', must be a regex with a capture group (group 1 names the group)");
      }
    } catch (PatternSyntaxException e) {
      problems.add(key + " value was set to '" + regex + "', must be a valid regex: " + e.getDescription());
    }
  }

  private long size(JsonNode node, String key, long fallback) {
    if (!node.hasNonNull(key)) {
      return fallback;
    }
    JsonNode v = node.get(key);
    try {
      if (v.isNumber() && v.asLong() < 0) {
        throw new IllegalArgumentException("must be a non-negative size such as 50GB");
      }
      long bytes = Size.parse(v.asText());
      if (bytes > MAX_SIZE) {
        throw new IllegalArgumentException("must be at most 1024TB");
      }
      return bytes;
    } catch (IllegalArgumentException e) {
      problems.add(key + " value was set to '" + v.asText() + "', " + e.getMessage());
      return fallback;
    }
  }

  private double number(JsonNode node, String key, double fallback, double min, double max, String allowed) {
    return number(node, key, fallback, min, max, allowed, "");
  }

  double number(JsonNode node, String key, double fallback, double min, double max, String allowed, String prefix) {
    if (!node.hasNonNull(key)) {
      return fallback;
    }
    JsonNode v = node.get(key);
    if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max || Double.isNaN(v.asDouble())) {
      problems.add(prefix + key + " value was set to '" + v.asText() + "', must be " + allowed);
      return fallback;
    }
    return v.asDouble();
  }

  private Duration duration(JsonNode node, String key, Duration fallback) {
    return duration(node, key, fallback, "");
  }

  Duration duration(JsonNode node, String key, Duration fallback, String prefix) {
    return bounded(node, key, fallback, MAX_DURATION, prefix);
  }

  private Duration bounded(JsonNode node, String key, Duration fallback, Duration max) {
    return bounded(node, key, fallback, max, "");
  }

  /** A duration no longer than {@code max}: nothing a deleting daemon computes with may overflow. */
  Duration bounded(JsonNode node, String key, Duration fallback, Duration max, String prefix) {
    Duration d = parsed(node, key, fallback, Durations::parse, prefix);
    if (d.compareTo(max) > 0) {
      problems.add(prefix + key + " value was set to '" + node.get(key).asText() + "', must be at most "
          + Durations.format(max));
      return fallback;
    }
    return d;
  }

  /** {@code ./models/v1/} as {@code models/v1}: the same path, as people write it. */
  static String normalGlob(String glob) {
    String g = glob;
    while (g.startsWith("./")) {
      g = g.substring(2);
    }
    while (g.length() > 1 && g.endsWith("/")) {
      g = g.substring(0, g.length() - 1);
    }
    return g;
  }

  private <T> T parsed(JsonNode node, String key, T fallback, Function<String, T> parser) {
    return parsed(node, key, fallback, parser, "");
  }

  <T> T parsed(JsonNode node, String key, T fallback, Function<String, T> parser, String prefix) {
    if (!node.hasNonNull(key)) {
      return fallback;
    }
    String value = node.get(key).asText();
    try {
      return parser.apply(value);
    } catch (IllegalArgumentException e) {
      problems.add(prefix + key + " value was set to '" + value + "', " + e.getMessage());
      return fallback;
    }
  }

  private boolean bool(JsonNode node, String key, boolean fallback) {
    return bool(node, key, fallback, "");
  }

  private boolean bool(JsonNode node, String key, boolean fallback, String prefix) {
    if (!node.hasNonNull(key)) {
      return fallback;
    }
    JsonNode v = node.get(key);
    if (!v.isBoolean()) {
      problems.add(prefix + key + " value was set to '" + v.asText() + "', must be true or false");
      return fallback;
    }
    return v.asBoolean();
  }

  private String text(JsonNode node, String key, String fallback) {
    return node.hasNonNull(key) ? node.get(key).asText() : fallback;
  }

  private Optional<String> optionalText(JsonNode node, String key) {
    return node.hasNonNull(key) && !node.get(key).asText().isEmpty()
        ? Optional.of(node.get(key).asText())
        : Optional.empty();
  }

  private List<String> strings(JsonNode node, String key) {
    return strings(node, key, "");
  }

  private List<String> strings(JsonNode node, String key, String prefix) {
    JsonNode v = node.get(key);
    List<String> out = new ArrayList<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (v.isTextual()) {
      out.add(v.asText());
    } else if (v.isArray()) {
      v.forEach(item -> out.add(item.asText()));
    } else {
      problems.add(prefix + key + " value was set to '" + v + "', must be a list of strings");
    }
    return out;
  }
}
