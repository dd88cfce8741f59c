package org.diskwarden.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.diskwarden.Configs;
import org.diskwarden.Planted;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.WatchSetup;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.sweep.AuditLog;
import org.diskwarden.sweep.GuardedDelete;
import org.diskwarden.volume.Volume;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JGit's gc on repositories made by git, checked by git afterwards. */
class GitMaintenanceTest {
  @TempDir
  static Path template;

  @TempDir
  Path base;

  Path repo;

  @BeforeAll
  static void buildOnce() throws Exception {
    GitFixture.build(template.resolve("repo"));
  }

  @BeforeEach
  void copy() throws Exception {
    GitFixture.sh(base, "cp -a " + template.resolve("repo") + " " + base.resolve("repo"));
    repo = base.resolve("repo");
  }

  private WardenConfig config(String minFree, String gc) throws Exception {
    return Configs.parse(Configs.incident(base, minFree, minFree, "full") + """
        git:
          repos: [repo]
          gc: %s
        """.formatted(gc));
  }

  private GitMaintenance maintenance(WardenConfig config) {
    return new GitMaintenance(config, Volume.of(base, Clock.systemUTC()),
        GuardedDelete.of(config, java.util.Set.of(), new AuditLog(base.resolve("audit.jsonl"), Clock.systemUTC()),
            Clock.systemUTC()), Clock.systemUTC(), () -> false);
  }

  @Test
  void gc_shrinksTheRepository_keepsEveryRef_andGitFsckIsClean() throws Exception {
    List<String> refsBefore = GitFixture.refs(repo);
    List<Integer> logExits = new ArrayList<>();

    CompletableFuture<GitGcReport> gc = CompletableFuture.supplyAsync(() -> maintenance(config0()).gc("repo"));
    while (!gc.isDone()) {
      logExits.add(GitFixture.exit(repo, "git", "log", "--oneline", "--all"));
    }
    GitGcReport r = gc.join();

    assertThat(r.outcome()).as(r.reason()).isEqualTo(GitGcReport.Outcome.DONE);
    assertThat(r.gitDirAfter()).isLessThan(r.gitDirBefore());
    assertThat(r.looseAfter()).isLessThan(r.looseBefore());
    assertThat(r.packedAfter()).isGreaterThan(0);
    assertThat(GitFixture.refs(repo)).isEqualTo(refsBefore);
    String fsck = GitFixture.sh(repo, "git fsck --full --no-dangling 2>&1");
    assertThat(fsck).doesNotContainIgnoringCase("error").doesNotContainIgnoringCase("missing")
        .doesNotContainIgnoringCase("broken");
    assertThat(logExits).containsOnly(0);
    assertThat(GitFixture.sh(repo, "git cat-file -t v1")).startsWith("commit");
  }

