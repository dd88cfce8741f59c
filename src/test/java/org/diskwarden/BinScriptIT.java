package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.diskwarden.cli.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/diskwarden as a watchdog and an operator drive it: start, stop, status, watchdog. */
class BinScriptIT {
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

  private Optional<Long> pid() throws Exception {
    Path pidFile = runDir.resolve("diskwarden.pid");
    return Files.exists(pidFile) ? Optional.of(Long.parseLong(Files.readString(pidFile).trim())) : Optional.empty();
  }

  @Test
  void severalWatches_oneAgent_statusShowsEachWatch_andStopReleasesEveryLock() throws Exception {
    Path a = Files.createDirectory(dir.resolve("a"));
    Path b = Files.createDirectory(dir.resolve("b"));
    Path watches = Files.writeString(dir.resolve("watches.yml"), """
        min_free: 0B
        min_free_percent: 0
        protect: []
        policies:
          - {name: versions, path: v, keep_latest: 1}
        watch:
          - {name: a, base_dir: %s}
          - {name: b, base_dir: %s}
        """.formatted(a, b));
    Shell.Result started = shell.run(bin, "start", "--config", watches.toString());
    assertThat(started.exit()).as(started.output()).isZero();

    await().untilAsserted(() -> assertThat(shell.run(bin, "status").output())
        .contains("a: DISKWARDEN OK - ").contains("b: DISKWARDEN OK - "));
    assertThat(a.resolve(".diskwarden.lock")).exists();
    assertThat(b.resolve(".diskwarden.lock")).exists();

    assertThat(shell.run(bin, "stop").exit()).isZero();
    // both base_dirs are free again: a one-directory agent may take each
    for (Path base : List.of(a, b)) {
      Shell.Result check = shell.run(bin, "clean", "--config", watches.toString(), "--watch",
          base.getFileName().toString());
      assertThat(check.exit()).as(check.output()).isZero();
    }
  }

  @Test
  void start_status_startAgain_stop_status() throws Exception {
    Shell.Result started = shell.run(bin, "start", "--config", conf.toString());
    assertThat(started.exit()).as(started.output()).isZero();
    long pid = pid().orElseThrow();
    assertThat(started.output()).contains("diskwarden started (pid " + pid + ")");

    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    assertThat(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]).as("niceness").isEqualTo("10");
    Shell.Result io = shell.run("ionice", "-p", Long.toString(pid));
    assertThat(io.output()).as("I/O class").contains("idle");

    Shell.Result status = shell.run(bin, "status");
    assertThat(status.exit()).isZero();
    assertThat(status.output()).contains("diskwarden is running (pid " + pid + ", up ");
    await().until(() -> shell.run(bin, "status").output().contains("DISKWARDEN OK - "));

    Shell.Result again = shell.run(bin, "start", "--config", conf.toString());
    assertThat(again.exit()).isZero();
    assertThat(again.output()).contains("already running (pid " + pid + ")");
    assertThat(pid()).contains(pid);

