package org.diskwarden.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

  private final ConfigLoader loader;
  private final List<String> problems;

  ActionReader(ConfigLoader loader, List<String> problems) {
    this.loader = loader;
    this.problems = problems;
  }

  /** The policy's action, or empty when a problem was found (it is in the list). */
  Optional<ActionConfig> read(JsonNode p, String at) {
    int before = problems.size();
    Action action = loader.parsed(p, "action", Action.DELETE, Action::fromKey, at + ".");
    for (String key : COMPRESS_ONLY) {
      if (p.has(key) && action != Action.COMPRESS) {
        problems.add(at + "." + key + " is set but action is " + action.key() + "; it applies to action compress");
      }
    }
    if (p.has("move_to") && action != Action.MOVE) {
      problems.add(at + ".move_to is set but action is " + action.key() + "; it applies to action move");
    }
    int level = ActionConfig.DEFAULT_LEVEL;
    if (p.has("compress_level")) {
      JsonNode l = p.get("compress_level");
      if (!l.isIntegralNumber() || l.asInt() < 1 || l.asInt() > 19) {
        problems.add(at + ".compress_level value was set to " + l + ", must be a whole number 1..19");
      } else {
        level = l.asInt();
      }
    }
    Optional<String> compressTo = Optional.empty();
    if (p.hasNonNull("compress_to")) {
      compressTo = Optional.of(p.get("compress_to").asText());
      loader.relativePath(at + ".compress_to", compressTo.get());
    }
    Duration archivesMaxAge = loader.duration(p, "archives_max_age", Duration.ZERO, at + ".");
    if (p.has("archives_max_age") && archivesMaxAge.isZero()) {
      problems.add(at + ".archives_max_age value was set to " + p.get("archives_max_age").asText() + ", must be > 0");
    }
    double gain = loader.number(p, "min_ratio_gain", ActionConfig.DEFAULT_MIN_RATIO_GAIN, 0, 100,
        "a percent between 0 and 100", at + ".");
    boolean fallbackDelete = loader.parsed(p, "fallback", false, ActionReader::fallback, at + ".");
    Optional<Path> moveTo = Optional.empty();
    if (action == Action.MOVE) {
      moveTo = moveTo(p, at);
    }
    if (problems.size() > before) {
      return Optional.empty();
    }
    return Optional.of(new ActionConfig(action, level, compressTo, moveTo, archivesMaxAge, gain, fallbackDelete));
  }

  private Optional<Path> moveTo(JsonNode p, String at) {
    String value = p.path("move_to").asText("");
    if (value.isBlank()) {
      problems.add(at + ".move_to is required for action move: an absolute folder on another filesystem");
      return Optional.empty();
    }
    Path dir = Path.of(value);
    if (!dir.isAbsolute()) {
      problems.add(at + ".move_to value was set to '" + value + "', must be an absolute path on another filesystem");
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
      problems.add(key + "must be an existing directory on another filesystem");
      return;
    }
    try {
      Path real = moveTo.toRealPath();
      if (real.startsWith(baseDir) || baseDir.startsWith(real)) {
        problems.add(key + "must lie outside base_dir " + baseDir + " (a move inside it frees nothing)");
        return;
      }
      if (device(real).equals(device(baseDir))) {
        problems.add(key + "must be on another filesystem than base_dir " + baseDir
            + " (a move within one filesystem frees nothing)");
      }
    } catch (IOException | UnsupportedOperationException e) {
      problems.add(key + "cannot be checked: " + e.getMessage());
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