  private WardenConfig config0() {
    try {
      return config("0B", "when_still_low");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void liveGcPid_orFreshIndexLock_leavesTheRepositoryAlone() throws Exception {
    Path pid = Files.writeString(repo.resolve(".git/gc.pid"),
        ProcessHandle.current().pid() + " " + java.net.InetAddress.getLocalHost().getHostName());
    GitGcReport held = maintenance(config0()).gc("repo");
    assertThat(held.outcome()).isEqualTo(GitGcReport.Outcome.REFUSED);
    assertThat(held.reason()).contains("another git gc").contains(Long.toString(ProcessHandle.current().pid()));

    Files.delete(pid);
    Files.writeString(repo.resolve(".git/index.lock"), "");
    GitGcReport locked = maintenance(config0()).gc("repo");
    assertThat(locked.outcome()).isEqualTo(GitGcReport.Outcome.REFUSED);
    assertThat(locked.reason()).contains("index.lock");
    assertThat(Files.list(repo.resolve(".git/objects/pack")).count()).isZero();
  }

  @Test
  void staleGcPidOfADeadProcess_andLeftoverTempPacks_areRemovedFirst_throughTheAuditLog() throws Exception {
    Process dead = new ProcessBuilder("true").start();
    dead.waitFor();
    Path pid = Files.writeString(repo.resolve(".git/gc.pid"), dead.pid() + "");
    Files.setLastModifiedTime(pid, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    Path temp = Files.createDirectories(repo.resolve(".git/objects/pack")).resolve("gc_4711.pack_tmp");
    Files.write(temp, new byte[1 << 20]);
    Files.setLastModifiedTime(temp, FileTime.from(Instant.now().minus(Duration.ofHours(2))));

    GitGcReport r = maintenance(config0()).gc("repo");

    assertThat(r.outcome()).as(r.reason()).isEqualTo(GitGcReport.Outcome.DONE);
    assertThat(pid).doesNotExist();
    assertThat(temp).doesNotExist();
    assertThat(r.tempPacksRemoved()).isEqualTo(1 << 20);
    assertThat(Files.readString(base.resolve("audit.jsonl"))).contains("gc_4711.pack_tmp").contains("gc.pid");
  }

  /** Attack 4 of issue 27: one mkfifo by the repository's owner stopped the agent for good. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(Planted.class)
  void gcPid_aFifoSocketOrHugeFileOfTheRepositorysOwner_isReported_andNothingBlocks(Planted kind) throws Exception {
    List<String> refs = GitFixture.refs(repo);
    Planted.attackerOwns(base, repo);
    kind.at(repo.resolve(".git/gc.pid"));

    GitGcReport r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> maintenance(config0()).gc("repo"));

    assertThat(r.outcome()).isEqualTo(GitGcReport.Outcome.REFUSED);
    assertThat(r.reason()).contains("gc.pid").contains(kind.shows());
    assertThat(GitFixture.refs(repo)).isEqualTo(refs);
    assertThat(Files.list(repo.resolve(".git/objects/pack")).count()).isZero();
  }

  @Test
  void aLinkOrFifoInTheGitDirectory_refusesTheGc_beforeJGitFollowsOrWaitsOnIt() throws Exception {
    Planted.attackerOwns(base, repo);
    Path outside = Files.createDirectories(base.resolve("root-only"));
    GitFixture.sh(base, "mv repo/.git/refs/tags repo/.git/tags-real && ln -s " + outside + " repo/.git/refs/tags");
    GitGcReport linked = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> maintenance(config0()).gc("repo"));
    assertThat(linked.outcome()).isEqualTo(GitGcReport.Outcome.REFUSED);
    assertThat(linked.reason()).contains("refs/tags is a symbolic link");

    GitFixture.sh(base, "rm repo/.git/refs/tags && mv repo/.git/tags-real repo/.git/refs/tags");
    Planted.FIFO.at(repo.resolve(".git/refs/heads/planted"));
    GitGcReport fifo = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> maintenance(config0()).gc("repo"));
    assertThat(fifo.outcome()).isEqualTo(GitGcReport.Outcome.REFUSED);
    assertThat(fifo.reason()).contains("refs/heads/planted is a FIFO");
    assertThat(outside).isEmptyDirectory();
  }

  @Test
  void notARepository_isRefusedWithAReason() throws Exception {
    Files.createDirectories(base.resolve("plain"));
    WardenConfig c = Configs.parse(Configs.incident(base, "0B", "0B", "full") + "git:\n  repos: [plain]\n");
    GitGcReport r = maintenance(c).gc("plain");
    assertThat(r.outcome()).isEqualTo(GitGcReport.Outcome.REFUSED);
    assertThat(r.reason()).contains("not a git repository");
  }

  @Test
  void whenStillLow_runsOnlyWhenThePoliciesMissedTheTarget_andNeverNever() throws Exception {
    DiskWarden reached = new DiskWarden(WatchSetup.of(config("0B", "when_still_low"), base.resolve("logs"),
        Clock.systemUTC()));
    reached.clean(true, false);
    assertThat(reached.status().lastGitGc()).isEmpty();

    DiskWarden never = new DiskWarden(WatchSetup.of(config("1000TB", "never"), base.resolve("logs"),
        Clock.systemUTC()));
    never.clean(false, false);
    assertThat(never.status().lastGitGc()).isEmpty();

    DiskWarden missed = new DiskWarden(WatchSetup.of(config("1000TB", "when_still_low"), base.resolve("logs"),
        Clock.systemUTC()));
    missed.clean(false, false);
    assertThat(missed.status().lastGitGc()).singleElement().satisfies(r -> assertThat(r.outcome()).isEqualTo(GitGcReport.Outcome.DONE));
    assertThat(Files.list(repo.resolve(".git/objects/pack")).count()).isPositive();
  }

  private static List<String> packFiles(Path gitDir) throws Exception {
    try (var s = Files.walk(gitDir.resolve("objects/pack"))) {
      return s.filter(Files::isRegularFile).map(p -> gitDir.relativize(p).toString()).sorted().toList();
    }
  }

  @Test
  void packedRepository_oldPackGoesNow_noBitmapForANonBareOne_andTheSizeIsWithinTenPercentOfCGit() throws Exception {
    // packed by C git long ago, with commits since: the shape of a repository that has seen gc before
    GitFixture.sh(repo, """
        set -e
        git gc -q
        for i in $(seq 1 30); do echo "more $i" >> file.txt; git add file.txt; git commit -q -m "m$i"; done
        find .git/objects -type f -exec touch -d '2 hours ago' {} +
        """);
    GitFixture.sh(base, "cp -a repo twin && git -C twin gc -q");
    List<String> refsBefore = GitFixture.refs(repo);
    long beforeBytes = Long.parseLong(GitFixture.sh(base, "du -sb repo/.git | cut -f1").trim());

    GitGcReport r = maintenance(config0()).gc("repo");

    assertThat(r.outcome()).as(r.reason()).isEqualTo(GitGcReport.Outcome.DONE);
    List<String> packs = packFiles(repo.resolve(".git"));
    assertThat(packs).filteredOn(p -> p.endsWith(".pack")).singleElement()
        .satisfies(p -> assertThat(p).doesNotContain("preserved"));
    assertThat(packs).noneMatch(p -> p.endsWith(".bitmap"));
    long jgit = Long.parseLong(GitFixture.sh(base, "du -sb repo/.git | cut -f1").trim());
    long cgit = Long.parseLong(GitFixture.sh(base, "du -sb twin/.git | cut -f1").trim());
    assertThat(jgit).isLessThan(beforeBytes).isBetween(cgit * 9 / 10, cgit * 11 / 10);
    assertThat(r.gitDirAfter()).isLessThan(r.gitDirBefore());
    assertThat(GitFixture.refs(repo)).isEqualTo(refsBefore);
    assertThat(GitFixture.sh(repo, "git fsck --full --no-dangling 2>&1")).doesNotContainIgnoringCase("error")
        .doesNotContainIgnoringCase("missing").doesNotContainIgnoringCase("broken");
    assertThat(GitFixture.sh(repo, "git config --get pack.buildBitmaps || echo unset").trim()).isEqualTo("unset");
  }

  @Test
  void bareRepository_getsItsBitmap_asWithCGit() throws Exception {
    GitFixture.sh(base, "git clone -q --bare repo served.git");
    WardenConfig c = Configs.parse(Configs.incident(base, "0B", "0B", "full") + "git:\n  repos: [served.git]\n");

    GitGcReport r = maintenance(c).gc("served.git");

    assertThat(r.outcome()).as(r.reason()).isEqualTo(GitGcReport.Outcome.DONE);
    assertThat(packFiles(base.resolve("served.git"))).anyMatch(p -> p.endsWith(".bitmap"));
  }

  @Test
  void freshlyPackedRepository_gcNeverGrowsIt_theOldPackGoes_andTheVolumeGainsSpace() throws Exception {
    // As users have it: history written by fast-import, binaries packed by a repack minutes ago (as a
    // fetch, a push or an auto-gc leaves them), then loose commits. Nothing is dated back.
    Path fresh = base.resolve("fresh");
    GitFixture.sh(base, """
        set -e
        git init -q fresh
        cd fresh
        python3 - <<'PY' | git fast-import --quiet
        import random, sys
        out = sys.stdout
        random.seed(1)
        # an object nothing references (fast-import leaves such; so does a push before its ref moves)
        out.write("blob\\nmark :999999\\ndata 23\\nnobody references this\\n")
        for c in range(1500):
            out.write("commit refs/heads/main\\ncommitter A <a@b> %d +0000\\ndata 3\\nc%02d\\n" % (1600000000 + c, c % 100))
            for k in range(3):
                i = random.randrange(400)
                content = ("line %d %d\\n" % (i, c)) * 50
                out.write("M 644 inline f%d.txt\\ndata %d\\n%s\\n" % (i, len(content), content))
            out.write("\\n")
        PY
        git reset -q --hard main
        for i in $(seq 1 15); do head -c 2000000 /dev/urandom > bin$i.dat; done
        git add . && git commit -q -m bins
        git repack -q -d
        for i in $(seq 1 60); do echo $i >> f1.txt; git commit -q -a -m "loose $i"; done
        """);
    GitFixture.sh(base, "cp -a fresh twin && git -C twin gc -q");
    List<String> refsBefore = GitFixture.refs(fresh);
    WardenConfig c = Configs.parse(Configs.incident(base, "0B", "0B", "full") + "git:\n  repos: [fresh]\n");

    GitGcReport r = maintenance(c).gc("fresh");

    assertThat(r.outcome()).as(r.reason()).isEqualTo(GitGcReport.Outcome.DONE);
    assertThat(r.reason()).doesNotContain("old pack(s) kept");
    assertThat(packFiles(fresh.resolve(".git"))).filteredOn(p -> p.endsWith(".pack")).hasSize(1);
    long jgit = Long.parseLong(GitFixture.sh(base, "du -sb fresh/.git | cut -f1").trim());
    long cgit = Long.parseLong(GitFixture.sh(base, "du -sb twin/.git | cut -f1").trim());
    assertThat(jgit).isLessThanOrEqualTo(cgit * 11 / 10);
    assertThat(r.gitDirAfter()).isLessThan(r.gitDirBefore());
    assertThat(r.volumeFreed()).isPositive();
    assertThat(GitFixture.refs(fresh)).isEqualTo(refsBefore);
    assertThat(GitFixture.sh(fresh, "git fsck --full 2>&1; echo exit=$?")).contains("exit=0")
        .doesNotContainIgnoringCase("error").doesNotContainIgnoringCase("missing");
    // the unreferenced object was kept, loose, for prune_expire to age out (as C git's repack -A does)
    String orphan = GitFixture.sh(fresh, "printf 'nobody references this\\n' | git hash-object --stdin").trim();
    assertThat(GitFixture.sh(fresh, "git cat-file -t " + orphan).trim()).isEqualTo("blob");
    Path loose = fresh.resolve(".git/objects/" + orphan.substring(0, 2) + "/" + orphan.substring(2));
    assertThat(loose).exists();
    // made through descriptors: read-only for all, owned as the objects folder is
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(loose)))
        .isEqualTo("r--r--r--");
    assertThat(Files.getAttribute(loose, "unix:uid")).isEqualTo(Files.getAttribute(fresh.resolve(".git/objects"),
        "unix:uid"));
  }
}
