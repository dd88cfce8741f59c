package org.diskwarden.init;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Folders recognized by the names in them: logs ({@code *.log}), backups ({@code TYPE_DATE} names, with
 * {@code group_by} inferred from them) and versions ({@code v1}, {@code v2}, dated or numbered names).
 */
final class Series {
  private static final Pattern LOG = Pattern.compile(".+\\.log(\\.\\d+)?(\\.(gz|zst|xz|bz2))?", Pattern.DOTALL);
  /** The ways backups carry their type and date, tried in this order; group 1 is the type. */
  static final List<String> GROUPS = List.of(
      "^(.+?)_\\d{8}", "^(.+?)-\\d{8}", "^(.+?)\\.\\d{8}",
      "^(.+?)_\\d{4}-\\d{2}-\\d{2}", "^(.+?)-\\d{4}-\\d{2}-\\d{2}", "^(.+?)_\\d{4}_\\d{2}_\\d{2}");
  private static final Pattern BACKUP_FOLDER = Pattern.compile("(?i)(backups?|bak|dumps?)");
  private static final Pattern VERSION = Pattern.compile(
      "(?is)((v|version|ver|rev|release|r)[-_.]?\\d.*|\\d{4}-?\\d{2}-?\\d{2}.*|\\d+)");
  private static final Pattern VERSION_FOLDER = Pattern.compile(
      "(?i)(versions?|releases?|checkpoints?|ckpts?|snapshots?|exports?|saved_models?)");

  private Series() {}

  /** The rule for {@code d} at {@code rel} when its names say what it holds. */
  static Optional<Rule> recognize(Seen d, String rel, Instant now) {
    List<Seen> entries = d.entries().stream().filter(c -> !c.name().startsWith(".")).toList();
    if (entries.size() < 2) {
      return Optional.empty();
    }
    return logs(entries, rel, now).or(() -> backups(d.name(), entries, rel)).or(() -> versions(d.name(), entries, rel));
  }

  private static Optional<Rule> logs(List<Seen> entries, String rel, Instant now) {
    List<Seen> logs = entries.stream().filter(c -> c.isFile() && LOG.matcher(c.name()).matches()).toList();
    if (logs.size() < 2 || logs.size() * 2 < entries.size()) {
      return Optional.empty();
    }
    boolean plain = logs.stream().allMatch(c -> c.name().endsWith(".log"));
    String match = plain ? "*.log" : "*.log*";
    long newest = logs.stream().map(c -> days(c.mtime(), now)).min(Long::compare).orElse(0L);
    long oldest = logs.stream().map(c -> days(c.mtime(), now)).max(Long::compare).orElse(0L);
    String others = logs.size() == entries.size() ? "" : " (and " + (entries.size() - logs.size()) + " other entries)";
    return Optional.of(new Rule(rel, List.of(
        logs.size() + " files " + match + " " + Names.range(logs) + others + ", modified " + newest + " to " + oldest
            + " days ago: logs.",
        "max_age 7d: a log not modified for a week goes; match keeps the rule to " + match + "."),
        Layouts.keys("match", Yaml.quote(match), "max_age", "7d")));
  }

  private static Optional<Rule> backups(String folder, List<Seen> entries, String rel) {
    String best = null;
    long matched = 0;
    for (String g : GROUPS) {
      Pattern p = Pattern.compile(g);
      long n = entries.stream().filter(c -> p.matcher(c.name()).find()).count();
      if (n > matched) {
        best = g;
        matched = n;
      }
    }
    if (best == null || matched < 2 || matched * 2 < entries.size()) {
      return Optional.empty();
    }
    Pattern p = Pattern.compile(best);
    Set<String> types = new LinkedHashSet<>();
    for (Seen c : entries) {
      Matcher m = p.matcher(c.name());
      if (m.find()) {
        types.add(Yaml.shown(m.group(1)));
      }
    }
    String rest = matched == entries.size() ? ""
        : "; " + (entries.size() - matched) + " other names do not match group_by and stay";
    String kind = BACKUP_FOLDER.matcher(folder).matches() ? "backups" : "dated saves (backups)";
    return Optional.of(new Rule(rel, List.of(
        Names.count(entries) + " " + Names.range(entries) + ", named TYPE" + separator(best) + "DATE: " + kind + " of "
            + types.size() + " type" + (types.size() == 1 ? "" : "s") + " (" + String.join(", ", types) + ")" + rest + ".",
        "group_by takes the type from the name; keep_latest 1 keeps the newest of each type."),
        Layouts.keys("group_by", Yaml.quote(best), "keep_latest", "1")));
  }

  private static String separator(String group) {
    return group.substring("^(.+?)".length(), "^(.+?)".length() + 1).replace("\\", "");
  }

  private static Optional<Rule> versions(String folder, List<Seen> entries, String rel) {
    long versioned = entries.stream().filter(c -> VERSION.matcher(c.name()).matches()).count();
    boolean named = VERSION_FOLDER.matcher(folder).matches() || BACKUP_FOLDER.matcher(folder).matches();
    if (!named && (versioned < 2 || versioned * 3 < entries.size() * 2)) {
      return Optional.empty();
    }
    String why = named && versioned * 3 < entries.size() * 2
        ? "in a folder named " + Yaml.shown(folder) + ": a series of saves"
        : "named as versions: model versions (or any series of saves)";
    return Optional.of(new Rule(rel, List.of(
        Names.count(entries) + " " + Names.range(entries) + " " + why + ".",
        "keep_latest 2: the 2 most recently modified stay (order_by name would go by the names instead)."),
        Layouts.keys("keep_latest", "2")));
  }

  private static long days(Instant t, Instant now) {
    return Math.max(0, Duration.between(t, now).toDays());
  }
}
