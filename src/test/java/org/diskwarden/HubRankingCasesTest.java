package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.WatchSetup;
import org.diskwarden.policy.Candidate;
import org.diskwarden.policy.Held;
import org.diskwarden.sweep.Plan;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which revisions of a hub repository a rule keeps, and what the plan offers of the others, as
 * huggingface_hub leaves the cache ({@link FrameworkFixtures}: blobs, snapshot links, refs and
 * .no_exist as {@code file_download.py} writes them). keep_latest counts revisions newest first:
 * refs/main's revision (what {@code from_pretrained} resolves offline), then revisions a ref names,
 * then by last use.
 */
class HubRankingCasesTest {
  @TempDir
  Path dir;

  Path base;
  Path hub;
  FrameworkFixtures fx;

  @BeforeEach
  void setUp() throws Exception {
    base = Files.createDirectory(dir.resolve("base"));
    hub = Files.createDirectories(base.resolve(".cache/huggingface/hub"));
    fx = new FrameworkFixtures(new Tree(base));
  }

  private Plan plan(int keepLatest) throws Exception {
    return new DiskWarden(WatchSetup.of(Configs.parse(Configs.alwaysLow(base, "min_age: 30m", """
        - name: hub
          path: .cache/huggingface/hub
          layout: hf_cache
          keep_latest: %d
        """.formatted(keepLatest))), dir.resolve("logs"), Clock.systemUTC())).plan();
  }

  /** A revision linking a config every revision shares, weights of its own and {@code extra} blobs. */
  private Path revision(Path repo, String commit, Duration used, String... extra) throws Exception {
    fx.blob(repo, "c0nf1g", 300, Tree.days(90), used);
    fx.blob(repo, "w-" + commit, 40_000, Tree.days(90), used);
    String[] files = new String[4 + 2 * extra.length];
    files[0] = "config.json";
    files[1] = "c0nf1g";
    files[2] = "model.safetensors";
    files[3] = "w-" + commit;
    for (int i = 0; i < extra.length; i++) {
      fx.blob(repo, extra[i], 1_000, Tree.days(90), used);
      files[4 + 2 * i] = "part-" + i + ".bin";
      files[5 + 2 * i] = extra[i];
    }
    return fx.snapshot(repo, commit, Tree.days(90), files);
  }

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

    Plan plan = plan(1);

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

    Plan plan = plan(3);

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

    Plan plan = plan(1);

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

    Plan plan = plan(1);

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

    Plan plan = plan(1);

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

    Plan plan = plan(1);

    assertThat(offered(plan)).contains(".no_exist/aaa002", "snapshots/aaa002", "snapshots/aaa003")
        .doesNotContain(".no_exist/aaa003");
  }
}
