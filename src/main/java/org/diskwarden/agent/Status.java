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
  private final Check.Context context;

  Status(Settings settings, Check.Context context) {
    this.settings = settings;
    this.context = context;
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
    return settings.warnings(context.volume().read());
  }

  @Override
  public Thresholds thresholds() {
    return new Check(context, settings.get()).thresholds();
  }

  @Override
  public Forecast forecast() {
    return new Check(context, settings.get()).forecast();
  }

  @Override
  public boolean forecastKnown() {
    return context.latest().usage.get() != null && context.forecaster().rateKnown();
  }

  @Override
  public long nextSaveBytes() {
    return context.forecaster().nextSave();
  }

  @Override
  public State state() {
    return context.alerts().state();
  }

  @Override
  public Optional<Usage> lastUsage() {
    return Optional.ofNullable(context.latest().usage.get());
  }

  @Override
  public Optional<Plan> lastPlan() {
    return Optional.ofNullable(context.latest().plan.get());
  }

  @Override
  public Optional<Instant> lastCheck() {
    return Optional.ofNullable(context.latest().check.get());
  }

  @Override
  public List<GitGcReport> lastGitGc() {
    return context.latest().gitGc.get();
  }

  @Override
  public SweepStatistics statistics() {
    return context.stats();
  }

  @Override
  public Optional<SweepReport> lastCleanup() {
    return context.stats().last();
  }

  @Override
  public boolean isSweeping() {
    return context.sweeping().isLocked();
  }

  @Override
  public Map<String, Long> notificationOutcomes() {
    return context.alerts().outcomes();
  }

  @Override
  public long notificationFailures() {
    return context.alerts().failures();
  }

  @Override
  public Usage usage() {
    return new Check(context, settings.get()).usage();
  }
}
