package org.diskwarden.jmx;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.diskwarden.agent.Agent;
import org.diskwarden.config.CleanupMode;
import org.diskwarden.config.Durations;
import org.diskwarden.config.Limits;
import org.diskwarden.config.Size;
import org.diskwarden.config.Thresholds;
import org.diskwarden.config.WardenConfig;

/**
 * The writable settings of the agent MXBean. Every write goes through the rule of its config key in
 * {@link Limits} (the same refusal and message as the file), and composes its new configuration
 * from the one in force inside the compare-and-set, so two racing writes never undo each other.
 */
abstract class Tuning {
  final Agent warden;
  private final Announcer announcer;

  Tuning(Agent warden, Announcer announcer) {
    this.warden = warden;
    this.announcer = announcer;
  }

  private WardenConfig config() {
    return warden.status().config();
  }

  private Thresholds t() {
    return config().thresholds();
  }

  /**
   * Applies {@code change} to the configuration in force, logs and announces it with the value
   * {@code read} saw before it; a refused change leaves everything as it was.
   */
  private <V> void write(String attribute, String type, Object written, V newValue, Function<WardenConfig, V> read,
      UnaryOperator<WardenConfig> change) {
    AtomicReference<V> old = new AtomicReference<>();
    try {
      warden.update(c -> {
        old.set(read.apply(c));
        return change.apply(c);
      });
    } catch (IllegalArgumentException e) {
      throw refused(attribute, written, e);
    }
    announcer.changed(attribute, type, old.get(), newValue);
  }

  private static IllegalArgumentException refused(String attribute, Object written, IllegalArgumentException e) {
    return new IllegalArgumentException(attribute + " value was set to " + written + ": " + e.getMessage(), e);
  }

  /** Runs a rule of {@link Limits} for {@code attribute}: a refusal names the attribute and the config key. */
  private static <T> T ruled(String attribute, Object written, java.util.function.Supplier<T> rule) {
    try {
      return rule.get();
    } catch (IllegalArgumentException e) {
      throw refused(attribute, written, e);
    }
  }

  private void thresholds(String attribute, String type, Object written, Object newValue,
      Function<WardenConfig, Object> read, UnaryOperator<Thresholds> change) {
    write(attribute, type, written, newValue, read, c -> c.withThresholds(change.apply(c.thresholds())));
  }

  public double getMinFreeGb() {
    return Size.toGb(t().minFree());
  }

  public void setMinFreeGb(double gb) {
    long bytes = ruled("MinFreeGb", gb, () -> Limits.gb("min_free_gb", gb));
    thresholds("MinFreeGb", "double", gb, gb, c -> Size.toGb(c.thresholds().minFree()), t -> t.withMinFree(bytes));
  }

  public String getMinFree() {
    return Size.format(t().minFree());
  }

  public void setMinFree(String size) {
    long bytes = ruled("MinFree", size, () -> Limits.size("min_free", size));
    thresholds("MinFree", "java.lang.String", size, Size.format(bytes), c -> Size.format(c.thresholds().minFree()),
        t -> t.withMinFree(bytes));
  }

  public double getMinFreePercent() {
    return t().minFreePercent();
  }

  public void setMinFreePercent(double percent) {
    ruled("MinFreePercent", percent, () -> Limits.percent("min_free_percent", percent));
    thresholds("MinFreePercent", "double", percent, percent, c -> c.thresholds().minFreePercent(),
        t -> t.withMinFreePercent(percent));
  }

  public double getTargetFreeGb() {
    return Size.toGb(t().targetFree());
  }

  public void setTargetFreeGb(double gb) {
    long bytes = ruled("TargetFreeGb", gb, () -> Limits.gb("target_free", gb));
    thresholds("TargetFreeGb", "double", gb, gb, c -> Size.toGb(c.thresholds().targetFree()),
        t -> t.withTargetFree(bytes));
  }

  public String getTargetFree() {
    return Size.format(t().targetFree());
  }

