package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.WatchSetup;
import org.diskwarden.policy.Candidate;
import org.diskwarden.policy.Held;
import org.diskwarden.sweep.Plan;
import org.diskwarden.sweep.Removal;
import org.diskwarden.sweep.SweepReport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 29's hub cache cases ({@link FrameworkFixtures}, as huggingface_hub writes the cache), each
 * judged after cleanup by Hugging Face's own scanner ({@link HubScan}): no corruption, and the
 * revisions it finds are the ones the agent says it kept. Then issue 33's ranking cases: keep_latest
 * counts revisions newest first (refs/main's, then those a ref names, then by last use), and what
 * the plan offers of the others.
 */
class HubCacheCasesTest {
  @TempDir
  Path dir;

  Path base;
  Path hub;
  Tree tree;
  FrameworkFixtures fx;

  @BeforeEach
  void setUp() throws Exception {
    base = Files.createDirectory(dir.resolve("base"));
    hub = Files.createDirectories(base.resolve(".cache/huggingface/hub"));
    tree = new Tree(base);
    fx = new FrameworkFixtures(tree);
  }

  private DiskWarden warden() throws Exception {
    return new DiskWarden(WatchSetup.of(Configs.parse(Configs.alwaysLow(base, "min_age: 30m", """
        - name: hub
          path: .cache/huggingface/hub
          layout: hf_cache
          max_age: 30d
        """)), dir.resolve("logs"), Clock.systemUTC()));
  }

  /**
   * One revision of a repository: a config every revision shares, weights of its own, and
   * {@code extra} blobs (other revisions may link them too), each a file of the snapshot.
   */
  private Path revision(Path repo, String commit, Duration used, String... extra) throws Exception {
    fx.blob(repo, "c0nf1g", 300, Tree.days(90), used);
    fx.blob(repo, "w-" + commit, 40_000, Tree.days(90), used);
    List<String> files = new ArrayList<>(List.of("config.json", "c0nf1g",
        "model.safetensors", "w-" + commit));
    for (int i = 0; i < extra.length; i++) {
      fx.blob(repo, extra[i], 1_000, Tree.days(90), used);
      files.add("part-" + i + ".bin");
      files.add(extra[i]);
    }
    return fx.snapshot(repo, commit, Tree.days(90), files.toArray(String[]::new));
  }

  /** A repository of one revision that refs/main names. */
  private Path downloaded(String folder, String commit, Duration used) throws Exception {
    Path repo = hub.resolve(folder);
    revision(repo, commit, used);
    fx.ref(repo, "main", commit, Tree.days(90));
    return repo;
  }

  /** huggingface_hub {@code file_download.py}: {@code .locks/<repo folder>/<etag>.lock}, as filelock leaves it. */
  private Path lockFile(Path repo, String etag) throws Exception {
    Path lock = Files.createDirectories(hub.resolve(".locks").resolve(repo.getFileName())).resolve(etag + ".lock");
    return Files.createFile(lock);
  }

  /** What the plan says stays: kept revisions, and every revision of a repository it leaves alone. */
  private Set<String> keptByPlan(Plan plan) throws Exception {
    Set<String> kept = new TreeSet<>();
    for (Held h : plan.held()) {
      Path rel = hub.relativize(h.path());
      if (rel.getNameCount() == 3 && rel.getName(1).toString().equals("snapshots")) {
        kept.add(rel.getName(0) + "/" + rel.getName(2));
      } else if (rel.getNameCount() == 1 && h.path().toFile().isDirectory()) {
        try (Stream<Path> s = Files.list(h.path().resolve("snapshots"))) {
          s.forEach(snap -> kept.add(rel + "/" + snap.getFileName()));
        }
      }
    }
    return kept;
  }

  private void assertHubScanAgrees(Plan plan) throws Exception {
    HubScan scan = HubScan.of(hub, dir);
    assertThat(scan.warnings()).as("scanCacheDir warnings (corrupted repositories)").isEmpty();
    assertThat(scan.revisions()).isEqualTo(keptByPlan(plan));
  }

  /**
   * Issue 34: the period keys thin a hub repository's revisions by last use, as on every policy (a
   * revision is the hub cache's entry): keep_latest 1 and keep_daily 3 keep the revision refs/main names
   * and the newest of each of the last 3 days with a use; older ones go, each with its rule in the plan.
   */
  @Test
  void keepDaily_thinsRevisionsByLastUse_andThePlanNamesTheDay() throws Exception {
    Path bert = hub.resolve("models--org--bert");
    for (String[] r : new String[][] {{"aaa001", "1"}, {"aaa002", "2"}, {"aaa003", "3"}, {"aaa004", "5"},
        {"aaa005", "40"}}) {
      revision(bert, r[0], Tree.days(Integer.parseInt(r[1])));
    }
    fx.ref(bert, "main", "aaa001", Tree.days(90));
    FrameworkFixtures.ageFolders(hub, Tree.days(90));
    // downloaded just now: held as young, and it takes no day's place (today would push aaa003's out)
    Path young = revision(bert, "aaa000", Duration.ZERO);
    DiskWarden warden = new DiskWarden(WatchSetup.of(Configs.parse(Configs.alwaysLow(base, "min_age: 30m", """
        - name: hub
          path: .cache/huggingface/hub
          layout: hf_cache
          keep_latest: 1
          keep_daily: 3
        """)), dir.resolve("logs"), Clock.systemUTC()));

    Plan plan = warden.plan();
    warden.clean(true, false).orElseThrow();

    try (Stream<Path> s = Files.list(bert.resolve("snapshots"))) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("aaa000", "aaa001", "aaa002",
          "aaa003");
    }
    assertThat(plan.held()).filteredOn(h -> h.path().equals(young)).singleElement()
        .satisfies(h -> assertThat(h.why()).isEqualTo(Held.Why.YOUNG));
    assertThat(plan.held()).filteredOn(h -> h.path().endsWith("aaa003")).singleElement()
        .satisfies(h -> assertThat(h.reason()).startsWith("kept: daily "));
  }

  @Test
  void refsNamingARemovedRevisionGoWithIt_soDoesItsNoExist_andHuggingFacesScanFindsNoCorruption() throws Exception {
    HubScan.assumeAvailable();
    Path bert = hub.resolve("models--org--bert");
    Path old = revision(bert, "aaa111", Tree.days(60));
    revision(bert, "bbb222", Tree.days(1));
    fx.ref(bert, "main", "bbb222", Tree.days(90));
    // hf_hub_download(revision="v1.0") stored the tag's commit as a ref of its own
    fx.ref(bert, "v1.0", "aaa111", Tree.days(90));
    fx.noExist(bert, "aaa111", "tokenizer.json", Tree.days(90));
    fx.noExist(bert, "bbb222", "tokenizer.json", Tree.days(90));
    Path tiny = hub.resolve("models--org--tiny");
    revision(tiny, "ccc333", Tree.days(70));
    fx.ref(tiny, "main", "ccc333", Tree.days(90));
    FrameworkFixtures.ageFolders(hub, Tree.days(90));
    long before = FrameworkFixtures.du(hub);

    Plan plan = warden().plan();
    SweepReport report = warden().clean(true, false).orElseThrow();

    assertThat(old).doesNotExist();
    assertThat(bert.resolve("refs/v1.0")).doesNotExist();
    assertThat(bert.resolve("refs/main")).hasContent("bbb222");
    assertThat(bert.resolve(".no_exist/aaa111")).doesNotExist();
    assertThat(bert.resolve(".no_exist/bbb222")).isDirectory();
    assertThat(tiny).doesNotExist();
    // du -sB1 agrees with what the plan said it frees and with what the sweep says it freed
    long freed = before - FrameworkFixtures.du(hub);
    assertThat(freed).isEqualTo(plan.reclaimable())
        .isEqualTo(report.removed().stream().mapToLong(Removal::freed).sum());
    assertHubScanAgrees(plan);
  }

  @Test
  void staleIncompleteBlobsWhoseLockNobodyHoldsGo_aHeldLockOrAFreshOneSkipsTheRepository() throws Exception {
    HubScan.assumeAvailable();
    Path data = downloaded("datasets--org--data", "ddd444", Tree.days(1));
    Path stale = fx.blob(data, "d2.incomplete", 7000, Tree.days(10), Tree.days(10));
    lockFile(data, "d2");
    Path busy = downloaded("models--org--busy", "eee555", Tree.days(60));
    Path held = fx.blob(busy, "e2.incomplete", 7000, Tree.days(10), Tree.days(10));
    Path lock = lockFile(busy, "e2");
    Path fresh = downloaded("models--org--fresh", "fff666", Tree.days(60));
    FrameworkFixtures.ageFolders(hub, Tree.days(90));
    Path writing = fx.blob(fresh, "f2.incomplete", 7000, Duration.ofMinutes(1), Duration.ofMinutes(1));
    // a downloader holding its lock (filelock's flock, as huggingface_hub's WeakFileLock takes it)
    Process holder = new ProcessBuilder("flock", lock.toString(), "sleep", "600").start();
    try {
      Object inode = Files.getAttribute(lock, "unix:ino");
      await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(Path.of("/proc/locks"))
          .contains(":" + inode + " "));

      Plan plan = warden().plan();
      warden().clean(true, false).orElseThrow();

      assertThat(stale).doesNotExist();
      assertThat(plan.candidates()).filteredOn(c -> c.path().equals(stale)).singleElement()
          .extracting(Candidate::reason).asString().startsWith("leftover: a download that never finished");
      assertThat(held).exists();
      assertThat(busy.resolve("snapshots/eee555")).isDirectory();
      assertThat(writing).exists();
      assertThat(fresh.resolve("snapshots/fff666")).isDirectory();
      assertHubScanAgrees(plan);
    } finally {
      holder.destroy();
      holder.waitFor();
    }
  }

  // Issue 33: which revisions keep_latest keeps and what the plan offers of the others

  /** The plan of a hub policy that keeps the newest {@code keepLatest} revisions of each repository. */
  private Plan planKeepingLatest(int keepLatest) throws Exception {
    return new DiskWarden(WatchSetup.of(Configs.parse(Configs.alwaysLow(base, "min_age: 30m", """
        - name: hub
          path: .cache/huggingface/hub
          layout: hf_cache
          keep_latest: %d
        """.formatted(keepLatest))), dir.resolve("logs"), Clock.systemUTC())).plan();
  }

  /** What the plan offers, each as its folder and name ("snapshots/aaa002", "blobs/w-aaa002"). */
  private static List<String> offered(Plan plan) {
    return plan.candidates().stream().map(Candidate::path).map(p -> p.getParent().getFileName() + "/" + p.getFileName())
        .toList();
  }

  @Test
  void refsMainsRevisionIsKeptFirst_beforeANamedOrMoreRecentlyUsedOne_andItsHeldLineSaysItIsNamed() throws Exception {
    Path bert = hub.resolve("models--org--bert");
    Path main = revision(bert, "aaa001", Tree.days(20));
    revision(bert, "aaa002", Tree.days(2));
    revision(bert, "aaa003", Tree.days(1));
    fx.ref(bert, "main", "aaa001", Tree.days(90));
    fx.ref(bert, "v2.0", "aaa002", Tree.days(90));
    FrameworkFixtures.ageFolders(hub, Tree.days(90));

    Plan plan = planKeepingLatest(1);

    assertThat(plan.held()).filteredOn(h -> h.path().equals(main)).singleElement().satisfies(h -> {
      assertThat(h.why()).isEqualTo(Held.Why.KEPT_BY_RULE);
      assertThat(h.reason()).startsWith("kept by rule (named by refs/, last used ");
    });
    assertThat(offered(plan)).contains("snapshots/aaa002", "snapshots/aaa003", "refs/v2.0")
        .doesNotContain("snapshots/aaa001", "refs/main");
  }

  @Test
  void aNamedRevisionComesBeforeAnUnnamedOneUsedMoreRecently_andAnUnnamedOnesLineDoesNotSayNamed() throws Exception {
    Path bert = hub.resolve("models--org--bert");
    revision(bert, "aaa001", Tree.days(1));
    Path named = revision(bert, "aaa002", Tree.days(30));
    Path recent = revision(bert, "aaa003", Tree.days(3));
    revision(bert, "aaa004", Tree.days(9));
    fx.ref(bert, "main", "aaa001", Tree.days(90));
    fx.ref(bert, "v1.0", "aaa002", Tree.days(90));
    FrameworkFixtures.ageFolders(hub, Tree.days(90));

    Plan plan = planKeepingLatest(3);

    assertThat(plan.held()).filteredOn(h -> h.path().equals(named)).singleElement()
        .satisfies(h -> assertThat(h.reason()).startsWith("kept by rule (named by refs/, "));
    assertThat(plan.held()).filteredOn(h -> h.path().equals(recent)).singleElement()
        .satisfies(h -> assertThat(h.reason()).startsWith("kept by rule (last used "));
    assertThat(offered(plan)).contains("snapshots/aaa004").doesNotContain("snapshots/aaa001", "snapshots/aaa002",
        "snapshots/aaa003");
  }

  @Test
  void releasedRevisionsAreOfferedLeastRecentlyUsedFirst_andABlobOnlyTheyShareIsOfferedOnce() throws Exception {
    Path bert = hub.resolve("models--org--bert");
    revision(bert, "aaa001", Tree.days(1));
    revision(bert, "aaa002", Tree.days(5), "5ha4ed0b1ob");
    revision(bert, "aaa003", Tree.days(40), "5ha4ed0b1ob");
    revision(bert, "aaa004", Tree.days(20));
    fx.ref(bert, "main", "aaa001", Tree.days(90));
    FrameworkFixtures.ageFolders(hub, Tree.days(90));

    Plan plan = planKeepingLatest(1);

    assertThat(offered(plan)).filteredOn(p -> p.startsWith("snapshots/"))
        .containsExactly("snapshots/aaa003", "snapshots/aaa004", "snapshots/aaa002");
    assertThat(offered(plan)).filteredOn(p -> p.equals("blobs/5ha4ed0b1ob")).hasSize(1);
    assertThat(offered(plan)).contains("blobs/w-aaa002", "blobs/w-aaa003", "blobs/w-aaa004")
        .doesNotContain("blobs/c0nf1g", "blobs/w-aaa001");
  }

  @Test
  void blobsAKeptRevisionStillLinksStay_andTheHeldLineNamesThreeOfThemAndSaysThereAreMore() throws Exception {
    Path bert = hub.resolve("models--org--bert");
    String[] shared = {"aaaaaaaaaaaaaaaa1", "bbbbbbbbbbbbbbbb2", "cccccccccccccccc3"};
    revision(bert, "aaa001", Tree.days(1), shared);
    revision(bert, "aaa002", Tree.days(30), shared);
    fx.ref(bert, "main", "aaa001", Tree.days(90));
    Path tiny = hub.resolve("models--org--tiny");
    String[] four = {"dddddddddddddddd1", "eeeeeeeeeeeeeeee2", "ffffffffffffffff3", "0000000000000000"};
    revision(tiny, "bbb001", Tree.days(1), four);
    revision(tiny, "bbb002", Tree.days(30), four);
    fx.ref(tiny, "main", "bbb001", Tree.days(90));
    FrameworkFixtures.ageFolders(hub, Tree.days(90));

    Plan plan = planKeepingLatest(1);

    // c0nf1g is shared too: four shared blobs in bert, five in tiny; the line names three, each by at
    // most 12 characters (in the order the snapshot lists its links), and says there are more
    assertThat(plan.held()).filteredOn(h -> h.path().equals(bert.resolve("blobs"))).singleElement().satisfies(h -> {
      assertThat(h.why()).isEqualTo(Held.Why.SHARED);
      assertThat(h.reason()).matches("kept: shared blobs of revision aaa002 in use by a kept revision \\(4: "
          + "[0-9a-z]{6,12}, [0-9a-z]{6,12}, [0-9a-z]{6,12}, \\.\\.\\.\\)");
    });
    assertThat(plan.held()).filteredOn(h -> h.path().equals(tiny.resolve("blobs"))).singleElement()
        .satisfies(h -> assertThat(h.reason()).matches("kept: shared blobs of revision bbb002 in use by a kept "
            + "revision \\(5: [0-9a-z]{6,12}, [0-9a-z]{6,12}, [0-9a-z]{6,12}, \\.\\.\\.\\)"));
    assertThat(offered(plan)).contains("snapshots/aaa002", "blobs/w-aaa002", "snapshots/bbb002", "blobs/w-bbb002")
        .noneMatch(p -> p.startsWith("blobs/") && !p.startsWith("blobs/w-"));
  }

  @Test
  void aHeldLineOfExactlyThreeSharedBlobsNamesAllThree_withNoEllipsis() throws Exception {
    Path bert = hub.resolve("models--org--bert");
    String[] shared = {"aaaaaaaaaaaaaaaa1", "bbbbbbbbbbbbbbbb2"};
    revision(bert, "aaa001", Tree.days(1), shared);
    revision(bert, "aaa002", Tree.days(30), shared);
    fx.ref(bert, "main", "aaa001", Tree.days(90));
    FrameworkFixtures.ageFolders(hub, Tree.days(90));

    Plan plan = planKeepingLatest(1);

    assertThat(plan.held()).filteredOn(h -> h.path().equals(bert.resolve("blobs"))).singleElement()
        .satisfies(h -> assertThat(h.reason()).startsWith("kept: shared blobs of revision aaa002 in use by a kept "
            + "revision (3: ").endsWith(")").doesNotContain("...")
            .contains("c0nf1g", "aaaaaaaaaaaa, ", "bbbbbbbbbbbb").doesNotContain("aaaaaaaaaaaaa", "bbbbbbbbbbbbb"));
  }

  @Test
  void aNoExistEntryThatIsAFileNotAFolder_isNotOffered_whileAFoldersIs() throws Exception {
    Path bert = hub.resolve("models--org--bert");
    revision(bert, "aaa001", Tree.days(1));
    revision(bert, "aaa002", Tree.days(30));
    revision(bert, "aaa003", Tree.days(40));
    fx.ref(bert, "main", "aaa001", Tree.days(90));
    fx.noExist(bert, "aaa002", "tokenizer.json", Tree.days(90));
    Files.writeString(bert.resolve(".no_exist/aaa003"), "not as the hub writes it");
    FrameworkFixtures.ageFolders(hub, Tree.days(90));

    Plan plan = planKeepingLatest(1);

    assertThat(offered(plan)).contains(".no_exist/aaa002", "snapshots/aaa002", "snapshots/aaa003")
        .doesNotContain(".no_exist/aaa003");
  }
}
