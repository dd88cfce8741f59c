package org.diskwarden.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.diskwarden.Tree.days;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.diskwarden.Configs;
import org.diskwarden.Tree;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.WatchSetup;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.policy.Candidate;
import org.diskwarden.volume.Volume;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The invariants of the one guard, attacked directly and through whole sweeps. */
class GuardTest {
  @TempDir
  Path dir;

  Path base;
  Path outside;
  Path logs;
  Tree tree;

  @BeforeEach
  void layout() throws Exception {
    base = Files.createDirectory(dir.resolve("base"));
    outside = Files.createDirectory(dir.resolve("outside"));
    logs = Files.createDirectory(dir.resolve("logs"));
    tree = new Tree(base);
    for (int i = 1; i <= 4; i++) {
      tree.version("models/versions/v00" + i, 4096, days(10 - i));
    }
  }

  private WardenConfig config() throws Exception {
    return Configs.parse(Configs.incident(base, "1000TB", "1000TB", "full"));
  }

  private SweepReport sweepForged(List<Candidate> forged, Set<Path> kept) throws Exception {
    WardenConfig config = config();
    Volume volume = Volume.of(base, Clock.systemUTC());
    Plan plan = new Plan(volume.read(), config.thresholds(), forged, List.of(), kept);
    return new Sweeper(volume, new AuditLog(logs.resolve("audit.jsonl"), Clock.systemUTC()), Clock.systemUTC())
        .execute(plan, config, false, () -> false);
  }

  private static Candidate candidate(Path p) {
    return new Candidate(p, "model-versions", "version", 4096, Instant.EPOCH, "forged");
  }

  @Test
  void linkInsideCandidate_toFileOutsideBaseDir_survivesTheSweep() throws Exception {
    Path precious = Files.writeString(outside.resolve("precious.txt"), "weeks of GPU time");
    Path etc = Files.createDirectory(outside.resolve("etc"));
    Files.writeString(etc.resolve("passwd"), "root");
    Files.createSymbolicLink(base.resolve("models/versions/v001/link-to-file"), precious);
    Files.createSymbolicLink(base.resolve("models/versions/v001/link-to-dir"), etc);
    tree.age(base.resolve("models/versions/v001"), days(9));

    new DiskWarden(WatchSetup.of(config(), logs, Clock.systemUTC())).clean(false, false).orElseThrow();

    assertThat(base.resolve("models/versions/v001")).doesNotExist();
    assertThat(precious).hasContent("weeks of GPU time");
    assertThat(etc.resolve("passwd")).hasContent("root");
  }

  @Test
  void versionEntryThatIsALinkOut_isNoEntry_linkAndTargetStay() throws Exception {
    Path target = Files.createDirectory(outside.resolve("v000"));
    Files.writeString(target.resolve("weights.bin"), "data");
    Files.writeString(target.resolve("config.json"), "{}");
    Path link = Files.createSymbolicLink(base.resolve("models/versions/v000"), target);
    Tree.setNoFollow(link, java.nio.file.attribute.FileTime.from(Instant.now().minus(days(20))));

    DiskWarden warden = new DiskWarden(WatchSetup.of(config(), logs, Clock.systemUTC()));
    Plan plan = warden.plan();
    warden.clean(false, false).orElseThrow();

    // A link is never an entry: it takes no kept place and is not removed in place of a version.
    assertThat(plan.candidates()).extracting(Candidate::path).doesNotContain(link);
    assertThat(plan.held()).extracting(org.diskwarden.policy.Held::path).doesNotContain(link);
    assertThat(link).isSymbolicLink();
    assertThat(target.resolve("weights.bin")).hasContent("data");
  }

  @Test
  void policyFolderThatIsALinkOut_isRefusedWhole() throws Exception {
    Path foreign = Files.createDirectories(outside.resolve("backups"));
    for (int i = 1; i <= 3; i++) {
      new Tree(foreign).file("db_2025010" + i + ".sql", 100, days(30 - i));
    }
    Files.createDirectories(base.resolve("models"));
    Files.createSymbolicLink(base.resolve("models/backups"), foreign);

    DiskWarden warden = new DiskWarden(WatchSetup.of(config(), logs, Clock.systemUTC()));
    Plan plan = warden.plan();
    warden.clean(false, false).orElseThrow();

    assertThat(plan.candidates()).noneMatch(c -> c.policy().equals("backups"));
    assertThat(plan.held()).anyMatch(h -> h.reason().contains("leads outside base_dir"));
    try (var files = Files.list(foreign)) {
      assertThat(files).hasSize(3);
    }
  }

