package org.diskwarden.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a policy's action keys (action, compress_level, compress_to, move_to, archives_max_age,
 * min_ratio_gain, fallback) into an {@link ActionConfig}, adding every problem to the loader's list.
 */
final class ActionReader {
  static final Set<String> KEYS = Set.of("action", "compress_level", "compress_to", "move_to", "archives_max_age",
      "min_ratio_gain", "fallback");
  private static final Set<String> COMPRESS_ONLY = Set.of("compress_level", "compress_to", "archives_max_age",
      "min_ratio_gain", "fallback");

  private final Reader in;

  ActionReader(Reader in) {
    this.in = in;
  }

  /** The policy's action, or empty when a problem was found (it is in the list). */
  Optional<ActionConfig> read(JsonNode p, String at) {
    int before = in.problemCount();
    Action action = in.parsed(p, "action", Action.DELETE, Action::fromKey, at + ".");
    for (String key : COMPRESS_ONLY) {
      if (p.has(key) && action != Action.COMPRESS) {
        in.problem(at + "." + key + " is set but action is " + action.key() + "; it applies to action compress");
      }
    }
    if (p.has("move_to") && action != Action.MOVE) {
      in.problem(at + ".move_to is set but action is " + action.key() + "; it applies to action move");
    }
    int level = in.whole(p, "compress_level", ActionConfig.DEFAULT_LEVEL, 1, 19, at + ".");
    Optional<String> compressTo = Optional.empty();
    if (p.hasNonNull("compress_to")) {
      compressTo = Optional.of(p.get("compress_to").asText());
      in.relativePath(at + ".compress_to", compressTo.get());
    }
    Duration archivesMaxAge = in.duration(p, "archives_max_age", Duration.ZERO, at + ".");
    if (p.has("archives_max_age") && archivesMaxAge.isZero()) {
      in.invalid(at + ".archives_max_age", p.get("archives_max_age").asText(), "> 0");
    }
    double gain = in.number(p, "min_ratio_gain", ActionConfig.DEFAULT_MIN_RATIO_GAIN, 0, 100,
        "a percent between 0 and 100", at + ".");
    boolean fallbackDelete = in.parsed(p, "fallback", false, ActionReader::fallback, at + ".");
    Optional<Path> moveTo = Optional.empty();
    if (action == Action.MOVE) {
      moveTo = moveTo(p, at);
    }
    if (in.problemCount() > before) {
      return Optional.empty();
    }
    return Optional.of(new ActionConfig(action, level, compressTo, moveTo, archivesMaxAge, gain, fallbackDelete));
  }

  private Optional<Path> moveTo(JsonNode p, String at) {
    String value = p.path("move_to").asText("");
    if (value.isBlank()) {
      in.problem(at + ".move_to is required for action move: an absolute folder on another filesystem");
      return Optional.empty();
    }
    Path dir = Path.of(value);
    if (!dir.isAbsolute()) {
      in.problem(at + ".move_to value was set to '" + value + "', must be an absolute path on another filesystem");
      return Optional.empty();
    }
    return Optional.of(dir.normalize());
  }

  /**
   * Checks a move target against base_dir: it must exist, lie outside base_dir and sit on another
   * filesystem, since a move within one filesystem frees nothing.
   */
  void checkMoveTarget(String at, Path moveTo, Path baseDir) {
    String key = at + ".move_to value was set to '" + moveTo + "', ";
    if (!Files.isDirectory(moveTo)) {
      in.problem(key + "must be an existing directory on another filesystem");
      return;
    }
    try {
      Path real = moveTo.toRealPath();
      if (real.startsWith(baseDir) || baseDir.startsWith(real)) {
        in.problem(key + "must lie outside base_dir " + baseDir + " (a move inside it frees nothing)");
        return;
      }
      if (device(real).equals(device(baseDir))) {
        in.problem(key + "must be on another filesystem than base_dir " + baseDir
            + " (a move within one filesystem frees nothing)");
      }
    } catch (IOException | UnsupportedOperationException e) {
      in.problem(key + "cannot be checked: " + e.getMessage());
    }
  }

  private static Object device(Path p) throws IOException {
    return Files.getAttribute(p, "unix:dev", LinkOption.NOFOLLOW_LINKS);
  }

  private static boolean fallback(String key) {
    return switch (key) {
      case "delete" -> true;
      case "keep" -> false;
      default -> throw new IllegalArgumentException("must be delete or keep");
    };
  }
}
