package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.WatchSetup;
import org.diskwarden.policy.Held;
import org.diskwarden.sweep.Plan;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fixture trees laid out as Orbax and Megatron-LM write them, and thinning on a Hugging Face run (no
 * framework needed).
 *
 * <p>Orbax, per {@code orbax/checkpoint/_src/path/atomicity.py} ({@code AtomicRenameTemporaryPath}:
 * a save goes to {@code <step>.orbax-checkpoint-tmp}, earlier releases
 * {@code <step>.orbax-checkpoint-tmp-<timestamp>}, and {@code finalize} renames it to {@code <step>})
 * and {@code path/step.py} ({@code is_tmp_checkpoint}: the suffix in the name; a finalized step holds
 * {@code _CHECKPOINT_METADATA}). Megatron-LM, per {@code megatron/training/checkpointing.py}
 * ({@code get_checkpoint_name}: {@code iter_{:07d}/mp_rank_XX/model_optim_rng.pt} or {@code release/};
 * {@code get_checkpoint_tracker_filename}: {@code latest_checkpointed_iteration.txt}, written after the
 * save; {@code read_metadata}: an integer or {@code release}).
 */
class TrainerLayoutsTest {
  @TempDir
  Path dir;

  Path base;
  Tree tree;

  @BeforeEach
  void setUp() throws Exception {
    base = Files.createDirectory(dir.resolve("base"));
    tree = new Tree(base);
  }

  private DiskWarden warden(String policy) throws Exception {
    return new DiskWarden(WatchSetup.of(Configs.parse(Configs.alwaysLow(base, "min_age: 30m", policy)),
        dir.resolve("logs"),
        Clock.systemUTC()));
  }

