package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.diskwarden.policy.Held;
import org.diskwarden.sweep.Plan;
import org.junit.jupiter.api.Test;

/**
 * Issue 29's Lightning cases, trees as ModelCheckpoint and the strategies write them
 * ({@link FrameworkFixtures}): the best (by the names, and by the best_model_path in last.ckpt) and
 * the last complete checkpoint of each run stay.
 */
class LightningCasesTest extends FrameworkTrees {
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
}
