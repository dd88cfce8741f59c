package org.diskwarden.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.diskwarden.Tree.days;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.diskwarden.Configs;
import org.diskwarden.MutableClock;
import org.diskwarden.Tree;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.WatchSetup;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.volume.Volume;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trees an attacker (or an unlucky night) would build: links, races, odd names, huge folders, clock steps. */
class HostileTreeTest {
  @TempDir
  Path dir;

  Path base;
  Path outside;
  Tree tree;

  @BeforeEach
  void layout() throws Exception {
    base = Files.createDirectory(dir.resolve("base"));
    outside = Files.createDirectory(dir.resolve("outside"));
    Files.writeString(outside.resolve("precious"), "weeks of GPU time");
    tree = new Tree(base);
    for (int i = 1; i <= 4; i++) {
      tree.version("models/versions/v00" + i, 4096, days(10 - i));
    }
  }

  private WardenConfig config() throws Exception {
    return Configs.parse(Configs.incident(base, "1000TB", "1000TB", "full"));
  }

  private DiskWarden warden() throws Exception {
    return new DiskWarden(WatchSetup.of(config(), dir.resolve("logs"), Clock.systemUTC()));
  }

  private void oldLink(Path link, Path target) throws Exception {
    Files.createSymbolicLink(link, target);
    Tree.setNoFollow(link, FileTime.from(Instant.now().minus(days(20))));
  }

  @Test
  void linksInsideACandidate_toEtcToCurrentModelAndInALoop_goAsLinks() throws Exception {
    tree.version("current_model", 100, days(40));
    Path v1 = base.resolve("models/versions/v001");
    oldLink(v1.resolve("etc"), Path.of("/etc"));
    oldLink(v1.resolve("current"), base.resolve("current_model"));
    oldLink(v1.resolve("outside"), outside);
    oldLink(v1.resolve("loop-a"), v1.resolve("loop-b"));
    oldLink(v1.resolve("loop-b"), v1.resolve("loop-a"));
    Files.createDirectories(v1.resolve("sub"));
    oldLink(v1.resolve("sub/up"), v1);
    tree.age(v1, days(9));
    long etcEntries;
    try (var s = Files.list(Path.of("/etc"))) {
      etcEntries = s.count();
    }

    SweepReport r = warden().clean(false, false).orElseThrow();

    assertThat(v1).doesNotExist();
    assertThat(r.removed()).extracting(m -> m.path().getFileName().toString()).contains("v001");
    assertThat(base.resolve("current_model/weights.bin")).exists();
    assertThat(outside.resolve("precious")).hasContent("weeks of GPU time");
    try (var s = Files.list(Path.of("/etc"))) {
      assertThat(s.count()).isEqualTo(etcEntries);
    }
  }

