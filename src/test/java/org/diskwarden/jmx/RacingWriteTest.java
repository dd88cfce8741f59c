package org.diskwarden.jmx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import javax.management.NotificationBroadcasterSupport;
import javax.management.ObjectName;
import org.diskwarden.agent.Agent;
import org.diskwarden.agent.AgentStatus;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.WatchSetup;
import org.diskwarden.config.ConfigException;
import org.diskwarden.config.ConfigLoader;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.git.GitGcReport;
import org.diskwarden.notify.Notifier;
import org.diskwarden.sweep.Plan;
import org.diskwarden.sweep.SweepReport;
import org.diskwarden.volume.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two JMX writes that race: the second composes from the first's result, never from a stale read. */
class RacingWriteTest {
  @TempDir
  Path dir;

  /** The real agent, with another write landing just before each of ours (as a second console would). */
  private static Agent racedBy(DiskWarden real, UnaryOperator<WardenConfig> other) {
    return new Agent() {
      @Override
      public AgentStatus status() {
        return real.status();
      }

      @Override
      public WardenConfig update(UnaryOperator<WardenConfig> change) {
        real.update(other);
        return real.update(change);
      }

      @Override
      public WardenConfig reload() throws ConfigException {
        return real.reload();
      }

      @Override
      public State assessNow() {
        return real.assessNow();
      }

      @Override
      public Plan previewNow() {
        return real.previewNow();
      }

      @Override
      public org.diskwarden.agent.Cleanup cleanNow() {
        return real.cleanNow();
      }

      @Override
      public List<GitGcReport> gitGcNow() {
        return real.gitGcNow();
      }

      @Override
      public void addNotifier(Notifier notifier) {
        real.addNotifier(notifier);
      }

      @Override
      public void removeNotifier(Notifier notifier) {
        real.removeNotifier(notifier);
      }
    };
  }

  @Test
  void aThresholdWrite_keepsTheOtherThresholdAWriteRacingItSet() throws Exception {
    Files.createDirectories(dir.resolve("base/logs"));
    DiskWarden real = new DiskWarden(WatchSetup.of(ConfigLoader.parse("""
        base_dir: %s
        min_free: 0B
        min_free_percent: 0
        target_free: 1GB
        target_free_percent: 0
        policies:
          - {name: logs, path: logs, max_age: 7d}
        """.formatted(dir.resolve("base")), "test.yml", Optional.empty()), dir.resolve("logs"), Clock.systemUTC()));
    Agent raced = racedBy(real, c -> c.withThresholds(c.thresholds().withTargetFreePercent(50)));
    AgentControl control = new AgentControl(raced, new Announcer(new NotificationBroadcasterSupport(),
        new ObjectName(JmxExporter.AGENT), new AtomicLong()), () -> { });

    control.setMinFree("512MB");

    assertThat(real.status().config().thresholds().minFree()).isEqualTo(512L << 20);
    assertThat(real.status().config().thresholds().targetFreePercent()).isEqualTo(50.0);
  }
}
