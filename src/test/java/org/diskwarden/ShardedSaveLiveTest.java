package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.WatchSetup;
import org.diskwarden.sweep.SweepReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 29: a sharded Lightning save (DeepSpeedStrategy: {@code checkpoint/} shards, then its own
 * {@code latest}) written file by file, each file older than min_age before the next, while the agent
 * sweeps every 2 s with keep_latest 1. The last complete checkpoint survives every check until the new
 * one is complete, and goes at the first check after.
 */
class ShardedSaveLiveTest {
  private static final Duration MIN_AGE = Duration.ofSeconds(2);

  @TempDir
  Path dir;

  @Test
  void theLastCompleteCheckpointSurvivesEveryCheck_untilTheNewShardedSaveIsComplete() throws Exception {
    Path base = Files.createDirectory(dir.resolve("base"));
    FrameworkFixtures fx = new FrameworkFixtures(new Tree(base));
    Path ckpts = Files.createDirectories(base.resolve("lightning_logs/version_0/checkpoints"));
    Path first = fx.lightningSharded(ckpts, "epoch=0-step=100.ckpt", 3, 5, Tree.days(2));
    Path complete = fx.lightningSharded(ckpts, "epoch=1-step=200.ckpt", 3, 5, Tree.days(1));
    DiskWarden warden = new DiskWarden(WatchSetup.of(Configs.parse(Configs.alwaysLow(base,
        "min_age: 2s\ncheck_interval: 2s\nsample_interval: 1s", """
        - name: ckpts
          path: lightning_logs/version_0/checkpoints
          layout: lightning
          keep_latest: 1
        """)), dir.resolve("logs"), Clock.systemUTC()));
    List<String> violations = new CopyOnWriteArrayList<>();
    AtomicBoolean newOneComplete = new AtomicBoolean();
    warden.start();
    // every check's result, as soon as it is there: the complete checkpoint must still be whole
    Thread watcher = new Thread(() -> {
      Instant seen = Instant.EPOCH;
      while (!Thread.currentThread().isInterrupted()) {
        Instant start = warden.status().lastCleanup().map(SweepReport::start).orElse(Instant.EPOCH);
        if (start.isAfter(seen)) {
          seen = start;
          if (!newOneComplete.get() && !Files.exists(complete.resolve("latest"))) {
            violations.add("after the sweep of " + start + " " + complete.getFileName() + " is gone");
          }
        }
        // polls the agent's read model, a few hundred times per 2 s check (no core spun on a shared machine)
        java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
      }
    });
    watcher.start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(first));
      Path saving = ckpts.resolve("epoch=2-step=300.ckpt");
      List<String> order = FrameworkFixtures.shardedOrder(3);
      for (int files = 1; files <= 4; files++) {
        Path f = saving.resolve(order.get(files - 1));
        Files.createDirectories(f.getParent());
        Files.write(f, new byte[4096]);
        Instant settled = Instant.now().plus(MIN_AGE).plusSeconds(1);
        // a check that saw this file older than min_age has swept: the writer pauses that long
        await().atMost(Duration.ofSeconds(30)).until(() -> warden.status().lastCleanup()
            .map(r -> r.start().isAfter(settled)).orElse(false));
        assertThat(complete.resolve("latest")).as("after %d of 5 files", files).exists();
      }
      newOneComplete.set(true);
      Files.writeString(saving.resolve(order.get(4)), "checkpoint");
      await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(complete));
      assertThat(saving.resolve("latest")).hasContent("checkpoint");
    } finally {
      watcher.interrupt();
      watcher.join();
      warden.stop();
    }
    assertThat(violations).isEmpty();
  }
}
