package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
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

/** Fixture trees as the frameworks write them (their documented layouts; no framework needed). */
class FrameworkLayoutsTest {
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

  /** A Trainer checkpoint as Trainer._save_checkpoint writes it. */
  private Path hfCheckpoint(Path out, int step, String best, boolean finished) throws Exception {
    Path c = out.resolve("checkpoint-" + step);
    tree.file(base.relativize(c.resolve("model.safetensors")).toString(), 512, Tree.days(1));
    tree.file(base.relativize(c.resolve("optimizer.pt")).toString(), 256, Tree.days(1));
    if (finished) {
      Files.writeString(c.resolve("trainer_state.json"), """
          {"best_metric": 0.41, "best_model_checkpoint": "%s", "global_step": %d, "log_history": []}
          """.formatted(best, step));
    }
    return c;
  }

  @Test
  void huggingFace_keepsTheBestTheNewestFinishedAndTheSaveInProgress_inNaturalStepOrder() throws Exception {
    Path out = Files.createDirectories(base.resolve("runs/bert"));
    String best = out.resolve("checkpoint-1500").toString();
    for (int step = 500; step <= 10000; step += 500) {
      hfCheckpoint(out, step, best, true);
    }
    Path saving = hfCheckpoint(out, 10500, best, false);
    // every checkpoint with the same mtime: only the step in the name can order them
    FileTime same = FileTime.from(Instant.now().minus(Tree.days(1)));
    try (Stream<Path> s = Files.walk(out)) {
      for (Path p : s.toList()) {
        Files.setLastModifiedTime(p, same);
      }
    }
    Files.writeString(out.resolve("config.json"), "{}");
    Files.createDirectories(out.resolve("runs/events"));
    Files.writeString(out.resolve("model.safetensors"), "final weights");
    tree.age(out.resolve("config.json"), Tree.days(5));
    tree.age(out.resolve("runs"), Tree.days(5));
    tree.age(out.resolve("model.safetensors"), Tree.days(5));
    DiskWarden warden = warden("""
        - name: bert
          path: runs/bert
          layout: huggingface
          keep_latest: 2
        """);

    Plan plan = warden.plan();
    warden.clean(true, false).orElseThrow();

    assertThat(names(out)).containsExactlyInAnyOrder("checkpoint-1500", "checkpoint-9500", "checkpoint-10000",
        "checkpoint-10500", "config.json", "runs", "model.safetensors");
    assertThat(plan.held()).filteredOn(h -> h.path().equals(out.resolve("checkpoint-1500"))).singleElement()
        .satisfies(h -> {
          assertThat(h.why()).isEqualTo(Held.Why.BEST);
          assertThat(h.reason()).contains("best_model_checkpoint");
        });
    assertThat(plan.held()).filteredOn(h -> h.path().equals(saving)).singleElement()
        .satisfies(h -> assertThat(h.why()).isEqualTo(Held.Why.PARTIAL_NEWEST));
    assertThat(plan.candidates()).hasSize(17);
  }

  @Test
  void lightning_keepsTheNewestTheBestAndLastCkpt_shardedCheckpointsAsEntries() throws Exception {
    Path ckpts = Files.createDirectories(base.resolve("lightning_logs/version_3/checkpoints"));
    double[] losses = {0.91, 0.52, 0.0734, 0.33, 0.21, 0.44};
    for (int e = 0; e < losses.length; e++) {
      String name = String.format(java.util.Locale.ROOT, "epoch=%d-step=%d-val_loss=%.4f.ckpt", e, (e + 1) * 100,
          losses[e]);
      if (e % 2 == 0) {
        // a sharded strategy saves a directory (DeepSpeedStrategy: checkpoint/ tag, then latest)
        tree.file(base.relativize(ckpts.resolve(name + "/checkpoint/mp_rank_00_model_states.pt")).toString(), 256,
            Tree.days(10 - e));
        Files.writeString(ckpts.resolve(name + "/latest"), "checkpoint");
        tree.age(ckpts.resolve(name), Tree.days(10 - e));
      } else {
        tree.file(base.relativize(ckpts.resolve(name)).toString(), 256, Tree.days(10 - e));
      }
    }
    tree.file(base.relativize(ckpts.resolve("last.ckpt")).toString(), 256, Tree.days(4));
    DiskWarden warden = warden("""
        - name: ckpts
          path: lightning_logs/version_3/checkpoints
          layout: lightning
          keep_latest: 1
          keep_best: {metric: val_loss, mode: min}
        """);

    Plan plan = warden.plan();
    warden.clean(true, false).orElseThrow();

    assertThat(names(ckpts)).containsExactlyInAnyOrder("last.ckpt", "epoch=2-step=300-val_loss=0.0734.ckpt",
        "epoch=5-step=600-val_loss=0.4400.ckpt");
    assertThat(plan.held()).filteredOn(h -> h.why() == Held.Why.BEST).singleElement()
        .satisfies(h -> assertThat(h.reason()).isEqualTo("kept: best (val_loss=0.0734)"));
    javax.management.MBeanServer mbeans = javax.management.MBeanServerFactory.newMBeanServer();
    try (org.diskwarden.jmx.JmxExporter jmx = org.diskwarden.jmx.JmxExporter.register(warden, mbeans)) {
      javax.management.ObjectName policy = org.diskwarden.jmx.JmxExporter.policyName("ckpts");
      assertThat(mbeans.getAttribute(policy, "Layout")).isEqualTo("lightning");
      warden.plan();
      assertThat((String[]) mbeans.getAttribute(policy, "KeptBest"))
          .containsExactly("epoch=2-step=300-val_loss=0.0734.ckpt: kept: best (val_loss=0.0734)");
    }
    assertThat(plan.candidates()).extracting(c -> c.path().getFileName().toString()).doesNotContain("last.ckpt")
        .contains("epoch=0-step=100-val_loss=0.9100.ckpt");
  }

