package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.diskwarden.cli.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * bin/diskwarden reads what it is given as a user types it: help that acts on nothing, durations in the
 * config's syntax, the run directory's files as data.
 */
class BinScriptArgsIT {
  @TempDir
  Path dir;

  Path conf;
  Path runDir;
  Path logDir;
  Shell shell;
  final String bin = Path.of("bin/diskwarden").toAbsolutePath().toString();

  @BeforeEach
  void setUp() throws Exception {
    Path base = Files.createDirectory(dir.resolve("base"));
    conf = Files.writeString(dir.resolve("diskwarden.yml"), Configs.incident(base, "0B", "0B", "full"));
    runDir = dir.resolve("run");
    logDir = dir.resolve("logs");
    shell = new Shell().env("DISKWARDEN_RUN_DIR", runDir.toString()).env("DISKWARDEN_LOG_DIR", logDir.toString())
        .env("DISKWARDEN_STOP_TIMEOUT", "20").cwd(dir);
  }

  @AfterEach
  void stopAgent() throws Exception {
    shell.run(bin, "stop");
  }

  @ParameterizedTest
  @ValueSource(strings = {"xs", "1.5s", "0s", "-5s", "0", "5x", "", "1e3", "0ms", "1500ms"})
  void watchdogInterval_junkFractionZeroNegative_oneLineExit2_nothingStarted(String interval) throws Exception {
    Shell.Result r = shell.run(bin, "watchdog", "--loop", "--interval", interval, "--config", conf.toString());

    assertThat(r.exit()).as(r.output()).isEqualTo(2);
    assertThat(r.output().strip().lines()).as(r.output()).hasSize(1);
    assertThat(r.output()).startsWith("diskwarden: --interval value '" + interval + "'");
    assertThat(runDir).doesNotExist();
    assertThat(logDir).doesNotExist();
  }

  @Test
  void watchdogInterval_withoutLoop_isRefused() throws Exception {
    Shell.Result r = shell.run(bin, "watchdog", "--interval", "5s", "--config", conf.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.output()).contains("--loop only");
    assertThat(runDir).doesNotExist();
  }

  @Test
  void aFilePlantedInTheRunDir_isNeverExecuted() throws Exception {
    Shell.Result started = shell.run(bin, "start", "--config", conf.toString());
    assertThat(started.exit()).as(started.output()).isZero();
    Path marker = dir.resolve("pwned");
    // what an older version sourced: shell code; now read as NUL-separated data only
    Files.delete(runDir.resolve("diskwarden.started"));
    Files.writeString(runDir.resolve("diskwarden.started"), "touch " + marker + "\nSTARTED_ARGS=($(touch " + marker
        + "))\n");
    for (String command : new String[] {"status", "watchdog"}) {
      Shell.Result r = shell.run(bin, command);
      assertThat(r.exit()).as(r.output()).isZero();
      assertThat(r.output()).as(command).contains("is not in the recorded form");
      assertThat(marker).as(command).doesNotExist();
    }
  }

