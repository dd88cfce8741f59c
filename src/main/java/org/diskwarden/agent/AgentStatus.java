package org.diskwarden.agent;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.diskwarden.config.Thresholds;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.git.GitGcReport;
import org.diskwarden.sweep.Plan;
import org.diskwarden.sweep.SweepReport;
import org.diskwarden.sweep.SweepStatistics;
import org.diskwarden.volume.Forecast;
import org.diskwarden.volume.State;
import org.diskwarden.volume.Usage;

/**
 * What the agent knows, for those who show it (the MXBeans, /metrics): read-only, never blocks on a
 * check or a sweep.
 */
public interface AgentStatus {
  /** The configuration in force (the file's, or as changed at runtime). */
  WardenConfig config();

  Optional<Path> configFile();

  /** True once a runtime change made the configuration differ from what the file says. */
  boolean configDiffersFromFile();

  /** Valid settings that are probably not meant (see {@link DiskWarden#configWarnings()}). */
  List<String> configWarnings();

  State state();

  Optional<Usage> lastUsage();

  /** The volume now (one statvfs; where nothing was read yet). */
  Usage usage();

  Optional<Plan> lastPlan();

  Optional<Instant> lastCheck();

  Optional<SweepReport> lastCleanup();

  List<GitGcReport> lastGitGc();

  SweepStatistics statistics();

  /** The thresholds in force, the trigger raised by foresight. */
  Thresholds thresholds();

  Forecast forecast();

  boolean forecastKnown();

  long nextSaveBytes();

  boolean isSweeping();

  /** Notification deliveries per outlet kind and outcome ({@code "webhook/sent"}). */
  Map<String, Long> notificationOutcomes();

  long notificationFailures();
}