  @Test
  void deepSpeed_keepsTheTagNamedByLatest_andTheNewerSaveInProgress_filesStay() throws Exception {
    Path ds = Files.createDirectories(base.resolve("ds_out"));
    for (int step = 100; step <= 1000; step += 100) {
      tree.file("ds_out/global_step" + step + "/mp_rank_00_model_states.pt", 256, Tree.days(20 - step / 100));
      tree.age(ds.resolve("global_step" + step), Tree.days(20 - step / 100));
    }
    Files.writeString(ds.resolve("latest"), "global_step900");
    Files.writeString(ds.resolve("zero_to_fp32.py"), "# converter");
    // written right after global_step900; global_step1000 is being written since
    tree.age(ds.resolve("latest"), Tree.hours(10 * 24 + 12));
    tree.age(ds.resolve("zero_to_fp32.py"), Tree.days(9));
    DiskWarden warden = warden("""
        - name: ds
          path: ds_out
          layout: deepspeed
          keep_latest: 1
        """);

    Plan plan = warden.plan();
    warden.clean(true, false).orElseThrow();

    assertThat(names(ds)).containsExactlyInAnyOrder("global_step900", "global_step1000", "latest", "zero_to_fp32.py");
    assertThat(plan.held()).filteredOn(h -> h.path().endsWith("global_step1000")).singleElement()
        .satisfies(h -> assertThat(h.why()).isEqualTo(Held.Why.IN_PROGRESS));
  }

