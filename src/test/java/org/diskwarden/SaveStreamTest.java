package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.WatchSetup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training job replayed on a real, small filesystem: a checkpoint of S MB every few seconds, written
 * file by file, on a tmpfs that holds only a handful. With save headroom and sampling (the defaults)
 * the writer never sees ENOSPC; with both off (the first script's design) it does.
 */
class SaveStreamTest {
  private static final int MB = 1 << 20;
  private static final int SAVE_MB = 24;
  private static final int SHARDS = 6;

  @TempDir
  Path dir;

  /** What the writer saw. */
  record Run(int saves, boolean enospc, List<String> violations) {}

  private Run replay(String foresight, Duration length) throws Exception {
    try (Tmpfs fs = Tmpfs.mount(dir.resolve("mnt"), 200)) {
      Path base = fs.root();
      Files.createDirectories(base.resolve("models/versions"));
      String yaml = """
          base_dir: %s
          min_free: 8MB
          min_free_percent: 0
          target_free: 12MB
          target_free_percent: 0
          min_age: 2s
          check_interval: 60s
          policies:
            - name: model-versions
              path: models/versions
              keep_latest: 2
              complete_marker: config.json
          %s""".formatted(base, foresight);
      DiskWarden warden = new DiskWarden(WatchSetup.of(Configs.parse(yaml), dir.resolve("logs"), Clock.systemUTC()));
      warden.start();
      try {
        return write(base.resolve("models/versions"), Instant.now().plus(length));
      } finally {
        warden.stop();
      }
    }
  }

  /** The training job: save, pause, save; after each save the two newest finished ones must exist. */
  private static Run write(Path versions, Instant until) throws InterruptedException {
    List<String> violations = new CopyOnWriteArrayList<>();
    byte[] shard = new byte[SAVE_MB * MB / SHARDS];
    new Random(7).nextBytes(shard);
    int n = 0;
    while (Instant.now().isBefore(until)) {
      n++;
      Path v = versions.resolve(String.format("v%04d", n));
      try {
        Files.createDirectories(v);
        for (int k = 0; k < SHARDS; k++) {
          try (OutputStream out = Files.newOutputStream(v.resolve("shard-" + k + ".bin"))) {
            out.write(shard);
          }
          // the job writes its shards over a second or two: this is the workload, not a wait for the agent
          Thread.sleep(250);
        }
        Files.writeString(v.resolve("config.json"), "{}");
      } catch (IOException e) {
        return new Run(n - 1, true, violations);
      }
      for (int back = 1; back <= 2 && n - back >= 1; back++) {
        Path previous = versions.resolve(String.format("v%04d", n - back + 1));
        if (!Files.exists(previous.resolve("config.json"))) {
          violations.add("after save " + n + ", " + previous.getFileName() + " is missing");
        }
      }
      Thread.sleep(1500);
    }
    return new Run(n, false, violations);
  }

  @Test
  void withHeadroomAndSampling_theWriterNeverSeesEnospc() throws Exception {
    Run run = replay("", Duration.ofSeconds(60));

    assertThat(run.enospc()).as("ENOSPC after %d saves", run.saves()).isFalse();
    assertThat(run.saves()).isGreaterThan(12);
    assertThat(run.violations()).isEmpty();
  }

  @Test
  void withBothOff_theFirstScriptsDesign_hitsEnospc() throws Exception {
    Run run = replay("save_headroom: 0\nsample_interval: 0\n", Duration.ofSeconds(60));

    assertThat(run.enospc()).as("the first script's design survived %d saves", run.saves()).isTrue();
  }
}
