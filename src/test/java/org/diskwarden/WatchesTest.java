package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.diskwarden.Tree.days;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.WatchSetup;
import org.diskwarden.agent.Fleet;
import org.diskwarden.config.ConfigLoader;
import org.diskwarden.config.Watches;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One agent, every disk: three real tmpfs volumes, four watches (the third volume holds two, in
 * different folders). Filling one volume makes only its watches sweep, each with its own thresholds;
 * the two watches of the shared volume never sweep at once (proved from the audit log's times).
 */
class WatchesTest {
  private static final int MB = 1 << 20;

  @TempDir
  Path dir;

  private static void root() {
    assumeTrue("root".equals(System.getProperty("user.name")),
        "SKIPPED: needs root to mount tmpfs volumes (CI runs as root)");
  }

  private static void versions(Path base, int count, int megabytes) {
    Tree t = new Tree(base);
    for (int i = 1; i <= count; i++) {
      t.version("v/v%02d".formatted(i), megabytes * MB, days(30 - i));
    }
  }

  private static void fill(Path file, int megabytes) throws Exception {
    Files.write(file, new byte[megabytes * MB]);
  }

  private static long sweeps(Fleet fleet, String watch) {
    return fleet.agent(watch).orElseThrow().status().statistics().sweeps();
  }

  @Test
  void fillingEachVolume_sweepsOnlyItsWatches_withTheirOwnThresholds_andTheSharedVolumeOneAtATime()
      throws Exception {
    root();
    try (Tmpfs a = Tmpfs.mount(dir.resolve("a"), 64); Tmpfs b = Tmpfs.mount(dir.resolve("b"), 64);
        Tmpfs c = Tmpfs.mount(dir.resolve("c"), 128)) {
      Path one = Files.createDirectory(c.root().resolve("one"));
      Path two = Files.createDirectory(c.root().resolve("two"));
      versions(a.root(), 4, 8);
      versions(b.root(), 4, 4);
      versions(one, 3, 8);
      versions(two, 3, 8);
      Path conf = Files.writeString(dir.resolve("diskwarden.yml"), """
          check_interval: 1s
          min_age: 1s
          sample_interval: 0
          save_headroom: 0
          min_free_percent: 0
          target_free_percent: 0
          protect: []
          policies:
            - {name: versions, path: v, keep_latest: 1}
          watch:
            - {name: a, base_dir: %s, min_free: 28MB, target_free: 42MB}
            - {name: b, base_dir: %s, min_free: 40MB, target_free: 42MB}
            - {name: c1, base_dir: %s, min_free: 60MB, target_free: 80MB}
            - {name: c2, base_dir: %s, min_free: 60MB, target_free: 80MB}
          """.formatted(a.root(), b.root(), one, two));
      Watches watches = ConfigLoader.loadWatches(conf, Optional.empty());
      Fleet fleet = new Fleet(watches, conf, Optional.empty(), dir.resolve("logs"), Clock.systemUTC());
      fleet.start();
      try {
        // nothing is low yet: no watch sweeps
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
            .until(() -> List.of("a", "b", "c1", "c2").stream().allMatch(w -> sweeps(fleet, w) == 0));

        fill(a.root().resolve("filler.bin"), 12);
        await().atMost(Duration.ofSeconds(20)).until(() -> sweeps(fleet, "a") == 1);
        assertThat(a.free()).isGreaterThanOrEqualTo(42L * MB);
        assertThat(a.root().resolve("v/v04")).exists();
        assertThat(List.of("b", "c1", "c2")).allMatch(w -> sweeps(fleet, w) == 0);

        fill(b.root().resolve("filler.bin"), 16);
        await().atMost(Duration.ofSeconds(20)).until(() -> sweeps(fleet, "b") == 1);
        assertThat(b.free()).isGreaterThanOrEqualTo(42L * MB);
        assertThat(sweeps(fleet, "a")).isEqualTo(1);
        assertThat(List.of("c1", "c2")).allMatch(w -> sweeps(fleet, w) == 0);

        // 80 MB free -> 40 MB: one watch's 16 MB cannot reach 60 MB, so both sweep, one after the other
        fill(c.root().resolve("filler.bin"), 40);
        await().atMost(Duration.ofSeconds(30)).until(() -> sweeps(fleet, "c1") >= 1 && sweeps(fleet, "c2") >= 1);
        assertThat(sweeps(fleet, "a")).isEqualTo(1);
        assertThat(sweeps(fleet, "b")).isEqualTo(1);
        assertThat(one.resolve("v/v03")).exists();
        assertThat(two.resolve("v/v03")).exists();
      } finally {
        fleet.stop();
      }

      // the audit log: one file, every line names its watch; c1's and c2's removals do not overlap
      ObjectMapper json = new ObjectMapper();
      Map<String, List<Instant>> times = new java.util.HashMap<>();
      for (String line : Files.readAllLines(dir.resolve("logs/audit.jsonl"))) {
        JsonNode n = json.readTree(line);
        assertThat(n.has("watch")).as(line).isTrue();
        times.computeIfAbsent(n.get("watch").asText(), w -> new ArrayList<>()).add(Instant.parse(n.get("time").asText()));
      }
      assertThat(times.keySet()).containsExactlyInAnyOrder("a", "b", "c1", "c2");
      Instant c1First = times.get("c1").stream().min(Instant::compareTo).orElseThrow();
      Instant c1Last = times.get("c1").stream().max(Instant::compareTo).orElseThrow();
      Instant c2First = times.get("c2").stream().min(Instant::compareTo).orElseThrow();
      Instant c2Last = times.get("c2").stream().max(Instant::compareTo).orElseThrow();
      assertThat(c1Last.isBefore(c2First) || c2Last.isBefore(c1First))
          .as("c1 %s..%s, c2 %s..%s", c1First, c1Last, c2First, c2Last).isTrue();
    }
  }

  @Test
  void eachWatchHoldsItsOwnLock_andReleasesItWhenTheFleetStops() throws Exception {
    Path x = Files.createDirectories(dir.resolve("x"));
    Path y = Files.createDirectories(dir.resolve("y"));
    Path conf = Files.writeString(dir.resolve("w.yml"), """
        min_free: 0B
        min_free_percent: 0
        protect: []
        policies:
          - {name: versions, path: v, keep_latest: 1}
        watch:
          - {name: x, base_dir: %s}
          - {name: y, base_dir: %s}
        """.formatted(x, y));
    Fleet fleet = new Fleet(ConfigLoader.loadWatches(conf, Optional.empty()), conf, Optional.empty(),
        dir.resolve("logs"),
        Clock.systemUTC());
    fleet.start();
    try {
      assertThat(x.resolve(".diskwarden.lock")).exists();
      assertThat(y.resolve(".diskwarden.lock")).exists();
      DiskWarden second = new DiskWarden(WatchSetup.of(ConfigLoader.loadWatches(conf,
          Optional.empty()).watches().get(0).config(),
          dir.resolve("logs2"), Clock.systemUTC()));
      org.assertj.core.api.Assertions.assertThatThrownBy(second::start).isInstanceOf(IllegalStateException.class);
    } finally {
      fleet.stop();
    }
    DiskWarden after = new DiskWarden(WatchSetup.of(ConfigLoader.loadWatches(conf,
        Optional.empty()).watches().get(0).config(),
        dir.resolve("logs2"), Clock.systemUTC()));
    after.start();
    after.stop();
  }

  /**
   * Issue 33, "lanes that never starve": a reload that adds two watches to a running agent has each of
   * them checking within one interval (the scheduler is not sized by the watches it started with).
   */
  @Test
  void aReloadThatAddsTwoWatches_hasEachCheckingWithinOneInterval() throws Exception {
    Path x = Files.createDirectories(dir.resolve("x"));
    Path y = Files.createDirectories(dir.resolve("y"));
    Path z = Files.createDirectories(dir.resolve("z"));
    String head = """
        min_free: 0B
        min_free_percent: 0
        check_interval: 2s
        protect: []
        policies:
          - {name: versions, path: v, keep_latest: 1}
        watch:
          - {name: x, base_dir: %s}
        """.formatted(x);
    Path conf = Files.writeString(dir.resolve("w.yml"), head);
    Fleet fleet = new Fleet(ConfigLoader.loadWatches(conf, Optional.empty()), conf, Optional.empty(),
        dir.resolve("logs"),
        Clock.systemUTC());
    fleet.start();
    try {
      await().atMost(Duration.ofSeconds(2)).until(() -> fleet.agent("x").orElseThrow().status().lastCheck().isPresent());
      Files.writeString(conf, head + "  - {name: y, base_dir: %s}\n  - {name: z, base_dir: %s}\n".formatted(y, z));
      Instant reloaded = Instant.now();
      fleet.reload();
      for (String w : List.of("y", "z")) {
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(fleet.agent(w)).get()
            .satisfies(a -> assertThat(a.status().lastCheck()).get().matches(t -> !t.isBefore(reloaded.minusSeconds(1)))));
      }
      // and they go on at their interval
      Instant first = fleet.agent("z").orElseThrow().status().lastCheck().orElseThrow();
      await().atMost(Duration.ofSeconds(5)).until(() -> fleet.agent("z").orElseThrow().status().lastCheck()
          .orElseThrow().isAfter(first));
    } finally {
      fleet.stop();
    }
  }
}
