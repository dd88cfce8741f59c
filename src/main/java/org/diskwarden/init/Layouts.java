package org.diskwarden.init;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The training frameworks' folders, recognized as the frameworks write them (the layouts of README
 * "Training frameworks"), each proposed with its {@code layout:} and what was seen.
 */
final class Layouts {
  private static final Pattern HF_CHECKPOINT = Pattern.compile("checkpoint-\\d+");
  private static final Pattern LIGHTNING_LAST = Pattern.compile("last(-v\\d+)?\\.ckpt");
  private static final Pattern HUB_REPO = Pattern.compile("(models|datasets|spaces)--.+", Pattern.DOTALL);
  private static final Pattern METRIC = Pattern.compile("(?:^|[-_ ])([A-Za-z_][A-Za-z0-9_]*)=[-+]?(?:\\d|\\.\\d)");
  private static final Pattern HIGHER_IS_BETTER =
      Pattern.compile("(?i).*(acc|f1|auc|score|bleu|rouge|precision|recall|iou|dice|map).*");

  private Layouts() {}

  /** The rule for a framework's folder at {@code rel}, if {@code d} is one. */
  static Optional<Rule> recognize(Seen d, String rel) {
    return hubCache(d, rel).or(() -> huggingFace(d, rel)).or(() -> megatron(d, rel)).or(() -> orbax(d, rel))
        .or(() -> deepSpeed(d, rel)).or(() -> lightning(d, rel));
  }

  private static final Pattern ORBAX_STEP = Pattern.compile("\\d+");
  private static final Pattern ORBAX_TMP = Pattern.compile("\\d+\\.orbax-checkpoint-tmp.*", Pattern.DOTALL);
  private static final Pattern MEGATRON_ITER = Pattern.compile("iter_\\d{7}");
  private static final String THINNING = "To keep milestones as well, add keep_every_steps: N (every N-th step) "
      + "or keep_daily: N (the newest of each of the last N days).";

  /**
   * An Orbax CheckpointManager directory: finalized {@code <step>/} folders holding
   * {@code _CHECKPOINT_METADATA}, or {@code <step>.orbax-checkpoint-tmp*} folders of a save in flight.
   */
  static Optional<Rule> orbax(Seen d, String rel) {
    List<Seen> steps = d.entries().stream().filter(c -> c.isDir() && ORBAX_STEP.matcher(c.name()).matches()
        && c.hasFile("_CHECKPOINT_METADATA")).toList();
    List<Seen> tmp = d.entries().stream().filter(c -> c.isDir() && ORBAX_TMP.matcher(c.name()).matches()).toList();
    if (steps.isEmpty()) {
      return Optional.empty();
    }
    String inFlight = tmp.isEmpty() ? "" : "; " + Names.count(tmp) + " " + Names.range(tmp)
        + " (a save in flight, or left by a crash)";
    return Optional.of(new Rule(rel, List.of(
        steps.size() + " step folder" + (steps.size() == 1 ? "" : "s") + " " + Names.range(steps)
            + " with _CHECKPOINT_METADATA" + inFlight + ": an Orbax CheckpointManager directory.",
        "layout orbax keeps the newest 2 finalized steps (the newest is the one a restart restores); a tmp "
            + "folder is held while younger than min_age and reclaimed once older.",
        THINNING),
        keys("layout", "orbax", "keep_latest", "2")));
  }

  /** A Megatron-LM or NeMo save dir: {@code iter_NNNNNNN/} folders and the tracker file. */
  static Optional<Rule> megatron(Seen d, String rel) {
    List<Seen> iters = d.entries().stream().filter(c -> c.isDir() && MEGATRON_ITER.matcher(c.name()).matches())
        .toList();
    if (!d.hasFile("latest_checkpointed_iteration.txt") || iters.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Rule(rel, List.of(
        iters.size() + " iteration folder" + (iters.size() == 1 ? "" : "s") + " " + Names.range(iters)
            + " and latest_checkpointed_iteration.txt: a Megatron-LM save dir.",
        "layout megatron keeps the iteration the tracker names (the resume point), newer ones (saves in "
            + "progress) and the newest 2; release/ and the tracker are never entries.",
        THINNING),
        keys("layout", "megatron", "keep_latest", "2")));
  }

