package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.diskwarden.config.CleanupMode;
import org.diskwarden.policy.Candidate;
import org.diskwarden.policy.Held;
import org.diskwarden.sweep.Plan;
import org.diskwarden.sweep.PlanText;
import org.junit.jupiter.api.Test;

/**
 * Issue 29's cases with trees as the frameworks write them ({@link FrameworkFixtures}): after cleanup
 * the best model and the checkpoint each framework would resume from exist and are complete.
 */
class FrameworkCasesTest extends FrameworkTrees {
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
