package org.diskwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.diskwarden.Configs;
import org.diskwarden.Tree;
import org.diskwarden.archive.Compressibility;
import org.diskwarden.config.PolicyConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One policy's entries sorted into candidates and held ({@link Selector}): what stops an old entry. */
class SelectorTest {
  @TempDir
  Path dir;

  Path base;
  Tree tree;

  @BeforeEach
  void setUp() throws Exception {
    base = Files.createDirectory(dir.resolve("base")).toRealPath();
    tree = new Tree(base);
  }

  private PolicyConfig policy(String path) throws Exception {
    return Configs.parse(Configs.alwaysLow(base, "min_age: 1h",
        "- name: versions\n  path: " + path + "\n  keep_latest: 1\n")).policies().get(0);
  }

  private Selector selector(List<String> protect) {
    return new Selector(new Protection(base, protect), OpenFiles.snapshot(), 4096, Instant.now(), Duration.ofHours(1),
        Set.of(), new Compressibility());
  }

  private static List<Path> candidates(Selection s) {
    return s.candidates().stream().map(Candidate::path).toList();
  }

  @Test
  void anOldEntryALinkInTheFolderPointsAt_isHeld_namingTheLink_aLinkToTheFolderItselfKeepsNothing() throws Exception {
    for (int v = 1; v <= 3; v++) {
      tree.version("models/v00" + v, 4096, Tree.days(10 - v));
    }
    Path folder = base.resolve("models");
    Files.createSymbolicLink(folder.resolve("best"), Path.of("v001"));
    Files.createSymbolicLink(folder.resolve("here"), Path.of("."));

    Selection s;
    try (Selector selector = selector(List.of())) {
      s = selector.select(policy("models"));
    }

    assertThat(candidates(s)).containsExactly(folder.resolve("v002"));
    assertThat(s.held()).anySatisfy(h -> {
      assertThat(h.path()).isEqualTo(folder.resolve("v001"));
      assertThat(h.why()).isEqualTo(Held.Why.LINK_TARGET);
      assertThat(h.reason()).isEqualTo("kept: the link best points at it");
    });
  }

  @Test
  void anOldProtectedEntry_isHeld_namingTheRule() throws Exception {
    for (int v = 1; v <= 3; v++) {
      tree.version("models/v00" + v, 4096, Tree.days(10 - v));
    }

    Selection s;
    try (Selector selector = selector(List.of("models/v001"))) {
      s = selector.select(policy("models"));
    }

    assertThat(candidates(s)).containsExactly(base.resolve("models/v002"));
    assertThat(s.held()).anySatisfy(h -> {
      assertThat(h.path()).isEqualTo(base.resolve("models/v001"));
      assertThat(h.why()).isEqualTo(Held.Why.PROTECTED);
      assertThat(h.reason()).isEqualTo("protected by 'models/v001'");
    });
  }

  @Test
  void aPolicyWhoseFolderIsMissing_selectsNothing() throws Exception {
    try (Selector selector = selector(List.of())) {
      Selection s = selector.select(policy("models/versionz"));

      assertThat(s.candidates()).isEmpty();
      assertThat(s.policy()).isEqualTo("versions");
    }
  }

  @Test
  void aSelectorsSizingThreads_endWithIt() throws Exception {
    for (int v = 1; v <= 3; v++) {
      tree.version("models/v00" + v, 4096, Tree.days(10 - v));
    }
    try (Selector selector = selector(List.of())) {
      selector.select(policy("models"));
      assertThat(sizingThreads()).as("the walk ran on the sizing threads").isNotEmpty();
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> sizingThreads().isEmpty());
  }

  @Test
  void anAbandonedPartialSaveTheTrainerNamesBest_isHeldAsTheBest_notOffered() throws Exception {
    tree.version("out/checkpoint-100", 4096, Tree.days(3));
    tree.version("out/checkpoint-200", 4096, Tree.days(2));
    Files.writeString(base.resolve("out/checkpoint-200/trainer_state.json"),
        "{\"best_model_checkpoint\": \"out/checkpoint-100\", \"best_global_step\": 100}");
    tree.age(base.resolve("out/checkpoint-200"), Tree.days(2));
    tree.version("out/checkpoint-300", 4096, Tree.days(1));
    Files.writeString(base.resolve("out/checkpoint-300/trainer_state.json"),
        "{\"best_model_checkpoint\": \"out/checkpoint-100\", \"best_global_step\": 100}");
    tree.age(base.resolve("out/checkpoint-300"), Tree.days(1));
    PolicyConfig trainer = Configs.parse(Configs.alwaysLow(base, "",
        "- name: run\n  path: out\n  layout: huggingface\n  keep_latest: 1\n")).policies().get(0);

    Selection s;
    try (Selector selector = selector(List.of())) {
      s = selector.select(trainer);
    }

    // checkpoint-100 lacks trainer_state.json (a partial save a newer one outlived), but it is the best
    assertThat(candidates(s)).containsExactly(base.resolve("out/checkpoint-200"));
    assertThat(s.held()).anySatisfy(h -> {
      assertThat(h.path()).isEqualTo(base.resolve("out/checkpoint-100"));
      assertThat(h.why()).isEqualTo(Held.Why.BEST);
    });
  }

  @Test
  void aKeepLatestPolicy_expectsANextSaveAsLargeAsItsNewestEntry_aMaxAgePolicyNone() throws Exception {
    tree.version("models/v001", 4096, Tree.days(3));
    tree.version("models/v002", 64 << 10, Tree.days(2));
    PolicyConfig byAge = Configs.parse(Configs.alwaysLow(base, "",
        "- name: aged\n  path: models\n  max_age: 1d\n")).policies().get(0);

    try (Selector selector = selector(List.of())) {
      long newest = selector.select(policy("models")).held().stream()
          .filter(h -> h.path().equals(base.resolve("models/v002"))).findFirst().orElseThrow().bytes();
      assertThat(newest).isGreaterThanOrEqualTo(64 << 10);
      assertThat(selector.select(policy("models")).nextSave()).isEqualTo(newest);
      assertThat(selector.select(byAge).nextSave()).isZero();
    }
  }

  @Test
  void expiredArchives_areOfferedOldestFirst_afterTheEntries() throws Exception {
    tree.file("models/archive/b.tar.zst", 4096, Tree.days(40));
    tree.file("models/archive/a.tar.zst", 4096, Tree.days(20));
    tree.file("models/archive/c.tar.zst", 4096, Tree.days(60));
    tree.file("models/archive/fresh.tar.zst", 4096, Tree.days(2));
    PolicyConfig compress = Configs.parse(Configs.alwaysLow(base, "", "- name: c\n  path: models/versions\n"
        + "  keep_latest: 1\n  action: compress\n  compress_to: models/archive\n  archives_max_age: 10d\n"))
        .policies().get(0);
    Files.createDirectories(base.resolve("models/versions"));

    try (Selector selector = selector(List.of())) {
      assertThat(candidates(selector.select(compress))).containsExactly(base.resolve("models/archive/c.tar.zst"),
          base.resolve("models/archive/b.tar.zst"), base.resolve("models/archive/a.tar.zst"));
    }
  }

  private static List<Thread> sizingThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("diskwarden-size-") && t.isAlive()).toList();
  }
}
