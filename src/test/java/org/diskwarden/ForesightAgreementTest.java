package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.WatchSetup;
import org.diskwarden.cli.Main;
import org.diskwarden.config.ConfigLoader;
import org.diskwarden.volume.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With save_headroom raising the trigger above the configured one, check, plan, clean --dry-run and
 * the agent decide alike (a real 64 MB tmpfs, as root: the next save must be a fair share of the disk).
 */
class ForesightAgreementTest {
  private static final Pattern PERFDATA = Pattern.compile("free=(\\d+)B;(\\d+);(\\d+);0;(\\d+)");

  @TempDir
  Path dir;

  @Test
  void checkPlanCleanAndTheAgent_agreeOnTheRaisedTrigger_andPerfdataIsStable() throws Exception {
    try (Tmpfs disk = Tmpfs.mount(dir.resolve("disk"), 64)) {
      Path base = disk.root();
      Tree tree = new Tree(base);
      for (int v = 1; v <= 3; v++) {
        tree.version("models/versions/v00" + v, 8 << 20, Tree.days(10 - v));
      }
      // configured trigger 4 MB: far below the ~38 MB free; 5 x the 8 MB next save is not
      Path conf = Files.writeString(dir.resolve("d.yml"), """
          base_dir: %s
          min_free: 4MB
          min_free_percent: 0
          save_headroom: 5
          min_age: 30m
          cleanup_mode: until_target
          protect: []
          policies:
            - name: versions
              path: models/versions
              keep_latest: 2
          """.formatted(base));
      List<String> perf = new ArrayList<>();
      try (Console console = new Console(dir.resolve("logs"))) {
        for (int i = 0; i < 3; i++) {
          console.reset();
          int status = Main.execute("check", "--config", conf.toString());
          assertThat(status).as(console.out()).isEqualTo(State.LOW.exitCode());
          assertThat(console.out()).contains("DISKWARDEN LOW").contains("configured 4.0MB, raised by save_headroom");
          Matcher m = PERFDATA.matcher(console.out());
          assertThat(m.find()).isTrue();
          perf.add(m.group(2) + ";" + m.group(3));
          assertThat(Long.parseLong(m.group(3))).isEqualTo(4L << 20);
          assertThat(Long.parseLong(m.group(1))).isLessThan(Long.parseLong(m.group(2)));
        }
        console.reset();
        assertThat(Main.execute("plan", "--config", conf.toString())).isZero();
        assertThat(console.out()).contains("models/versions/v001").doesNotContain("above the trigger");
        console.reset();
        // the dry run plans against the same raised trigger: it would remove v001
        Main.execute("clean", "--dry-run", "--no-notify", "--config", conf.toString());
        assertThat(console.out()).contains("v001").doesNotContain("above the trigger");
      }
      assertThat(perf).containsOnly(perf.get(0));

      DiskWarden agent = new DiskWarden(WatchSetup.of(ConfigLoader.load(conf, Optional.empty()), dir.resolve("logs"),
          Clock.systemUTC()));
      agent.learnNextSave();
      long total = agent.usage().total();
      assertThat(Long.toString(agent.status().thresholds().triggerBytes(total))).isEqualTo(perf.get(0).split(";")[0]);
      assertThat(agent.assess()).isEqualTo(State.LOW);
      assertThat(base.resolve("models/versions/v001")).exists();
    }
  }
}
