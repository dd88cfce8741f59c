package org.diskwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;
import org.diskwarden.Configs;
import org.diskwarden.Console;
import org.diskwarden.Incident;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.WatchSetup;
import org.diskwarden.config.Size;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {
  @TempDir
  Path dir;

  Path base;
  Path conf;
  private Console console;

  @BeforeEach
  void setUp() throws IOException {
    base = Files.createDirectory(dir.resolve("base"));
    conf = dir.resolve("diskwarden.yml");
    Incident.build(base);
    console = new Console(dir.resolve("logs"));
  }

  @AfterEach
  void tearDown() {
    console.close();
  }

  private int run(String... args) {
    console.reset();
    return Main.execute(args);
  }

  private String out() {
    return console.out();
  }

  private List<Path> everything() throws IOException {
    try (Stream<Path> s = Files.walk(base)) {
      // the lock file is the agent's own, made on purpose
      return s.filter(p -> !p.endsWith(".diskwarden.lock")).sorted().toList();
    }
  }

  private void config(String minFree, String mode) throws IOException {
    Files.writeString(conf, Configs.incident(base, minFree, minFree, mode));
  }

  @ParameterizedTest
  @ValueSource(strings = {"check", "plan", "clean", "run"})
  void badConfig_exits2_namesTheKey_touchesNothing(String command) throws IOException {
    Files.writeString(conf, Configs.incident(base, "1000TB", "1000TB", "full").replace("keep_latest: 2", "keep_latest: 0"));
    List<Path> before = everything();

    assertThat(run(command, "--config", conf.toString())).isEqualTo(2);

    assertThat(console.err()).contains("keep_latest").contains("0").contains(">= 1");
    assertThat(everything()).isEqualTo(before);
  }

  @Test
  void check_ok_printsTheNagiosLine_exit0() throws IOException {
    config("0B", "full");

    assertThat(run("check", "--config", conf.toString())).isEqualTo(0);

    assertThat(out()).matches("(?s)DISKWARDEN OK - [0-9.]+ GB free \\([0-9.]+%\\)(, trigger [^|]+)? \\| "
        + "free=\\d+B;\\d+;\\d+;0;\\d+ .*\\n");
  }

  @Test
  void check_warnsThatResumeFromCheckpointWouldPickACrashedPartialCheckpoint() throws IOException {
    Path out = Files.createDirectories(base.resolve("runs/bert"));
    // Trainer._save_checkpoint writes trainer_state.json last; checkpoint-1000 crashed before it
    Files.createDirectories(out.resolve("checkpoint-500"));
    Files.writeString(out.resolve("checkpoint-500/trainer_state.json"), "{\"global_step\": 500}");
    Files.createDirectories(out.resolve("checkpoint-1000"));
    Files.write(out.resolve("checkpoint-1000/model.safetensors"), new byte[512]);
    new org.diskwarden.Tree(base).age(out, java.time.Duration.ofDays(2));
    Files.writeString(conf, Configs.alwaysLow(base, "min_age: 30m", """
        - name: bert
          path: runs/bert
          layout: huggingface
          keep_latest: 1
        """));

    run("check", "--config", conf.toString());

    assertThat(out()).contains("WARNING: " + out.resolve("checkpoint-1000") + ": save in progress")
        .contains("resume_from_checkpoint=True would pick this partial checkpoint");
  }

  @Test
  void check_critical_whenAllThePoliciesAllowCannotHelp_exit2() throws IOException {
    config("1000TB", "full");

    assertThat(run("check", "--config", conf.toString())).isEqualTo(2);
    assertThat(out()).startsWith("DISKWARDEN CRITICAL - ");
  }

  @Test
  void check_low_whenThePoliciesCanBringItBack_exit1() throws IOException {
    long free = Files.getFileStore(base).getUsableSpace();
    // just below a trigger that the 8 MB of candidates can cover even if the disk moves a little
    Files.writeString(conf, Configs.incident(base, (free + Incident.MB) + "B", (free + Incident.MB) + "B", "full"));

    assertThat(run("check", "--config", conf.toString())).isEqualTo(1);
    assertThat(out()).startsWith("DISKWARDEN LOW - ");
  }

  @Test
  void plan_removesNothing_andListsWhatCleanThenRemoves() throws IOException {
    config("1000TB", "full");
    List<Path> before = everything();

    assertThat(run("plan", "--config", conf.toString())).isEqualTo(0);
    String plan = out();
    assertThat(everything()).isEqualTo(before);
    assertThat(plan).contains("models/versions/v001").contains("logs/train-old.log").doesNotContain("v005 ")
        .contains("8 candidate(s)");

    assertThat(run("clean", "--config", conf.toString())).isEqualTo(2);
    List<String> planned = plan.lines().filter(l -> l.matches("\\s+\\d+\\s.*")).map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList();
    assertThat(planned).hasSize(8).allSatisfy(rel -> assertThat(base.resolve(rel)).doesNotExist());
    assertThat(out()).contains("Cleanup: freed");
  }

  @Test
  void cleanDryRun_removesNothing() throws IOException {
    config("1000TB", "full");
    List<Path> before = everything();

    run("clean", "--dry-run", "--config", conf.toString());

    assertThat(everything()).isEqualTo(before);
    assertThat(out()).contains("Dry run: would free").contains("would remove");
  }

  @Test
  void cleanAboveTrigger_removesNothing_unlessForced() throws IOException {
    config("0B", "full");

    assertThat(run("clean", "--config", conf.toString())).isEqualTo(0);
    assertThat(base.resolve("models/versions/v001")).exists();

    assertThat(run("clean", "--force", "--config", conf.toString())).isEqualTo(0);
    assertThat(base.resolve("models/versions/v001")).doesNotExist();
    assertThat(base.resolve("models/versions/v005")).exists();
  }

  @Test
  void baseDirOption_overridesTheFile() throws IOException {
    Files.writeString(conf, Configs.incident(dir.resolve("nowhere"), "1000TB", "1000TB", "full"));

    assertThat(run("plan", "--config", conf.toString(), "--base-dir", base.toString())).isEqualTo(0);
    assertThat(out()).contains("models/versions/v001");
  }

  @Test
  void secondAgentOnOneBaseDir_exitsWithAClearMessage() throws Exception {
    config("0B", "full");
    DiskWarden first = new DiskWarden(WatchSetup.of(Configs.parse(Files.readString(conf)), dir, Clock.systemUTC()));
    first.start();
    try {
      assertThat(run("run", "--config", conf.toString())).isEqualTo(1);
      assertThat(console.err()).contains("another diskwarden agent already watches");
      assertThat(run("clean", "--force", "--config", conf.toString())).isEqualTo(1);
      assertThat(base.resolve("models/versions/v001")).exists();
    } finally {
      first.stop();
    }
  }

  @Test
  void everyCommand_hasHelp() {
    for (String command : List.of("run", "check", "plan", "clean")) {
      assertThat(run(command, "--help")).isZero();
      assertThat(out()).contains("--config").contains("--base-dir");
    }
    assertThat(run("--version")).isZero();
    assertThat(out()).startsWith("diskwarden ");
    assertThat(Size.GB).isEqualTo(1L << 30);
  }
}