  public void setTargetFree(String size) {
    long bytes = ruled("TargetFree", size, () -> Limits.size("target_free", size));
    thresholds("TargetFree", "java.lang.String", size, Size.format(bytes),
        c -> Size.format(c.thresholds().targetFree()), t -> t.withTargetFree(bytes));
  }

  public double getTargetFreePercent() {
    return t().targetFreePercent();
  }

  public void setTargetFreePercent(double percent) {
    ruled("TargetFreePercent", percent, () -> Limits.percent("target_free_percent", percent));
    thresholds("TargetFreePercent", "double", percent, percent, c -> c.thresholds().targetFreePercent(),
        t -> t.withTargetFreePercent(percent));
  }

  public long getCheckIntervalSeconds() {
    return config().checkInterval().toSeconds();
  }

  public void setCheckIntervalSeconds(long seconds) {
    Duration d = ruled("CheckIntervalSeconds", seconds,
        () -> Limits.checkInterval(seconds + "s", Duration.ofSeconds(seconds)));
    write("CheckIntervalSeconds", "long", seconds, seconds, c -> c.checkInterval().toSeconds(), c -> interval(c, d));
  }

  public String getCheckInterval() {
    return Durations.format(config().checkInterval());
  }

  public void setCheckInterval(String text) {
    Duration d = ruled("CheckInterval", text, () -> Limits.duration("check_interval", text));
    write("CheckInterval", "java.lang.String", text, Durations.format(d), c -> Durations.format(c.checkInterval()),
        c -> interval(c, d));
  }

  private static WardenConfig interval(WardenConfig c, Duration d) {
    Limits.sampleWithin(c.foresight().sampleInterval(), d);
    return c.withCheckInterval(d);
  }

  public long getMinAgeMinutes() {
    return config().minAge().toMinutes();
  }

  public void setMinAgeMinutes(long minutes) {
    // judged on a value Duration can hold: Duration.ofMinutes(Long.MAX_VALUE) would overflow
    Duration d = ruled("MinAgeMinutes", minutes, () -> Limits.minAge(minutes + "m", minutes < 0
        ? Duration.ofMinutes(-1) : Duration.ofMinutes(Math.min(minutes, Limits.MAX_MIN_AGE.toMinutes() + 1))));
    write("MinAgeMinutes", "long", minutes, minutes, c -> c.minAge().toMinutes(), c -> c.withMinAge(d));
  }

  public String getMinAge() {
    return Durations.format(config().minAge());
  }

  public void setMinAge(String text) {
    Duration d = ruled("MinAge", text, () -> Limits.duration("min_age", text));
    write("MinAge", "java.lang.String", text, Durations.format(d), c -> Durations.format(c.minAge()),
        c -> c.withMinAge(d));
  }

  public String getCleanupMode() {
    return config().cleanupMode().key();
  }

  public void setCleanupMode(String mode) {
    CleanupMode parsed = ruled("CleanupMode", "'" + mode + "'", () -> Limits.cleanupMode(mode));
    write("CleanupMode", "java.lang.String", mode, mode, c -> c.cleanupMode().key(), c -> c.withCleanupMode(parsed));
  }

  public boolean isDryRun() {
    return config().dryRun();
  }

  public void setDryRun(boolean dryRun) {
    write("DryRun", "boolean", dryRun, dryRun, WardenConfig::dryRun, c -> c.withDryRun(dryRun));
  }

  public boolean isPaused() {
    return config().paused();
  }

  public void setPaused(boolean paused) {
    write("Paused", "boolean", paused, paused, WardenConfig::paused, c -> c.withPaused(paused));
  }

  public double getSaveHeadroom() {
    return config().foresight().saveHeadroom();
  }

  public void setSaveHeadroom(double factor) {
    ruled("SaveHeadroom", factor, () -> Limits.saveHeadroom(factor));
    write("SaveHeadroom", "double", factor, factor, c -> c.foresight().saveHeadroom(),
        c -> c.withForesight(c.foresight().withSaveHeadroom(factor)));
  }
}
