package org.diskwarden.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code policies:} (each with its action and layout), or the compact form of the first script
 * (keep_versions, versions_dir, backups_dir, logs_dir). A new retention rule is read here.
 */
final class PolicyReader {
  static final Set<String> COMPACT_KEYS = Set.of("keep_versions", "versions_dir", "backups_dir", "logs_dir");
  private static final Set<String> POLICY_KEYS = union(Set.of(
      "name", "path", "keep_latest", "max_age", "order_by", "complete_marker", "group_by", "match", "enabled",
      "layout", "keep_best", "keep_hourly", "keep_daily", "keep_weekly", "keep_monthly", "keep_yearly",
      "keep_every_steps"),
      ActionReader.KEYS);
  private static final Pattern POLICY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  /** The first script's backup naming: {@code <type>_<yyyymmdd>...}. */
  static final String DEFAULT_BACKUP_GROUP = "^(.+?)_\\d{8}";

  private final Reader in;

  PolicyReader(Reader in) {
    this.in = in;
  }

  /** The policies: list, each problem in the reader. */
  List<PolicyConfig> policies(JsonNode root) {
    JsonNode list = root.get("policies");
    List<PolicyConfig> result = new ArrayList<>();
    if (list.isNull()) {
      in.problem("policies is given with nothing under it; list at least one policy (name, path, keep_latest "
          + "and/or max_age), or write policies: [] when only git repositories are maintained");
      return result;
    }
    if (!list.isArray()) {
      in.problem("policies must be a list of policies (name, path, keep_latest and/or max_age)");
      return result;
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode p = list.get(i);
      String at = "policies[" + i + "]";
      if (!p.isObject()) {
        in.problem(at + " must be a mapping with name, path, keep_latest and/or max_age");
        continue;
      }
      in.unknownKeys(p, POLICY_KEYS, at + ".");
      String name = p.path("name").asText("");
      if (!POLICY_NAME.matcher(name).matches()) {
        in.invalid(at + ".name", name, "a non-empty name of letters, digits, '.', '_' or '-'");
      } else if (!names.add(name)) {
        in.problem(at + ".name value '" + name + "' is used twice, must be unique");
      }
      at = "policies." + (name.isEmpty() ? i : name);
      result.add(policy(p, at, name));
    }
    return result.contains(null) ? List.of() : result;
  }

  private PolicyConfig policy(JsonNode p, String at, String name) {
    int before = in.problemCount();
    String path = p.path("path").asText("");
    if (path.isBlank()) {
      in.problem(at + ".path is required: a folder relative to base_dir");
    } else {
      in.relativePath(at + ".path", path);
    }
    Layout layout = in.parsed(p, "layout", Layout.PLAIN, Layout::fromKey, at + ".");
    Optional<Retention> retention = retention(p, at, layout);
    if (layout == Layout.HF_CACHE) {
      // The hub cache's revisions, links and blobs have one shape: nothing here may reshape it.
      // the period keys thin revisions by last use; keep_every_steps is refused as on every layout without steps
      for (String key : List.of("order_by", "complete_marker", "group_by", "match", "keep_best", "action")) {
        if (p.has(key)) {
          in.problem(at + "." + key + " is set with layout: hf_cache, which ranks revisions by last use and "
              + "removes them with their unshared blobs; remove " + key + " or use another layout");
        }
      }
    } else if (layout != Layout.PLAIN && p.has("group_by")) {
      in.problem(at + ".group_by is set with layout: " + layout.key() + ", whose entries are one series; "
          + "remove group_by or use layout: plain");
    }
    OrderBy order = in.parsed(p, "order_by", layout.defaultOrder(), OrderBy::fromKey, at + ".");
    Optional<String> marker = in.optionalText(p, "complete_marker").or(layout::defaultMarker);
    marker.ifPresent(g -> in.nameGlob(at + ".complete_marker", g));
    Optional<String> groupBy = in.optionalText(p, "group_by");
    groupBy.ifPresent(r -> in.regex(at + ".group_by", r));
    Optional<String> match = in.optionalText(p, "match");
    match.ifPresent(g -> in.nameGlob(at + ".match", g));
    boolean enabled = in.bool(p, "enabled", true, at + ".");
    Optional<ActionConfig> action = new ActionReader(in).read(p, at);
    if (in.problemCount() > before || retention.isEmpty() || action.isEmpty()) {
      return null;
    }
    Optional<KeepBest> best = keepBest(p, at);
    if (in.problemCount() > before) {
      return null;
    }
    return new PolicyConfig(name, path, retention.get(), order, marker, groupBy, match, enabled, action.get(),
        layout, best);
  }

