package org.diskwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.diskwarden.Tmpfs;
import org.diskwarden.Tree;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an alert names as holding the space ({@link SpaceWalk}): the largest places, policy-covered or
 * not, at the depth a person would look, with an honest rest; a walk that never leaves base_dir.
 */
class SpaceWalkTest {
  private static final int MB = 1 << 20;
  private static final Duration BUDGET = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  Path base;
  Tree tree;
  Protection protection;

  @BeforeEach
  void setUp() throws Exception {
    base = Files.createDirectory(dir.resolve("base")).toRealPath();
    tree = new Tree(base);
    protection = new Protection(base, List.of("current_model"));
  }

  /** The five kept versions of the issue, as the plan measured them. */
  private List<Holder> fiveKeptVersions(int bytes) {
    List<Holder> kept = new ArrayList<>();
    for (int v = 1; v <= 5; v++) {
      Path entry = tree.version("models/versions/v00" + v, bytes, Tree.days(6 - v));
      long measured = FootprintWalk.measure(entry, protection, 4096).bytes();
      kept.add(Holder.of(entry, measured, Holder.Stays.KEPT_BY_RULE, "model-versions",
          "kept by rule (among the newest 5)"));
    }
    return kept;
  }

  /** {@code du -sB1} of {@code path}: the real neighbour's count of what it holds. */
  private static long du(Path path) throws Exception {
    Process p = new ProcessBuilder("du", "-s", "-B1", path.toString()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).isZero();
    return Long.parseLong(out.split("\\s+")[0]);
  }

  @Test
  void aFileNoPolicyCovers_isNamedFirst_beforeTheKeptEntries_andTheRestIsWhatIsLeft() throws Exception {
    List<Holder> kept = fiveKeptVersions(3 * MB);
    Path culprit = tree.file("data/big.bin", 11 * MB, Tree.days(1));

    SpaceHolders found = SpaceWalk.survey(base, protection, kept, BUDGET);

    assertThat(found.largest().get(0)).satisfies(h -> {
      assertThat(h.path()).isEqualTo(culprit);
      assertThat(h.stays()).isEqualTo(Holder.Stays.NO_POLICY);
      assertThat(h.reason()).isEqualTo("no policy covers it");
      assertThat(h.bytes()).isEqualTo(11L * MB);
    });
    assertThat(found.largest().subList(1, 6)).containsExactlyInAnyOrderElementsOf(kept);
    assertThat(found.cut()).isEmpty();
    // what is listed and what is not add up to what du counts, and the rest is the rest, not the culprit
    assertThat(found.underBase()).isCloseTo(du(base), org.assertj.core.data.Offset.offset(64L << 10));
    assertThat(found.otherBytes()).isLessThan(1L * MB);
  }

  /**
   * To the byte, what the walk counts under base_dir is what du -sB1 counts: every folder's own blocks
   * (base_dir's, those on the way to the policies' entries, those it measures), files by allocated
   * blocks (a sparse one by what it holds), a file with several links once, the entries as the plan
   * measured them.
   */
  @Test
  void whatTheWalkCountsUnderBaseDir_isWhatDuCounts_toTheByte() throws Exception {
    Path entry = tree.version("models/versions/v001", 3 * MB, Tree.days(3));
    long measured = FootprintWalk.measure(entry, protection, 4096).bytes();
    tree.file("models/notes.txt", 5000, Tree.days(1));
    for (int i = 0; i < 40; i++) {
      tree.file("scratch/a/b/c/small-" + i + ".txt", 100 + 37 * i, Tree.days(1));
    }
    Path big = tree.file("scratch/a/big.bin", 2 * MB, Tree.days(1));
    Files.createLink(base.resolve("scratch/big-again.bin"), big);
    Files.createLink(base.resolve("models/big-third.bin"), big);
    try (java.io.RandomAccessFile sparse = new java.io.RandomAccessFile(base.resolve("scratch/sparse.img").toFile(),
        "rw")) {
      sparse.setLength(64L * MB);
      sparse.write(new byte[8192]);
    }
    Files.createDirectories(base.resolve("empty/inside/deeper"));

    SpaceHolders found = SpaceWalk.survey(base, protection, List.of(Holder.of(entry, measured,
        Holder.Stays.KEPT_BY_RULE, "model-versions", "kept by rule (among the newest 1)")), BUDGET);

    assertThat(found.cut()).isEmpty();
    assertThat(measured).isEqualTo(du(entry));
    assertThat(found.underBase()).isEqualTo(du(base));
  }

