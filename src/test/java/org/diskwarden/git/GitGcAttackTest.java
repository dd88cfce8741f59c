package org.diskwarden.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import org.diskwarden.Configs;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.sweep.AuditLog;
import org.diskwarden.sweep.GuardedDelete;
import org.diskwarden.volume.Volume;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 27, git part: JGit opens, writes, renames and deletes files under {@code .git} by path. The
 * owner of a repository (nobody, through setpriv) swaps {@code objects/pack}, or the repository's
 * folder, for a link to a root-only repository outside base_dir while the gc runs: 50 rounds blind
 * (every 0-2 ms from the start) and 50 timed (as fast as it can once the gc's temporary pack
 * appears). The outside tree keeps content, mode, owner and times; nothing root-owned appears in the
 * user's repository; with nobody interfering, the gc writes the owner's packs and git fsck is clean.
 */
class GitGcAttackTest {
  private static final int ROUNDS = 50;
  private static final int NOBODY = 65534;
  /** Exchanges {@code a} and {@code b} (renameat2 RENAME_EXCHANGE), blind or while {@code watch} holds a temp pack. */
  private static final String ATTACKER = """
      import ctypes, os, random, sys, time
      libc = ctypes.CDLL(None, use_errno=True)
      a, b, watch, mode = sys.argv[1:5]
      def packing():
          try:
              return any('tmp' in n for n in os.listdir(watch))
          except OSError:
              return True
      print('ready', flush=True)
      while True:
          if mode == 'timed' and not packing():
              continue
          if mode == 'blind':
              time.sleep(random.random() * 0.002)
          libc.renameat2(-100, a.encode(), -100, b.encode(), 2)
      """;

  @TempDir
  static Path template;

  @TempDir
  Path dir;

  private Path base;
  private Path home;
  private Path outside;
  private Path victim;
  private Map<String, String> outsideBefore;

