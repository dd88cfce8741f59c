package org.diskwarden.jmx;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.UnaryOperator;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diskwarden.agent.Agent;
import org.diskwarden.config.CleanupMode;
import org.diskwarden.config.ConfigException;
import org.diskwarden.config.Size;
import org.diskwarden.config.Thresholds;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.git.GitGcReport;
import org.diskwarden.sweep.Plan;
import org.diskwarden.sweep.PlanText;
import org.diskwarden.volume.Forecast;
import org.diskwarden.volume.State;
import org.diskwarden.volume.StatusLine;
import org.diskwarden.volume.Usage;

/** The agent MXBean: reads from the agent, writes through {@link Agent#update}. */
final class AgentControl implements DiskWardenMXBean {
  private static final Logger LOG = LogManager.getLogger(AgentControl.class);

  private final Agent warden;
  private final Announcer announcer;
  private final Runnable afterReload;

  AgentControl(Agent warden, Announcer announcer, Runnable afterReload) {
    this.warden = warden;
    this.announcer = announcer;
    this.afterReload = afterReload;
  }

  private WardenConfig config() {
    return warden.status().config();
  }

  private Thresholds t() {
    return config().thresholds();
  }

  /** Applies a validated change, logs it and announces it; a refused change leaves everything as it was. */
  private <V> void write(String attribute, String type, V oldValue, V newValue, UnaryOperator<WardenConfig> change) {
    try {
      warden.update(change);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(attribute + " value was set to " + newValue + ": " + e.getMessage(), e);
    }
    announcer.changed(attribute, type, oldValue, newValue);
  }