  @Test
  void protectedLink_protectsItsTargetVersion() throws Exception {
    Files.createSymbolicLink(base.resolve("current_model"), base.resolve("models/versions/v001"));

    new DiskWarden(WatchSetup.of(config(), logs, Clock.systemUTC())).clean(false, false).orElseThrow();

    assertThat(base.resolve("models/versions/v001/weights.bin")).exists();
    assertThat(base.resolve("models/versions/v002")).doesNotExist();
  }

  @Test
  void protectedPathInsideACandidate_keepsTheWholeCandidate() throws Exception {
    String yaml = Configs.incident(base, "1000TB", "1000TB", "full")
        .replace("  - current_model", "  - current_model\n  - models/versions/v001/keep.me");
    Files.writeString(base.resolve("models/versions/v001/keep.me"), "x");
    tree.age(base.resolve("models/versions/v001"), days(9));

    new DiskWarden(WatchSetup.of(Configs.parse(yaml), logs, Clock.systemUTC())).clean(false, false).orElseThrow();

    assertThat(base.resolve("models/versions/v001/weights.bin")).exists();
    assertThat(base.resolve("models/versions/v001/keep.me")).exists();
  }

  @Test
  void forgedCandidateOutsideBaseDir_isRefused() throws Exception {
    Path victim = Files.writeString(outside.resolve("victim"), "x");
    Path dotted = base.resolve("models/versions/../../../outside/victim");

    SweepReport r = sweepForged(List.of(candidate(victim), candidate(dotted), candidate(base)), Set.of());

    assertThat(victim).exists();
    assertThat(base).exists();
    assertThat(r.removed()).isEmpty();
    assertThat(r.failed()).hasSize(3).allSatisfy(f -> assertThat(f.error().orElseThrow()).contains("base_dir"));
  }

  @Test
  void forgedCandidateThroughALinkedFolder_isRefused() throws Exception {
    Path victim = Files.createDirectories(outside.resolve("data/v9"));
    Files.createSymbolicLink(base.resolve("escape"), outside.resolve("data"));

    SweepReport r = sweepForged(List.of(candidate(base.resolve("escape/v9"))), Set.of());

    assertThat(victim).exists();
    assertThat(r.failed()).singleElement().satisfies(f -> assertThat(f.error().orElseThrow()).contains("outside"));
  }

  @Test
  void forgedCandidate_keptByRule_protected_orYoung_isRefused() throws Exception {
    Path kept = base.resolve("models/versions/v004");
    tree.version("current_model", 100, days(100));
    Path young = tree.version("models/versions/v005", 100, java.time.Duration.ZERO);

    SweepReport r = sweepForged(
        List.of(candidate(kept), candidate(base.resolve("current_model")), candidate(young)), Set.of(kept));

    assertThat(kept).exists();
    assertThat(base.resolve("current_model")).exists();
    assertThat(young).exists();
    assertThat(r.failed()).extracting(f -> f.error().orElseThrow())
        .containsExactly("kept by its retention rule", "protected by 'current_model'",
            "modified within min_age 30m since it was planned");
  }

  @Test
  void candidateThatVanished_isReportedNotFatal() throws Exception {
    Path gone = base.resolve("models/versions/v999");

    SweepReport r = sweepForged(List.of(candidate(gone), candidate(base.resolve("models/versions/v001"))), Set.of());

    assertThat(r.failed()).singleElement().satisfies(f -> assertThat(f.error().orElseThrow()).contains("vanished"));
    assertThat(r.removed()).singleElement().satisfies(m -> assertThat(m.path().getFileName().toString()).isEqualTo("v001"));
  }

  @Test
  void fileWrittenInsideCandidateAfterPlanning_survivesWithItsDirectory() throws Exception {
    DiskWarden warden = new DiskWarden(WatchSetup.of(config(), logs, Clock.systemUTC()));
    Plan plan = warden.plan();
    Path fresh = Files.writeString(base.resolve("models/versions/v001/new-save.bin"), "saving");
    // the directory's own mtime moved too; put it back so only the walk can notice the new file
    tree.age(base.resolve("models/versions/v001/weights.bin"), days(9));
    Files.setLastModifiedTime(base.resolve("models/versions/v001"),
        java.nio.file.attribute.FileTime.from(Instant.now().minus(days(9))));

    SweepReport r = new Sweeper(Volume.of(base, Clock.systemUTC()), new AuditLog(logs.resolve("a.jsonl"),
        Clock.systemUTC()), Clock.systemUTC()).execute(plan, config(), false, () -> false);

    assertThat(fresh).hasContent("saving");
    assertThat(r.failed()).anySatisfy(f -> assertThat(f.error().orElseThrow()).contains("being written"));
  }

