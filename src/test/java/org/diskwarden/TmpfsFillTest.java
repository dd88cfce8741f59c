package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.diskwarden.Tree.days;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.stream.Stream;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.WatchSetup;
import org.diskwarden.cli.Main;
import org.diskwarden.config.CleanupMode;
import org.diskwarden.config.Size;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.policy.Candidate;
import org.diskwarden.sweep.Removal;
import org.diskwarden.sweep.SweepReport;
import org.diskwarden.volume.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On a real tmpfs that is truly full: cleanup brings it back above the target, oldest first. */
class TmpfsFillTest {
  private static final int MB = 1 << 20;

  @TempDir
  Path dir;

  private Tree fill(Tmpfs fs) throws IOException {
    Tree t = new Tree(fs.root());
    for (int i = 1; i <= 10; i++) {
      t.version("models/versions/v%02d".formatted(i), 20 * MB, days(20 - i));
    }
    t.version("current_model", 10 * MB, days(100));
    return t;
  }

  private String config(Path base, String mode) {
    return """
        base_dir: %s
        min_free: 80MB
        min_free_percent: 0
        target_free: 120MB
        target_free_percent: 0
        cleanup_mode: %s
        policies:
          - name: model-versions
            path: models/versions
            keep_latest: 2
        """.formatted(base, mode);
  }

  @Test
  void untilTarget_removesOldestFirst_andStopsAtTheTarget() throws Exception {
    try (Tmpfs fs = Tmpfs.mount(dir.resolve("mnt"), 256)) {
      fill(fs);
      long before = fs.free();
      assertThat(before).isLessThan(80L * MB);
      WardenConfig config = Configs.parse(config(fs.root(), "until_target"));
      assertThat(config.cleanupMode()).isEqualTo(CleanupMode.UNTIL_TARGET);
      DiskWarden warden = new DiskWarden(WatchSetup.of(config, dir.resolve("logs"), Clock.systemUTC()));
      assertThat(warden.assess()).isEqualTo(State.LOW);

      SweepReport r = warden.clean(false, false).orElseThrow();

      long needed = (120L * MB - before + 20L * MB - 1) / (20L * MB);   // whole versions to reach the target
      assertThat(fs.free()).isGreaterThanOrEqualTo(120L * MB);
      assertThat(r.removed()).extracting(m -> m.path().getFileName().toString())
          .containsExactlyElementsOf(Stream.iterate(1, i -> i + 1).limit(needed).map("v%02d"::formatted).toList());
      assertThat(r.notReached()).extracting(Candidate::path).allSatisfy(p -> assertThat(p).exists());
      assertThat(r.notReached()).isNotEmpty();
      assertThat(r.state()).isEqualTo(State.OK);
      assertThat(r.freeAfter()).isEqualTo(fs.free());
      assertThat(r.bytesFreed()).isEqualTo(r.removed().stream().mapToLong(Removal::bytes).sum());
      assertThat(fs.root().resolve("current_model/weights.bin")).exists();
    }
  }

  @Test
  void cleanCommand_bringsAFullTmpfsBackAboveTheTarget() throws Exception {
    try (Tmpfs fs = Tmpfs.mount(dir.resolve("mnt"), 256)) {
      fill(fs);
      // fill the rest completely: the incident's ENOSPC
      Path filler = fs.root().resolve("filler.bin");
      try (var out = Files.newOutputStream(filler)) {
        byte[] block = new byte[MB];
        while (true) {
          out.write(block);
        }
      } catch (IOException enospc) {
        assertThat(enospc).hasMessageContaining("No space left");
      }
      assertThat(fs.free()).isLessThan(MB);
      Path conf = Files.writeString(dir.resolve("d.yml"), config(fs.root(), "until_target"));
      System.setProperty("diskwarden.logdir", dir.resolve("logs").toString());
      try {
        assertThat(Main.execute("check", "--config", conf.toString())).isEqualTo(State.LOW.exitCode());
        assertThat(Main.execute("clean", "--config", conf.toString())).isEqualTo(State.OK.exitCode());
      } finally {
        System.clearProperty("diskwarden.logdir");
      }
      assertThat(fs.free()).isGreaterThanOrEqualTo(120L * MB);
      assertThat(fs.root().resolve("models/versions/v10")).exists();
      assertThat(fs.root().resolve("models/versions/v09")).exists();
      assertThat(Size.human(fs.free(), 1)).endsWith("MB");
    }
  }
}