  @Test
  void candidateReplacedByALinkAfterPlanning_neverFollowsIt() throws Exception {
    DiskWarden warden = warden();
    Plan plan = warden.plan();
    Path v1 = base.resolve("models/versions/v001");
    Path victim = Files.createDirectory(outside.resolve("v001"));
    Files.writeString(victim.resolve("weights.bin"), "not ours");
    new Tree(dir).age(victim, days(30));
    tree.age(v1, Duration.ZERO);
    org.apache.commons.io.file.PathUtils.deleteDirectory(v1);
    oldLink(v1, victim);

    new Sweeper(Volume.of(base, Clock.systemUTC()), new AuditLog(dir.resolve("audit.jsonl"), Clock.systemUTC()),
        Clock.systemUTC()).execute(plan, config(), false, () -> false);

    // The link is a new inode, so the removal is refused as "replaced since it was planned"; only when
    // ext4 hands the link the deleted directory's inode number again does the identity match, and then
    // the link itself goes. Either way nothing is followed: the target outside stays whole.
    assertThat(!Files.exists(v1, java.nio.file.LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(v1)).isTrue();
    assertThat(victim.resolve("weights.bin")).hasContent("not ours");
    assertThat(victim).isDirectory();
  }

  @Test
  void subdirectorySwappedForALinkDuringRemoval_isNotFollowed() throws Exception {
    // The swap a racing attacker would make, done before the removal starts: the planned tree holds
    // a directory where the remover now finds a link to outside.
    Path v1 = base.resolve("models/versions/v001");
    Path deep = Files.createDirectories(v1.resolve("shards"));
    Files.writeString(deep.resolve("a.bin"), "x");
    tree.age(v1, days(9));
    DiskWarden warden = warden();
    Plan plan = warden.plan();
    org.apache.commons.io.file.PathUtils.deleteDirectory(deep);
    oldLink(deep, outside);
    tree.age(v1, days(9));

    new Sweeper(Volume.of(base, Clock.systemUTC()), new AuditLog(dir.resolve("audit.jsonl"), Clock.systemUTC()),
        Clock.systemUTC()).execute(plan, config(), false, () -> false);

    assertThat(outside.resolve("precious")).hasContent("weeks of GPU time");
    assertThat(v1).doesNotExist();
  }

  @Test
  void oddNames_spacesNewlinesNonUtf8LeadingDashesAndLongPaths_areRemovedWhole() throws Exception {
    Path v1 = base.resolve("models/versions/v001");
    Files.writeString(v1.resolve("with space"), "x");
    Files.writeString(v1.resolve("new\nline"), "x");
    Files.writeString(v1.resolve("-rf"), "x");
    Files.writeString(v1.resolve("--no-preserve-root"), "x");
    // a name that is not UTF-8, made by the shell so Java never has to spell it
    org.diskwarden.git.GitShell.run(v1, "printf x > \"$(printf 'bad\\377\\376name')\"");
    Path deep = v1;
    while (deep.toString().length() < 3900) {
      deep = deep.resolve("d".repeat(200));
    }
    Files.createDirectories(deep);
    Files.writeString(deep.resolve("leaf"), "x");
    tree.age(v1, days(9));
    try (var s = Files.list(v1)) {
      assertThat(s.count()).isGreaterThanOrEqualTo(7);
    }

    SweepReport r = warden().clean(false, false).orElseThrow();

    assertThat(r.failed()).isEmpty();
    assertThat(v1).doesNotExist();
    String audit = Files.readString(dir.resolve("logs/audit.jsonl"), StandardCharsets.UTF_8);
    assertThat(audit.lines().filter(l -> l.contains("\"event\":\"remove\""))).hasSize(2);
  }

  @Test
  void hundredThousandEntriesInOneFolder_areSizedAndRemoved() throws Exception {
    Path v1 = base.resolve("models/versions/v001/shards");
    Files.createDirectories(v1);
    for (int i = 0; i < 100_000; i++) {
      Files.createFile(v1.resolve("s" + i));
    }
    tree.age(base.resolve("models/versions/v001"), days(9));

    DiskWarden warden = warden();
    assertThat(warden.plan().candidates()).extracting(c -> c.path().getFileName().toString()).contains("v001");
    SweepReport r = warden.clean(false, false).orElseThrow();

    assertThat(r.failed()).isEmpty();
    assertThat(base.resolve("models/versions/v001")).doesNotExist();
  }

  @Test
  void aDirectoryChainNearPathMaxDeep_isSizedLikeDuAndRemoved() throws Exception {
    Path v1 = base.resolve("models/versions/v001");
    Path deepest = v1;
    // as deep as absolute paths go (PATH_MAX 4096): the sizer and the remover must not overflow
    while (deepest.toString().length() < 3900) {
      deepest = deepest.resolve("d");
    }
    Files.createDirectories(deepest);
    Files.writeString(deepest.resolve("f"), "x");
    tree.age(v1, days(9));
    Process du = new ProcessBuilder("du", "-sB1", v1.toString()).start();
    long duBytes = Long.parseLong(new String(du.getInputStream().readAllBytes()).split("\\s")[0]);

    DiskWarden warden = warden();
    var candidate = warden.plan().candidates().stream().filter(c -> c.path().endsWith("v001")).findFirst();
    assertThat(candidate).get().satisfies(c -> assertThat(c.bytes()).isEqualTo(duBytes));
    SweepReport r = warden.clean(false, false).orElseThrow();

    assertThat(r.failed()).isEmpty();
    assertThat(v1).doesNotExist();
  }

  @Test
  void clockSteppedForwardAYear_causesNoMassDeletionByMaxAge() throws Exception {
    new Tree(base).file("logs/a.log", 100, days(1));
    new Tree(base).file("logs/b.log", 100, days(2));
    MutableClock clock = new MutableClock(Instant.now());
    DiskWarden warden = new DiskWarden(WatchSetup.of(config(), dir.resolve("logs"), clock));
    assertThat(warden.plan().candidates()).noneMatch(c -> c.policy().equals("logs"));

    clock.advance(Duration.ofDays(365));

    warden.clean(false, false);
    assertThat(base.resolve("logs/a.log")).exists();
    assertThat(base.resolve("logs/b.log")).exists();
  }

  @Test
  void entryDatedInTheFuture_isYoung() throws Exception {
    Path future = tree.version("models/versions/v000", 100, Duration.ofDays(-30));

    Plan plan = warden().plan();

    assertThat(plan.candidates()).noneMatch(c -> c.path().equals(future));
    assertThat(plan.held()).anyMatch(h -> h.path().equals(future) && h.reason().contains("min_age"));
  }

  @Test
  void protectedYoungEntry_doesNotPushOutTheNewestFinishedOne() throws Exception {
    // found by InvariantTest seed 20261192: a protected entry was not walked, so its mtime read as
    // 1970, it ranked as a settled entry, and keep_latest let the newest finished version go
    tree.version("models/versions/v009", 100, Duration.ofDays(-3));
    String yaml = Configs.incident(base, "1000TB", "1000TB", "full").replace("keep_latest: 2", "keep_latest: 1\n    order_by: name")
        .replace("  - current_model", "  - current_model\n  - models/versions/v009");

    new DiskWarden(WatchSetup.of(Configs.parse(yaml), dir.resolve("logs"), Clock.systemUTC())).clean(false, false);

    assertThat(base.resolve("models/versions/v004")).exists();
    assertThat(base.resolve("models/versions/v009")).exists();
  }

  @Test
  void removalACrashedRunBegan_isFinished_butAFileWrittenSinceSurvives() throws Exception {
    Path logs = dir.resolve("logs");
    AuditLog audit = new AuditLog(logs.resolve("audit.jsonl"), Clock.systemUTC());
    Path v1 = base.resolve("models/versions/v001");
    Path v2 = base.resolve("models/versions/v002");
    for (Path v : List.of(v1, v2)) {
      audit.intent(new org.diskwarden.policy.Candidate(v, "model-versions", "version", 1, Instant.EPOCH, "crash"),
          org.diskwarden.config.CleanupMode.FULL, false);
      Files.delete(v.resolve("config.json"));   // half removed when the agent died: the dir mtime is now
    }
    Path fresh = Files.writeString(v2.resolve("new-save.bin"), "written after the crash");

    SweepReport r = warden().clean(false, false).orElseThrow();

    assertThat(v1).doesNotExist();
    assertThat(fresh).hasContent("written after the crash");
    assertThat(r.removed()).extracting(m -> m.path().getFileName().toString()).contains("v001");
    assertThat(new AuditLog(logs.resolve("audit.jsonl"), Clock.systemUTC()).unfinished()).doesNotContain(v1);
  }

  @Test
  void vanishedCandidate_isLoggedNotFatal_andTheSweepGoesOn() throws Exception {
    DiskWarden warden = warden();
    Plan plan = warden.plan();
    org.apache.commons.io.file.PathUtils.deleteDirectory(base.resolve("models/versions/v001"));

    SweepReport r = new Sweeper(Volume.of(base, Clock.systemUTC()),
        new AuditLog(dir.resolve("audit.jsonl"), Clock.systemUTC()), Clock.systemUTC())
        .execute(plan, config(), false, () -> false);

    assertThat(r.failed()).singleElement().satisfies(f -> assertThat(f.error().orElseThrow()).contains("vanished"));
    assertThat(r.removed()).extracting(m -> m.path().getFileName().toString()).containsExactly("v002");
    assertThat(List.of(base.resolve("models/versions/v003"), base.resolve("models/versions/v004")))
        .allSatisfy(p -> assertThat(p).exists());
  }
}