  @Test
  void aDirectoryOneChildHoldsMostOf_isDescendedInto_andItsRestIsToldApart() throws Exception {
    Path deep = tree.file("scratch/alice/run5/dump.bin", 8 * MB, Tree.days(1));
    tree.file("scratch/alice/notes.txt", 2 * MB, Tree.days(1));
    tree.file("scratch/bob.tar", 1 * MB, Tree.days(1));

    SpaceHolders found = SpaceWalk.survey(base, protection, List.of(), BUDGET);

    assertThat(found.largest()).extracting(Holder::path).startsWith(deep);
    assertThat(found.largest()).filteredOn(Holder::rest).extracting(Holder::path).isNotEmpty()
        .allSatisfy(p -> assertThat(deep.startsWith(p)).isTrue());
    // no place is counted twice: the parts and the rests add up to the tree
    assertThat(found.underBase()).isCloseTo(du(base), org.assertj.core.data.Offset.offset(64L << 10));
  }

  @Test
  void aDirectoryOfAFewLargeParts_isListedByPart_whenTheListHasRoom() throws Exception {
    for (String user : List.of("alice", "bob", "carol")) {
      tree.file("scratch/" + user + "/a.bin", 2 * MB, Tree.days(1));
      tree.file("scratch/" + user + "/b.bin", 3 * MB / 2, Tree.days(1));
    }

    SpaceHolders found = SpaceWalk.survey(base, protection, List.of(), BUDGET);

    List<Path> listed = found.largest().stream().map(Holder::path).toList();
    assertThat(listed).doesNotContain(base.resolve("scratch"));
    for (String user : List.of("alice", "bob", "carol")) {
      assertThat(listed).anySatisfy(p -> assertThat(p.startsWith(base.resolve("scratch/" + user))).isTrue());
    }
  }

  @Test
  void aPolicyEntry_isListedWhole_neverDescendedInto_andProtectedPlacesSaySo() throws Exception {
    List<Holder> kept = fiveKeptVersions(2 * MB);
    tree.version("current_model", 4 * MB, Tree.days(30));

    SpaceHolders found = SpaceWalk.survey(base, protection, kept, BUDGET);

    assertThat(found.largest()).extracting(Holder::path).doesNotContain(kept.get(0).path().resolve("weights.bin"));
    assertThat(found.largest().get(0)).satisfies(h -> {
      assertThat(h.path()).isEqualTo(base.resolve("current_model"));
      assertThat(h.stays()).isEqualTo(Holder.Stays.PROTECTED);
      assertThat(h.reason()).isEqualTo("protected by 'current_model'");
    });
  }

  @Test
  void aNameThatIsNotText_isMeasured_andNamedAsItIs() throws Exception {
    Path bad = org.diskwarden.ByteNames.mkdir(base, new byte[] {'b', 'a', 'd', (byte) 0xff, 'n', 'a', 'm', 'e'});
    Files.write(bad.resolve("data.bin"), new byte[3 * MB]);
    Files.write(bad.resolve("more.bin"), new byte[2 * MB]);

    SpaceHolders found = SpaceWalk.survey(base, protection, List.of(), BUDGET);

    assertThat(found.cut()).isEmpty();
    assertThat(found.largest().get(0).path()).isEqualTo(bad.resolve("data.bin"));
    assertThat(org.diskwarden.fs.Names.of(found.largest().get(0).path())).endsWith("/bad\\377name/data.bin");
    assertThat(found.underBase()).isGreaterThanOrEqualTo(5L * MB);
  }

  @Test
  void anEntryGoneSinceThePlan_isNotListed() throws Exception {
    List<Holder> kept = fiveKeptVersions(1 * MB);
    org.apache.commons.io.file.PathUtils.deleteDirectory(kept.get(0).path());

    SpaceHolders found = SpaceWalk.survey(base, protection, kept, BUDGET);

    assertThat(found.largest()).extracting(Holder::path).doesNotContain(kept.get(0).path())
        .contains(kept.get(1).path());
  }

  @Test
  void outOfTime_saysWhatWasNotMeasured_andStillListsThePlansEntries() throws Exception {
    List<Holder> kept = fiveKeptVersions(1 * MB);
    tree.file("data/big.bin", 2 * MB, Tree.days(1));

    SpaceHolders found = SpaceWalk.survey(base, protection, kept, Duration.ZERO);

    assertThat(found.cut()).hasValueSatisfying(c -> assertThat(c).contains("time limit"));
    assertThat(found.largest()).containsAll(kept);
  }

