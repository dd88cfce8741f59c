package org.diskwarden.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Typed reads of config values that add every problem to one list: the house message format ("KEY
 * value was set to 'VALUE', must be ALLOWED", Caffeine's shape) lives here, and every section reader
 * (policies, notify, git, the top level) goes through it.
 */
final class Reader {
  /** The longest duration any key takes (ten years): larger ones overflow time arithmetic. */
  static final Duration MAX_DURATION = Limits.MAX_DURATION;
  /** The largest size any key takes. */
  static final long MAX_SIZE = 1024L * 1024 * Size.GB;

  private final Path configDir;
  private final List<String> problems = new ArrayList<>();
  private int unknownKeys;

  Reader(Path configDir) {
    this.configDir = configDir;
  }

  /** Where relative paths in the file (templates) resolve: the config file's folder. */
  Path configDir() {
    return configDir;
  }

  /** Every problem so far, in the order found. */
  List<String> problems() {
    return List.copyOf(problems);
  }

  int problemCount() {
    return problems.size();
  }

  /** A problem that is not about one value (a missing key, keys that exclude each other). */
  void problem(String message) {
    problems.add(message);
  }

  /**
   * A whole number from {@code min} to {@code max} under {@code prefix + key}; missing: {@code fallback};
   * anything else (an empty value too) is a problem and gives {@code fallback}.
   */
  int whole(JsonNode node, String key, int fallback, int min, int max, String prefix) {
    JsonNode v = node.get(key);
    if (v == null) {
      return fallback;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
      invalid(prefix + key, v.asText(), max == Integer.MAX_VALUE ? "a whole number >= " + min
          : "a whole number from " + min + " to " + max);
      return fallback;
    }
    return v.asInt();
  }

  /** A value that is not allowed: names the key, repeats the value and says what is allowed. */
  void invalid(String key, Object value, String allowed) {
    problems.add(key + " value was set to '" + value + "', must be " + allowed);
  }

  void unknownKeys(JsonNode node, Set<String> allowed, String prefix) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        unknownKeys++;
        problems.add("unknown key " + prefix + key + nearest(key, allowed).map(k -> " (did you mean " + prefix + k + "?)")
            .orElse("") + "; allowed keys are " + new java.util.TreeSet<>(allowed));
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

  void relativeGlob(String key, String glob) {
    if (glob.startsWith("/") || java.util.Arrays.asList(glob.split("/")).contains("..")) {
      problems.add(key + " value was set to '" + glob + "', must be a glob relative to base_dir (no absolute "
          + "path, no '..')");
      return;
    }
    nameGlob(key, glob);
  }

  void nameGlob(String key, String glob) {
    try {
      FileSystems.getDefault().getPathMatcher("glob:" + glob);
    } catch (RuntimeException e) {
      problems.add(key + " value was set to '" + glob + "', must be a valid glob: " + e.getMessage());
    }
  }

  void regex(String key, String regex) {
    try {
      if (Pattern.compile(regex).matcher("").groupCount() < 1) {
        problems.add(key + " value was set to '" + regex
            + "', must be a regex with a capture group (group 1 names the group)");
      }
    } catch (PatternSyntaxException e) {
      problems.add(key + " value was set to '" + regex + "', must be a valid regex: " + e.getDescription());
    }
  }

  /** How many unknown keys were found: a rule across keys is not checked then (it would judge a default). */
  int unknownKeys() {
    return unknownKeys;
  }

  /** The allowed key nearest to a typo ({@code min_fre} -> {@code min_free}), when one is close. */
  static java.util.Optional<String> nearest(String typo, Set<String> allowed) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : new java.util.TreeSet<>(allowed)) {
      int d = distance(typo.toLowerCase(java.util.Locale.ROOT), k);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return best != null && bestDistance <= Math.max(2, best.length() / 4) ? java.util.Optional.of(best)
        : java.util.Optional.empty();
  }

  /** Levenshtein distance. */
  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  long size(JsonNode node, String key, long fallback) {
    return ruled(node, key, fallback, v -> Limits.size(key, v.asText()));
  }

  /** A number under a rule of {@link Limits}; a non-number is refused with the rule's words. */
  double number(JsonNode node, String key, double fallback, java.util.function.DoubleUnaryOperator rule,
      String allowed) {
    return ruled(node, key, fallback, v -> {
      if (!v.isNumber()) {
        throw Limits.refused(key, v.asText(), allowed);
      }
      return rule.applyAsDouble(v.asDouble());
    });
  }

  /** A value under its rule in {@link Limits}: the rule's message is the problem, word for word. */
  <T> T ruled(JsonNode node, String key, T fallback, Function<JsonNode, T> rule) {
    if (!node.hasNonNull(key)) {
      return fallback;
    }
    try {
      return rule.apply(node.get(key));
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
      return fallback;
    }
  }

  double number(JsonNode node, String key, double fallback, double min, double max, String allowed) {
    return number(node, key, fallback, min, max, allowed, "");
  }

  double number(JsonNode node, String key, double fallback, double min, double max, String allowed, String prefix) {
    if (!node.hasNonNull(key)) {
      return fallback;
    }
    JsonNode v = node.get(key);
    if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max || Double.isNaN(v.asDouble())) {
      invalid(prefix + key, v.asText(), allowed);
      return fallback;
    }
    return v.asDouble();
  }

  Duration duration(JsonNode node, String key, Duration fallback) {
    return duration(node, key, fallback, "");
  }

  Duration duration(JsonNode node, String key, Duration fallback, String prefix) {
    return bounded(node, key, fallback, MAX_DURATION, prefix);
  }

  Duration bounded(JsonNode node, String key, Duration fallback, Duration max) {
    return bounded(node, key, fallback, max, "");
  }

  /** A duration no longer than {@code max}: nothing a deleting daemon computes with may overflow. */
  Duration bounded(JsonNode node, String key, Duration fallback, Duration max, String prefix) {
    Duration d = parsed(node, key, fallback, Durations::parse, prefix);
    if (d.compareTo(max) > 0) {
      invalid(prefix + key, node.get(key).asText(), "at most " + Durations.format(max));
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

  <T> T parsed(JsonNode node, String key, T fallback, Function<String, T> parser) {
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

  boolean bool(JsonNode node, String key, boolean fallback) {
    return bool(node, key, fallback, "");
  }

  boolean bool(JsonNode node, String key, boolean fallback, String prefix) {
    if (!node.hasNonNull(key)) {
      return fallback;
    }
    JsonNode v = node.get(key);
    if (!v.isBoolean()) {
      invalid(prefix + key, v.asText(), "true or false");
      return fallback;
    }
    return v.asBoolean();
  }

  String text(JsonNode node, String key, String fallback) {
    return node.hasNonNull(key) ? node.get(key).asText() : fallback;
  }

  Optional<String> optionalText(JsonNode node, String key) {
    return node.hasNonNull(key) && !node.get(key).asText().isEmpty()
        ? Optional.of(node.get(key).asText())
        : Optional.empty();
  }

  List<String> strings(JsonNode node, String key) {
    return strings(node, key, "");
  }

  List<String> strings(JsonNode node, String key, String prefix) {
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
      invalid(prefix + key, v, "a list of strings");
    }
    return out;
  }

  /** The port under {@code key}'s last segment, from {@code min} to 65535, else the problem and {@code fallback}. */
  int port(JsonNode node, String key, int fallback, int min, String allowed) {
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
}
