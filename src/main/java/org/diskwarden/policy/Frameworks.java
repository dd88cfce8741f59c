package org.diskwarden.policy;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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
      case ORBAX, MEGATRON -> TrainerSaves.isEntry(layout, name, attrs);
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
    return TrainerSaves.step(name);
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
   * The checkpoint a Trainer's {@code trainer_state.json} (in the entry {@code newestFinished} of the
   * held {@code folder}) names as {@code best_model_checkpoint}, when it lies in the folder. Read
   * no-follow, non-blocking, at most {@link #TRAINER_STATE_CAP} bytes, and only that field parsed.
   */
  static Pointer huggingFaceBest(Dir folder, String newestFinished) {
    ControlFile state;
    try (Dir entry = folder.dir(newestFinished)) {
      state = entry.read("trainer_state.json", TRAINER_STATE_CAP);
    } catch (IOException e) {
      return new Pointer.Unreadable(e.getMessage());
    }
    if (state instanceof ControlFile.Unreadable u) {
      return new Pointer.Unreadable(u.why());
    }
    if (!(state instanceof ControlFile.Content content)) {
      return new Pointer.Nothing();
    }
    Optional<String> best;
    try {
      best = bestModelCheckpoint(content.bytes());
    } catch (IOException e) {
      return new Pointer.Unreadable(folder.path().resolve(newestFinished).resolve("trainer_state.json")
          + " is not the JSON object the Trainer writes: " + e.getMessage());
    }
    if (best.isEmpty() || best.get().isBlank()) {
      return new Pointer.Nothing();
    }
    Path named = Path.of(best.get()).normalize();
    if (named.getFileName() == null) {
      return new Pointer.Nothing();
    }
    // An absolute path must name this very folder; a relative one (the Trainer joins its output_dir as
    // given) names its checkpoint by the last component.
    if (named.isAbsolute()) {
      try {
        if (named.getParent() == null || !named.getParent().toRealPath().equals(folder.path())) {
          return new Pointer.Nothing();
        }
      } catch (IOException e) {
        return new Pointer.Nothing();
      }
    }
    return new Pointer.Names(named.getFileName().toString());
  }

  /** The top-level string {@code best_model_checkpoint}, read as a stream (no tree of the whole log_history). */
  private static Optional<String> bestModelCheckpoint(byte[] json) throws IOException {
    Optional<String> best = Optional.empty();
    try (JsonParser p = JSON.getFactory().createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new JsonParseException(p, "not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if ("best_model_checkpoint".equals(field)) {
          best = value == JsonToken.VALUE_STRING ? Optional.of(p.getText()) : Optional.empty();
        } else {
          p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new JsonParseException(p, "more after the object");
      }
    }
    return best;
  }

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