  @Test
  void aKeyThatMakesNoSenseWithALayout_isAnErrorNamingBoth() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> warden("""
        - name: ds
          path: ds_out
          layout: deepspeed
          group_by: '^(.+)_'
          keep_latest: 1
        """)).hasMessageContaining("group_by").hasMessageContaining("deepspeed");
  }

  /** A blob as the hub writes it: content under its sha, dated {@code modified} ago, last read {@code used} ago. */
  private Path blob(Path repo, String sha, int bytes, java.time.Duration modified, java.time.Duration used)
      throws Exception {
    Path b = tree.file(base.relativize(repo.resolve("blobs/" + sha)).toString(), bytes, modified);
    Files.getFileAttributeView(b, java.nio.file.attribute.BasicFileAttributeView.class)
        .setTimes(null, FileTime.from(Instant.now().minus(used)), null);
    return b;
  }

  /** A snapshot: each file a relative link ../../blobs/<sha>, as the hub writes them. */
  private Path snapshot(Path repo, String rev, java.time.Duration age, String... fileAndSha) throws Exception {
    Path s = Files.createDirectories(repo.resolve("snapshots/" + rev));
    for (int i = 0; i < fileAndSha.length; i += 2) {
      Path link = s.resolve(fileAndSha[i]);
      Files.createDirectories(link.getParent());
      String up = "../".repeat(link.getParent().equals(s) ? 2 : 2 + s.relativize(link.getParent()).getNameCount());
      Files.createSymbolicLink(link, Path.of(up + "blobs/" + fileAndSha[i + 1]));
      Tree.setNoFollow(link, FileTime.from(Instant.now().minus(age)));
    }
    try (Stream<Path> dirs = Files.walk(s)) {
      for (Path d : dirs.filter(p -> Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList()) {
        Files.setLastModifiedTime(d, FileTime.from(Instant.now().minus(age)));
      }
    }
    return s;
  }

  private static long du(Path p) throws Exception {
    Process du = new ProcessBuilder("du", "-sB1", p.toString()).start();
    String out = new String(du.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(du.waitFor()).isZero();
    return Long.parseLong(out.split("\\s+")[0]);
  }

  @Test
  void hfCache_revisionsGoWithTheirUnsharedBlobs_sharedOnesStay_aDownloadIsSkipped_aLastRevisionTakesItsRepo()
      throws Exception {
    Path hub = Files.createDirectories(base.resolve(".cache/huggingface/hub"));
    java.time.Duration old = Tree.days(90);
    Path bert = hub.resolve("models--org--bert");
    blob(bert, "c0nf1g", 300, old, Tree.days(60));
    blob(bert, "t0ken", 20_000, old, Tree.days(1));
    blob(bert, "w1", 100_000, old, Tree.days(60));
    blob(bert, "w2", 110_000, old, Tree.days(2));
    blob(bert, "w3", 120_000, old, Tree.days(1));
    Path rev1 = snapshot(bert, "aaa111", old, "config.json", "c0nf1g", "tokenizer/tok.json", "t0ken",
        "model.safetensors", "w1");
    Path rev2 = snapshot(bert, "bbb222", old, "config.json", "c0nf1g", "tokenizer/tok.json", "t0ken",
        "model.safetensors", "w2");
    Path rev3 = snapshot(bert, "ccc333", old, "config.json", "c0nf1g", "tokenizer/tok.json", "t0ken",
        "model.safetensors", "w3");
    tree.file(base.relativize(bert.resolve("refs/main")).toString(), 6, old);
    Files.writeString(bert.resolve("refs/main"), "ccc333");
    Path data = hub.resolve("datasets--org--data");
    blob(data, "d1", 5000, old, Tree.days(80));
    snapshot(data, "ddd444", old, "train.parquet", "d1");
    // being downloaded (an .incomplete older than min_age whose lock nobody holds is a leftover instead)
    blob(data, "d2.incomplete", 100, java.time.Duration.ofMinutes(1), java.time.Duration.ofMinutes(1));
    Path tiny = hub.resolve("models--org--tiny");
    blob(tiny, "t1", 4000, old, Tree.days(70));
    snapshot(tiny, "eee555", old, "model.bin", "t1");
    // downloaded 90 days ago: the folders the hub made then carry that time
    try (Stream<Path> dirs = Files.walk(hub)) {
      for (Path d : dirs.filter(p -> Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList()) {
        Files.setLastModifiedTime(d, FileTime.from(Instant.now().minus(old)));
      }
    }
    DiskWarden warden = warden("""
        - name: hub
          path: .cache/huggingface/hub
          layout: hf_cache
          max_age: 30d
        """);
    long bertBefore = du(bert);

    Plan plan = warden.plan();
    long frees = plan.candidates().stream().filter(c -> c.path().startsWith(bert)).mapToLong(c -> c.gain()).sum();
    warden.clean(true, false).orElseThrow();

    // rev1 and its own weights went; the blobs rev2 and rev3 still link to stayed, and every link resolves
    assertThat(rev1).doesNotExist();
    assertThat(bert.resolve("blobs/w1")).doesNotExist();
    assertThat(names(bert.resolve("blobs"))).containsExactlyInAnyOrder("c0nf1g", "t0ken", "w2", "w3");
    for (Path rev : List.of(rev2, rev3)) {
      try (Stream<Path> s = Files.walk(rev)) {
        assertThat(s.filter(Files::isSymbolicLink)).allSatisfy(l -> assertThat(l).exists());
      }
    }
    assertThat(bertBefore - du(bert)).isEqualTo(frees);
    assertThat(plan.held()).anySatisfy(h -> {
      assertThat(h.why()).isEqualTo(Held.Why.SHARED);
      assertThat(h.reason()).startsWith("kept: shared blobs of revision aaa111 in use by a kept revision (2:");
    });
    // a download in progress: the repository is left alone
    assertThat(data.resolve("snapshots/ddd444/train.parquet")).exists();
    assertThat(plan.held()).anySatisfy(h -> assertThat(h.reason()).contains("download is in progress"));
    // its only revision went: no folder left behind
    assertThat(tiny).doesNotExist();
  }
}
