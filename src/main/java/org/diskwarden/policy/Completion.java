package org.diskwarden.policy;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import org.diskwarden.config.Layout;
import org.diskwarden.config.PolicyConfig;

/**
 * Whether an entry is a complete save under its policy (the complete_marker, or for a sharded
 * Lightning folder the file its strategy writes last), and how a save without it that is newer than
 * every complete one is held: it takes no kept place, so the last complete one stays.
 */
final class Completion {
  private Completion() {}

  static boolean complete(PolicyConfig config, Path entry, BasicFileAttributes attrs) {
    return config.completeMarker().map(marker -> holds(entry, marker)).orElse(
        config.layout() != Layout.LIGHTNING || !attrs.isDirectory()
            || Frameworks.shardedComplete(marker -> holds(entry, marker)));
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

  private static boolean holds(Path entry, String marker) {
    if (!Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + marker);
    try (DirectoryStream<Path> inside = Files.newDirectoryStream(entry)) {
      for (Path p : inside) {
        if (matcher.matches(p.getFileName())) {
          return true;
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }
}
