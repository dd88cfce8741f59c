package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.diskwarden.archive.TreeSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 in the middle of a compress or a move, then a restart through bin/diskwarden: the original
 * is intact and nothing half-written is left.
 */
class KeepKillIT {
  @TempDir
  Path dir;

  Path base;
  Path logDir;
  Shell shell;
  Process running;
  final String bin = Path.of("bin/diskwarden").toAbsolutePath().toString();

  @BeforeEach
  void setUp() throws IOException {
    base = Files.createDirectories(dir.resolve("base/models/backups")).getParent().getParent();
    logDir = dir.resolve("logs");
    shell = new Shell().env("DISKWARDEN_RUN_DIR", dir.resolve("run").toString())
        .env("DISKWARDEN_LOG_DIR", logDir.toString()).env("DISKWARDEN_STOP_TIMEOUT", "20").cwd(dir);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (running != null) {
      Shell.killTree(running);
    }
    shell.run(bin, "stop");
  }

  private Path config(String minFree, String action) throws IOException {
    return Files.writeString(dir.resolve("keep-" + minFree + ".yml"), """
        base_dir: %s
        min_free: %s
        min_free_percent: 0
        target_free: %s
        target_free_percent: 0
        cleanup_mode: full
        policies:
          - name: backups
            path: models/backups
            group_by: '^(.+?)_\\d{8}'
            keep_latest: 1
        %s
        """.formatted(base, minFree, minFree, action.indent(4).stripTrailing()));
  }

  private Path backup(String name, int days) {
    Path b = base.resolve("models/backups").resolve(name);
    new Tree(base).file("models/backups/" + name + "/config.json", 100, Duration.ZERO);
    return new Tree(base).age(b, Tree.days(days));
  }

  private static List<Path> partials(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".diskwarden-partial")).toList();
    }
  }

  /** Kills the clean once {@code partial} is being written, restarts the agent, stops it. */
  private void killMidWayThenRestart(String action, Path partial) throws Exception {
    running = shell.builder(bin, "clean", "--force", "--config", config("1000TB", action).toString())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(partial));
    Shell.killTree(running);
    running.waitFor();
    assertThat(partial).as("killed half-way").exists();

    // the restart is above its trigger: only the start-up clean-up can have removed the leftover
    Shell.Result started = shell.run(bin, "start", "--config", config("0B", action).toString());
    assertThat(started.exit()).as(started.output()).isZero();
    assertThat(shell.run(bin, "stop").exit()).isZero();
  }

  @Test
  void killNineMidCompress_thenRestart_originalIntact_noLeftovers() throws Exception {
    Path old = backup("db_20251101", 9);
    StringBuilder text = new StringBuilder();
    Random r = new Random(1);
    while (text.length() < 24 << 20) {
      text.append("step ").append(r.nextInt()).append(" loss ").append(r.nextDouble()).append('\n');
    }
    Files.writeString(old.resolve("train.log"), text);
    new Tree(base).age(old, Tree.days(9));
    backup("db_20251103", 7);
    List<String> before = TreeSnapshot.of(old);
    Path partial = base.resolve("models/backups/.db_20251101.tar.zst.diskwarden-partial");

    // level 19 is slow enough to be caught in the middle
    killMidWayThenRestart("action: compress\ncompress_level: 19", partial);

    assertThat(TreeSnapshot.of(old)).isEqualTo(before);
    assertThat(partials(base)).isEmpty();
    assertThat(base.resolve("models/backups/db_20251101.tar.zst")).doesNotExist();
    assertThat(Files.readString(logDir.resolve("audit.jsonl"))).contains("\"outcome\":\"discarded\"");
  }

  @Test
  void killNineMidMove_thenRestart_originalIntact_noLeftovers() throws Exception {
    try (Tmpfs archive = Tmpfs.mount(dir.resolve("archive"), 512)) {
      Path old = backup("ckpt_20251101", 9);
      byte[] shard = new byte[4096];
      for (int i = 0; i < 30_000; i++) {
        new Random(i).nextBytes(shard);
        Files.write(Files.createDirectories(old.resolve("shards/" + i % 100)).resolve("s" + i), shard);
      }
      new Tree(base).age(old, Tree.days(9));
      backup("ckpt_20251103", 7);
      List<String> before = TreeSnapshot.of(old);
      Path partial = archive.root().resolve(".ckpt_20251101.diskwarden-partial");

      killMidWayThenRestart("action: move\nmove_to: " + archive.root(), partial);

      assertThat(TreeSnapshot.of(old)).isEqualTo(before);
      assertThat(partials(archive.root())).isEmpty();
      assertThat(partials(base)).isEmpty();
      try (Stream<Path> left = Files.list(archive.root())) {
        assertThat(left).isEmpty();
      }
    }
  }

  @Test
  void killNineMidRemoval_aboveTheTarget_thenClean_finishesIt_andRecordsTheOutcome() throws Exception {
    Path big = Files.createDirectories(base.resolve("models/versions/v001"));
    byte[] shard = new byte[16];
    for (int i = 0; i < 60_000; i++) {
      Files.write(Files.createDirectories(big.resolve("shards/" + i % 200)).resolve("s" + i), shard);
    }
    new Tree(base).age(big, Tree.days(9));
    new Tree(base).version("models/versions/v002", 100, Tree.days(8));
    new Tree(base).version("models/versions/v003", 100, Tree.days(7));
    Path config = Files.writeString(dir.resolve("versions.yml"), """
        base_dir: %s
        min_free: 1MB
        min_free_percent: 0
        cleanup_mode: full
        policies:
          - name: versions
            path: models/versions
            keep_latest: 2
        """.formatted(base));

    running = shell.builder(bin, "clean", "--force", "--config", config.toString())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    Path audit = logDir.resolve("audit.jsonl");
    // killed the moment the removal began (its audit line is forced before the first unlink)
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(1)).until(() -> Files.exists(audit)
        && Files.readString(audit).contains(big + "\""));
    Shell.killTree(running);
    running.waitFor();
    assertThat(countFiles(big)).as("killed half-way").isPositive();
    assertThat(Files.readString(audit)).doesNotContain("\"outcome\"");

    // free space is far above the 1 MB trigger: only finishing the begun removal can take it now
    Shell.Result clean = shell.run(bin, "clean", "--config", config.toString());

    assertThat(clean.exit()).as(clean.output()).isZero();
    assertThat(big).doesNotExist();
    assertThat(base.resolve("models/versions/v002")).exists();
    assertThat(Files.readString(logDir.resolve("audit.jsonl")).lines()
        .filter(l -> l.contains("\"event\":\"outcome\"") && l.contains(big + "\""))
        .filter(l -> l.contains("\"outcome\":\"removed\""))).hasSize(1);
  }

  private static long countFiles(Path root) throws IOException {
    if (!Files.exists(root)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).count();
    }
  }
}
