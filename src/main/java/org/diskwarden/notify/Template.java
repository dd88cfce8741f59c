package org.diskwarden.notify;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A message template an operator can edit: {@code ${name}} is replaced by the event's field,
 * {@code ${#removals}...${/removals}} repeats its body for each removal (with {@code ${path}},
 * {@code ${size}}, {@code ${bytes}}, {@code ${policy}}, {@code ${reason}} inside) and
 * {@code ${#holders}...${/holders}} for each place that holds the space (with {@code ${path}},
 * {@code ${size}}, {@code ${bytes}}, {@code ${why}}, {@code ${reason}}, {@code ${policy}}). Every name
 * is checked when the template is read, so a typo fails at start-up with its file and line, not at 3 am.
 */
final class Template {
  /** Names a template may use outside the removals loop. */
  static final Set<String> FIELDS = Set.of("host", "base_dir", "time", "event", "state", "message", "free",
      "free_bytes", "total", "total_bytes", "free_percent", "trigger", "trigger_bytes", "target", "target_bytes",
      "min_free", "min_free_percent", "bytes_freed", "bytes_freed_bytes", "removed_count", "failed_count",
      "suppressed", "dry_run", "git_gc", "holding", "holding_other", "holding_outside", "holding_note");
  /** Names a template may use inside the removals loop. */
  static final Set<String> ROW_FIELDS = Set.of("path", "size", "bytes", "policy", "reason", "action", "kept_at");
  /** Names a template may use inside the holders loop. */
  static final Set<String> HOLDER_FIELDS = Set.of("path", "size", "bytes", "why", "reason", "policy");
  static final String LOOP = "removals";
  static final String HOLDERS = "holders";
  /** The loops and the names each may use inside. */
  private static final Map<String, Set<String>> LOOPS = Map.of(LOOP, ROW_FIELDS, HOLDERS, HOLDER_FIELDS);
  private static final Pattern TOKEN = Pattern.compile("\\$\\{([#/]?)([A-Za-z_]*)}");

  private sealed interface Part permits Text, Field, Loop {}

  private record Text(String text) implements Part {}

  private record Field(String name) implements Part {}

  private record Loop(String name, List<Part> body) implements Part {}

  private final List<Part> parts;

  private Template(List<Part> parts) {
    this.parts = parts;
  }

  /**
   * Parses a template.
   *
   * @param source the file name, for errors
   * @throws IllegalArgumentException naming the file and line of the first unknown placeholder or bad loop
   */
  static Template parse(String text, String source) {
    List<Part> top = new ArrayList<>();
    List<Part> current = top;
    String open = null;
    int loopLine = 0;
    Matcher m = TOKEN.matcher(text);
    int at = 0;
    while (m.find()) {
      current.add(new Text(text.substring(at, m.start())));
      int line = 1 + (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count();
      String kind = m.group(1);
      String name = m.group(2);
      boolean inLoop = current != top;
      if (kind.equals("#")) {
        if (!LOOPS.containsKey(name) || inLoop) {
          throw new IllegalArgumentException(source + ":" + line + ": '" + m.group()
              + "' is not a loop here; the loops are ${#removals}...${/removals} and ${#holders}...${/holders},"
              + " not nested");
        }
        current = new ArrayList<>();
        open = name;
        loopLine = line;
      } else if (kind.equals("/")) {
        if (!inLoop || !name.equals(open)) {
          throw new IllegalArgumentException(source + ":" + line + ": '" + m.group() + "' "
              + (open == null ? "closes no open ${#" + name + "}" : "does not close the open ${#" + open + "}"));
        }
        top.add(new Loop(open, List.copyOf(current)));
        current = top;
        open = null;
      } else {
        Set<String> known = inLoop ? LOOPS.get(open) : FIELDS;
        if (!known.contains(name)) {
          throw new IllegalArgumentException(source + ":" + line + ": unknown placeholder '" + m.group() + "'"
              + (inLoop ? " inside ${#" + open + "}" : "") + "; known: " + new java.util.TreeSet<>(known));
        }
        current.add(new Field(name));
      }
      at = m.end();
    }
    if (current != top) {
      throw new IllegalArgumentException(source + ":" + loopLine + ": ${#" + open + "} is never closed by ${/"
          + open + "}");
    }
    top.add(new Text(text.substring(at)));
    return new Template(List.copyOf(top));
  }

  /** Fills the template, {@code rows} being the removals. */
  String render(Map<String, String> fields, List<Map<String, String>> rows, UnaryOperator<String> escape) {
    return render(fields, Map.of(LOOP, rows), escape);
  }

  /**
   * Fills the template.
   *
   * @param loops the rows of each loop by its name (a loop without rows renders nothing)
   * @param escape applied to every value (HTML or JSON escaping; identity for plain text)
   */
  String render(Map<String, String> fields, Map<String, List<Map<String, String>>> loops,
      UnaryOperator<String> escape) {
    StringBuilder out = new StringBuilder();
    render(parts, fields, loops, escape, out);
    return out.toString();
  }

  private static void render(List<Part> parts, Map<String, String> fields, Map<String, List<Map<String, String>>> loops,
      UnaryOperator<String> escape, StringBuilder out) {
    for (Part part : parts) {
      if (part instanceof Text t) {
        out.append(t.text());
      } else if (part instanceof Field f) {
        out.append(escape.apply(fields.getOrDefault(f.name(), "")));
      } else if (part instanceof Loop l) {
        for (Map<String, String> row : loops.getOrDefault(l.name(), List.of())) {
          render(l.body(), row, Map.of(), escape, out);
        }
      }
    }
  }
}
