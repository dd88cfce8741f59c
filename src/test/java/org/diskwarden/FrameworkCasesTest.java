package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.config.CleanupMode;
import org.diskwarden.policy.Candidate;
import org.diskwarden.policy.Held;
import org.diskwarden.sweep.Plan;
import org.diskwarden.sweep.PlanText;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 29's cases with trees as the frameworks write them ({@link FrameworkFixtures}): after cleanup
 * the best model and the checkpoint each framework would resume from exist and are complete.
 */
class FrameworkCasesTest {
  @TempDir
  Path dir;

  Path base;
  Tree tree;
  FrameworkFixtures fx;

  @BeforeEach
  void setUp() throws Exception {
    base = Files.createDirectory(dir.resolve("base"));
    tree = new Tree(base);
    fx = new FrameworkFixtures(tree);
  }

  private DiskWarden warden(String policy) throws Exception {
    return new DiskWarden(Configs.parse(Configs.alwaysLow(base, "min_age: 30m", policy)), dir.resolve("logs"),
        Clock.systemUTC());
  }

  static List<String> names(Path folder) throws Exception {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static final String BERT = """
      - name: bert
        path: runs/bert
        layout: huggingface
        keep_latest: 1
      """;

  /** A run of checkpoint-500 .. checkpoint-3000, every trainer_state.json as {@code state} says. */
  private Path trainerRun(java.util.function.IntFunction<String> state) throws Exception {
    Path out = Files.createDirectories(base.resolve("runs/bert"));
    for (int step = 500; step <= 3000; step += 500) {
      fx.hfCheckpoint(out, step, state.apply(step), Tree.days(40 - step / 100));
    }
    return out;
  }

  @Test
  void huggingFace_trainedInAContainer_theBestByBestGlobalStepStays() throws Exception {
    Path out = trainerRun(step -> FrameworkFixtures.trainerState(1000, "/workspace/out/checkpoint-1000", step));

    Plan plan = warden(BERT).plan();
    warden(BERT).clean(true, false).orElseThrow();

    assertThat(names(out)).containsExactly("checkpoint-1000", "checkpoint-3000");
    assertThat(plan.held()).filteredOn(h -> h.path().endsWith("checkpoint-1000")).singleElement()
        .satisfies(h -> assertThat(h.why()).isEqualTo(Held.Why.BEST));
    // load_best_model_at_end and get_last_checkpoint (the highest checkpoint-N) find whole checkpoints
    for (String c : List.of("checkpoint-1000", "checkpoint-3000")) {
      assertThat(names(out.resolve(c))).containsExactly("model.safetensors", "optimizer.pt", "rng_state.pth",
          "scheduler.pt", "trainer_state.json");
    }
  }

  @Test
  void huggingFace_bestGlobalStepComesBeforeBestModelCheckpoint() throws Exception {
    // _determine_best_metric sets best_global_step at the evaluation; best_model_checkpoint only names a
    // folder that existed at the save (_save_checkpoint), so it can lag behind
    Path out = trainerRun(step -> FrameworkFixtures.trainerState(2000, "/workspace/out/checkpoint-1500", step));

    warden(BERT).clean(true, false).orElseThrow();

    assertThat(names(out)).containsExactly("checkpoint-2000", "checkpoint-3000");
  }

  @Test
  void huggingFace_withoutBestGlobalStep_theLastComponentOfAContainerPathFindsTheBest() throws Exception {
    Path out = trainerRun(step -> FrameworkFixtures.trainerState(null, "/workspace/out/checkpoint-1500", step));

    warden(BERT).clean(true, false).orElseThrow();

    assertThat(names(out)).containsExactly("checkpoint-1500", "checkpoint-3000");
  }

  @Test
  void huggingFace_aBestThatCannotBeFound_holdsEveryCheckpointOfTheRun_andSaysSo() throws Exception {
    Path out = trainerRun(step -> FrameworkFixtures.trainerState(1250, "/workspace/out/checkpoint-1250", step));

    Plan plan = warden(BERT).plan();
    warden(BERT).clean(true, false).orElseThrow();

    assertThat(names(out)).hasSize(6);
    assertThat(plan.candidates()).isEmpty();
    assertThat(plan.held()).filteredOn(h -> h.why() == Held.Why.BEST).hasSize(5)
        .allSatisfy(h -> assertThat(h.reason()).contains("checkpoint-1250").contains("not in the folder"));
  }

  private static final String LIGHTNING_BEST = """
      - name: ckpts
        path: lightning_logs/version_0/checkpoints
        layout: lightning
        order_by: mtime
        keep_latest: 1
        keep_best: {metric: val_loss, mode: min}
      """;

  @Test
  void lightning_roundedMetricNames_everyEntryTyingWithTheBestStays() throws Exception {
    // ModelCheckpoint(filename="{epoch}-{val_loss:.2f}", monitor="val_loss", save_top_k=-1): format_checkpoint_name
    // with auto_insert_metric_name writes "epoch=3-val_loss=0.07.ckpt" for 0.0712 and 0.0734 alike
    Path ckpts = Files.createDirectories(base.resolve("lightning_logs/version_0/checkpoints"));
    double[] losses = {0.41, 0.22, 0.13, 0.0712, 0.09, 0.0734, 0.11};
    for (int e = 0; e < losses.length; e++) {
      fx.lightningFile(ckpts, String.format(java.util.Locale.ROOT, "epoch=%d-val_loss=%.2f.ckpt", e, losses[e]),
          Tree.days(20 - e));
    }
    fx.lightningFile(ckpts, "last.ckpt", Tree.days(13));

    Plan plan = warden(LIGHTNING_BEST).plan();
    warden(LIGHTNING_BEST).clean(true, false).orElseThrow();

    assertThat(names(ckpts)).containsExactly("epoch=3-val_loss=0.07.ckpt", "epoch=5-val_loss=0.07.ckpt",
        "epoch=6-val_loss=0.11.ckpt", "last.ckpt");
    assertThat(plan.held()).filteredOn(h -> h.why() == Held.Why.BEST).extracting(Held::reason)
        .anySatisfy(r -> assertThat(r).contains("a tie at the precision the names show"));
  }

  @Test
  void lightning_aReRunIntoTheSameFolder_eachRunKeepsItsBestAndItsNewest() throws Exception {
    // the second run (same seed) writes the same names; _get_metric_interpolated_filepath_name adds -v1,
    // and _save_last_checkpoint writes last-v1.ckpt
    Path ckpts = Files.createDirectories(base.resolve("lightning_logs/version_0/checkpoints"));
    double[] losses = {0.52, 0.31, 0.12, 0.19, 0.25};
    for (String run : List.of("", "-v1")) {
      int later = run.isEmpty() ? 0 : 10;
      for (int e = 0; e < losses.length; e++) {
        fx.lightningFile(ckpts, String.format(java.util.Locale.ROOT, "epoch=%d-val_loss=%.2f%s.ckpt", e, losses[e],
            run), Tree.days(30 - later - e));
      }
      fx.lightningFile(ckpts, "last" + run + ".ckpt", Tree.days(26 - later));
    }

    warden(LIGHTNING_BEST).clean(true, false).orElseThrow();

    assertThat(names(ckpts)).containsExactly("epoch=2-val_loss=0.12-v1.ckpt", "epoch=2-val_loss=0.12.ckpt",
        "epoch=4-val_loss=0.25-v1.ckpt", "epoch=4-val_loss=0.25.ckpt", "last-v1.ckpt", "last.ckpt");
  }

  @Test
  void lightning_theBestModelPathInLastCkpt_staysWhenTheNamesShowNoMetric_readWithoutUnpickling() throws Exception {
    // ModelCheckpoint(monitor="val_loss", save_top_k=2, save_last=True), default filename "{epoch}-{step}",
    // trained in a container: best_model_path is /workspace/ckpts/epoch=3-step=400.ckpt
    Path ckpts = Files.createDirectories(base.resolve("lightning_logs/version_2/checkpoints"));
    for (int e = 0; e <= 6; e++) {
      fx.lightningFile(ckpts, "epoch=" + e + "-step=" + (e + 1) * 100 + ".ckpt", Tree.days(20 - e));
    }
    fx.lightningLast(ckpts.resolve("last.ckpt"), Tree.days(13), "/workspace/ckpts/epoch=3-step=400.ckpt",
        "/workspace/ckpts/epoch=5-step=600.ckpt");
    String policy = """
        - name: ckpts
          path: lightning_logs/version_2/checkpoints
          layout: lightning
          keep_latest: 1
        """;

    Plan plan = warden(policy).plan();
    warden(policy).clean(true, false).orElseThrow();

    assertThat(names(ckpts)).containsExactly("epoch=3-step=400.ckpt", "epoch=6-step=700.ckpt", "last.ckpt");
    assertThat(plan.held()).filteredOn(h -> h.why() == Held.Why.BEST).singleElement()
        .satisfies(h -> assertThat(h.reason()).isEqualTo("kept: best (best_model_path in last.ckpt)"));
  }

  @Test
  void lightning_aFifoOrAHugeSparseFileAsLastCkpt_isNeitherWaitedOnNorReadWhole() throws Exception {
    Path ckpts = Files.createDirectories(base.resolve("lightning_logs/version_2/checkpoints"));
    for (int e = 0; e <= 2; e++) {
      fx.lightningFile(ckpts, "epoch=" + e + "-step=" + (e + 1) * 100 + ".ckpt", Tree.days(20 - e));
    }
    assertThat(new ProcessBuilder("mkfifo", ckpts.resolve("last.ckpt").toString()).start().waitFor()).isZero();
    try (java.io.RandomAccessFile sparse = new java.io.RandomAccessFile(ckpts.resolve("last-v1.ckpt").toFile(), "rw")) {
      sparse.setLength(8L << 30);
    }
    fx.lightningFile(ckpts, "epoch=0-step=100-v1.ckpt", Tree.days(9));
    String policy = """
        - name: ckpts
          path: lightning_logs/version_2/checkpoints
          layout: lightning
          keep_latest: 1
        """;

    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20),
        () -> warden(policy).clean(true, false).orElseThrow());