    Shell.Result stopped = shell.run(bin, "stop");
    assertThat(stopped.exit()).isZero();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isIn(Optional.empty(), Optional.of(false));
    assertThat(Files.readString(logDir.resolve("diskwarden.log"))).contains("diskwarden stopped");
    assertThat(shell.run(bin, "status").exit()).isEqualTo(3);
    assertThat(shell.run(bin, "stop").exit()).isZero();
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"TERM", "INT"})
  void run_stoppedBySigtermOrSigint_exitsZeroAfterACleanStop(String signal) throws Exception {
    Process run = shell.builder(bin, "run", "--config", conf.toString())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(runDir.resolve("diskwarden.ready")));

    assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(run.pid())).start().waitFor()).isZero();

    assertThat(run.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(run.exitValue()).isZero();
    assertThat(Files.readString(logDir.resolve("diskwarden.log"))).contains("diskwarden stopped");
  }

  @Test
  void everythingUnderTheLogAndRunDirs_isTheOwnersAndGroupsOnly() throws Exception {
    Shell.Result started = shell.run(bin, "start", "--config", conf.toString());
    assertThat(started.exit()).as(started.output()).isZero();
    await().until(() -> Files.exists(runDir.resolve("diskwarden.state")));
    assertThat(shell.run(bin, "stop").exit()).isZero();

    List<Path> all = new java.util.ArrayList<>();
    for (Path d : List.of(logDir, runDir)) {
      try (var s = Files.walk(d)) {
        s.forEach(all::add);
      }
    }
    assertThat(all).extracting(p -> p.getFileName().toString()).contains("diskwarden.log", "diskwarden.out");
    // a background agent's log lines go to the rolling log only, not a second time to diskwarden.out
    assertThat(Files.readString(logDir.resolve("diskwarden.log"))).contains("diskwarden started");
    assertThat(Files.readString(logDir.resolve("diskwarden.out"))).doesNotContain("diskwarden started");
    for (Path p : all) {
      String mode = java.nio.file.attribute.PosixFilePermissions.toString(
          Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS));
      assertThat(mode).as(p.toString()).isEqualTo(Files.isDirectory(p) ? "rwxr-x---" : "rw-r-----");
    }
  }

  @Test
  void linksPlantedAtThePidReadyAndStateFiles_leaveTheirTargetsUntouched() throws Exception {
    Files.createDirectories(runDir);
    List<Path> victims = new java.util.ArrayList<>();
    java.nio.file.attribute.FileTime stamp = java.nio.file.attribute.FileTime.from(
        java.time.Instant.now().minus(Duration.ofDays(3)));
    for (String name : List.of("diskwarden.pid", "diskwarden.ready", "diskwarden.ready.tmp", "diskwarden.state",
        "diskwarden.state.tmp")) {
      Path victim = Files.writeString(dir.resolve("victim-" + name), "root's " + name);
      Files.setLastModifiedTime(victim, stamp);
      Files.createSymbolicLink(runDir.resolve(name), victim);
      victims.add(victim);
    }

    Shell.Result started = shell.run(bin, "start", "--config", conf.toString());
    assertThat(started.exit()).as(started.output()).isZero();
    await().until(() -> Files.isRegularFile(runDir.resolve("diskwarden.state"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    assertThat(shell.run(bin, "stop").exit()).isZero();

    for (Path victim : victims) {
      assertThat(victim).hasContent("root's " + victim.getFileName().toString().substring("victim-".length()));
      assertThat(Files.getLastModifiedTime(victim)).isEqualTo(stamp);
    }
  }

  @Test
  void stalePidFile_isReportedByStatus_andReplacedByStart() throws Exception {
    Files.createDirectories(runDir);
    // a live pid that is not diskwarden: this test JVM
    Files.writeString(runDir.resolve("diskwarden.pid"), ProcessHandle.current().pid() + "\n");

    assertThat(shell.run(bin, "status").exit()).isEqualTo(1);
    Shell.Result started = shell.run(bin, "start", "--config", conf.toString());

    assertThat(started.exit()).as(started.output()).isZero();
    assertThat(started.output()).contains("stale pid file");
    assertThat(pid()).isPresent().get().isNotEqualTo(ProcessHandle.current().pid());
    assertThat(shell.run(bin, "status").exit()).isZero();
  }

  @Test
  void killedAgent_isRunningAgainAfterOneWatchdogCall() throws Exception {
    assertThat(shell.run(bin, "start", "--config", conf.toString()).exit()).isZero();
    long first = pid().orElseThrow();
    ProcessHandle.of(first).orElseThrow().destroyForcibly();
    await().until(() -> !ProcessHandle.of(first).map(ProcessHandle::isAlive).orElse(false));

    Shell.Result watchdog = shell.run(bin, "watchdog", "--config", conf.toString());

    assertThat(watchdog.exit()).isZero();
    long second = pid().orElseThrow();
    assertThat(second).isNotEqualTo(first);
    assertThat(shell.run(bin, "status").exit()).isZero();
    assertThat(Files.readString(logDir.resolve("watchdog.log"))).contains("stale pid file").contains("starting it")
        .contains("agent started (pid " + second + ")");
    assertThat(shell.run(bin, "watchdog", "--config", conf.toString()).exit()).isZero();
    assertThat(pid()).contains(second);
  }

  @Test
  void watchdogLoop_restartsAKilledAgentWithinTheInterval() throws Exception {
    Process loop = shell.builder(bin, "watchdog", "--loop", "--interval", "1s", "--config", conf.toString())
        .redirectOutput(dir.resolve("loop.out").toFile()).start();
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> pid().isPresent() && shell.run(bin, "status").exit() == 0);
      long first = pid().orElseThrow();
      ProcessHandle.of(first).orElseThrow().destroyForcibly();

      await().atMost(Duration.ofSeconds(60)).until(() -> pid().filter(p -> p != first).isPresent()
          && shell.run(bin, "status").exit() == 0);
    } finally {
      Shell.killTree(loop);
    }
  }

  @Test
  void demo_onAFreshClone_plansCleansAndStopsCleanly() throws Exception {
    Shell.Result demo = shell.env("TMPDIR", dir.toString()).run(bin, "demo");

    assertThat(demo.exit()).as(demo.output()).isZero();
    assertThat(demo.output()).contains("what a cleanup would remove", "models/versions/v001",
        "Deleted old version: v001", "diskwarden demo: freed 14.0MB");
    // as root the tree was on a tmpfs the demo unmounts at the end: what stayed is in its last lines
    String left = demo.output().lines().filter(l -> l.startsWith("diskwarden demo: left in ")).findFirst().orElseThrow();
    assertThat(left).contains("./models/versions/v005", "./models/versions/v004").doesNotContain("v001");
  }

  @Test
  void restart_reusesTheStartArguments_andStartWithAnotherConfigIsRefused() throws Exception {
    Path other = Files.createDirectory(dir.resolve("other"));
    Path otherConf = Files.writeString(dir.resolve("other.yml"), Configs.incident(other, "0B", "0B", "full"));
    assertThat(shell.run(bin, "start", "--config", conf.toString()).exit()).isZero();

    Shell.Result restarted = shell.run(bin, "restart");

    assertThat(restarted.exit()).as(restarted.output()).isZero();
    assertThat(shell.run(bin, "status").output()).contains("started with: --config " + conf);
    await().until(() -> Files.readString(logDir.resolve("diskwarden.log")).lines()
        .filter(l -> l.contains("diskwarden started: watching " + dir.resolve("base"))).count() == 2);
    Shell.Result again = shell.run(bin, "start", "--config", otherConf.toString());
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.output()).contains("already running").contains("--config " + conf);
  }

  @Test
  void watchdogLoop_afterFiveFastCrashes_alertsThroughTheAgentsOwnOutlets_withTheRealHostName() throws Exception {
    java.util.List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    com.sun.net.httpserver.HttpServer hook = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext("/hook", ex -> {
      events.add(new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    hook.start();
    Path base = dir.resolve("base");
    Path withHook = Files.writeString(dir.resolve("hook.yml"), Configs.incident(base, "0B", "0B", "full") + """
        notify:
          webhooks:
            - url: http://127.0.0.1:%d/hook
              format: json
        """.formatted(hook.getAddress().getPort()));
    // another holder of base_dir's lock: every start of the agent exits at once
    try (java.nio.channels.FileChannel held = java.nio.channels.FileChannel.open(base.resolve(".diskwarden.lock"),
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
        java.nio.channels.FileLock lock = held.lock()) {
      Process loop = shell.builder(bin, "watchdog", "--loop", "--interval", "1s", "--config", withHook.toString())
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      try {
        await().atMost(Duration.ofSeconds(120)).until(() -> events.stream().anyMatch(e -> e.contains("keeps crashing")));
      } finally {
        Shell.killTree(loop);
        hook.stop(0);
      }
    }
    String alert = events.stream().filter(e -> e.contains("keeps crashing")).findFirst().orElseThrow();
    String host = java.net.InetAddress.getLocalHost().getHostName();
    assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(alert).get("host").asText()).isEqualTo(host);
  }

  @Test
  void agentThatExitsAtOnce_hitsTheBackoff_notARestartStorm() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.yml"), "base_dir: " + dir.resolve("missing") + "\n");
    Process loop = shell.builder(bin, "watchdog", "--loop", "--interval", "1s", "--config", bad.toString())
        .redirectOutput(dir.resolve("loop.out").toFile()).start();
    try {
      await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(logDir.resolve("watchdog.log"))
          && Files.readString(logDir.resolve("watchdog.log")).contains("backing off 4s"));
    } finally {
      Shell.killTree(loop);
    }
    String log = Files.readString(logDir.resolve("watchdog.log"));
    assertThat(log).contains("backing off 1s").contains("backing off 2s").contains("agent failed to start");
    assertThat(log.lines().filter(l -> l.contains("starting it")).count()).isBetween(3L, 4L);
  }

  @Test
  void killNineMidSweep_thenRestart_finishesTheJob_andTheLockDoesNotBlock() throws Exception {
    Path base = dir.resolve("big");
    Tree t = new Tree(base);
    for (int i = 1; i <= 5; i++) {
      Path shards = Files.createDirectories(base.resolve("models/versions/v00" + i + "/shards"));
      for (int f = 0; f < 20_000; f++) {
        Files.createFile(shards.resolve("s" + f));
      }
      Files.writeString(base.resolve("models/versions/v00" + i + "/config.json"), "{}");
      t.age(base.resolve("models/versions/v00" + i), Tree.days(10 - i));
    }
    Path big = Files.writeString(dir.resolve("big.yml"), Configs.incident(base, "1000TB", "1000TB", "full"));
    Path audit = logDir.resolve("audit.jsonl");
    assertThat(shell.run(bin, "start", "--config", big.toString()).exit()).isZero();
    long pid = pid().orElseThrow();
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(audit)
        && Files.readString(audit).contains("\"event\":\"remove\""));
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    await().until(() -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));

    Shell.Result again = shell.run(bin, "clean", "--config", big.toString());

    assertThat(again.output()).doesNotContain("another diskwarden agent");
    for (String gone : List.of("v001", "v002", "v003")) {
      assertThat(base.resolve("models/versions/" + gone)).doesNotExist();
    }
    assertThat(base.resolve("models/versions/v004/shards/s19999")).exists();
    assertThat(base.resolve("models/versions/v005/shards/s0")).exists();
    assertThat(Files.readString(audit)).contains("v001");
  }

  @Test
  void worksThroughASymlink_fromAnyDirectory_andPrintsTheJavaCommandWhenAsked() throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("dw"), Path.of(bin));
    Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));

    Shell.Result version = shell.cwd(elsewhere).env("DISKWARDEN_DEBUG", "1").run(link.toString(), "--version");

    assertThat(version.exit()).isZero();
    assertThat(version.output()).contains("diskwarden " + System.getProperty("diskwarden.version"))
        .contains("org.diskwarden.cli.Main --version").contains("-XX:+UseSerialGC");
  }
}