  private static void requireFinite(String attribute, double value, double max) {
    if (!Double.isFinite(value) || value < 0 || value > max) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "%s value was set to %s, must be between 0 and %s",
          attribute, value, max == Double.MAX_VALUE ? "any size" : max));
    }
  }

  @Override
  public double getMinFreeGb() {
    return Size.toGb(t().minFree());
  }

  @Override
  public void setMinFreeGb(double gb) {
    requireFinite("MinFreeGb", gb, Double.MAX_VALUE);
    Thresholds t = t();
    write("MinFreeGb", "double", getMinFreeGb(), gb, c -> c.withThresholds(
        t.withMinFree(Size.fromGb(gb))));
  }

  @Override
  public double getMinFreePercent() {
    return t().minFreePercent();
  }

  @Override
  public void setMinFreePercent(double percent) {
    requireFinite("MinFreePercent", percent, 100);
    Thresholds t = t();
    write("MinFreePercent", "double", getMinFreePercent(), percent, c -> c.withThresholds(
        t.withMinFreePercent(percent)));
  }

  @Override
  public double getTargetFreeGb() {
    return Size.toGb(t().targetFree());
  }

  @Override
  public void setTargetFreeGb(double gb) {
    requireFinite("TargetFreeGb", gb, Double.MAX_VALUE);
    Thresholds t = t();
    write("TargetFreeGb", "double", getTargetFreeGb(), gb, c -> c.withThresholds(
        t.withTargetFree(Size.fromGb(gb))));
  }

  @Override
  public double getTargetFreePercent() {
    return t().targetFreePercent();
  }

  @Override
  public void setTargetFreePercent(double percent) {
    requireFinite("TargetFreePercent", percent, 100);
    Thresholds t = t();
    write("TargetFreePercent", "double", getTargetFreePercent(), percent, c -> c.withThresholds(
        t.withTargetFreePercent(percent)));
  }

  @Override
  public long getCheckIntervalSeconds() {
    return config().checkInterval().toSeconds();
  }

  @Override
  public void setCheckIntervalSeconds(long seconds) {
    if (seconds < 1) {
      throw new IllegalArgumentException("CheckIntervalSeconds value was set to " + seconds + ", must be >= 1");
    }
    write("CheckIntervalSeconds", "long", getCheckIntervalSeconds(), seconds,
        c -> c.withCheckInterval(Duration.ofSeconds(seconds)));
  }

  @Override
  public long getMinAgeMinutes() {
    return config().minAge().toMinutes();
  }

  @Override
  public void setMinAgeMinutes(long minutes) {
    if (minutes < 0) {
      throw new IllegalArgumentException("MinAgeMinutes value was set to " + minutes + ", must be >= 0");
    }
    write("MinAgeMinutes", "long", getMinAgeMinutes(), minutes, c -> c.withMinAge(Duration.ofMinutes(minutes)));
  }

  @Override
  public String getCleanupMode() {
    return config().cleanupMode().key();
  }

  @Override
  public void setCleanupMode(String mode) {
    CleanupMode parsed;
    try {
      parsed = CleanupMode.fromKey(mode);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("CleanupMode value was set to '" + mode + "', " + e.getMessage());
    }
    write("CleanupMode", "java.lang.String", getCleanupMode(), mode, c -> c.withCleanupMode(parsed));
  }

  @Override
  public boolean isDryRun() {
    return config().dryRun();
  }

  @Override
  public void setDryRun(boolean dryRun) {
    write("DryRun", "boolean", isDryRun(), dryRun, c -> c.withDryRun(dryRun));
  }

  @Override
  public boolean isPaused() {
    return config().paused();
  }

  @Override
  public void setPaused(boolean paused) {
    write("Paused", "boolean", isPaused(), paused, c -> c.withPaused(paused));
  }

  @Override
  public double getSaveHeadroom() {
    return config().foresight().saveHeadroom();
  }

  @Override
  public void setSaveHeadroom(double factor) {
    requireFinite("SaveHeadroom", factor, 100);
    write("SaveHeadroom", "double", getSaveHeadroom(), factor,
        c -> c.withForesight(c.foresight().withSaveHeadroom(factor)));
  }

  @Override
  public double getEffectiveTriggerGb() {
    return Size.toGb(warden.status().thresholds().triggerBytes(usage().total()));
  }

  @Override
  public double getNextSaveGb() {
    return Size.toGb(warden.status().nextSaveBytes());
  }

  @Override
  public double getFillRateGbPerHour() {
    return warden.status().forecastKnown() ? warden.status().forecast().fillBytesPerSecond() * 3600 / Size.GB : Double.NaN;
  }

  @Override
  public double getHoursToTrigger() {
    return warden.status().forecast().toTrigger().map(Forecast::hours).orElse(Double.NaN);
  }

  @Override
  public double getHoursToFull() {
    return warden.status().forecast().toFull().map(Forecast::hours).orElse(Double.NaN);
  }

  @Override
  public String getBaseDir() {
    return config().baseDir().toString();
  }

  @Override
  public String getState() {
    return warden.status().state().name();
  }

  private Usage usage() {
    return warden.status().lastUsage().orElseGet(warden.status()::usage);
  }

  @Override
  public double getTotalGb() {
    return Size.toGb(usage().total());
  }

  @Override
  public double getFreeGb() {
    return Size.toGb(usage().free());
  }

  @Override
  public double getFreePercent() {
    return usage().freePercent();
  }

  @Override
  public String getLastCheckTime() {
    return warden.status().lastCheck().map(Object::toString).orElse("");
  }

  @Override
  public CompositeData getLastCleanup() {
    return warden.status().lastCleanup().map(OpenData::cleanup).orElse(null);
  }

  @Override
  public CompositeData getLastGitGc() {
    List<GitGcReport> last = warden.status().lastGitGc();
    return last.isEmpty() ? null : OpenData.gitGc(last.get(last.size() - 1));
  }

  @Override
  public long getCleanupCount() {
    return warden.status().statistics().sweeps();
  }

  @Override
  public long getBytesFreedTotal() {
    return warden.status().statistics().bytesFreed();
  }

  @Override
  public long getRemovalFailures() {
    return warden.status().statistics().failures();
  }

  @Override
  public long getNotificationFailures() {
    return warden.status().notificationFailures();
  }

  @Override
  public String getConfigFile() {
    return warden.status().configFile().map(Object::toString).orElse("");
  }

  @Override
  public boolean isConfigDiffersFromFile() {
    return warden.status().configDiffersFromFile();
  }

  @Override
  public String[] getConfigWarnings() {
    return warden.status().configWarnings().toArray(String[]::new);
  }

  @Override
  public String checkNow() {
    State state = warden.assessNow();
    return StatusLine.format(state, warden.status().lastUsage().orElseThrow(), warden.status().thresholds(), warden.status().forecast());
  }

  @Override
  public String previewCleanup() {
    Plan plan = warden.previewNow();
    return PlanText.render(plan, config().baseDir(), config().cleanupMode());
  }

  @Override
  public TabularData previewCleanupTable() {
    return OpenData.plan(warden.previewNow());
  }

  @Override
  public String runCleanupNow() {
    if (warden.status().isSweeping()) {
      return "A sweep is already running; try again when it ends (LastCleanup shows it then).";
    }
    LOG.info("JMX: runCleanupNow");
    return describe(warden.cleanNow());
  }

  /** What a cleanup started over JMX did, in one line (or that a sweep was already running). */
  static String describe(org.diskwarden.agent.Cleanup cleanup) {
    return cleanup.report().map(r -> String.format(Locale.ROOT,
        "%s: %s %s in %d removal(s), %d failed; free %s -> %s; state %s",
        r.dryRun() ? "Dry run" : "Cleanup", r.dryRun() ? "would free" : "freed", Size.human(r.bytesFreed(), 1),
        r.removed().size(), r.failed().size(), Size.human(r.freeBefore(), 1), Size.human(r.freeAfter(), 1),
        r.state())).orElse(cleanup instanceof org.diskwarden.agent.Cleanup.Busy
            ? "A sweep is already running; try again when it ends (LastCleanup shows it then)."
            : "No cleanup was needed: free space is above the trigger.");
  }

  @Override
  public String runGitGc() {
    if (warden.status().isSweeping()) {
      return "A sweep is already running; try again when it ends.";
    }
    LOG.info("JMX: runGitGc");
    try {
      return warden.gitGcNow().stream().map(GitGcReport::summary).collect(java.util.stream.Collectors.joining("\n"));
    } catch (IllegalStateException e) {
      return "git gc not run: " + e.getMessage();
    }
  }

  @Override
  public String reloadConfig() {
    try {
      WardenConfig before = config();
      WardenConfig after = warden.reload();
      afterReload.run();
      LOG.info("JMX: reloadConfig");
      return Objects.equals(before, after) ? "Reloaded " + getConfigFile() + ": no change"
          : "Reloaded " + getConfigFile() + ": the file's settings are in force";
    } catch (ConfigException | IllegalStateException e) {
      LOG.warn("JMX: reloadConfig refused, the old config stays: {}", e.getMessage());
      return "Reload refused, the old config stays: " + e.getMessage();
    }
  }

  @Override
  public void resetStatistics() {
    LOG.info("JMX: resetStatistics (CleanupCount was {}, BytesFreedTotal {}, RemovalFailures {})",
        getCleanupCount(), getBytesFreedTotal(), getRemovalFailures());
    warden.status().statistics().reset();
  }
}