  @Test
  void openFile_keepsItsEntry() throws Exception {
    try (RandomAccessFile open = new RandomAccessFile(base.resolve("models/versions/v001/weights.bin").toFile(), "r")) {
      Plan plan = new DiskWarden(WatchSetup.of(config(), logs, Clock.systemUTC())).plan();

      assertThat(plan.candidates()).extracting(c -> c.path().getFileName().toString()).containsExactly("v002");
      assertThat(plan.held()).anyMatch(h -> h.path().endsWith("v001") && h.reason().startsWith("in use"));
      assertThat(open.length()).isPositive();
    }
  }

  @Test
  void hardLinkedFile_countsOnlyWhenAllItsLinksGo() throws Exception {
    Path inside = base.resolve("models/versions/v001/weights.bin");
    Files.createLink(outside.resolve("also-weights"), inside);
    tree.age(base.resolve("models/versions/v001"), days(9));

    Plan plan = new DiskWarden(WatchSetup.of(config(), logs, Clock.systemUTC())).plan();

    Candidate v1 = plan.candidates().stream().filter(c -> c.path().endsWith("v001")).findFirst().orElseThrow();
    Candidate v2 = plan.candidates().stream().filter(c -> c.path().endsWith("v002")).findFirst().orElseThrow();
    assertThat(v1.bytes()).isLessThan(v2.bytes());
  }

  /** Every file of {@code entry} and the entry itself modified at {@code t}. */
  private static void modifiedAt(Path entry, Instant t) throws java.io.IOException {
    try (var s = Files.walk(entry)) {
      for (Path p : s.toList()) {
        Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.from(t));
      }
    }
  }

  @Test
  void minAgeBoundary_anEntryExactlyMinAgeOld_goes_aNanosecondYounger_stays() throws Exception {
    Instant now = Instant.parse("2026-12-01T12:00:00.000000500Z");
    Path exactly = base.resolve("models/versions/v001");
    Path younger = base.resolve("models/versions/v002");
    modifiedAt(exactly, now.minus(java.time.Duration.ofMinutes(30)));
    modifiedAt(younger, now.minus(java.time.Duration.ofMinutes(30)).plusNanos(1));
    WardenConfig config = config();
    Volume volume = Volume.of(base, Clock.systemUTC());
    Plan plan = new Plan(volume.read(), config.thresholds(), List.of(candidate(exactly), candidate(younger)),
        List.of(), Set.of());

    SweepReport r = new Sweeper(volume, new AuditLog(logs.resolve("audit.jsonl"), Clock.systemUTC()),
        Clock.fixed(now, java.time.ZoneOffset.UTC)).execute(plan, config, false, () -> false);

    assertThat(exactly).as("min_age 30m old to the nanosecond: not modified within min_age").doesNotExist();
    assertThat(younger).as("one nanosecond younger").exists();
    assertThat(r.failed()).anySatisfy(x -> assertThat(x.error()).hasValueSatisfying(
        e -> assertThat(e).contains("modified within min_age 30m")));
  }

  @Test
  void minAgeBoundary_throughAWholeCleanOnTheAgentsClock() throws Exception {
    Instant now = Instant.parse("2026-12-01T12:00:00Z");
    Clock clock = Clock.fixed(now, java.time.ZoneOffset.UTC);
    modifiedAt(base.resolve("models/versions/v001"), now.minus(java.time.Duration.ofMinutes(30)));
    modifiedAt(base.resolve("models/versions/v002"), now.minus(java.time.Duration.ofMinutes(30)).plusMillis(1));
    // a max_age rule alone: every entry older than 1m goes, unless modified within min_age
    WardenConfig config = Configs.parse("""
        base_dir: %s
        min_free: 1000TB
        min_free_percent: 0
        min_age: 30m
        cleanup_mode: full
        protect: []
        policies:
          - {name: old, path: models/versions, max_age: 1m}
        """.formatted(base));

    new DiskWarden(WatchSetup.of(config, logs, clock)).clean(false, false).orElseThrow();

    assertThat(base.resolve("models/versions/v001")).as("exactly min_age old").doesNotExist();
    assertThat(base.resolve("models/versions/v002")).as("a millisecond younger").exists();
    assertThat(base.resolve("models/versions/v003")).doesNotExist();
  }
}
