package org.diskwarden.init;

import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a survey top down: a git repository is proposed for git gc and not looked into; a framework's
 * folder (hub cache, Hugging Face, DeepSpeed, Lightning) gets its layout; a folder with something
 * recognizable below it is looked into, so the most specific folder wins; otherwise a folder whose
 * names say logs, backups or versions gets a plain rule. Links at the top, and links named like a
 * pointer (current_model, best, production ...) anywhere, are proposed as protect.
 */
final class Recognizer {
  private static final Pattern POINTER = Pattern.compile(
      "(?is)(current|latest|best|prod|production|stable|release|deployed|serving|live|active|final)([-_.].*)?");
  private final Instant now;
  private final Map<Seen, Boolean> recognizable = new IdentityHashMap<>();
  private final List<Rule> rules = new ArrayList<>();
  private final List<Findings.Named> protect = new ArrayList<>();
  private final List<Findings.Named> repos = new ArrayList<>();

  private Recognizer(Instant now) {
    this.now = now;
  }

  /** What the survey's tree holds; ages in comments are counted from {@code now}. */
  static Findings read(Seen root, Instant now) {
    Recognizer r = new Recognizer(now);
    r.visit(root, "");
    return new Findings(List.copyOf(r.rules), List.copyOf(r.protect), List.copyOf(r.repos));
  }

  private void visit(Seen d, String rel) {
    String path = rel.isEmpty() ? "." : rel;
    if (d.child(".git").isPresent()) {
      repos.add(new Findings.Named(path, Yaml.shown(path) + ": a git repository (.git); git gc compacts it when "
          + "removing files did not free enough."));
      return;
    }
    links(d, rel);
    Optional<Rule> framework = Layouts.recognize(d, path);
    if (framework.isPresent()) {
      rules.add(framework.get());
      return;
    }
    List<Seen> dirs = d.children().stream().filter(Seen::isDir).toList();
    if (dirs.stream().anyMatch(this::recognizable)) {
      dirs.forEach(c -> visit(c, rel.isEmpty() ? c.name() : rel + "/" + c.name()));
      return;
    }
    if (!rel.isEmpty()) {
      Series.recognize(d, path, now).ifPresent(rules::add);
    }
  }

  /** Whether something in {@code d} or below would be proposed (memoized: asked at every level). */
  private boolean recognizable(Seen d) {
    Boolean known = recognizable.get(d);
    if (known != null) {
      return known;
    }
    boolean yes = d.child(".git").isPresent() || Layouts.recognize(d, "").isPresent()
        || d.children().stream().filter(Seen::isDir).anyMatch(this::recognizable)
        || Series.recognize(d, "", now).isPresent();
    recognizable.put(d, yes);
    return yes;
  }

  private void links(Seen d, String rel) {
    for (Seen c : d.children()) {
      if (c.isLink() && (rel.isEmpty() || POINTER.matcher(c.name()).matches())) {
        String path = rel.isEmpty() ? c.name() : rel + "/" + c.name();
        protect.add(new Findings.Named(glob(path), Yaml.shown(path) + " -> " + Yaml.shown(c.link().orElse("?"))
            + ": a link; it and what it points to are never touched."));
      }
    }
  }

  /** A path as a protect glob matching exactly it: glob characters escaped. */
  static String glob(String path) {
    StringBuilder b = new StringBuilder();
    for (char ch : path.toCharArray()) {
      if ("*?[]{}\\".indexOf(ch) >= 0) {
        b.append('\\');
      }
      b.append(ch);
    }
    return b.toString();
  }
}
