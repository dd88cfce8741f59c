package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.WatchSetup;
import org.diskwarden.policy.Held;
import org.diskwarden.sweep.Plan;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Attack 4 of issue 27 on the control files the policies read in a user's tree: the Trainer's
 * {@code trainer_state.json}, DeepSpeed's {@code latest}, a hub cache's {@code refs/main} and a file
 * the compressibility sampler reads. A FIFO, a socket or a 2 GB sparse file in its place, planted by
 * the tree's owner: the plan says so, nothing blocks, and what a rule keeps stays (a run whose
 * pointer cannot be read keeps every checkpoint: the agent does not guess which one is the best).
 */
class ControlFilesTest {
  private static final Duration BOUND = Duration.ofSeconds(60);

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

  /** Plans and cleans, each within the bound; the plan. */
  private Plan planAndClean(DiskWarden warden) {
    return assertTimeoutPreemptively(BOUND, () -> {
      Plan plan = warden.plan();
      warden.clean(true, false);
      return plan;
    });
  }

  private static List<String> names(Path folder) throws Exception {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @ParameterizedTest
  @EnumSource(Planted.class)
  void trainerState_unreadable_theRunKeepsEveryCheckpoint_andThePlanSaysWhy(Planted kind) throws Exception {
    Path run = Files.createDirectories(base.resolve("runs/bert"));
    for (int step = 500; step <= 3000; step += 500) {
      Path c = run.resolve("checkpoint-" + step);
      tree.file(base.relativize(c.resolve("model.safetensors")).toString(), 512, Tree.days(1));
      tree.file(base.relativize(c.resolve("trainer_state.json")).toString(), 10, Tree.days(1));
      Files.writeString(c.resolve("trainer_state.json"), "{\"best_model_checkpoint\": \"" + run.resolve("checkpoint-1000")
          + "\", \"log_history\": []}");
      tree.age(c, Tree.days(1));
    }
    List<String> before = names(run);
    Planted.attackerOwns(dir, run);
    kind.at(run.resolve("checkpoint-3000/trainer_state.json"), Tree.days(1));
    DiskWarden warden = warden("""
        - name: bert
          path: runs/bert
          layout: huggingface
          keep_latest: 2
        """);

    Plan plan = planAndClean(warden);

    assertThat(names(run)).isEqualTo(before);
    assertThat(plan.candidates()).isEmpty();
    assertThat(plan.held()).filteredOn(h -> h.path().getFileName().toString().startsWith("checkpoint-"))
        .hasSize(6)
        .filteredOn(h -> h.why() == Held.Why.UNREADABLE)
        .isNotEmpty()
        .allSatisfy(h -> assertThat(h.reason()).contains("trainer_state.json").contains(kind.shows()));
  }

  @ParameterizedTest
  @EnumSource(Planted.class)
  void deepSpeedLatest_unreadable_everyTagStays_andThePlanSaysWhy(Planted kind) throws Exception {
    Path ds = Files.createDirectories(base.resolve("ds_out"));
    for (int step = 100; step <= 600; step += 100) {
      tree.file("ds_out/global_step" + step + "/mp_rank_00_model_states.pt", 256, Tree.days(20 - step / 100));
      tree.age(ds.resolve("global_step" + step), Tree.days(20 - step / 100));
    }
    Planted.attackerOwns(dir, ds);
    kind.at(ds.resolve("latest"), Tree.days(9));
    List<String> before = names(ds);
    DiskWarden warden = warden("""
        - name: ds
          path: ds_out
          layout: deepspeed
          keep_latest: 1
        """);

    Plan plan = planAndClean(warden);

    assertThat(names(ds)).isEqualTo(before);
    assertThat(plan.candidates()).isEmpty();
    assertThat(plan.held()).filteredOn(h -> h.why() == Held.Why.UNREADABLE).hasSize(5)
        .allSatisfy(h -> assertThat(h.reason()).contains("latest").contains(kind.shows()));
  }

  @ParameterizedTest
  @EnumSource(Planted.class)
  void hubRef_unreadable_theRepositoryIsLeftAlone_andThePlanSaysWhy(Planted kind) throws Exception {
    Path repo = Files.createDirectories(base.resolve("hub/models--org--bert"));
    for (String rev : List.of("aaa111", "bbb222", "ccc333")) {
      tree.file("hub/models--org--bert/blobs/w-" + rev, 1000, Tree.days(90));
      Path s = Files.createDirectories(repo.resolve("snapshots/" + rev));
      Files.createSymbolicLink(s.resolve("model.bin"), Path.of("../../blobs/w-" + rev));
      Tree.setNoFollow(s.resolve("model.bin"), java.nio.file.attribute.FileTime.from(
          java.time.Instant.now().minus(Tree.days(90))));
      Files.setLastModifiedTime(s, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(Tree.days(90))));
    }
    Files.createDirectories(repo.resolve("refs"));
    Planted.attackerOwns(dir, repo);
    kind.at(repo.resolve("refs/main"), Tree.days(90));
    DiskWarden warden = warden("""
        - name: hub
          path: hub
          layout: hf_cache
          keep_latest: 1
        """);

    Plan plan = planAndClean(warden);

    assertThat(names(repo.resolve("snapshots"))).containsExactly("aaa111", "bbb222", "ccc333");
    assertThat(plan.candidates()).isEmpty();
    assertThat(plan.held()).filteredOn(h -> h.path().equals(repo)).singleElement().satisfies(h -> {
      assertThat(h.why()).isEqualTo(Held.Why.UNREADABLE);
      assertThat(h.reason()).contains("refs/main").contains(kind.shows());
    });
  }

  @ParameterizedTest
  @EnumSource(Planted.class)
  void sampledFile_special_thePlanEstimatesWithoutBlocking(Planted kind) throws Exception {
    Path logs = Files.createDirectories(base.resolve("logs"));
    for (int v = 1; v <= 3; v++) {
      tree.file("logs/run" + v + "/train.log", 50_000, Tree.days(10 - v));
      tree.age(logs.resolve("run" + v), Tree.days(10 - v));
    }
    Planted.attackerOwns(dir, logs);
    kind.at(logs.resolve("run1/events.out"), Tree.days(9));
    DiskWarden warden = warden("""
        - name: logs
          path: logs
          keep_latest: 1
          action: compress
        """);

    Plan plan = assertTimeoutPreemptively(BOUND, warden::plan);

    assertThat(plan.candidates()).extracting(c -> c.path().getFileName().toString()).contains("run1", "run2");
    assertThat(plan.held()).filteredOn(h -> h.why() == Held.Why.KEPT_BY_RULE)
        .extracting(h -> h.path().getFileName().toString()).containsExactly("run3");
  }
}
