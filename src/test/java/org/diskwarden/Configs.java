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

  public static WardenConfig parse(String yaml) throws ConfigException {
    return ConfigLoader.parse(yaml, "test.yml", Optional.empty());
  }
}
