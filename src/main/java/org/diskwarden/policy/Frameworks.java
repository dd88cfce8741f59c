package org.diskwarden.policy;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.diskwarden.config.KeepBest;
import org.diskwarden.config.Layout;
import org.diskwarden.fs.ControlFile;
import org.diskwarden.fs.Dir;

/**
 * What the training frameworks' layouts say about a folder: which children are entries, the step in
 * an entry's name, and what their own files keep (Hugging Face's {@code best_model_checkpoint},
 * DeepSpeed's {@code latest}, a metric in Lightning's names). Only decisions: the removal is the plain
 * policy machinery's, through its one guard.
 */
final class Frameworks {
  private static final Pattern HF_CHECKPOINT = Pattern.compile("checkpoint-(\\d+)");
  private static final Pattern LIGHTNING_LAST = Pattern.compile("last(-v\\d+)?\\.ckpt");
  private static final Pattern STEP = Pattern.compile("(?:^checkpoint-|step=|^global_step)(\\d+)");
  private static final Pattern HF_STAGING = Pattern.compile("tmp-checkpoint-(\\d+)");
  private static final Pattern LIGHTNING_VERSION = Pattern.compile("-v(\\d+)\\.ckpt$");

  private Frameworks() {}

  /** Whether a child of the folder (not a link) is an entry under {@code layout}. */
  static boolean isEntry(Layout layout, String name, BasicFileAttributes attrs) {
    return switch (layout) {
      case PLAIN, HF_CACHE -> true;
      // final weights, config.json, tokenizer files and runs/ live beside the checkpoints
      case HUGGINGFACE -> attrs.isDirectory() && HF_CHECKPOINT.matcher(name).matches();
      // last.ckpt (a copy or a link) is the framework's own pointer: never an entry
      case LIGHTNING -> name.endsWith(".ckpt") && !LIGHTNING_LAST.matcher(name).matches();
      // latest, zero_to_fp32.py and other files are never entries
      case DEEPSPEED -> attrs.isDirectory();
    };
  }

  /**
   * A staging folder of transformers 4.36 to 4.38 ({@code trainer.py}, {@code _save_checkpoint}: saved
   * into {@code tmp-checkpoint-N}, then renamed to {@code checkpoint-N}); one left behind is a crash's.
   */
  static boolean isStaging(Layout layout, String name, BasicFileAttributes attrs) {
    return layout == Layout.HUGGINGFACE && attrs.isDirectory() && HF_STAGING.matcher(name).matches();
  }

