package org.diskwarden;

import java.nio.file.Path;
import java.util.Optional;
import org.diskwarden.config.ConfigException;
import org.diskwarden.config.ConfigLoader;
import org.diskwarden.config.WardenConfig;

/** Config text for tests. */
public final class Configs {
  private Configs() {}

  /** The full example with the given base_dir and thresholds (plus any extra lines). */
  public static String incident(Path baseDir, String minFree, String targetFree, String mode) {
    return """
        base_dir: %s
        min_free: %s
        min_free_percent: 0
        target_free: %s
        target_free_percent: 0
        check_interval: 5m
        min_age: 30m
        cleanup_mode: %s
        protect:
          - current_model
        policies:
          - name: model-versions
            path: models/versions
            keep_latest: 2
            complete_marker: 'config.json'
          - name: backups
            path: models/backups
            group_by: '^(.+?)_\\d{8}'
            keep_latest: 1
          - name: logs
            path: logs
            match: '*.log'
            max_age: 7d
        """.formatted(baseDir, minFree, targetFree, mode);
  }

  /**
   * A config always below its trigger (1000TB), in full mode: every sweep applies every policy.
   *
   * @param extra further top-level lines (min_age, ...)
   * @param policies the list items under {@code policies:}
   */
  public static String alwaysLow(Path baseDir, String extra, String policies) {
    return """
        base_dir: %s
        min_free: 1000TB
        min_free_percent: 0
        target_free: 1000TB
        target_free_percent: 0
        cleanup_mode: full
        protect: [current_model]
        %s
        policies:
        %s
        """.formatted(baseDir, extra.strip(), policies.indent(2).stripTrailing());
  }

  public static WardenConfig parse(String yaml) throws ConfigException {
    return ConfigLoader.parse(yaml, "test.yml", Optional.empty());
  }
}
