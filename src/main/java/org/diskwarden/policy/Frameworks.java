package org.diskwarden.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
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
  private static final ObjectMapper JSON = new ObjectMapper();

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
    Matcher m = Pattern.compile("(?:^|[-_ ])" + Pattern.quote(metric)
        + "=([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?)").matcher(name);
    if (!m.find()) {
      return OptionalDouble.empty();
    }
    try {
      return OptionalDouble.of(Double.parseDouble(m.group(1)));
    } catch (NumberFormatException e) {
      return OptionalDouble.empty();
    }
  }

  /** The {@code count} best of {@code names} by the metric, with the reason each is kept. */
  static Map<String, String> best(List<String> names, KeepBest best) {
    List<String> scored = new ArrayList<>();
    for (String n : names) {
      if (metric(n, best.metric()).isPresent()) {
        scored.add(n);
      }
    }
    Comparator<String> byValue = Comparator.comparingDouble(n -> metric(n, best.metric()).getAsDouble());
    scored.sort(best.lowerIsBetter() ? byValue : byValue.reversed());
    Map<String, String> kept = new LinkedHashMap<>();
    for (String n : scored.subList(0, Math.min(best.count(), scored.size()))) {
      kept.put(n, "kept: best (" + best.metric() + "=" + metric(n, best.metric()).getAsDouble() + ")");
    }
    return kept;
  }

  /**
   * The checkpoint a Trainer's {@code trainer_state.json} (in {@code newestFinished}) names as
   * {@code best_model_checkpoint}, when it lies in {@code folder}.
   */
  static Optional<String> huggingFaceBest(Path folder, Path newestFinished) {
    Path state = newestFinished.resolve("trainer_state.json");
    JsonNode best;
    try {
      if (!Files.isRegularFile(state, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.empty();
      }
      best = JSON.readTree(state.toFile()).path("best_model_checkpoint");
    } catch (IOException e) {
      return Optional.empty();
    }
    if (!best.isTextual() || best.asText().isBlank()) {
      return Optional.empty();
    }
    Path named = Path.of(best.asText()).normalize();
    if (named.getFileName() == null) {
      return Optional.empty();
    }
    // An absolute path must name this very folder; a relative one (the Trainer joins its output_dir as
    // given) names its checkpoint by the last component.
    if (named.isAbsolute()) {
      try {
        if (named.getParent() == null || !named.getParent().toRealPath().equals(folder)) {
          return Optional.empty();
        }
      } catch (IOException e) {
        return Optional.empty();
      }
    }
    return Optional.of(named.getFileName().toString());
  }

  /** The tag DeepSpeed's {@code latest} file in {@code folder} names, if any. */
  static Optional<String> deepSpeedLatest(Path folder) {
    Path latest = folder.resolve("latest");
    try {
      if (!Files.isRegularFile(latest, LinkOption.NOFOLLOW_LINKS) || Files.size(latest) > 4096) {
        return Optional.empty();
      }
      String tag = Files.readString(latest).strip();
      return tag.isEmpty() || tag.contains("/") ? Optional.empty() : Optional.of(tag);
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
