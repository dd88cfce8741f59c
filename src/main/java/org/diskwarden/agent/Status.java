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

/** The agent's read model: what jmx, metrics and the commands show, read without blocking. */
final class Status implements AgentStatus {
  private final Settings settings;
  private final Check.Crew crew;

  Status(Settings settings, Check.Crew crew) {
    this.settings = settings;
    this.crew = crew;
  }

  @Override
  public WardenConfig config() {
    return settings.get();
  }

  @Override
  public Optional<Path> configFile() {
    return settings.file();
  }

  @Override
  public boolean configDiffersFromFile() {
    return settings.differsFromFile();
  }

  /** Valid settings that are probably not meant (see {@link Settings#warnings}). */
  @Override
  public List<String> configWarnings() {
    return settings.warnings(crew.volume().read());
  }

  @Override
  public Thresholds thresholds() {
    return new Check(crew, settings.get()).thresholds();
  }

  @Override
  public Forecast forecast() {
    return new Check(crew, settings.get()).forecast();
  }

  @Override
  public boolean forecastKnown() {
    return crew.readings().usage.get() != null && crew.lookout().rateKnown();
  }

  @Override
  public long nextSaveBytes() {
    return crew.lookout().nextSave();
  }

  @Override
  public State state() {
    return crew.alerts().state();
  }

  @Override
  public Optional<Usage> lastUsage() {
    return Optional.ofNullable(crew.readings().usage.get());
  }

  @Override
  public Optional<Plan> lastPlan() {
    return Optional.ofNullable(crew.readings().plan.get());
  }

  @Override
  public Optional<Instant> lastCheck() {
    return Optional.ofNullable(crew.readings().check.get());
  }

  @Override
  public List<GitGcReport> lastGitGc() {
    return crew.readings().gitGc.get();
  }

  @Override
  public SweepStatistics statistics() {
    return crew.stats();
  }

  @Override
  public Optional<SweepReport> lastCleanup() {
    return crew.stats().last();
  }

  @Override
  public boolean isSweeping() {
    return crew.sweeping().isLocked();
  }

  @Override
  public Map<String, Long> notificationOutcomes() {
    return crew.alerts().outcomes();
  }

  @Override
  public long notificationFailures() {
    return crew.alerts().failures();
  }

  @Override
  public Usage usage() {
    return new Check(crew, settings.get()).usage();
  }
}