  @Test
  void startedArguments_roundTripAnyCharacter_andHelpOnARunningAgentActsOnNothing() throws Exception {
    Shell.Result started = shell.run(bin, "start", "--config", conf.toString());
    assertThat(started.exit()).as(started.output()).isZero();
    String pid = Files.readString(runDir.resolve("diskwarden.pid")).strip();
    byte[] record = Files.readAllBytes(runDir.resolve("diskwarden.started"));

    for (String command : new String[] {"stop", "start", "restart", "watchdog", "status", "demo"}) {
      for (String help : new String[] {"--help", "-h"}) {
        Shell.Result r = shell.run(bin, command, help);
        assertThat(r.exit()).as(command + " " + help + ": " + r.output()).isZero();
        assertThat(r.output()).as(command).startsWith("Usage: diskwarden " + command);
      }
    }
    assertThat(Files.readString(runDir.resolve("diskwarden.pid")).strip()).isEqualTo(pid);
    assertThat(ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive)).contains(true);
    assertThat(Files.readAllBytes(runDir.resolve("diskwarden.started"))).isEqualTo(record);
    assertThat(shell.run(bin, "status").output()).contains("started with: --config " + conf);
  }

  @Test
  void topLevelHelp_listsEveryCommand_scriptsAndJavas() throws Exception {
    Shell.Result r = shell.run(bin, "--help");
    assertThat(r.exit()).isZero();
    java.util.List<String> commands = new java.util.ArrayList<>(
        new CommandLine(new Main()).getSubcommands().keySet());
    commands.addAll(java.util.List.of("start", "stop", "status", "restart", "watchdog", "demo"));
    for (String c : commands) {
      assertThat(r.output()).as(c).containsPattern("(?m)^  " + java.util.regex.Pattern.quote(c) + " +\\S");
    }
    assertThat(shell.run(bin).output()).isEqualTo(r.output());
    assertThat(runDir).doesNotExist();
    assertThat(logDir).doesNotExist();
  }

  @Test
  void javaCommandHelp_touchesNoLogDir() throws Exception {
    Shell.Result r = shell.run(bin, "check", "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.output()).contains("Usage: diskwarden check");
    assertThat(logDir).doesNotExist();
  }

  @Test
  void run_withItsOutputPiped_logsToThatPipe() throws Exception {
    Process run = shell.builder(bin, "run", "--config", conf.toString()).start();
    try {
      java.io.BufferedReader out = new java.io.BufferedReader(
          new java.io.InputStreamReader(run.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
      StringBuilder seen = new StringBuilder();
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        String line = out.readLine();
        if (line != null) {
          seen.append(line).append('\n');
        }
        return seen.toString().contains("diskwarden started");
      });
    } finally {
      run.destroy();
      run.waitFor();
    }
  }

  /**
   * Restart twice while critical: one critical alert, not three (the state and what was told live in
   * the run directory). Recovered while the agent was down: the next start still says so.
   */
  @Test
  void restartTwiceWhileCritical_oneCritical_andARecoveryWhileDownIsStillAnnounced() throws Exception {
    java.util.List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    com.sun.net.httpserver.HttpServer hook = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext("/hook", ex -> {
      events.add(new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    hook.start();
    try {
      Path base = dir.resolve("base");
      String notify = """
          notify:
            webhooks:
              - url: http://127.0.0.1:%d/hook
                format: json
          """.formatted(hook.getAddress().getPort());
      Path critical = Files.writeString(dir.resolve("critical.yml"),
          Configs.incident(base, "1000TB", "1000TB", "full") + notify);
      java.util.function.Function<String, Long> count = type -> events.stream()
          .filter(e -> e.contains("\"type\":\"" + type + "\"")).count();

      assertThat(shell.run(bin, "start", "--config", critical.toString()).exit()).isZero();
      await().atMost(Duration.ofSeconds(60)).until(() -> count.apply("critical") == 1);
      for (int round = 0; round < 2; round++) {
        int i = round;
        Shell.Result r = shell.run(bin, "restart");
        assertThat(r.exit()).as(r.output()).isZero();
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(logDir.resolve("diskwarden.log"))
            .split("Alert state from the last run: CRITICAL", -1).length == i + 2);
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(runDir.resolve("diskwarden.state"))
            && Files.readString(runDir.resolve("diskwarden.state")).contains("CRITICAL"));
      }
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> count.apply("critical") == 1);

      assertThat(shell.run(bin, "stop").exit()).isZero();
      Path fine = Files.writeString(dir.resolve("critical.yml").resolveSibling("fine.yml"),
          Configs.incident(base, "0B", "0B", "full") + notify);
      // same base_dir, thresholds eased while down: the next start announces the recovery
      assertThat(shell.run(bin, "start", "--config", fine.toString()).exit()).isZero();
      await().atMost(Duration.ofSeconds(60)).until(() -> count.apply("recovered") == 1);
      assertThat(count.apply("critical")).isEqualTo(1);
    } finally {
      hook.stop(0);
    }
  }

  /**
   * demo as root: its own tmpfs, so every figure is the demo's (not the host disk's); clean, ordered
   * output that ends OK with what it freed. Compared with golden/demo-tmpfs.txt (temp paths, times and
   * thread names normalized; the agent's log lines as a block whose order within may vary by a line).
   */
  @Test
  void demo_asRoot_onItsOwnTmpfs_matchesTheGoldenOutput() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
        "needs root: demo mounts its own tmpfs only as root");
    Shell.Result demo = shell.env("TMPDIR", dir.toString()).run(bin, "demo");
    assertThat(demo.exit()).as(demo.output()).isZero();
    String normalized = demo.output().replaceAll("/\\S*/diskwarden-demo\\.\\w{6}", "\\$DEMO")
        .replaceAll("(?m)^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3} (\\w+) +\\[[^\\]]+\\] ", "LOG $1 ");
    assertThat(normalized).doesNotContain("\u001b");
    String golden = new String(getClass().getResourceAsStream("/golden/demo-tmpfs.txt").readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    java.util.List<String> got = normalized.lines().toList();
    java.util.List<String> want = golden.lines().toList();
    assertThat(got.stream().filter(l -> !l.startsWith("LOG ")).toList())
        .isEqualTo(want.stream().filter(l -> !l.startsWith("LOG ")).toList());
    // the agent's last console line ("diskwarden stopped") races its own shutdown: the log file has it
    java.util.function.Predicate<String> log = l -> l.startsWith("LOG ") && !l.endsWith("diskwarden stopped");
    assertThat(got.stream().filter(log).toList())
        .containsExactlyInAnyOrderElementsOf(want.stream().filter(log).toList());
    assertThat(got.get(got.size() - 4)).startsWith("diskwarden demo: freed 14.0MB; ").endsWith("state OK");
    // the tmpfs is gone again
    assertThat(new String(Files.readAllBytes(Path.of("/proc/self/mounts")), java.nio.charset.StandardCharsets.UTF_8))
        .doesNotContain(dir.toString());
  }
}