  @Test
  void aLinkOutOfBaseDir_isNeverFollowed_andNothingOutsideIsNamedOrCounted() throws Exception {
    Path outside = Files.createDirectory(dir.resolve("outside"));
    new Tree(outside).file("secret-payroll/2026.bin", 20 * MB, Tree.days(1));
    Files.createSymbolicLink(base.resolve("evil"), outside);
    Files.createSymbolicLink(base.resolve("evil-file"), outside.resolve("secret-payroll/2026.bin"));
    tree.file("data/a.bin", 1 * MB, Tree.days(1));

    SpaceHolders found = SpaceWalk.survey(base, protection, List.of(), BUDGET);

    assertThat(found.underBase()).isLessThan(2L * MB);
    assertThat(found.largest()).allSatisfy(h -> {
      assertThat(h.path().startsWith(base)).isTrue();
      assertThat(h.path().toString() + h.reason()).doesNotContain("secret");
    });
  }

  @Test
  void aFifoInTheTree_neverHoldsTheWalk() throws Exception {
    tree.file("data/a.bin", 1 * MB, Tree.days(1));
    for (Path fifo : List.of(base.resolve("pipe"), base.resolve("data/pipe"))) {
      assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    }

    SpaceHolders found = CompletableFuture.supplyAsync(() -> SpaceWalk.survey(base, protection, List.of(), BUDGET))
        .get(20, TimeUnit.SECONDS);

    assertThat(found.largest()).extracting(Holder::path).contains(base.resolve("data/a.bin"));
  }

  @Test
  void anotherFilesystemInside_isNotEntered() throws Exception {
    tree.file("data/a.bin", 1 * MB, Tree.days(1));
    // one mounted beside the data, one inside a folder the walk measures
    try (Tmpfs top = Tmpfs.mount(base.resolve("mnt"), 32); Tmpfs inside = Tmpfs.mount(base.resolve("data/mnt"), 32)) {
      new Tree(top.root()).file("elsewhere.bin", 8 * MB, Tree.days(1));
      new Tree(inside.root()).file("elsewhere.bin", 8 * MB, Tree.days(1));

      SpaceHolders found = SpaceWalk.survey(base, protection, List.of(), BUDGET);

      assertThat(found.underBase()).isLessThan(2L * MB);
      assertThat(found.largest()).extracting(Holder::path).doesNotContain(base.resolve("mnt/elsewhere.bin"),
          base.resolve("data/mnt/elsewhere.bin"));
    }
  }

  /**
   * The attacker (nobody) swaps a directory of base_dir with a link to a folder outside, in a tight
   * loop, while the walk runs 300 times: no walk counts or names anything outside.
   */
  @Test
  void aDirectorySwappedForALinkOut_whileWalked_neverLeadsOutside() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")),
        "SKIPPED: the attacker runs as nobody through setpriv, which needs root (CI runs as root)");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path outside = Files.createDirectory(dir.resolve("outside"));
    new Tree(outside).file("secret-payroll/2026.bin", 20 * MB, Tree.days(1));
    for (int i = 0; i < 50; i++) {
      tree.file("data/d" + i + "/f.bin", 4096, Tree.days(1));
    }
    Files.createSymbolicLink(base.resolve("evil"), outside);
    exec("chown", "-hR", "65534:65534", base.toString());
    Path script = Files.writeString(dir.resolve("swap.py"), """
        import ctypes, sys
        libc = ctypes.CDLL(None, use_errno=True)
        a, b = sys.argv[1].encode(), sys.argv[2].encode()
        print('ready', flush=True)
        while True:
            libc.renameat2(-100, a, -100, b, 2)  # AT_FDCWD, RENAME_EXCHANGE
        """);
    Process attacker = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
        "/usr/bin/python3", script.toString(), base.resolve("data").toString(), base.resolve("evil").toString())
        .redirectErrorStream(true).start();
    try {
      String ready = new BufferedReader(new InputStreamReader(attacker.getInputStream(), StandardCharsets.UTF_8))
          .readLine();
      assertThat(ready).as("the attacker starts as nobody").isEqualTo("ready");
      int sawData = 0;
      int raced = 0;
      for (int round = 0; round < 300; round++) {
        SpaceHolders found = SpaceWalk.survey(base, protection, List.of(), BUDGET);
        assertThat(found.underBase()).as("round %d", round).isLessThan(5L * MB);
        assertThat(found.largest()).as("round %d", round).allSatisfy(h ->
            assertThat(h.path().toString() + h.reason()).doesNotContain("secret"));
        sawData += found.underBase() > 150 << 10 ? 1 : 0;
        raced += found.cut().isPresent() ? 1 : 0;
      }
      // the walks saw the real folder, and the swap landed between a stat and an open: the attack happened
      System.out.println("swap race: " + raced + " of 300 walks met a swapped name; " + sawData + " saw the folder");
      assertThat(sawData).isPositive();
      assertThat(raced).isPositive();
    } finally {
      attacker.destroyForcibly().waitFor();
    }
  }

  private static void exec(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
  }
}
