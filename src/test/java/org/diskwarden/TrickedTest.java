package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.diskwarden.agent.BaseDirLock;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.WatchSetup;
import org.diskwarden.cli.Main;
import org.diskwarden.policy.Candidate;
import org.diskwarden.policy.Held;
import org.diskwarden.sweep.Plan;
import org.diskwarden.sweep.SweepReport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safety issue's cases that need no second user: links re-pointed, links in policy folders,
 * saves that pause, archives' times, typed hold reasons, links planted where the agent writes.
 */
class TrickedTest {
  @TempDir
  Path dir;

  Path base;
  Path logs;
  Tree tree;

  @BeforeEach
  void setUp() throws Exception {
    base = Files.createDirectory(dir.resolve("base"));
    logs = dir.resolve("logs");
    tree = new Tree(base);
  }

  private DiskWarden warden(String policies, String extra) throws Exception {
    return new DiskWarden(WatchSetup.of(Configs.parse(Configs.alwaysLow(base, extra, policies)), logs,
        Clock.systemUTC()));
  }

  private static void repoint(Path link, Path target) throws Exception {
    Path tmp = link.resolveSibling(".repoint");
    Files.createSymbolicLink(tmp, target);
    Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE);
  }

  private static long files(Path root) throws Exception {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).count();
    }
  }

  @Test
  void currentModelRepointedMidSweep_theVersionItPointsToAtTheEndSurvives() throws Exception {
    for (int v = 1; v <= 8; v++) {
      for (int i = 0; i < 2000; i++) {
        tree.file("models/versions/v00" + v + "/shard-" + i + ".bin", 64, Tree.days(20 - v));
      }
      tree.version("models/versions/v00" + v, 64, Tree.days(20 - v));
    }
    Path current = Files.createSymbolicLink(base.resolve("current_model"), base.resolve("models/versions/v008"));
    DiskWarden warden = warden("""
        - name: versions
          path: models/versions
          keep_latest: 2
        """, "min_age: 30m");
    Path audit = logs.resolve("audit.jsonl");

    CompletableFuture<SweepReport> sweep = CompletableFuture.supplyAsync(() -> warden.clean(true, false).orElseThrow());
    // A rollback while v001 is being removed: current_model now names v006, which the plan released
    // (the last candidate, so the sweep is still five versions away from it).
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(1)).until(() -> Files.exists(audit)
        && Files.readString(audit).contains("models/versions/v001\""));
    repoint(current, base.resolve("models/versions/v006"));
    SweepReport report = sweep.get();

    Path pointed = current.toRealPath();
    assertThat(pointed).isEqualTo(base.resolve("models/versions/v006"));
    assertThat(files(pointed)).isEqualTo(2002);
    assertThat(base.resolve("models/versions/v001")).doesNotExist();
    assertThat(report.failed()).extracting(m -> m.path().getFileName().toString()).contains("v006");
  }

  @Test
  void lightningLastCkptLink_keepsTheNewestCheckpoint_andNeverTakesAKeptPlace() throws Exception {
    Path ckpts = Files.createDirectories(base.resolve("lightning_logs/version_0/checkpoints"));
    for (int e = 0; e < 10; e++) {
      tree.file("lightning_logs/version_0/checkpoints/epoch=" + e + "-step=" + (e + 1) * 50 + ".ckpt", 256,
          Tree.days(12 - e));
    }
    Path newest = ckpts.resolve("epoch=9-step=500.ckpt");
    Path last = Files.createSymbolicLink(ckpts.resolve("last.ckpt"), newest.getFileName());
    Tree.setNoFollow(last, FileTime.from(Instant.now().minus(Tree.days(1))));
    DiskWarden warden = warden("""
        - name: ckpts
          path: lightning_logs/version_0/checkpoints
          match: '*.ckpt'
          keep_latest: 1
        """, "min_age: 30m");

    Plan plan = warden.plan();
    warden.clean(true, false).orElseThrow();

    assertThat(plan.candidates()).extracting(Candidate::path).doesNotContain(last, newest).hasSize(9);
    assertThat(newest).exists();
    assertThat(last).isSymbolicLink();
    assertThat(last.toRealPath()).isEqualTo(newest.toRealPath());
    try (Stream<Path> s = Files.list(ckpts)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("last.ckpt", "epoch=9-step=500.ckpt");
    }
  }

  @Test
  void aLinkToAnOlderCheckpoint_keepsItBesideTheNewestN() throws Exception {
    Path ckpts = Files.createDirectories(base.resolve("ckpts"));
    for (int e = 0; e < 5; e++) {
      tree.file("ckpts/epoch=" + e + ".ckpt", 256, Tree.days(12 - e));
    }
    Files.createSymbolicLink(ckpts.resolve("best.ckpt"), ckpts.resolve("epoch=1.ckpt"));
    DiskWarden warden = warden("""
        - name: ckpts
          path: ckpts
          keep_latest: 1
        """, "min_age: 30m");

    Plan plan = warden.plan();
    warden.clean(true, false).orElseThrow();

    assertThat(plan.held()).filteredOn(h -> h.path().endsWith("epoch=1.ckpt")).singleElement()
        .satisfies(h -> assertThat(h.why()).isEqualTo(Held.Why.LINK_TARGET));
    try (Stream<Path> s = Files.list(ckpts)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("best.ckpt", "epoch=1.ckpt", "epoch=4.ckpt");
    }
  }

  @Test
  void aSaveWhoseWriterPauses_isInProgressNotAbandoned_evenWithMinAgeZero() throws Exception {
    for (int v = 1; v <= 3; v++) {
      tree.version("models/versions/v00" + v, 100, Tree.days(10 - v));
      Files.writeString(base.resolve("models/versions/v00" + v + "/trainer_state.json"), "{}");
      tree.age(base.resolve("models/versions/v00" + v), Tree.days(10 - v));
    }
    // an abandoned save: unmarked, and newer ones finished since
    tree.version("models/versions/v000", 100, Tree.days(11));
    DiskWarden warden = warden("""
        - name: versions
          path: models/versions
          keep_latest: 2
          complete_marker: trainer_state.json
        """, "min_age: 0s");
    Path saving = Files.createDirectories(base.resolve("models/versions/v004"));
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      try {
        for (int shard = 0; shard < 3; shard++) {
          Files.writeString(saving.resolve("shard-" + shard + ".bin"), "weights " + shard);
          // The trainer pauses between shards (it is gathering the next one): a pause, not a sync.
          Thread.sleep(3000);
        }
        Files.writeString(saving.resolve("trainer_state.json"), "{}");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Set<Held.Why> seenHeld = java.util.EnumSet.noneOf(Held.Why.class);
    while (!writer.isDone()) {
      Plan plan = warden.plan();
      plan.held().stream().filter(h -> h.path().equals(saving)).forEach(h -> seenHeld.add(h.why()));
      warden.clean(true, false);
    }
    writer.get();

    assertThat(seenHeld).contains(Held.Why.IN_PROGRESS);
    assertThat(files(saving)).isEqualTo(4);
    assertThat(base.resolve("models/versions/v000")).doesNotExist();
    assertThat(base.resolve("models/versions/v003")).exists();
  }

  @Test
  void anArchiveAndARestoredEntry_carryTheirDatasTime_soTheyNeverRankAsNewest() throws Exception {
    for (int d = 1; d <= 4; d++) {
      tree.version("models/backups/db_2025110" + d, 2000, Tree.days(20 - d));
    }
    DiskWarden compress = warden("""
        - name: backups
          path: models/backups
          keep_latest: 3
          action: compress
          min_ratio_gain: 0
        """, "min_age: 30m");
    compress.clean(true, false).orElseThrow();
    Path archive = base.resolve("models/backups/db_20251101.tar.zst");
    assertThat(archive).exists();
    assertThat(Files.getLastModifiedTime(archive).toInstant())
        .isBefore(Instant.now().minus(Tree.days(18)));

    try (Console console = new Console(logs)) {
      assertThat(Main.execute("restore", archive.toString())).as(console.err()).isZero();
    }
    Path restored = base.resolve("models/backups/db_20251101");
    assertThat(Files.getLastModifiedTime(restored).toInstant()).isBefore(Instant.now().minus(Tree.days(18)));
    Files.delete(archive);
    compress.clean(true, false);
    assertThat(Files.getLastModifiedTime(archive).toInstant()).isBefore(Instant.now().minus(Tree.days(18)));

    DiskWarden delete = warden("""
        - name: backups
          path: models/backups
          keep_latest: 2
        """, "min_age: 30m");
    Plan plan = delete.plan();
    Set<String> candidates = plan.candidates().stream().map(c -> c.path().getFileName().toString())
        .collect(Collectors.toSet());
    assertThat(candidates).doesNotContain("db_20251104", "db_20251103").contains("db_20251101.tar.zst");
  }

  @Test
  void keptByRule_isReadFromTheTypedReason_notTheText() throws Exception {
    for (int v = 1; v <= 5; v++) {
      tree.version("models/versions/v00" + v, 100, Tree.days(10 - v));
    }
    Files.createSymbolicLink(base.resolve("models/versions/best"), base.resolve("models/versions/v001"));
    Plan plan = warden("""
        - name: versions
          path: models/versions
          keep_latest: 2
        """, "min_age: 30m").plan();

    Set<Path> typed = plan.held().stream().filter(h -> h.why().keptByRule()).map(Held::path)
        .collect(Collectors.toSet());
    assertThat(plan.keptByRule()).isEqualTo(typed).contains(base.resolve("models/versions/v001"),
        base.resolve("models/versions/v005"), base.resolve("models/versions/v004"));
    assertThat(plan.held()).filteredOn(h -> h.why() == Held.Why.LINK_TARGET).hasSize(1);
  }

  @Test
  void plantedLinks_atTheLockAndTheAuditLog_leaveTheirTargetsUntouched() throws Exception {
    Path victim = Files.writeString(dir.resolve("root-owned.conf"), "do not truncate");
    FileTime stamp = FileTime.from(Instant.now().minus(Tree.days(3)));
    Files.setLastModifiedTime(victim, stamp);
    tree.version("models/versions/v001", 100, Tree.days(9));
    Files.createSymbolicLink(base.resolve(".diskwarden.lock"), victim);
    DiskWarden warden = warden("""
        - name: versions
          path: models/versions
          keep_latest: 1
        """, "min_age: 30m");

    try (BaseDirLock lock = warden.acquireLock()) {
      assertThat(base.resolve(".diskwarden.lock")).isRegularFile();
    }
    assertThat(victim).hasContent("do not truncate");
    assertThat(Files.getLastModifiedTime(victim)).isEqualTo(stamp);
    assertThat(Files.readString(logs.resolve("audit.jsonl"))).contains("\"event\":\"replaced\"", victim.toString());

    Files.delete(logs.resolve("audit.jsonl"));
    Files.createSymbolicLink(logs.resolve("audit.jsonl"), victim);
    tree.version("models/versions/v002", 100, Tree.days(8));
    SweepReport r = warden.clean(true, false).orElseThrow();

    // no audit line, no removal: and nothing written through the link
    assertThat(r.removed()).isEmpty();
    assertThat(base.resolve("models/versions/v001")).exists();
    assertThat(victim).hasContent("do not truncate");
    assertThat(Files.getLastModifiedTime(victim)).isEqualTo(stamp);
  }

  @Test
  void aLinkPlantedAtAnArchivesPartialName_isNeverWrittenThrough() throws Exception {
    Path victim = Files.writeString(dir.resolve("victim.bin"), "precious");
    FileTime stamp = FileTime.from(Instant.now().minus(Tree.days(3)));
    Files.setLastModifiedTime(victim, stamp);
    for (int d = 1; d <= 3; d++) {
      tree.version("models/backups/db_2025110" + d, 2000, Tree.days(20 - d));
    }
    Files.createSymbolicLink(base.resolve("models/backups/.db_20251101.tar.zst.diskwarden-partial"), victim);
    Files.createSymbolicLink(base.resolve("models/backups/.db_20251101.tar.gz.diskwarden-partial"), victim);

    warden("""
        - name: backups
          path: models/backups
          keep_latest: 2
          action: compress
          min_ratio_gain: 0
        """, "min_age: 30m").clean(true, false);

    assertThat(victim).hasContent("precious");
    assertThat(Files.getLastModifiedTime(victim)).isEqualTo(stamp);
    assertThat(base.resolve("models/backups/db_20251101")).exists();
  }

  @Test
  void aVanishedResumedRemoval_getsItsOutcome_andIsNotReportedAgain() throws Exception {
    Files.createDirectories(logs);
    Path gone = base.resolve("models/versions/v000");
    Files.writeString(logs.resolve("audit.jsonl"), "{\"event\":\"remove\",\"path\":\"" + gone + "\",\"dry_run\":false}\n");
    tree.version("models/versions/v001", 100, Tree.days(9));
    DiskWarden warden = warden("""
        - name: versions
          path: models/versions
          keep_latest: 1
        """, "min_age: 30m");

    warden.clean(false, false);

    assertThat(new org.diskwarden.sweep.AuditLog(logs.resolve("audit.jsonl"), Clock.systemUTC()).unfinished())
        .isEmpty();
    assertThat(List.of(base.resolve("models/versions/v001"))).allMatch(Files::exists);
  }

  @Test
  void protectPatternsAsPeopleWriteThem_protectWhatTheyName_andATypoIsReported() throws Exception {
    Incident.build(base);
    String yaml = Configs.incident(base, "1000TB", "1000TB", "full").replace("  - current_model",
        "  - current_model\n  - models/versions/v002/\n  - ./models/versions/v003\n  - models/versins/v001");
    Path conf = Files.writeString(dir.resolve("protect.yml"), yaml);

    try (Console console = new Console(logs)) {
      assertThat(Main.execute("plan", "--config", conf.toString())).as(console.err()).isZero();
      assertThat(console.out()).contains("protect pattern models/versins/v001 matches nothing")
          .doesNotContain("protect pattern models/versions/v002");
      console.reset();
      Main.execute("check", "--config", conf.toString());
      assertThat(console.out()).contains("WARNING: protect pattern models/versins/v001 matches nothing");
      Main.execute("clean", "--force", "--config", conf.toString());
    }

    assertThat(base.resolve("models/versions/v002/weights.bin")).exists();
    assertThat(base.resolve("models/versions/v003/weights.bin")).exists();
    assertThat(base.resolve("models/versions/v001")).doesNotExist();
  }

  @Test
  void aTriggerLargerThanTheVolume_isAWarning_inTheLogCheckAndJmx_notAnError() throws Exception {
    Incident.build(base);
    Path conf = Files.writeString(dir.resolve("big.yml"), Configs.incident(base, "1000TB", "1000TB", "full"));
    try (Console console = new Console(logs)) {
      Main.execute("check", "--config", conf.toString());
      assertThat(console.out()).contains("WARNING: the trigger (1000.0TB) is larger than the volume");
    }
    DiskWarden warden = new DiskWarden(WatchSetup.of(Configs.parse(Files.readString(conf)), logs, Clock.systemUTC()));
    javax.management.MBeanServer mbeans = javax.management.MBeanServerFactory.newMBeanServer();
    try (org.diskwarden.jmx.JmxExporter jmx = org.diskwarden.jmx.JmxExporter.register(warden, mbeans)) {
      assertThat((String[]) mbeans.getAttribute(new javax.management.ObjectName(org.diskwarden.jmx.JmxExporter.AGENT),
          "ConfigWarnings")).anySatisfy(w -> assertThat(w).contains("larger than the volume"));
    }
  }

  @Test
  void aPolicyPathThatDoesNotExist_isAWarning_inPlanCheckAndJmx() throws Exception {
    Incident.build(base);
    String yaml = Configs.incident(base, "1000TB", "1000TB", "full").replace("path: models/versions",
        "path: models/versionz");
    Path conf = Files.writeString(dir.resolve("typo.yml"), yaml);
    String warning = "policy model-versions: its path models/versionz does not exist in " + base;
    try (Console console = new Console(logs)) {
      assertThat(Main.execute("plan", "--config", conf.toString())).as(console.err()).isZero();
      assertThat(console.out()).contains("WARNING: " + warning).doesNotContain("policy backups:");
      console.reset();
      Main.execute("check", "--config", conf.toString());
      assertThat(console.out()).contains("WARNING: " + warning);
    }
    DiskWarden warden = new DiskWarden(WatchSetup.of(Configs.parse(yaml), logs, Clock.systemUTC()));
    javax.management.MBeanServer mbeans = javax.management.MBeanServerFactory.newMBeanServer();
    try (org.diskwarden.jmx.JmxExporter jmx = org.diskwarden.jmx.JmxExporter.register(warden, mbeans)) {
      assertThat((String[]) mbeans.getAttribute(new javax.management.ObjectName(org.diskwarden.jmx.JmxExporter.AGENT),
          "ConfigWarnings")).anySatisfy(w -> assertThat(w).contains(warning));
    }
    // a link on the way is named as such: policies never follow one
    Files.createSymbolicLink(base.resolve("models/versionz"), base.resolve("models/versions"));
    assertThat(org.diskwarden.policy.PolicyFolders.missing(base, Configs.parse(yaml).policies()))
        .singleElement().asString().contains("leads through a link (versionz)");
  }
}
