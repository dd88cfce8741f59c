package org.diskwarden.jmx;

import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;

/**
 * The diskwarden agent, {@code org.diskwarden:type=Agent}: thresholds to tune live, the volume and
 * sweep statistics to watch, and cleanup operations. Every write is validated as the config file is,
 * logged with its old and new value, and announced as an AttributeChangeNotification.
 */
@Description("diskwarden: keeps the volume of a training directory from filling up")
public interface DiskWardenMXBean {

  @Description("Trigger: cleanup starts when free space is below this many GB (binary) ... (config min_free)")
  double getMinFreeGb();

  void setMinFreeGb(double gb);

  @Description("The trigger min_free in config syntax, e.g. 50GB (units B, KB, MB, GB, TB; binary); written with "
      + "the config file's parser and refusals")
  String getMinFree();

  void setMinFree(String size);

  @Description("... or below this percent of the volume, 0..100 (config min_free_percent)")
  double getMinFreePercent();

  void setMinFreePercent(double percent);

  @Description("Cleanup stops once free space is at or above this many GB and TargetFreePercent; >= MinFreeGb")
  double getTargetFreeGb();

  void setTargetFreeGb(double gb);

  @Description("The target target_free in config syntax, e.g. 60GB; >= MinFree")
  String getTargetFree();

  void setTargetFree(String size);

  @Description("Percent target, 0..100 and >= MinFreePercent (config target_free_percent)")
  double getTargetFreePercent();

  void setTargetFreePercent(double percent);

  @Description("Seconds between scheduled checks, 1 to 86400 (1d); a write reschedules the next check at once")
  long getCheckIntervalSeconds();

  void setCheckIntervalSeconds(long seconds);

  @Description("check_interval in config syntax, e.g. 5m (units s, m, h, d), from 1s to 1d")
  String getCheckInterval();

  void setCheckInterval(String duration);

  @Description("Nothing modified within this many minutes is removed, 0 to 525600 (365d) (config min_age)")
  long getMinAgeMinutes();

  void setMinAgeMinutes(long minutes);

  @Description("min_age in config syntax, e.g. 30m; at most 365d")
  String getMinAge();

  void setMinAge(String duration);

  @Description("until_target (stop at the target) or full (apply every policy completely)")
  String getCleanupMode();

  void setCleanupMode(String mode);

  @Description("true: log and report what would go, remove nothing")
  boolean isDryRun();

  void setDryRun(boolean dryRun);

  @Description("true: checks go on and alert, removals stop")
  boolean isPaused();

  void setPaused(boolean paused);

  @Description("The trigger is at least this times the size of the next save (newest finished entry of a "
      + "keep_latest policy), 0..100; 0 = off (config save_headroom)")
  double getSaveHeadroom();

  void setSaveHeadroom(double factor);

  @Description("The trigger in force in GB: the configured one, raised by SaveHeadroom x NextSaveGb")
  double getEffectiveTriggerGb();

  @Description("Size of the next save in GB, as last measured")
  double getNextSaveGb();

  @Description("How fast free space shrinks, GB per hour over the last hour (negative: it grows); NaN until two "
      + "samples have measured it")
  double getFillRateGbPerHour();

  @Description("Hours until free space crosses the trigger at the measured rate; NaN when not filling or not known")
  double getHoursToTrigger();

  @Description("Hours until the disk is full at the measured rate; NaN when not filling or not known")
  double getHoursToFull();

  @Description("The watched training directory (real path)")
  String getBaseDir();

  @Description("OK (at or above the trigger), LOW (below, policies can help) or CRITICAL (they cannot)")
  String getState();

  @Description("Size of the volume in GB (binary), two decimals")
  double getTotalGb();

  @Description("Free (usable) space in GB (binary), as last read, two decimals")
  double getFreeGb();

  @Description("Free space in percent of the volume, as last read, two decimals")
  double getFreePercent();

  @Description("When the last check read the volume (ISO-8601), empty before the first")
  String getLastCheckTime();

  @Description("The last sweep: start, end, bytesFreed, freeBefore, freeAfter, removed, failed, state")
  CompositeData getLastCleanup();

  @Description("The last git gc: repo, outcome, reason, start, seconds, loose/packed/gitDir bytes before and after, "
      + "tempPacksRemoved, volumeFreed")
  CompositeData getLastGitGc();

  @Description("Sweeps since start or the last resetStatistics")
  long getCleanupCount();

  @Description("Bytes freed by sweeps since start or the last resetStatistics (dry runs excluded)")
  long getBytesFreedTotal();

  @Description("Removals that failed or the guard refused since start or the last resetStatistics")
  long getRemovalFailures();

  @Description("Notifications (email, webhook, exec) that failed for good since start")
  long getNotificationFailures();

  @Description("The config file the agent was started from")
  String getConfigFile();

  @Description("true once a runtime write made the settings differ from the config file")
  boolean isConfigDiffersFromFile();

  @Description("What in the settings is valid but probably not meant: a protect pattern that matches nothing, "
      + "a trigger larger than the volume")
  String[] getConfigWarnings();

  @Description("Reads the volume now; returns the one-line status of bin/diskwarden check. Removes nothing")
  String checkNow();

  @Description("The plan as bin/diskwarden plan --all prints it. Removes nothing")
  String previewCleanup();

  @Description("The plan as a table: path, policy, bytes, reason, freeAfter. Removes nothing")
  TabularData previewCleanupTable();

  @Description("One cleanup now (even above the trigger), on the scheduler's worker; returns the report")
  String runCleanupNow();

  @Description("git gc (JGit) of the configured repositories now, on the scheduler's worker; returns the report")
  String runGitGc();

  @Description("Loads the config file again; a bad file keeps the old config and returns the error")
  String reloadConfig();

  @Description("Zeroes CleanupCount, BytesFreedTotal, RemovalFailures and forgets LastCleanup")
  void resetStatistics();
}
