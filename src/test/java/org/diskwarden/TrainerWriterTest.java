package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.WatchSetup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trainer saving while the agent sweeps every 2 s: an Orbax writer making tmp folders and renaming
 * them, a Megatron writer updating the tracker after each save. Each save's files are dated as a run
 * a day long would date them (the save in flight now, finished ones in the past), so the agent has
 * old entries to remove all the time. The writer checks, around every save, that the resume point and
 * the save before it are complete and that its save in flight is untouched.
 */
class TrainerWriterTest {
  private static final int SHARDS = 3;
  private static final Duration RUN = Duration.ofSeconds(12);

  @TempDir
  Path dir;

  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final Instant start = Instant.now().minus(Duration.ofDays(1));

  private DiskWarden agent(Path base, String layout, String path) throws Exception {
    DiskWarden warden = new DiskWarden(WatchSetup.of(Configs.parse(Configs.alwaysLow(base,
        "min_age: 5s\ncheck_interval: 2s", """
        - name: run
          path: %s
          layout: %s
          keep_latest: 2
          keep_every_steps: 1000
        """.formatted(path, layout))), dir.resolve("logs"), Clock.systemUTC()));
    warden.start();
    return warden;
  }

  /** A save's shards written now (young), plus {@code marker} when given. */
  private static void write(Path save, String marker) throws IOException {
    Files.createDirectories(save.resolve("mp_rank_00"));
    for (int s = 0; s < SHARDS; s++) {
      Files.write(save.resolve("mp_rank_00/shard" + s + ".bin"), new byte[4096]);
    }
    if (marker != null) {
      Files.writeString(save.resolve(marker), "{}");
    }
  }

  private static void date(Path p, Instant t) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.setLastModifiedTime(f, FileTime.from(t));
      }
    }
  }

  private void complete(Path save, String when) {
    for (int s = 0; s < SHARDS; s++) {
      if (!Files.exists(save.resolve("mp_rank_00/shard" + s + ".bin"))) {
        violations.add(when + ": " + save.getFileName() + " lost shard " + s);
      }
    }
  }

  private static Set<String> names(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return new TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void orbaxWriter_renamingTmpFolders_neverLosesTheRestoredStepNorItsSaveInFlight() throws Exception {
    Path base = Files.createDirectory(dir.resolve("base"));
    Path run = Files.createDirectories(base.resolve("ckpt"));
    Path crashed = run.resolve("50.orbax-checkpoint-tmp-1733212800");
    write(crashed, "_CHECKPOINT_METADATA");
    date(crashed, start.minus(Duration.ofHours(1)));
    DiskWarden warden = agent(base, "orbax", "ckpt");
    int k = 0;
    try {
      Instant until = Instant.now().plus(RUN);
      while (Instant.now().isBefore(until)) {
        k++;
        Path tmp = run.resolve(k * 100 + ".orbax-checkpoint-tmp");
        write(tmp, "_CHECKPOINT_METADATA");
        Thread.sleep(300); // the other hosts' shards and the barrier before finalize: workload
        for (int back = 1; back <= 2 && k - back >= 1; back++) {
          complete(run.resolve(Integer.toString((k - back) * 100)), "while saving " + k * 100);
        }
        complete(tmp, "before its rename");
        Path done = Files.move(tmp, run.resolve(Integer.toString(k * 100)));
        date(done, start.plusSeconds(10L * k));
        complete(done, "after its rename");
      }
    } finally {
      warden.stop();
    }
    int saves = k;
    assertThat(saves).isGreaterThan(10);
    assertThat(violations).isEmpty();
    DiskWarden again = agent(base, "orbax", "ckpt");
    try {
      Set<String> expected = new TreeSet<>(List.of(Integer.toString((saves - 1) * 100), Integer.toString(saves * 100)));
      for (int s = 10; s <= saves; s += 10) {
        expected.add(Integer.toString(s * 100));
      }
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(names(run)).isEqualTo(expected));
    } finally {
      again.stop();
    }
    assertThat(Files.readString(dir.resolve("logs/audit.jsonl"))).contains("unfinished Orbax save");
  }

  @Test
  void megatronWriter_updatingTheTrackerAfterEachSave_neverLosesTheTrackedIterationNorTheSaveInProgress()
      throws Exception {
    Path base = Files.createDirectory(dir.resolve("base"));
    Path run = Files.createDirectories(base.resolve("megatron"));
    Path tracker = run.resolve("latest_checkpointed_iteration.txt");
    // a rewind leftover: far above every iteration this run tracks, and older than the tracker
    Path leftover = run.resolve("iter_0099000");
    write(leftover, null);
    date(leftover, start.minus(Duration.ofHours(1)));
    DiskWarden warden = agent(base, "megatron", "megatron");
    int k = 0;
    try {
      Instant until = Instant.now().plus(RUN);
      while (Instant.now().isBefore(until)) {
        k++;
        Path save = run.resolve(String.format("iter_%07d", k * 100));
        write(save, null);
        // the save is done writing and dated in the run's past, but not tracked yet: a save in progress
        date(save, start.plusSeconds(10L * k));
        Thread.sleep(300); // the barrier (or the async finalize) before the tracker is written: workload
        for (int back = 1; back <= 2 && k - back >= 1; back++) {
          complete(run.resolve(String.format("iter_%07d", (k - back) * 100)), "while saving " + k * 100);
        }
        complete(save, "before the tracker names it");
        Files.writeString(tracker, Integer.toString(k * 100));
        Files.setLastModifiedTime(tracker, FileTime.from(start.plusSeconds(10L * k + 5)));
        complete(save, "after the tracker names it");
      }
    } finally {
      warden.stop();
    }
    int saves = k;
    assertThat(saves).isGreaterThan(10);
    assertThat(violations).isEmpty();
    DiskWarden again = agent(base, "megatron", "megatron");
    try {
      Set<String> expected = new TreeSet<>(List.of(String.format("iter_%07d", (saves - 1) * 100),
          String.format("iter_%07d", saves * 100), "latest_checkpointed_iteration.txt"));
      for (int s = 10; s <= saves; s += 10) {
        expected.add(String.format("iter_%07d", s * 100));
      }
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(names(run)).isEqualTo(expected));
    } finally {
      again.stop();
    }
    assertThat(Files.readString(dir.resolve("logs/audit.jsonl"))).contains("iter_0099000", "rewind leftover");
  }
}
