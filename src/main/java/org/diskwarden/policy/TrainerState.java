package org.diskwarden.policy;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.diskwarden.fs.ControlFile;
import org.diskwarden.fs.Dir;

/**
 * Which checkpoint a Hugging Face Trainer run calls its best, from the {@code trainer_state.json} of
 * its newest finished checkpoint (transformers {@code trainer_callback.py}, {@code TrainerState}):
 * {@code best_global_step} first (the step, whatever folder the run was trained in), else the last
 * component of {@code best_model_checkpoint}, which the Trainer writes as
 * {@code os.path.join(output_dir, "checkpoint-N")} with {@code output_dir} as the user passed it, so
 * inside a container {@code /workspace/out/checkpoint-1000} names this folder's
 * {@code checkpoint-1000}. Only those two top-level fields are parsed, as a stream.
 */
final class TrainerState {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TrainerState() {}

  /**
   * @param entries the run's checkpoint folders by name
   * @return the best entry; {@link Frameworks.Pointer.Nothing} when the run names no best (no
   *     metric_for_best_model); {@link Frameworks.Pointer.NotFound} when it names one that is not here
   */
  static Frameworks.Pointer best(Dir folder, String newestFinished, Set<String> entries) {
    ControlFile state;
    try (Dir entry = folder.dir(newestFinished)) {
      state = entry.read("trainer_state.json", Frameworks.TRAINER_STATE_CAP);
    } catch (IOException e) {
      return new Frameworks.Pointer.Unreadable(e.getMessage());
    }
    if (state instanceof ControlFile.Unreadable u) {
      return new Frameworks.Pointer.Unreadable(u.why());
    }
    if (!(state instanceof ControlFile.Content content)) {
      return new Frameworks.Pointer.Nothing();
    }
    Best best;
    try {
      best = parse(content.bytes());
    } catch (IOException e) {
      return new Frameworks.Pointer.Unreadable(folder.path().resolve(newestFinished).resolve("trainer_state.json")
          + " is not the JSON object the Trainer writes: " + e.getMessage());
    }
    List<String> named = new ArrayList<>();
    best.step().ifPresent(step -> named.add("checkpoint-" + step));
    best.checkpoint().flatMap(TrainerState::lastComponent).ifPresent(named::add);
    for (String n : named) {
      if (entries.contains(n)) {
        return new Frameworks.Pointer.Names(n);
      }
    }
    if (named.isEmpty()) {
      return new Frameworks.Pointer.Nothing();
    }
    return new Frameworks.Pointer.NotFound(String.join(" or ", named));
  }

  /** The two fields, as the Trainer writes them (either may be null or absent). */
  private record Best(OptionalLong step, Optional<String> checkpoint) {}

  private static Best parse(byte[] json) throws IOException {
    OptionalLong step = OptionalLong.empty();
    Optional<String> checkpoint = Optional.empty();
    try (JsonParser p = JSON.getFactory().createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new JsonParseException(p, "not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if ("best_global_step".equals(field) && value == JsonToken.VALUE_NUMBER_INT && p.getLongValue() >= 0) {
          step = OptionalLong.of(p.getLongValue());
        } else if ("best_model_checkpoint".equals(field)) {
          checkpoint = value == JsonToken.VALUE_STRING ? Optional.of(p.getText()) : Optional.empty();
        } else {
          p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new JsonParseException(p, "more after the object");
      }
    }
    return new Best(step, checkpoint);
  }

  /** The last component of a path written on any system ({@code /}, or {@code \} from Windows). */
  static Optional<String> lastComponent(String path) {
    String[] parts = path.split("[/\\\\]+");
    for (int i = parts.length - 1; i >= 0; i--) {
      String p = parts[i];
      if (!p.isEmpty()) {
        return p.equals(".") || p.equals("..") ? Optional.empty() : Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
