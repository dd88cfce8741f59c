package org.diskwarden.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import org.diskwarden.Configs;
import org.diskwarden.Tmpfs;
import org.diskwarden.Tree;
import org.diskwarden.config.CleanupMode;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.policy.Candidate;
import org.diskwarden.volume.State;
import org.diskwarden.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sweep after a crash and in until_target mode: what it finishes, where it stops, what it records. */
class SweeperTest {
  @TempDir
  Path dir;

  private final Clock clock = Clock.systemUTC();

  private static WardenConfig config(Path base, String mode, String minFree, String targetFree) throws Exception {
    return Configs.parse("""
        base_dir: %s
        min_free: %s
        min_free_percent: 0
        target_free: %s
        target_free_percent: 0
        min_age: 30m
        cleanup_mode: %s
        policies:
          - name: versions
            path: models/versions
            keep_latest: 1
        """.formatted(base, minFree, targetFree, mode));
  }

  /** Versions v1 (oldest) to v4 of {@code megabytes} each. */
  private static void versions(Path base, int megabytes) {
    Tree tree = new Tree(base);
    for (int i = 1; i <= 4; i++) {
      tree.version("models/versions/v" + i, megabytes << 20, Tree.days(10 - i));
    }
  }

  private SweepReport sweep(WardenConfig config, AuditLog audit, boolean dryRun) {
    Volume volume = Volume.of(config.baseDir(), clock);
    Plan plan = Planner.plan(config, volume.read(), volume.blockSize(), clock.instant(), audit.unfinished());
    return new Sweeper(volume, audit, clock).execute(plan, config, dryRun, () -> false);
  }

  private static void began(AuditLog audit, Path path) {
    audit.intent(new Candidate(path, "versions", "version", 1, Instant.EPOCH, "older than the newest 1"),
        CleanupMode.UNTIL_TARGET, false);
  }

  @Test
  void aRemovalAKilledRunBegan_isFinishedEvenWithTheTargetMet_andOneWhoseEntryIsGoneIsClosedInTheAudit()
      throws Exception {
    Path base = Files.createDirectories(dir.resolve("base"));
    versions(base, 1);
    AuditLog audit = new AuditLog(dir.resolve("logs/audit.jsonl"), clock);
    began(audit, base.resolve("models/versions/v2"));
    began(audit, base.resolve("models/versions/gone"));

    SweepReport report = sweep(config(base, "until_target", "1KB", "1KB"), audit, false);

    assertThat(report.removed()).extracting(Removal::path).containsExactly(base.resolve("models/versions/v2"));
    assertThat(report.notReached()).extracting(Candidate::path)
        .containsExactly(base.resolve("models/versions/v1"), base.resolve("models/versions/v3"));
    assertThat(audit.unfinished()).isEmpty();
    assertThat(new AuditLog(dir.resolve("logs/audit.jsonl"), clock).unfinished()).isEmpty();
  }

  @Test
  void aDryRunInUntilTargetMode_stopsWhereTheRemovalsWouldReachTheTarget() throws Exception {
    try (Tmpfs fs = Tmpfs.mount(dir.resolve("small"), 64)) {
      versions(fs.root(), 8);
      long target = Volume.of(fs.root(), clock).read().free() + (4 << 20);
      AuditLog audit = new AuditLog(dir.resolve("logs/audit.jsonl"), clock);

      SweepReport report = sweep(config(fs.root(), "until_target", target + "B", target + "B"), audit, true);

      assertThat(report.removed()).extracting(Removal::path).containsExactly(fs.root().resolve("models/versions/v1"));
      assertThat(report.notReached()).hasSize(2);
      assertThat(fs.root().resolve("models/versions/v1")).isDirectory();
      // the state a dry run reports is the one its removals would leave: the target met
      assertThat(report.state()).isEqualTo(State.OK);
    }
  }

  @Test
  void aRealSweepReportsTheStateTheVolumeIsLeftIn_criticalWhenWhatItMayRemoveIsNotEnough() throws Exception {
    try (Tmpfs fs = Tmpfs.mount(dir.resolve("small"), 64)) {
      versions(fs.root(), 8);
      long free = Volume.of(fs.root(), clock).read().free();
      AuditLog audit = new AuditLog(dir.resolve("logs/audit.jsonl"), clock);

      // 24 MB may go (v1 to v3): a trigger 40 MB above today's free space stays out of reach
      SweepReport low = sweep(config(fs.root(), "full", (free + (40 << 20)) + "B", (free + (40 << 20)) + "B"), audit,
          false);

      assertThat(low.removed()).hasSize(3);
      assertThat(low.freeAfter()).isGreaterThanOrEqualTo(free + (24 << 20));
      assertThat(low.state()).isEqualTo(State.CRITICAL);

      SweepReport met = sweep(config(fs.root(), "full", free + "B", free + "B"), audit, false);

      assertThat(met.removed()).isEmpty();
      assertThat(met.state()).isEqualTo(State.OK);
    }
  }

  @Test
  void aHalfCopyAKilledRunLeftInTheMoveTarget_isRemoved_oneNeverMadeIsClosed_butOneOutsideEveryFolderOfOursStays() throws Exception {
    try (Tmpfs first = Tmpfs.mount(dir.resolve("first"), 16); Tmpfs second = Tmpfs.mount(dir.resolve("second"), 16)) {
      Path base = first.root();
      versions(base, 1);
      WardenConfig config = Configs.parse("""
          base_dir: %s
          min_free: 1KB
          target_free: 1KB
          policies:
            - name: versions
              path: models/versions
              keep_latest: 1
              action: move
              move_to: %s
          """.formatted(base, second.root()));
      Path ours = second.root().resolve(org.diskwarden.archive.Partial.of(second.root().resolve("v1")).getFileName());
      Files.createDirectories(ours.resolve("v1"));
      Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
      Path notOurs = Files.writeString(elsewhere.resolve(ours.getFileName()), "not ours");
      AuditLog audit = new AuditLog(dir.resolve("logs/audit.jsonl"), clock);
      Candidate v1 = new Candidate(base.resolve("models/versions/v1"), "versions", "version", 1, Instant.EPOCH, "x");
      audit.write(ours, v1);
      audit.write(notOurs, v1);
      // announced, never made: killed before its first byte
      Path neverMade = base.resolve("models/versions/.v9.diskwarden-partial");
      audit.write(neverMade, v1);

      new Sweeper(Volume.of(base, clock), audit, clock).discardLeftovers(config);

      assertThat(ours).doesNotExist();
      assertThat(notOurs).hasContent("not ours");
      assertThat(audit.unfinishedWrites()).containsExactly(notOurs);
    }
  }
}
