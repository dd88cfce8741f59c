package org.diskwarden.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How a policy disposes of an entry it lets go.
 *
 * @param action delete, compress or move
 * @param compressLevel zstd level 1..19 (for .tar.gz the nearest deflate level)
 * @param compressTo folder relative to base_dir for archives; empty: beside the entry
 * @param moveTo absolute folder on another filesystem, outside base_dir (action move only)
 * @param archivesMaxAge archives older than this are candidates too; {@link Duration#ZERO}: never
 * @param minRatioGain percent of the entry an archive must save, else it is discarded
 * @param fallbackDelete when an archive saves too little: delete the entry (true) or keep it (false)
 */
public record ActionConfig(Action action, int compressLevel, Optional<String> compressTo, Optional<Path> moveTo,
    Duration archivesMaxAge, double minRatioGain, boolean fallbackDelete) {

  public static final int DEFAULT_LEVEL = 3;
  public static final double DEFAULT_MIN_RATIO_GAIN = 10;

  public ActionConfig {
    if (compressLevel < 1 || compressLevel > 19) {
      throw new IllegalArgumentException("compress_level value was set to " + compressLevel + ", must be 1..19");
    }
    if (action == Action.MOVE && moveTo.isEmpty()) {
      throw new IllegalArgumentException("action move needs move_to");
    }
    if (minRatioGain < 0 || minRatioGain > 100) {
      throw new IllegalArgumentException("min_ratio_gain value was set to " + minRatioGain + ", must be 0..100");
    }
  }

  /** The default: entries are deleted. */
  public static ActionConfig delete() {
    return new ActionConfig(Action.DELETE, DEFAULT_LEVEL, Optional.empty(), Optional.empty(), Duration.ZERO,
        DEFAULT_MIN_RATIO_GAIN, false);
  }

  /** Whether archives this policy made can themselves become candidates. */
  public boolean archivesExpire() {
    return !archivesMaxAge.isZero();
  }
}
