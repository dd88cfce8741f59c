package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/diskwarden check answered from the running agent's last check, without a JVM, and each case where
 * it must not be: no agent, a stale answer, another config (path or text), a link or FIFO planted in
 * place of the answer. DISKWARDEN_DEBUG=1 makes the script print the Java command whenever it builds
 * one, so "no JVM" is seen, not assumed.
 */
class CheckFromAgentIT {
  @TempDir
  Path dir;

  Path conf;
  Path runDir;
  Shell shell;
  final String bin = Path.of("bin/diskwarden").toAbsolutePath().toString();

  @BeforeEach
  void setUp() throws Exception {
    Path base = Files.createDirectory(dir.resolve("base"));
    Incident.build(base);
    conf = Files.writeString(dir.resolve("diskwarden.yml"), Configs.incident(base, "0B", "0B", "full"));
    runDir = dir.resolve("run");
    shell = new Shell().env("DISKWARDEN_RUN_DIR", runDir.toString()).env("DISKWARDEN_LOG_DIR",
        dir.resolve("logs").toString()).env("DISKWARDEN_DEBUG", "1").cwd(dir);
    Shell.Result started = shell.run(bin, "start", "--config", conf.toString());
    assertThat(started.exit()).as(started.output()).isZero();
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(runDir.resolve("check.state")));
  }

  @AfterEach
  void stop() throws Exception {
    shell.run(bin, "stop");
  }

  private Shell.Result check(String... more) throws Exception {
    String[] args = new String[more.length + 3];
    args[0] = bin;
    args[1] = "check";
    args[2] = "--config=" + conf;
    System.arraycopy(more, 0, args, 3, more.length);
    return shell.run(args);
  }

  private static boolean jvmStarted(Shell.Result r) {
    return r.output().contains("org.diskwarden.cli.Main check");
  }

  /** state and perfdata thresholds: everything but the measured bytes and rate. */
  private static String shape(String line) {
    return line.replaceAll("\\d+(\\.\\d+)? GB free \\([\\d.]+%\\)", "N GB free")
        .replaceAll("free=\\d+B;", "free=NB;").replaceAll("free_percent=[\\d.]+%;", "free_percent=N%;")
        .replaceAll("fill_rate=-?\\d+B/s", "fill_rate=N").replaceAll(", filling .*? \\|", " |");
  }

  @Test
  void whileTheAgentRuns_checkAnswersWithoutAJvm_andAgreesWithTheJvmCheck() throws Exception {
    Shell.Result fast = check();
    Shell.Result jvm = new Shell().env("DISKWARDEN_RUN_DIR", runDir.toString())
        .env("DISKWARDEN_LOG_DIR", dir.resolve("logs").toString()).env("DISKWARDEN_CHECK_FROM_AGENT", "never")
        .cwd(dir).run(bin, "check", "--config=" + conf);

    assertThat(jvmStarted(fast)).as(fast.output()).isFalse();
    assertThat(fast.exit()).isEqualTo(jvm.exit()).isZero();
    assertThat(fast.output()).startsWith("DISKWARDEN OK - ");
    assertThat(shape(fast.output().lines().findFirst().orElseThrow()))
        .isEqualTo(shape(jvm.output().lines().findFirst().orElseThrow()));
    assertThat(fast.output().lines().filter(l -> l.startsWith("WARNING: ")).toList())
        .isEqualTo(jvm.output().lines().filter(l -> l.startsWith("WARNING: ")).toList());
    // a relative --config naming the same file is the same config
    Shell.Result relative = shell.run(bin, "check", "--config", "diskwarden.yml");
    assertThat(jvmStarted(relative)).as(relative.output()).isFalse();
  }

  @Test
  void noAgent_staleAnswer_otherConfig_editedConfig_otherOptions_fallBackToTheJvm() throws Exception {
    Path state = runDir.resolve("check.state");
    String answer = Files.readString(state);

    Path other = Files.writeString(dir.resolve("other.yml"), Files.readString(conf));
    assertThat(jvmStarted(shell.run(bin, "check", "--config", other.toString()))).isTrue();
    assertThat(jvmStarted(check("--base-dir", dir.resolve("base").toString()))).isTrue();

    Files.writeString(state, answer.replaceAll("(?m)^valid_until=\\d+", "valid_until=1000"));
    assertThat(jvmStarted(check())).as("stale").isTrue();
    Files.writeString(state, answer);
    assertThat(jvmStarted(check())).as("fresh again").isFalse();

    String original = Files.readString(conf);
    Files.writeString(conf, original + "# edited, not reloaded\n");
    assertThat(jvmStarted(check())).as("edited config").isTrue();
    Files.writeString(conf, original);
    assertThat(jvmStarted(check())).isFalse();

    assertThat(shell.run(bin, "stop").exit()).isZero();
    Files.writeString(state, answer);
    Shell.Result stopped = check();
    assertThat(jvmStarted(stopped)).as("no agent").isTrue();
    assertThat(stopped.exit()).isZero();
  }

  @Test
  void aLinkOrFifoInPlaceOfTheAnswer_isNotRead_andNothingHangs() throws Exception {
    Path state = runDir.resolve("check.state");
    Path forged = Files.writeString(dir.resolve("forged"), Files.readString(state)
        .replaceAll("(?m)^line=.*", "line=DISKWARDEN OK - forged").replaceAll("(?m)^exit=\\d", "exit=0"));
    Files.delete(state);
    Files.createSymbolicLink(state, forged);
    Shell.Result viaLink = check();
    assertThat(jvmStarted(viaLink)).isTrue();
    assertThat(viaLink.output()).doesNotContain("forged");

    Files.delete(state);
    assertThat(new ProcessBuilder("mkfifo", state.toString()).start().waitFor()).isZero();
    Shell.Result viaFifo = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> check());
    assertThat(jvmStarted(viaFifo)).isTrue();
  }
}
