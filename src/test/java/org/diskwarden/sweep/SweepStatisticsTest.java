package org.diskwarden.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.diskwarden.config.CleanupMode;
import org.diskwarden.sweep.SweepStatistics.PolicyCounts;
import org.diskwarden.volume.State;
import org.junit.jupiter.api.Test;

/** The totals JMX and /metrics show: what the sweeps since start removed, per policy, and what failed. */
class SweepStatisticsTest {
  private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

  @Test
  void sweepsAddUp_perPolicy_failuresCounted_dryRunsFreeNothing() {
    SweepStatistics stats = new SweepStatistics();
    List<SweepReport> heard = new ArrayList<>();
    stats.addListener(heard::add);

    SweepReport first = report(false, T0.plusSeconds(10), List.of(done("ckpt", 100), done("ckpt", 50), done("logs", 7)),
        List.of(failed("logs")));
    SweepReport dry = report(true, T0.plusSeconds(20), List.of(done("ckpt", 1000)), List.of());
    stats.record(first);
    stats.record(dry);

    assertThat(stats.sweeps()).isEqualTo(2);
    assertThat(stats.bytesFreed()).isEqualTo(157);
    assertThat(stats.failures()).isEqualTo(1);
    assertThat(stats.perPolicy()).containsExactlyInAnyOrderEntriesOf(java.util.Map.of(
        "ckpt", new PolicyCounts(150, 2, 0),
        "logs", new PolicyCounts(7, 1, 1)));
    assertThat(stats.last()).contains(dry);
    assertThat(stats.lastEnd()).contains(T0.plusSeconds(20));
    assertThat(heard).containsExactly(first, dry);
  }

  @Test
  void amendLast_replacesTheLastReportOnly_andResetForgetsEverything() {
    SweepStatistics stats = new SweepStatistics();
    SweepReport sweep = report(false, T0.plusSeconds(10), List.of(done("ckpt", 100)), List.of());
    stats.record(sweep);
    SweepReport afterGc = sweep.withGitGc(List.of("repo: 10 MB freed"), State.OK);

    stats.amendLast(afterGc);

    assertThat(stats.last()).contains(afterGc);
    assertThat(stats.sweeps()).isEqualTo(1);
    assertThat(stats.bytesFreed()).isEqualTo(100);

    stats.reset();

    assertThat(stats.sweeps()).isZero();
    assertThat(stats.bytesFreed()).isZero();
    assertThat(stats.failures()).isZero();
    assertThat(stats.perPolicy()).isEmpty();
    assertThat(stats.last()).isEmpty();
    assertThat(stats.lastEnd()).isEmpty();
  }

  private static Removal done(String policy, long bytes) {
    return new Removal(Path.of("/data", policy, "e" + bytes), policy, bytes, "older than 7d", Optional.empty());
  }

  private static Removal failed(String policy) {
    return new Removal(Path.of("/data", policy, "busy"), policy, 99, "older than 7d", Optional.of("refused"));
  }

  private static SweepReport report(boolean dryRun, Instant end, List<Removal> removed, List<Removal> failed) {
    long freed = removed.stream().mapToLong(Removal::freed).sum();
    return new SweepReport(T0, end, CleanupMode.UNTIL_TARGET, dryRun, 10_000, 100, 100 + freed, freed, removed,
        failed, List.of(), List.of(), State.OK);
  }
}
