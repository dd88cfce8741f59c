package org.diskwarden.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads {@code watch:}: each watch is the top level with its own keys on top, read as a config of its
 * own; a problem of one watch is reported with its name, one that every watch has (a shared top-level
 * key) once; watches may not nest.
 */
final class WatchesReader {
  /** What a watch may set: every top-level key but the shared ones, and its name. */
  private static final Set<String> WATCH_KEYS = watchKeys();
  private static final Pattern WATCH_NAME = Pattern.compile("[A-Za-z0-9._-]+");

  /** One watch read: its config (null when it has problems) and its problems. */
  record Read(WardenConfig config, List<String> problems) {}

  private final Reader in;
  private final Function<JsonNode, Read> readWatch;

  WatchesReader(Reader in, Function<JsonNode, Read> readWatch) {
    this.in = in;
    this.readWatch = readWatch;
  }

  /** The watches of {@code root} (which has {@code watch:}); null when there are problems (in the reader). */
  Watches read(JsonNode root, Optional<Path> baseDirOverride) {
    if (root.has("base_dir")) {
      in.problem("base_dir is set beside watch:; give each watch its own base_dir");
    }
    if (baseDirOverride.isPresent()) {
      in.problem("--base-dir applies to a config without watch:; choose a watch with --watch instead");
    }
    JsonNode list = root.get("watch");
    if (!list.isArray() || list.isEmpty()) {
      in.problem("watch must be a list of directories to guard, each {name, base_dir, ...}");
      return null;
    }
    ObjectNode defaults = ((ObjectNode) root).deepCopy();
    defaults.remove("watch");
    List<Watches.Watch> watches = new ArrayList<>();
    Set<String> names = new HashSet<>();
    List<List<String>> problemsPerWatch = new ArrayList<>();
    List<String> namesInOrder = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode w = list.get(i);
      String at = "watch[" + i + "]";
      if (!w.isObject()) {
        in.problem(at + " must be a mapping {name, base_dir, ...}");
        continue;
      }
      String name = w.path("name").asText("");
      if (!WATCH_NAME.matcher(name).matches()) {
        in.invalid(at + ".name", name, "a non-empty name of letters, digits, '.', '_' or '-'");
        continue;
      }
      if (!names.add(name)) {
        in.problem(at + ".name value '" + name + "' is used twice, must be unique");
        continue;
      }
      in.unknownKeys(w, WATCH_KEYS, "watch." + name + ".");
      ObjectNode merged = defaults.deepCopy();
      w.fields().forEachRemaining(f -> {
        if (!f.getKey().equals("name") && WATCH_KEYS.contains(f.getKey())) {
          merged.set(f.getKey(), f.getValue());
        }
      });
      Read one = readWatch.apply(merged);
      WardenConfig c = one.config();
      problemsPerWatch.add(one.problems());
      namesInOrder.add(name);
      if (c != null) {
        watches.add(new Watches.Watch(name, c));
      }
    }
    // a problem every watch has comes from the shared top level: said once, as it is
    Set<String> everywhere = problemsPerWatch.size() < 2 ? new LinkedHashSet<>()
        : new LinkedHashSet<>(problemsPerWatch.get(0));
    problemsPerWatch.forEach(everywhere::retainAll);
    everywhere.forEach(in::problem);
    for (int i = 0; i < problemsPerWatch.size(); i++) {
      String name = namesInOrder.get(i);
      problemsPerWatch.get(i).stream().filter(p -> !everywhere.contains(p))
          .forEach(p -> in.problem("watch." + name + ": " + p));
    }
    for (int a = 0; a < watches.size(); a++) {
      for (int b = a + 1; b < watches.size(); b++) {
        nesting(watches.get(a), watches.get(b));
      }
    }
    return in.problemCount() > 0 || watches.isEmpty() ? null : new Watches(watches, true);
  }

  /** One lock, one sweep per directory: a watch inside another's base_dir (or on the same) is refused. */
  private void nesting(Watches.Watch x, Watches.Watch y) {
    Path a = x.config().baseDir();
    Path b = y.config().baseDir();
    if (a.equals(b)) {
      in.problem("watch." + y.name() + ".base_dir " + b + " is also watch." + x.name() + ".base_dir; "
          + "watches may not nest (one agent, one lock and one sweep per directory)");
    } else if (a.startsWith(b) || b.startsWith(a)) {
      Watches.Watch inner = a.startsWith(b) ? x : y;
      Watches.Watch outer = inner == x ? y : x;
      in.problem("watch." + inner.name() + ".base_dir " + inner.config().baseDir() + " is inside watch."
          + outer.name() + ".base_dir " + outer.config().baseDir()
          + "; watches may not nest (one agent, one lock and one sweep per directory)");
    }
  }

  private static Set<String> watchKeys() {
    Set<String> keys = new HashSet<>(ConfigLoader.TOP_KEYS);
    keys.removeAll(Set.of("watch", "notify", "metrics", "audit"));
    keys.add("name");
    return Set.copyOf(keys);
  }
}