  static Optional<Rule> huggingFace(Seen d, String rel) {
    List<Seen> checkpoints = d.entries().stream().filter(c -> c.isDir() && HF_CHECKPOINT.matcher(c.name()).matches())
        .toList();
    long finished = checkpoints.stream().filter(c -> c.hasFile("trainer_state.json")).count();
    if (finished == 0) {
      return Optional.empty();
    }
    String unfinished = finished == checkpoints.size() ? ""
        : "; " + (checkpoints.size() - finished) + " without it (saves in progress or abandoned ones)";
    return Optional.of(new Rule(rel, List.of(
        Names.count(checkpoints) + " " + Names.range(checkpoints) + ", " + finished + " with trainer_state.json"
            + unfinished + ": a Hugging Face Trainer output_dir.",
        "layout huggingface keeps the newest 2 finished checkpoints (the resume point), the best_model_checkpoint "
            + "of trainer_state.json and saves in progress; final weights and files beside them are never entries."),
        keys("layout", "huggingface", "keep_latest", "2")));
  }

  static Optional<Rule> lightning(Seen d, String rel) {
    List<Seen> ckpts = d.entries().stream().filter(c -> c.name().endsWith(".ckpt")
        && !LIGHTNING_LAST.matcher(c.name()).matches()).toList();
    if (ckpts.isEmpty()) {
      return Optional.empty();
    }
    List<Seen> last = d.children().stream().filter(c -> LIGHTNING_LAST.matcher(c.name()).matches()).toList();
    Map<String, String> keys = keys("layout", "lightning", "keep_latest", "1");
    String lastSeen = last.isEmpty() ? "" : " and " + Names.range(last);
    List<String> seen = new java.util.ArrayList<>(List.of(
        ckpts.size() + " checkpoint" + (ckpts.size() == 1 ? "" : "s") + " " + Names.range(ckpts) + lastSeen
            + ": a PyTorch Lightning ModelCheckpoint dirpath.",
        "layout lightning keeps the newest checkpoint; last.ckpt is never an entry (a link keeps its target)."));
    commonMetric(ckpts).ifPresent(metric -> {
      boolean max = HIGHER_IS_BETTER.matcher(metric).matches();
      keys.put("keep_best", "{metric: " + Yaml.quote(metric) + ", mode: " + (max ? "max" : "min") + ", count: 1}");
      seen.add("Every checkpoint's name has " + metric + "=: keep_best keeps the best by it (mode "
          + (max ? "max: higher is better for an accuracy or a score" : "min: lower is better for a loss or an error")
          + "; change it if that is wrong), as save_top_k with monitor does.");
    });
    return Optional.of(new Rule(rel, List.copyOf(seen), keys));
  }

  /** A metric (not epoch or step) that every name carries as NAME=VALUE, the first in the first name. */
  private static Optional<String> commonMetric(List<Seen> ckpts) {
    Matcher m = METRIC.matcher(ckpts.get(0).name());
    while (m.find()) {
      String metric = m.group(1);
      if (metric.equals("epoch") || metric.equals("step")) {
        continue;
      }
      Pattern named = Pattern.compile("(?:^|[-_ ])" + Pattern.quote(metric) + "=[-+]?(?:\\d|\\.\\d)");
      if (ckpts.stream().allMatch(c -> named.matcher(c.name()).find())) {
        return Optional.of(metric);
      }
    }
    return Optional.empty();
  }

  static Optional<Rule> deepSpeed(Seen d, String rel) {
    List<Seen> tags = d.entries().stream().filter(Seen::isDir).toList();
    if (!d.hasFile("latest") || tags.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Rule(rel, List.of(
        tags.size() + " tag folder" + (tags.size() == 1 ? "" : "s") + " " + Names.range(tags)
            + " and a latest file: a DeepSpeed save_checkpoint dir.",
        "layout deepspeed keeps the tag latest names (the resume point), newer tags (saves in progress) and the "
            + "newest 1; latest, zero_to_fp32.py and other files are never entries."),
        keys("layout", "deepspeed", "keep_latest", "1")));
  }

  static Optional<Rule> hubCache(Seen d, String rel) {
    List<Seen> repos = d.entries().stream().filter(c -> c.isDir() && HUB_REPO.matcher(c.name()).matches()
        && c.hasDir("snapshots")).toList();
    if (repos.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Rule(rel, List.of(
        repos.size() + " repositor" + (repos.size() == 1 ? "y " : "ies ") + Names.range(repos)
            + " with snapshots/: a Hugging Face hub cache.",
        "layout hf_cache: a revision unused for 30 days goes with the blobs only it uses; a repository "
            + "downloading now is skipped; the kept revisions' links always resolve."),
        keys("layout", "hf_cache", "max_age", "30d")));
  }

  static Map<String, String> keys(String... pairs) {
    Map<String, String> keys = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      keys.put(pairs[i], pairs[i + 1]);
    }
    return keys;
  }
}