  private static List<String> names(Path folder) throws Exception {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private String audit() throws Exception {
    return Files.readString(dir.resolve("logs/audit.jsonl"));
  }

  /** An Orbax step folder: items state/ and metadata, dated {@code age} ago. */
  private Path orbaxStep(Path root, String name, boolean metadata, Duration age) throws Exception {
    Path step = root.resolve(name);
    tree.file(base.relativize(step.resolve("state/array_metadatas/process_0")).toString(), 512, age);
    tree.file(base.relativize(step.resolve("state/d/0.0")).toString(), 2048, age);
    if (metadata) {
      tree.file(base.relativize(step.resolve("_CHECKPOINT_METADATA")).toString(), 64, age);
    }
    tree.age(step, age);
    return step;
  }

  @Test
  void orbax_resumeStepStays_saveInFlightHeld_crashLeftoverAndPartialGoWithTheirReasons() throws Exception {
    Path root = Files.createDirectories(base.resolve("maxtext/run1/checkpoints"));
    for (int step = 100; step <= 500; step += 100) {
      orbaxStep(root, Integer.toString(step), true, Tree.days(10 - step / 100));
    }
    // a save in flight, newer than every finalized step and younger than min_age
    Path inFlight = orbaxStep(root, "600.orbax-checkpoint-tmp", false, Duration.ofMinutes(2));
    // a crash leftover from an older release's naming, days old
    Path crashed = orbaxStep(root, "450.orbax-checkpoint-tmp-1733212800", true, Tree.days(3));
    // a step folder without _CHECKPOINT_METADATA below the newest finalized one
    Path partial = orbaxStep(root, "350", false, Tree.days(4));
    DiskWarden warden = warden("""
        - name: orbax
          path: maxtext/run1/checkpoints
          layout: orbax
          keep_latest: 2
        """);

    Plan plan = warden.plan();
    warden.clean(true, false).orElseThrow();

    assertThat(names(root)).containsExactlyInAnyOrder("400", "500", "600.orbax-checkpoint-tmp");
    assertThat(root.resolve("500/_CHECKPOINT_METADATA")).exists();
    assertThat(plan.held()).filteredOn(h -> h.path().equals(inFlight)).singleElement()
        .satisfies(h -> assertThat(h.why()).isEqualTo(Held.Why.YOUNG));
    // the save in flight took no kept place: keep_latest 2 kept the two newest finalized steps
    assertThat(plan.held()).filteredOn(h -> h.why() == Held.Why.KEPT_BY_RULE)
        .extracting(h -> h.path().getFileName().toString()).containsExactlyInAnyOrder("400", "500");
    assertThat(plan.candidates()).filteredOn(c -> c.path().equals(crashed)).singleElement()
        .satisfies(c -> assertThat(c.reason()).startsWith("unfinished Orbax save"));
    assertThat(plan.candidates()).filteredOn(c -> c.path().equals(partial)).singleElement()
        .satisfies(c -> assertThat(c.reason()).contains("abandoned partial save (no _CHECKPOINT_METADATA"));
    assertThat(audit()).contains("450.orbax-checkpoint-tmp-1733212800", "unfinished Orbax save",
        "abandoned partial save");
  }

  @Test
  void orbax_aTmpFolderOlderThanMinAge_isALeftoverEvenAboveTheNewestStep() throws Exception {
    Path root = Files.createDirectories(base.resolve("ckpt"));
    orbaxStep(root, "100", true, Tree.days(3));
    Path crashed = orbaxStep(root, "200.orbax-checkpoint-tmp", true, Tree.days(2));
    DiskWarden warden = warden("""
        - name: orbax
          path: ckpt
          layout: orbax
          keep_latest: 1
        """);

    warden.clean(true, false).orElseThrow();

    assertThat(crashed).doesNotExist();
    assertThat(names(root)).containsExactly("100");
  }

  /** A Megatron iteration as {@code save_checkpoint} writes it, its files dated {@code age} ago. */
  private Path iteration(Path root, int iter, Duration age) throws Exception {
    Path it = root.resolve(String.format("iter_%07d", iter));
    tree.file(base.relativize(it.resolve("mp_rank_00/model_optim_rng.pt")).toString(), 1024, age);
    tree.file(base.relativize(it.resolve("mp_rank_01/model_optim_rng.pt")).toString(), 1024, age);
    tree.age(it, age);
    return it;
  }

  private void tracker(Path root, String content, Duration age) throws Exception {
    Path t = root.resolve("latest_checkpointed_iteration.txt");
    Files.writeString(t, content);
    Files.setLastModifiedTime(t, FileTime.from(Instant.now().minus(age)));
  }

  @Test
  void megatron_trackedIterationStays_saveInProgressHeld_rewindLeftoverGoes_releaseNeverAnEntry() throws Exception {
    Path root = Files.createDirectories(base.resolve("megatron/gpt"));
    for (int i = 100; i <= 900; i += 100) {
      iteration(root, i, Tree.days(20 - i / 100));
    }
    // a rewind: the run was restarted from 500 (the tracker rewritten 5 days ago); 600..900 are older
    tracker(root, "500\n", Tree.days(5));
    // the restarted run is saving iteration 1000: files newer than the tracker, not yet tracked
    Path saving = iteration(root, 1000, Duration.ofHours(2));
    tree.file("megatron/gpt/release/mp_rank_00/model_optim_rng.pt", 1024, Tree.days(30));
    tree.age(root.resolve("release"), Tree.days(30));
    tree.file("megatron/gpt/progress.txt", 10, Tree.days(30));
    DiskWarden warden = warden("""
        - name: gpt
          path: megatron/gpt
          layout: megatron
          keep_latest: 1
        """);

    Plan plan = warden.plan();
    warden.clean(true, false).orElseThrow();

    // 600..900 are leftovers, 1000 is in progress: neither is settled, so keep_latest 1 keeps the tracked 500
    assertThat(names(root)).containsExactlyInAnyOrder("iter_0000500", "iter_0001000",
        "latest_checkpointed_iteration.txt", "release", "progress.txt");
    assertThat(root.resolve("iter_0000500/mp_rank_01/model_optim_rng.pt")).exists();
    assertThat(plan.held()).filteredOn(h -> h.path().equals(saving)).singleElement()
        .satisfies(h -> assertThat(h.why()).isEqualTo(Held.Why.IN_PROGRESS));
    assertThat(plan.candidates()).filteredOn(c -> c.path().endsWith("iter_0000700")).singleElement()
        .satisfies(c -> assertThat(c.reason()).startsWith("rewind leftover (iteration 700 is above 500"));
    assertThat(audit()).contains("iter_0000900", "rewind leftover");
  }

  @Test
  void megatron_noTracker_holdsEveryIteration_anUnreadableOneToo() throws Exception {
    Path root = Files.createDirectories(base.resolve("mg"));
    for (int i = 1; i <= 3; i++) {
      iteration(root, i, Tree.days(10 - i));
    }
    DiskWarden warden = warden("""
        - name: mg
          path: mg
          layout: megatron
          keep_latest: 1
        """);

    warden.clean(true, false).orElseThrow();
    assertThat(names(root)).hasSize(3);

    Files.createDirectory(root.resolve("latest_checkpointed_iteration.txt"));
    Plan plan = warden.plan();
    assertThat(plan.candidates()).isEmpty();
    assertThat(plan.held()).anySatisfy(h -> assertThat(h.why()).isEqualTo(Held.Why.UNREADABLE));
  }

  @Test
  void keepEverySteps_onAHuggingFaceRun_keepsTheMultiplesTheBestAndTheSaveInProgress() throws Exception {
    Path out = Files.createDirectories(base.resolve("runs/llama"));
    String best = out.resolve("checkpoint-700").toString();
    for (int step = 100; step <= 2000; step += 100) {
      Path c = out.resolve("checkpoint-" + step);
      tree.file(base.relativize(c.resolve("model.safetensors")).toString(), 512, Tree.days(30 - step / 100));
      Files.writeString(c.resolve("trainer_state.json"), """
          {"best_model_checkpoint": "%s", "global_step": %d}
          """.formatted(best, step));
      tree.age(c, Tree.days(30 - step / 100));
    }
    Path saving = out.resolve("checkpoint-2100");
    tree.file(base.relativize(saving.resolve("model.safetensors")).toString(), 512, Tree.days(5));
    tree.age(saving, Tree.days(5));
    DiskWarden warden = warden("""
        - name: llama
          path: runs/llama
          layout: huggingface
          keep_latest: 1
          keep_every_steps: 500
        """);

    Plan plan = warden.plan();
    warden.clean(true, false).orElseThrow();

    assertThat(names(out)).containsExactlyInAnyOrder("checkpoint-500", "checkpoint-700", "checkpoint-1000",
        "checkpoint-1500", "checkpoint-2000", "checkpoint-2100");
    assertThat(plan.held()).filteredOn(h -> h.path().endsWith("checkpoint-1500")).singleElement()
        .satisfies(h -> assertThat(h.reason()).isEqualTo("kept: every 500 steps (step 1500)"));
    assertThat(plan.held()).filteredOn(h -> h.path().endsWith("checkpoint-2000")).singleElement()
        .satisfies(h -> assertThat(h.reason()).isEqualTo("kept: among the newest 1, every 500 steps (step 2000)"));
    // a save without trainer_state.json, newer than every finished one and older than min_age: the
    // crashed partial resume_from_checkpoint=True would pick (#29), held and taking no kept place
    assertThat(plan.held()).filteredOn(h -> h.path().equals(saving)).singleElement()
        .satisfies(h -> assertThat(h.why()).isEqualTo(Held.Why.PARTIAL_NEWEST));
    assertThat(plan.held()).filteredOn(h -> h.path().endsWith("checkpoint-700")).singleElement()
        .satisfies(h -> assertThat(h.why()).isEqualTo(Held.Why.BEST));
  }

  @Test
  void keepDaily_onAPlainFolder_namesTheDayInThePlan() throws Exception {
    Path backups = Files.createDirectories(base.resolve("backups"));
    Instant now = Instant.now();
    for (int d = 1; d <= 6; d++) {
      // two saves a local day, at 11:00 and 12:00
      java.time.ZonedDateTime noon = java.time.LocalDate.now().minusDays(d).atTime(12, 0)
          .atZone(java.time.ZoneId.systemDefault());
      tree.file("backups/db-" + d + "-a.sql", 100, Duration.between(noon.toInstant(), now));
      tree.file("backups/db-" + d + "-b.sql", 100, Duration.between(noon.minusHours(1).toInstant(), now));
    }
    DiskWarden warden = warden("""
        - name: backups
          path: backups
          keep_daily: 3
        """);

    Plan plan = warden.plan();

    assertThat(plan.held()).filteredOn(h -> h.why() == Held.Why.KEPT_BY_RULE)
        .extracting(h -> h.path().getFileName().toString(), Held::reason).containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("db-1-a.sql", "kept: daily " + java.time.LocalDate.now().minusDays(1)),
            org.assertj.core.groups.Tuple.tuple("db-2-a.sql", "kept: daily " + java.time.LocalDate.now().minusDays(2)),
            org.assertj.core.groups.Tuple.tuple("db-3-a.sql", "kept: daily " + java.time.LocalDate.now().minusDays(3)));
    assertThat(plan.candidates()).hasSize(9)
        .allSatisfy(c -> assertThat(c.reason()).isEqualTo("not kept by daily 3"));
  }
}
