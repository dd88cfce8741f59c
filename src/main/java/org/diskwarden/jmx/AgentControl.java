package org.diskwarden.jmx;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diskwarden.agent.Agent;
import org.diskwarden.config.ConfigException;
import org.diskwarden.config.Size;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.git.GitGcReport;
import org.diskwarden.sweep.Plan;
import org.diskwarden.sweep.PlanText;
import org.diskwarden.volume.Forecast;
import org.diskwarden.volume.State;
import org.diskwarden.volume.StatusLine;
import org.diskwarden.volume.Usage;

/** The agent MXBean: reads from the agent, writes through {@link Agent#update}. */
final class AgentControl extends Tuning implements DiskWardenMXBean {
  private static final Logger LOG = LogManager.getLogger(AgentControl.class);

  private final Runnable afterReload;

  AgentControl(Agent warden, Announcer announcer, Runnable afterReload) {
    super(warden, announcer);
    this.afterReload = afterReload;
  }

  /** A derived figure as a console shows it: two decimals (41.27 GB, not 41.2699999809265). */
  static double shown(double value) {
    return Double.isFinite(value) ? Math.round(value * 100) / 100.0 : value;
  }

  private WardenConfig config() {
    return warden.status().config();
  }

  @Override
  public double getEffectiveTriggerGb() {
    return shown(Size.toGb(warden.status().thresholds().triggerBytes(usage().total())));
  }

  @Override
  public double getNextSaveGb() {
    return shown(Size.toGb(warden.status().nextSaveBytes()));
  }

  @Override
  public double getFillRateGbPerHour() {
    return warden.status().forecastKnown() ? shown(warden.status().forecast().fillBytesPerSecond() * 3600 / Size.GB)
        : Double.NaN;
  }

  @Override
  public double getHoursToTrigger() {
    return warden.status().forecast().toTrigger().map(Forecast::hours).map(AgentControl::shown).orElse(Double.NaN);
  }

  @Override
  public double getHoursToFull() {
    return warden.status().forecast().toFull().map(Forecast::hours).map(AgentControl::shown).orElse(Double.NaN);
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
    return shown(Size.toGb(usage().total()));
  }

  @Override
  public double getFreeGb() {
    return shown(Size.toGb(usage().free()));
  }

  @Override
  public double getFreePercent() {
    return shown(usage().freePercent());
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