  /** The training step in a name ({@code checkpoint-N}, {@code ...step=N...}, {@code global_stepN}). */
  static OptionalLong step(String name) {
    Matcher m = STEP.matcher(name);
    if (m.find()) {
      try {
        return OptionalLong.of(Long.parseLong(m.group(1)));
      } catch (NumberFormatException e) {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.empty();
  }

  /** A metric written as {@code NAME=VALUE} in a name, as Lightning's filename template writes it. */
  static OptionalDouble metric(String name, String metric) {
    Matcher m = metricPattern(metric).matcher(name);
    if (!m.find()) {
      return OptionalDouble.empty();
    }
    try {
      return OptionalDouble.of(Double.parseDouble(m.group(1)));
    } catch (NumberFormatException e) {
      return OptionalDouble.empty();
    }
  }

  private static Pattern metricPattern(String metric) {
    return Pattern.compile("(?:^|[-_ ])" + Pattern.quote(metric)
        + "=([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?)");
  }

  /**
   * The {@code count} best of {@code names} by the metric, with the reason each is kept. A name shows
   * the metric rounded ({@code filename="{epoch}-{val_loss:.2f}"} writes 0.0712 and 0.0734 both as
   * {@code val_loss=0.07}): every entry whose shown value ties with the last one kept, at the coarser
   * of the two precisions, is kept too, since which of them is the true best cannot be told.
   */
  static Map<String, String> best(List<String> names, KeepBest best) {
    List<String> scored = new ArrayList<>();
    for (String n : names) {
      if (shown(n, best.metric()).isPresent()) {
        scored.add(n);
      }
    }
    Comparator<String> byValue = Comparator.comparing(n -> shown(n, best.metric()).get());
    scored.sort(best.lowerIsBetter() ? byValue : byValue.reversed());
    Map<String, String> kept = new LinkedHashMap<>();
    int take = Math.min(best.count(), scored.size());
    for (int i = 0; i < scored.size(); i++) {
      String n = scored.get(i);
      double value = metric(n, best.metric()).getAsDouble();
      if (i < take) {
        kept.put(n, "kept: best (" + best.metric() + "=" + value + ")");
      } else if (ties(shown(n, best.metric()).get(), shown(scored.get(take - 1), best.metric()).get())) {
        kept.put(n, "kept: best (" + best.metric() + "=" + value + ", a tie at the precision the names show)");
      }
    }
    return kept;
  }

  /** The metric as the name shows it, its precision with it. */
  private static Optional<BigDecimal> shown(String name, String metric) {
    Matcher m = metricPattern(metric).matcher(name);
    if (!m.find()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new BigDecimal(m.group(1)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Equal once both are rounded to the coarser precision (either way of rounding a half). */
  private static boolean ties(BigDecimal a, BigDecimal b) {
    int scale = Math.min(a.scale(), b.scale());
    for (RoundingMode mode : List.of(RoundingMode.HALF_UP, RoundingMode.HALF_DOWN)) {
      if (a.setScale(scale, mode).compareTo(b.setScale(scale, mode)) == 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * The run a Lightning checkpoint belongs to in a folder several runs wrote: ModelCheckpoint
   * ({@code callbacks/model_checkpoint.py}, {@code _get_metric_interpolated_filepath_name} and
   * {@code format_checkpoint_name}) appends {@code -v1}, {@code -v2}... to a name an earlier run took,
   * {@code last-v1.ckpt} included. "" for the first run.
   */
  static String lightningRun(String name) {
    Matcher m = LIGHTNING_VERSION.matcher(name);
    return m.find() ? "v" + m.group(1) : "";
  }

  /**
   * Whether a Lightning checkpoint is complete. A file is written whole by torch.save; a folder is a
   * sharded save, complete once its strategy wrote its last file: DeepSpeedStrategy's
   * {@code engine.save_checkpoint(filepath, tag="checkpoint")} writes {@code latest} last
   * (deepspeed {@code runtime/engine.py}), FSDPStrategy's sharded save writes {@code meta.pt} after
   * the shards (lightning {@code strategies/fsdp.py}, {@code _METADATA_FILENAME}).
   */
  static boolean shardedComplete(java.util.function.Predicate<String> holds) {
    return SHARDED_DONE.stream().anyMatch(holds);
  }

  /** The files a sharded Lightning save writes last, by strategy. */
  static final List<String> SHARDED_DONE = List.of("latest", "meta.pt");

  /**
   * What a run's own pointer file says (the Trainer's {@code best_model_checkpoint}, DeepSpeed's
   * {@code latest}): the entry it names, nothing, or that it cannot be read. An unreadable pointer
   * holds the whole run: the agent does not guess which checkpoint is the best or the one to resume.
   */
  sealed interface Pointer {
    /** It names this entry (which may no longer exist). */
    record Names(String entry) implements Pointer {}

    /** No such file, or it names nothing. */
    record Nothing() implements Pointer {}

    /** There, but not readable as what the framework writes: {@code why} says what it is. */
    record Unreadable(String why) implements Pointer {}

    /** It names an entry ({@code named}) that is not in the folder: which one is the best is unknown. */
    record NotFound(String named) implements Pointer {}
  }

  /**
   * {@code trainer_state.json} holds the Trainer's whole log_history (one entry per logging step): a
   * long run logging every step writes tens of MB. Larger than this, it is not read, and the run is
   * held.
   */
  static final long TRAINER_STATE_CAP = 64L << 20;
  /** DeepSpeed's {@code latest} holds one tag. */
  static final long LATEST_CAP = 4096;

  /**
   * The tag DeepSpeed's {@code latest} file in the held {@code folder} names: no-follow,
   * non-blocking, at most {@link #LATEST_CAP} bytes.
   */
  static Pointer deepSpeedLatest(Dir folder) {
    ControlFile latest = folder.read("latest", LATEST_CAP);
    if (latest instanceof ControlFile.Unreadable u) {
      return new Pointer.Unreadable(u.why());
    }
    if (!(latest instanceof ControlFile.Content content)) {
      return new Pointer.Nothing();
    }
    String tag = content.text().strip();
    return tag.isEmpty() || tag.contains("/") ? new Pointer.Nothing() : new Pointer.Names(tag);
  }
}
