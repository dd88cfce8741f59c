package org.diskwarden.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.diskwarden.Configs;
import org.diskwarden.Tree;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CRITICAL with nothing removable: samples do not re-plan until something changes. */
class StalemateTest {
  @TempDir
  Path dir;

  DiskWarden warden;

  @AfterEach
  void stop() {
    if (warden != null) {
      warden.stop();
    }
  }

  @Test
  void criticalWithNothingRemovable_plansOncePerCheckInterval_untilAnEntryAppears() throws Exception {
    Path base = Files.createDirectory(dir.resolve("base"));
    Tree tree = new Tree(base);
    tree.version("models/versions/v001", 1000, Tree.days(3));
    tree.version("models/versions/v002", 1000, Tree.days(2));
    warden = new DiskWarden(WatchSetup.of(Configs.parse(Configs.alwaysLow(base, """
        check_interval: 1h
        sample_interval: 500ms
        min_age: 30m
        """, """
        - name: versions
          path: models/versions
          keep_latest: 5
        """)), dir.resolve("logs"), Clock.systemUTC()));

    warden.start();

    await().atMost(Duration.ofSeconds(20)).until(() -> warden.status().statistics().sweeps() == 1);
    // every sample is below the trigger; without the stalemate each would plan and sweep again
    await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6))
        .until(() -> warden.status().statistics().sweeps() == 1);
    assertThat(warden.status().state()).isEqualTo(org.diskwarden.volume.State.CRITICAL);

    tree.version("models/versions/v003", 1000, Tree.days(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> warden.status().statistics().sweeps() == 2);
  }
}
