package org.diskwarden.init;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The proposed config as YAML text: base_dir, thresholds, protect, policies and git, each with the
 * comments saying what was seen; with a watch name, the same keys as one entry of {@code watch:}.
 */
final class ConfigText {
  static final String LOOKED_FOR = String.join("\n",
      "Hugging Face checkpoint-N folders with trainer_state.json, Lightning *.ckpt files, DeepSpeed tag",
      "folders with a latest file, hub caches (models--*), versions (v1, v2, dated or numbered names),",
      "backups (TYPE_DATE names), logs (*.log), links such as current_model and git repositories");

  private static final int WIDTH = 110;
  private final List<String> lines = new ArrayList<>();
  private String indent = "";

  private ConfigText() {}

  static String render(String dir, Optional<String> watch, Survey survey, Findings found, Trigger trigger) {
    ConfigText t = new ConfigText();
    t.header(dir, survey, found);
    if (watch.isPresent()) {
      t.line("watch:");
      t.line("  - name: " + Yaml.quote(watch.get()));
      t.indent = "    ";
    }
    t.line("base_dir: " + Yaml.quote(dir));
    t.blank();
    trigger.seen().forEach(t::comment);
    t.line("min_free: " + trigger.value());
    t.line("min_free_percent: " + Trigger.PERCENT);
    t.blank();
    t.protect(found.protect());
    t.blank();
    t.policies(found);
    if (!found.repos().isEmpty()) {
      t.blank();
      found.repos().forEach(r -> t.comment(r.seen()));
      t.line("git:");
      t.line("  repos:");
      found.repos().forEach(r -> t.line("    - " + Yaml.quote(r.value())));
    }
    return String.join("\n", t.lines) + "\n";
  }

  private void header(String dir, Survey survey, Findings found) {
    comment("diskwarden config proposed by \"diskwarden init\" for " + Yaml.shown(dir) + ".");
    comment("Each choice says what was seen (" + survey.names() + " names read, at most " + Survey.MAX_DEPTH
        + " folders deep; links not followed, no file opened).");
    comment("Read it, change what is wrong, then: diskwarden check. Every key: README \"Configuration reference\".");
    if (survey.cut()) {
      comment("The survey stopped after " + Survey.MAX_NAMES + " names: folders after that were not looked at.");
    }
    survey.unlisted().forEach(u -> comment("Not looked into: " + Yaml.shown(u) + "."));
    if (found.recognizedNothing()) {
      comment("");
      comment("Nothing here looked like what init recognizes: " + LOOKED_FOR.replace("\n", " ")
          + "; so no rule removes anything: diskwarden still watches free space and alerts.");
    }
    blank();
  }

  private void protect(List<Findings.Named> protect) {
    if (protect.isEmpty()) {
      comment("No link such as current_model was seen at the top: nothing is protected by name (a link in a "
          + "policy's folder keeps its target anyway).");
      line("protect: []");
      return;
    }
    line("protect:");
    for (Findings.Named p : protect) {
      note(p.seen());
      line("  - " + Yaml.quote(p.value()));
    }
  }

  private void policies(Findings found) {
    if (found.rules().isEmpty()) {
      comment("No folder of checkpoints, versions, backups or logs was seen. A rule looks like this one, which "
          + "is off; point path at a folder, choose keep_latest and/or max_age, remove enabled: false.");
      line("policies:");
      line("  - name: example");
      line("    path: .");
      line("    max_age: 3650d");
      line("    enabled: false");
      return;
    }
    line("policies:");
    Set<String> names = new HashSet<>();
    for (Rule r : found.rules()) {
      r.seen().forEach(this::note);
      line("  - name: " + Yaml.quote(name(r.path(), names)));
      line("    path: " + Yaml.quote(r.path()));
      for (Map.Entry<String, String> k : r.keys().entrySet()) {
        line("    " + k.getKey() + ": " + k.getValue());
      }
    }
  }

  /** A policy name from its path: letters, digits, '.', '_' and '-', unique. */
  static String name(String path, Set<String> taken) {
    String base = path.equals(".") ? "training" : path.replaceAll("[^A-Za-z0-9._-]+", "-")
        .replaceAll("^[^A-Za-z0-9]+", "").replaceAll("-+$", "");
    if (base.isEmpty()) {
      base = "policy";
    }
    String name = base;
    for (int i = 2; !taken.add(name); i++) {
      name = base + "-" + i;
    }
    return name;
  }

  private void comment(String text) {
    wrapped(indent + "#", text);
  }

  /** A comment on a list item, indented as the item. */
  private void note(String text) {
    wrapped(indent + "  #", text);
  }

  /** Comment lines of at most {@value #WIDTH} characters, broken at spaces (a long name stays whole). */
  private void wrapped(String prefix, String text) {
    if (text.isEmpty()) {
      lines.add(prefix);
      return;
    }
    StringBuilder line = new StringBuilder(prefix);
    for (String word : text.split(" ")) {
      if (line.length() > prefix.length() && line.length() + 1 + word.length() > WIDTH) {
        lines.add(line.toString());
        line = new StringBuilder(prefix);
      }
      line.append(' ').append(word);
    }
    lines.add(line.toString());
  }

  private void line(String text) {
    lines.add(indent + text);
  }

  private void blank() {
    lines.add("");
  }
}
