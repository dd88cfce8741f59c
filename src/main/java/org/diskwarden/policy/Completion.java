package org.diskwarden.policy;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import org.diskwarden.config.Layout;
import org.diskwarden.config.PolicyConfig;
import org.diskwarden.fs.Dir;

/**
 * Whether an entry is a complete save under its policy (the complete_marker, or for a sharded
 * Lightning folder the file its strategy writes last), and how a save without it that is newer than
 * every complete one is held: it takes no kept place, so the last complete one stays.
 */
final class Completion {
  private Completion() {}

  /**
   * @param folder the policy's folder held open: the entry is listed through it
   */
  static boolean complete(PolicyConfig config, Dir folder, Path entry, BasicFileAttributes attrs) {
    if (config.completeMarker().isEmpty() && (config.layout() != Layout.LIGHTNING || !attrs.isDirectory())) {
      return true;
    }
    List<String> names = listed(folder, entry.getFileName().toString());
    return config.completeMarker().map(marker -> holds(names, marker))
        .orElseGet(() -> Frameworks.shardedComplete(marker -> holds(names, marker)));
  }

  /** What makes an entry complete under the policy, for people. */
  static String marker(PolicyConfig config) {
    return config.completeMarker().orElse(String.join(" or ", Frameworks.SHARDED_DONE));
  }

  /**
   * A save without its completion mark, newer than every complete one. In a Trainer's folder it is
   * also the one resume_from_checkpoint=True would pick (transformers {@code trainer_utils.py},
   * {@code get_last_checkpoint}: the highest checkpoint-N), so it carries a warning.
   */
  static Held unfinished(PolicyConfig config, Path entry, long bytes) {
    String why = "save in progress (no " + marker(config) + " yet, and no newer entry has one)";
    if (config.layout() == Layout.HUGGINGFACE) {
      return new Held(entry, config.name(), Held.Why.PARTIAL_NEWEST, why + "; if the run crashed, "
          + "resume_from_checkpoint=True would pick this partial checkpoint", bytes);
    }
    return new Held(entry, config.name(), Held.Why.IN_PROGRESS, why, bytes);
  }

  private static boolean holds(List<String> names, String marker) {
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + marker);
    for (String n : names) {
      try {
        if (matcher.matches(Path.of(n))) {
          return true;
        }
      } catch (java.nio.file.InvalidPathException e) {
        // a name no Path can hold is no marker
      }
    }
    return false;
  }

  /** The entry's names, through the held folder: opened no-follow, so a link swapped in lists nothing. */
  private static List<String> listed(Dir folder, String entry) {
    try (Dir d = folder.dir(entry)) {
      return d.list();
    } catch (IOException e) {
      return List.of();
    }
  }
}