    assertThat(names(ckpts)).containsExactly("epoch=0-step=100-v1.ckpt", "epoch=2-step=300.ckpt", "last-v1.ckpt",
        "last.ckpt");
  }

  @Test
  void lightning_aShardedSaveWithoutItsLatest_takesNoKeptPlace_thePreviousCompleteOneStays() throws Exception {
    Path ckpts = Files.createDirectories(base.resolve("lightning_logs/version_1/checkpoints"));
    fx.lightningSharded(ckpts, "epoch=0-step=100.ckpt", 3, 5, Tree.days(3));
    fx.lightningSharded(ckpts, "epoch=1-step=200.ckpt", 3, 5, Tree.days(2));
    // the writer paused (or died) after 1 of its 5 files, longer ago than min_age
    Path saving = fx.lightningSharded(ckpts, "epoch=2-step=300.ckpt", 3, 1, Tree.hours(2));
    String policy = """
        - name: ckpts
          path: lightning_logs/version_1/checkpoints
          layout: lightning
          keep_latest: 1
        """;

    Plan plan = warden(policy).plan();
    warden(policy).clean(true, false).orElseThrow();

    assertThat(names(ckpts)).containsExactly("epoch=1-step=200.ckpt", "epoch=2-step=300.ckpt");
    assertThat(ckpts.resolve("epoch=1-step=200.ckpt/latest")).hasContent("checkpoint");
    assertThat(plan.held()).filteredOn(h -> h.path().equals(saving)).singleElement()
        .satisfies(h -> assertThat(h.why()).isEqualTo(Held.Why.IN_PROGRESS));
  }

  @Test
  void lightning_anFsdpShardedSaveWithoutItsMetaPt_takesNoKeptPlace() throws Exception {
    Path ckpts = Files.createDirectories(base.resolve("lightning_logs/version_4/checkpoints"));
    fx.lightningFsdp(ckpts, "epoch=0-step=100.ckpt", 4, true, Tree.days(3));
    fx.lightningFsdp(ckpts, "epoch=1-step=200.ckpt", 4, true, Tree.days(2));
    Path saving = fx.lightningFsdp(ckpts, "epoch=2-step=300.ckpt", 4, false, Tree.hours(2));
    String policy = """
        - name: ckpts
          path: lightning_logs/version_4/checkpoints
          layout: lightning
          keep_latest: 1
        """;

    warden(policy).clean(true, false).orElseThrow();

    assertThat(names(ckpts)).containsExactly("epoch=1-step=200.ckpt", "epoch=2-step=300.ckpt");
    assertThat(ckpts.resolve("epoch=1-step=200.ckpt/meta.pt")).exists();
    assertThat(saving).isDirectory();
  }

  @Test
  void huggingFace_aCrashedPartialNewerThanEveryCompleteOne_isHeld_andPlanWarnsResumeWouldPickIt() throws Exception {
    Path out = trainerRun(step -> FrameworkFixtures.trainerState(null, null, step));
    Path crashed = fx.hfCheckpoint(out, 3500, null, Tree.days(2));

    Plan plan = warden(BERT).plan();
    warden(BERT).clean(true, false).orElseThrow();

    assertThat(names(out)).containsExactly("checkpoint-3000", "checkpoint-3500");
    assertThat(plan.held()).filteredOn(h -> h.path().equals(crashed)).singleElement()
        .satisfies(h -> assertThat(h.why()).isEqualTo(Held.Why.PARTIAL_NEWEST));
    assertThat(PlanText.render(plan, base, CleanupMode.FULL)).contains("WARNING: runs/bert/checkpoint-3500: ")
        .contains("resume_from_checkpoint=True would pick this partial checkpoint");
  }

  @Test
  void deepSpeed_withoutALatestFileYet_noTagTakesAKeptPlace_everyTagIsHeld() throws Exception {
    Path ds = Files.createDirectories(base.resolve("ds_out"));
    fx.deepSpeedTag(ds, 100, Tree.days(3));
    fx.deepSpeedTag(ds, 200, Tree.days(2));
    String policy = """
        - name: ds
          path: ds_out
          layout: deepspeed
          keep_latest: 1
        """;

    Plan plan = warden(policy).plan();

    assertThat(plan.candidates()).isEmpty();
    assertThat(plan.held()).hasSize(2).allSatisfy(h -> {
      assertThat(h.why()).isEqualTo(Held.Why.IN_PROGRESS);
      assertThat(h.reason()).startsWith("held: no latest file names a tag yet");
    });
  }

  @Test
  void leftovers_rewoundDeepSpeedTags_staleStagingFolders_olderPartials_goEachWithItsReason() throws Exception {
    Path ds = Files.createDirectories(base.resolve("ds_out"));
    for (int step = 100; step <= 900; step += 100) {
      fx.deepSpeedTag(ds, step, Tree.days(20 - step / 100));
    }
    // resumed from global_step500 (load_checkpoint(tag=...)), saved global_step600 again: latest names it
    fx.deepSpeedTag(ds, 600, Tree.days(1));
    fx.deepSpeedLatest(ds, 600, Tree.days(1));
    Path out = trainerRun(step -> FrameworkFixtures.trainerState(null, null, step));
    fx.hfCheckpoint(out, 1200, null, Tree.days(30));
    tree.file("runs/bert/tmp-checkpoint-1700/model.safetensors", 512, Tree.days(25));
    tree.age(out.resolve("tmp-checkpoint-1700"), Tree.days(25));
    tree.file("runs/bert/tmp-checkpoint-3500/model.safetensors", 512, Duration.ofMinutes(1));
    String policies = """
        - name: ds
          path: ds_out
          layout: deepspeed
          keep_latest: 1
        """ + BERT;

    Plan plan = warden(policies).plan();
    warden(policies).clean(true, false).orElseThrow();

    assertThat(names(ds)).containsExactly("global_step600", "latest");
    // load_checkpoint(save_dir) reads latest and finds its tag whole
    assertThat(names(ds.resolve(Files.readString(ds.resolve("latest")))))
        .containsExactly("mp_rank_00_model_states.pt", "zero_pp_rank_0_mp_rank_00_optim_states.pt");
    assertThat(names(out)).containsExactly("checkpoint-3000", "tmp-checkpoint-3500");
    assertThat(plan.candidates()).filteredOn(c -> c.path().getFileName().toString().equals("global_step800"))
        .singleElement().extracting(Candidate::reason).asString().startsWith("leftover: tag above latest");
    assertThat(plan.candidates()).filteredOn(c -> c.path().endsWith("tmp-checkpoint-1700")).singleElement()
        .extracting(Candidate::reason).asString().startsWith("leftover: staging folder");
    assertThat(plan.candidates()).filteredOn(c -> c.path().endsWith("checkpoint-1200")).singleElement()
        .extracting(Candidate::reason).asString().startsWith("abandoned partial save");
  }
}