  /**
   * The retention rule: keep_latest, max_age, the thinning keys, or several (a new rule's keys are
   * read here).
   */
  private Optional<Retention> retention(JsonNode p, String at, Layout layout) {
    int before = in.problemCount();
    int keep = in.whole(p, "keep_latest", 0, 1, Integer.MAX_VALUE, at + ".");
    Duration maxAge = in.duration(p, "max_age", Duration.ZERO, at + ".");
    if (p.has("max_age") && maxAge.isZero()) {
      in.invalid(at + ".max_age", p.get("max_age").asText(), "> 0");
    }
    Map<Thinning.Period, Integer> periods = new EnumMap<>(Thinning.Period.class);
    for (Thinning.Period period : Thinning.Period.values()) {
      periods.put(period, in.whole(p, period.key(), 0, 0, Integer.MAX_VALUE, at + "."));
    }
    int everySteps = in.whole(p, "keep_every_steps", 0, 1, Integer.MAX_VALUE, at + ".");
    if (p.has("keep_every_steps") && !layout.hasSteps()) {
      in.problem(at + ".keep_every_steps value was set to " + p.get("keep_every_steps").asText() + " with layout "
          + layout.key() + ", whose entries have no training step; allowed with " + Layout.withSteps());
    }
    Thinning thinning = new Thinning(periods, everySteps, ZoneId.systemDefault());
    if (!p.has("keep_latest") && !p.has("max_age") && !thinning.hasPeriods()) {
      in.problem(at + " needs keep_latest, max_age or both (or a keep_hourly/daily/weekly/monthly/yearly key)"
          + (p.has("keep_every_steps") ? " (keep_every_steps alone would let the newest entry go)" : ""));
    }
    return in.problemCount() > before ? Optional.empty() : Optional.of(Retention.of(keep, maxAge, thinning));
  }

  /** {@code keep_best: {metric: val_loss, mode: min, count: 1}}. */
  private Optional<KeepBest> keepBest(JsonNode p, String at) {
    if (!p.has("keep_best")) {
      return Optional.empty();
    }
    JsonNode b = p.get("keep_best");
    String where = at + ".keep_best";
    if (!b.isObject()) {
      in.problem(where + " must be a mapping {metric: NAME, mode: min|max, count: N}");
      return Optional.empty();
    }
    in.unknownKeys(b, Set.of("metric", "mode", "count"), where + ".");
    String metric = b.path("metric").asText("");
    if (!metric.matches("[A-Za-z0-9_.-]+")) {
      in.invalid(where + ".metric", metric, "the name written before '=' in entry names, such as val_loss");
    }
    String mode = b.path("mode").asText("min");
    if (!mode.equals("min") && !mode.equals("max")) {
      in.invalid(where + ".mode", mode, "min or max");
    }
    int n = in.whole(b, "count", 1, 1, 1000, where + ".");
    return Optional.of(new KeepBest(metric, !mode.equals("max"), n));
  }

  List<PolicyConfig> compactPolicies(JsonNode root) {
    int keep = in.whole(root, "keep_versions", 2, 1, Integer.MAX_VALUE, "");
    String versions = in.text(root, "versions_dir", "models/versions");
    String backups = in.text(root, "backups_dir", "models/backups");
    String logs = in.text(root, "logs_dir", "logs");
    for (String key : COMPACT_KEYS) {
      if (key.endsWith("_dir") && root.has(key)) {
        in.relativePath(key, root.get(key).asText());
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

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }
}