  /** A small history made by git: a pack, then loose commits and a blob since (what a gc changes). */
  @BeforeAll
  static void buildOnce() throws Exception {
    GitFixture.sh(template, """
        set -e
        git init -q -b main repo && cd repo
        git config user.email t@example.com && git config user.name t && git config gc.auto 0
        for i in $(seq 1 30); do echo "line $i" >> file.txt; git add file.txt; git commit -q -m "c$i"; done
        git repack -q -d
        for i in $(seq 1 20); do echo "more $i" >> file.txt; git add file.txt; git commit -q -m "m$i"; done
        head -c 200000 /dev/urandom > blob.bin && git add blob.bin && git commit -q -m blob
        """);
  }

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")),
        "needs root: the attacker runs as nobody through setpriv, the gc switches to the owner's ids (CI runs as root)");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    outside = Files.createDirectories(dir.resolve("outside/root-only"));
    Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rwx------"));
    GitFixture.sh(outside, "cp -a " + template.resolve("repo") + " victim && chown -R root:root victim");
    victim = outside.resolve("victim");
    outsideBefore = outsideNow();
    base = Files.createDirectories(dir.resolve("base"));
    home = Files.createDirectories(base.resolve("home"));
    chown(home);
  }

  /**
   * Everything outside base_dir as {@code TreeSnapshot.withOwners} takes it (mode, owner, mtime, link
   * target), a file's bytes as their SHA-256: git's objects are zlib, not text.
   */
  private Map<String, String> outsideNow() throws Exception {
    Map<String, String> state = new java.util.TreeMap<>();
    Path root = outside.getParent();
    try (java.util.stream.Stream<Path> s = Files.walk(root)) {
      for (Path p : s.toList()) {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,lastModifiedTime",
            java.nio.file.LinkOption.NOFOLLOW_LINKS);
        String content = Files.isSymbolicLink(p) ? "-> " + Files.readSymbolicLink(p)
            : Files.isRegularFile(p) ? java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))) : "";
        state.put(root.relativize(p).toString(), Integer.toOctalString((Integer) a.get("mode")) + " " + a.get("uid")
            + ":" + a.get("gid") + " " + a.get("lastModifiedTime") + " " + content);
      }
    }
    return state;
  }

  private static void chown(Path p) throws Exception {
    GitFixture.sh(p.getParent(), "chown -hR " + NOBODY + ":" + NOBODY + " '" + p + "'");
  }

  /** A fresh copy of the template at home/repo: the attacker's (nobody's) or root's. */
  private Path repository(boolean nobodys) throws Exception {
    GitFixture.sh(home, "rm -rf repo evil && cp -a " + template.resolve("repo") + " repo");
    Path repo = home.resolve("repo");
    if (nobodys) {
      chown(repo);
    }
    return repo;
  }

  private GitGcReport gc() throws Exception {
    WardenConfig config = Configs.parse(Configs.incident(base, "0B", "0B", "full") + "git:\n  repos: [home/repo]\n");
    GitMaintenance m = new GitMaintenance(config, Volume.of(base, Clock.systemUTC()),
        GuardedDelete.of(config, Set.of(), new AuditLog(dir.resolve("audit.jsonl"), Clock.systemUTC()), Clock.systemUTC()),
        Clock.systemUTC(), () -> false);
    return m.gc("home/repo");
  }

  private static Process attacker(Path a, Path b, Path watch, String mode) throws IOException {
    Process p = new ProcessBuilder("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
        "/usr/bin/python3", "-c", ATTACKER, a.toString(), b.toString(), watch.toString(), mode).redirectErrorStream(true).start();
    String ready = new String(p.getInputStream().readNBytes(6), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(ready).as("attacker started").isEqualTo("ready\n");
    return p;
  }

  private static String rootOwned(Path tree) throws Exception {
    return GitFixture.sh(tree.getParent(), "find '" + tree + "' -uid 0 2>/dev/null || true").trim();
  }

  @Test
  void nobodysRepository_gcWritesPacksAsNobody_nothingRootOwned_andGitFsckIsClean() throws Exception {
    Path repo = repository(true);
    String refs = GitFixture.sh(repo, "git -c safe.directory='*' for-each-ref");

    GitGcReport r = gc();

    assertThat(r.outcome()).as(r.reason()).isEqualTo(GitGcReport.Outcome.DONE);
    assertThat(r.looseAfter()).isLessThan(r.looseBefore());
    String packs = GitFixture.sh(repo, "stat -c '%u:%g %n' .git/objects/pack/*");
    assertThat(packs.lines()).isNotEmpty().allMatch(l -> l.startsWith(NOBODY + ":" + NOBODY + " "));
    assertThat(rootOwned(repo)).isEmpty();
    assertThat(GitFixture.sh(repo, "git -c safe.directory='*' fsck --full 2>&1; echo exit=$?")).contains("exit=0")
        .doesNotContainIgnoringCase("error").doesNotContainIgnoringCase("missing");
    assertThat(GitFixture.sh(repo, "git -c safe.directory='*' for-each-ref")).isEqualTo(refs);
    assertThat(outsideNow()).isEqualTo(outsideBefore);
  }

  @ParameterizedTest
  @ValueSource(strings = {"blind", "timed"})
  void packFolderSwappedForALinkToARootOnlyRepository_duringGc_changesNothingOutside(String mode) throws Exception {
    int reached = 0;
    for (int round = 0; round < ROUNDS; round++) {
      Path repo = repository(true);
      Path objects = repo.resolve(".git/objects");
      // the link waits beside the repository, not in .git (where the scan would refuse the gc)
      GitFixture.sh(home, "setpriv --reuid=" + NOBODY + " --regid=" + NOBODY + " --clear-groups ln -s '"
          + victim.resolve(".git/objects/pack") + "' evil");
      Process attack = attacker(objects.resolve("pack"), home.resolve("evil"), objects.resolve("pack"), mode);
      GitGcReport r;
      try {
        r = gc();
      } finally {
        attack.destroyForcibly().waitFor();
      }
      reached += r.outcome() == GitGcReport.Outcome.REFUSED ? 0 : 1;
      assertThat(outsideNow()).as("round %d: %s", round, r).isEqualTo(outsideBefore);
      assertThat(rootOwned(repo)).as("round %d: %s", round, r).isEmpty();
    }
    assertThat(reached).as("rounds in which JGit ran (the others were refused by the scan)").isPositive();
  }

  /**
   * The repository folder swapped for a link to the root-only repository, for a repository of the
   * attacker's and for a root-owned one inside the attacker's folder ({@code sudo git init}): there
   * JGit works as root, and only the anchor keeps it in the directory that was checked.
   */
  @ParameterizedTest
  @ValueSource(strings = {"blind nobody", "timed nobody", "blind root", "timed root"})
  void repositoryFolderSwappedForALinkToARootOnlyRepository_duringGc_changesNothingOutside(String how)
      throws Exception {
    String mode = how.split(" ")[0];
    boolean nobodys = how.endsWith("nobody");
    int reached = 0;
    for (int round = 0; round < ROUNDS / 2; round++) {
      Path repo = repository(nobodys);
      GitFixture.sh(home, "setpriv --reuid=" + NOBODY + " --regid=" + NOBODY + " --clear-groups ln -s '" + victim
          + "' evil");
      Process attack = attacker(repo, home.resolve("evil"), repo.resolve(".git/objects/pack"), mode);
      GitGcReport r;
      try {
        r = gc();
      } finally {
        attack.destroyForcibly().waitFor();
      }
      assertThat(outsideNow()).as("round %d: %s", round, r).isEqualTo(outsideBefore);
      reached += r.outcome() == GitGcReport.Outcome.REFUSED ? 0 : 1;
      if (nobodys) {
        assertThat(rootOwned(home)).as("round %d: %s", round, r).isEmpty();
      }
    }
    assertThat(reached).as("rounds in which JGit ran (the others were refused on the way to .git)").isPositive();
  }

  @Test
  void aMemberOwnedBySomeoneElse_orWritableByOthers_refusesTheGc_withTheName() throws Exception {
    Path repo = repository(true);
    Path rootFile = Files.writeString(repo.resolve(".git/objects/info/root-file"), "");
    GitGcReport foreign = gc();
    assertThat(foreign.outcome()).isEqualTo(GitGcReport.Outcome.REFUSED);
    assertThat(foreign.reason()).contains("objects/info/root-file is owned by uid 0, the git directory by uid " + NOBODY);

    Files.delete(rootFile);
    GitFixture.sh(repo, "chmod o+w .git/refs/heads");
    GitGcReport shared = gc();
    assertThat(shared.outcome()).isEqualTo(GitGcReport.Outcome.REFUSED);
    assertThat(shared.reason()).contains("refs/heads may be written by its group or others (mode 757)");
  }

  @Test
  void theAgentsProbeRoomLeftByAKilledRun_isRemoved_andTheGcRuns() throws Exception {
    Path repo = repository(true);
    Path left = Files.createDirectories(repo.resolve(".git/" + OwnerGc.PROBE_ROOM));
    Files.setPosixFilePermissions(left, PosixFilePermissions.fromString("rwx------"));
    Files.writeString(left.resolve(".probe-left"), "x");

    GitGcReport r = gc();

    assertThat(r.outcome()).as(r.reason()).isEqualTo(GitGcReport.Outcome.DONE);
    assertThat(left).doesNotExist();
    assertThat(rootOwned(repo)).isEmpty();
  }
}
