package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.io.file.PathUtils;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.WatchSetup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random trees x random valid configs x random targets; after every sweep the invariants of
 * ARCHITECTURE.md hold. Replay a failure with -Dinvariant.seed=SEED -Dinvariant.cases=1.
 */
class InvariantTest {
  private static final Duration MARGIN = Duration.ofMinutes(2);

  @TempDir
  Path root;

  /** One entry a case built: where, how old, and whether it is a finished save. */
  record Built(Path path, String policy, String group, Duration age, boolean finished) {}

  @Test
  void invariantsHold_afterEverySweep() throws Exception {
    seeds("case-", 20261128L, "invariant.cases", 500, this::runCase);
  }

  /** One random case: its own folder, its seed, and how to replay it in the message. */
  private interface Case {
    void run(Random rnd, Path dir, String seed) throws Exception;
  }

  private void seeds(String prefix, long defaultSeed, String casesProperty, int defaultCases, Case c)
      throws Exception {
    long first = Long.getLong("invariant.seed", defaultSeed);
    int cases = Integer.getInteger(casesProperty, defaultCases);
    for (long seed = first; seed < first + cases; seed++) {
      Path dir = Files.createDirectory(root.resolve(prefix + seed));
      try {
        c.run(new Random(seed), dir, "seed " + seed + " (replay: -Dinvariant.seed=" + seed + " -D" + casesProperty
            + "=1)");
      } finally {
        PathUtils.deleteDirectory(dir);
      }
    }
  }

  private void runCase(Random rnd, Path dir, String seed) throws Exception {
    Path base = Files.createDirectory(dir.resolve("base"));
    Path outside = Files.createDirectory(dir.resolve("outside"));
    Path logs = dir.resolve("logs");
    Instant now = Instant.now();
    Duration minAge = Duration.ofMinutes(10 + rnd.nextInt(120));
    int keepVersions = 1 + rnd.nextInt(3);
    int keepBackups = 1 + rnd.nextInt(2);
    boolean marker = rnd.nextBoolean();
    boolean byName = rnd.nextBoolean();
    Duration logAge = Duration.ofDays(1 + rnd.nextInt(10));
    List<Built> built = new ArrayList<>();

    for (int i = 0; i < 3; i++) {
      Files.writeString(outside.resolve("precious" + i), "outside " + i);
    }
    int versions = rnd.nextInt(7);
    for (int i = 1; i <= versions; i++) {
      Path v = Files.createDirectories(base.resolve("models/versions/v" + String.format("%03d", i)));
      Files.write(v.resolve("weights.bin"), new byte[rnd.nextInt(3) * 4096 + 1]);
      boolean finished = !marker || rnd.nextInt(5) > 0;
      if (finished && marker) {
        Files.writeString(v.resolve("config.json"), "{}");
      }
      if (rnd.nextInt(4) == 0) {
        Files.createSymbolicLink(v.resolve("link-out"), outside.resolve("precious" + rnd.nextInt(3)));
      }
      built.add(new Built(v, "model-versions", "", age(rnd, minAge), finished));
    }
    // Links in a policy folder are never entries: to outside, and to an entry they keep alive.
    List<Path> links = new ArrayList<>();
    if (rnd.nextInt(4) == 0) {
      Path link = base.resolve("models/versions/v900-link");
      Files.createDirectories(link.getParent());
      links.add(Files.createSymbolicLink(link, outside));
    }
    if (versions > 0 && rnd.nextInt(3) == 0) {
      Path target = base.resolve("models/versions/v" + String.format("%03d", 1 + rnd.nextInt(versions)));
      links.add(Files.createSymbolicLink(base.resolve("models/versions/best"), target.getFileName()));
    }
    for (String type : List.of("db", "ckpt")) {
      int n = rnd.nextInt(4);
      for (int i = 1; i <= n; i++) {
        Path b = base.resolve("models/backups/" + type + "_2025110" + i + ".tar");
        Files.createDirectories(b.getParent());
        Files.write(b, new byte[rnd.nextInt(2) * 4096 + 1]);
        built.add(new Built(b, "backups", type, age(rnd, minAge), true));
      }
    }
    if (rnd.nextInt(3) == 0) {
      // an archive a compress run left, as an entry of its type
      Path a = base.resolve("models/backups/db_20251001.tar.zst");
      Files.createDirectories(a.getParent());
      Files.write(a, new byte[4096]);
      built.add(new Built(a, "backups", "db", age(rnd, minAge), true));
    }
    int logCount = rnd.nextInt(6);
    for (int i = 0; i < logCount; i++) {
      Path l = base.resolve("logs/run" + i + (rnd.nextInt(5) == 0 ? ".txt" : ".log"));
      Files.createDirectories(l.getParent());
      Files.writeString(l, "log " + i);
      built.add(new Built(l, "logs", "", age(rnd, minAge), true));
    }
    List<Path> versionPaths = built.stream().filter(b -> b.policy().equals("model-versions")
        && !Files.isSymbolicLink(b.path())).map(Built::path).toList();
    Path currentTarget = null;
    if (!versionPaths.isEmpty() && rnd.nextBoolean()) {
      currentTarget = versionPaths.get(rnd.nextInt(versionPaths.size()));
      Files.createSymbolicLink(base.resolve("current_model"), currentTarget);
    } else {
      Files.createDirectories(base.resolve("current_model"));
      Files.writeString(base.resolve("current_model/weights.bin"), "active");
    }
    String extraProtect = versionPaths.isEmpty() || rnd.nextBoolean() ? ""
        : "  - " + base.relativize(versionPaths.get(rnd.nextInt(versionPaths.size()))) + "\n";
    for (Built b : built) {
      setAge(b.path(), now.minus(b.age()));
    }

    long free = Files.getFileStore(base).getUsableSpace();
    long target = rnd.nextBoolean() ? free + rnd.nextInt(64 * 1024) : 1L << 50;
    String yaml = """
        base_dir: %s
        min_free: %dB
        min_free_percent: 0
        target_free: %dB
        target_free_percent: 0
        min_age: %ds
        cleanup_mode: %s
        dry_run: %s
        protect:
          - current_model
        %spolicies:
          - name: model-versions
            path: models/versions
            keep_latest: %d
            order_by: %s
        %s  - name: backups
            path: models/backups
            group_by: '^(.+?)_\\d{8}'
            keep_latest: %d
        %s  - name: logs
            path: logs
            match: '*.log'
            max_age: %ds
        %s""".formatted(base, target, target, minAge.toSeconds(), rnd.nextBoolean() ? "full" : "until_target",
        rnd.nextInt(10) == 0, extraProtect, keepVersions, byName ? "name" : "mtime",
        marker ? "    complete_marker: 'config.json'\n" : "", keepBackups,
        rnd.nextInt(3) == 0 ? "    action: compress\n    min_ratio_gain: 0\n" : "", logAge.toSeconds(),
        rnd.nextBoolean() ? "" : "    keep_latest: 1\n").replace("        %spolicies", "policies");
    Map<Path, String> outsideBefore = snapshot(outside);
    Path decoyWeights = dir.resolve("decoy/weights.bin");
    Map<Path, String> before = snapshot(base);

    DiskWarden warden = new DiskWarden(WatchSetup.of(Configs.parse(yaml), logs, Clock.systemUTC()));
    boolean racing = rnd.nextInt(5) == 0 && Files.isDirectory(base.resolve("models/versions"));
    Renamer renamer = racing ? new Renamer(base.resolve("models"), Files.createDirectories(dir.resolve("decoy"))) : null;
    org.diskwarden.sweep.SweepReport report;
    try {
      report = warden.clean(true, false).orElseThrow();
    } finally {
      if (renamer != null) {
        renamer.stop();
        Files.delete(base.resolve("models/evil"));
      }
    }

    Map<Path, String> after = snapshot(base);
    assertThat(snapshot(outside)).as(seed + ": outside base_dir").isEqualTo(outsideBefore);
    if (renamer != null) {
      assertThat(decoyWeights).as(seed + ": the decoy a rename pointed at").hasContent("decoy");
    }
    assertThat(base.resolve("current_model")).as(seed).exists();
    if (currentTarget != null) {
      assertThat(currentTarget.resolve("weights.bin")).as(seed + ": target of current_model").exists();
    } else {
      assertThat(base.resolve("current_model/weights.bin")).as(seed).exists();
    }
    if (!extraProtect.isBlank()) {
      assertThat(base.resolve(extraProtect.replace("  - ", "").trim())).as(seed + ": protected").exists();
    }
    for (Built b : built) {
      if (b.age().compareTo(minAge) < 0) {
        assertThat(Files.exists(b.path(), LinkOption.NOFOLLOW_LINKS)).as(seed + ": young " + b.path()).isTrue();
      }
    }
    Map<String, List<Built>> groups = new TreeMap<>();
    for (Built b : built) {
      boolean settled = b.age().compareTo(minAge) > 0 && (b.finished() || !b.policy().equals("model-versions"));
      boolean matches = !b.policy().equals("logs") || b.path().toString().endsWith(".log");
      if (settled && matches) {
        groups.computeIfAbsent(b.policy() + "/" + b.group(), k -> new ArrayList<>()).add(b);
      }
    }
    for (Map.Entry<String, List<Built>> g : groups.entrySet()) {
      String policy = g.getKey().substring(0, g.getKey().indexOf('/'));
      int keep = switch (policy) {
        case "model-versions" -> keepVersions;
        case "backups" -> keepBackups;
        default -> yaml.contains("    keep_latest: 1\n\n") || yaml.endsWith("    keep_latest: 1\n") ? 1 : 0;
      };
      Comparator<Built> newestFirst = policy.equals("model-versions") && byName
          ? Comparator.comparing((Built b) -> b.path().getFileName().toString()).reversed()
          : Comparator.comparing(Built::age).thenComparing(
              Comparator.comparing((Built b) -> b.path().getFileName().toString()).reversed());
      g.getValue().stream().sorted(newestFirst).limit(keep).forEach(b -> assertThat(
          Files.exists(b.path(), LinkOption.NOFOLLOW_LINKS)).as(seed + ": newest kept " + b.path()).isTrue());
    }
    Set<String> audited = Files.exists(logs.resolve("audit.jsonl"))
        ? Files.readAllLines(logs.resolve("audit.jsonl")).stream().filter(l -> l.contains("\"event\":\"remove\""))
            .map(l -> l.replaceAll(".*\"path\":\"([^\"]*)\".*", "$1")).collect(Collectors.toSet())
        : Set.of();
    for (Path gone : before.keySet()) {
      if (!after.containsKey(gone)) {
        boolean inAudited = audited.stream().anyMatch(a -> gone.startsWith(Path.of(a)));
        assertThat(inAudited).as(seed + ": removed without an audit line: " + gone).isTrue();
      }
    }
    if (report.dryRun()) {
      assertThat(after).as(seed + ": dry run").isEqualTo(before);
    }
    // Progress, not only safety: a sweep that reports removals and deletes nothing must fail here. When
    // the rules allow (no dry run, no rename racing it, every candidate wanted: full mode or a target
    // out of reach), every entry no rule, protection or link keeps is gone.
    boolean everyCandidate = yaml.contains("cleanup_mode: full") || target == 1L << 50;
    if (!report.dryRun() && renamer == null && everyCandidate) {
      Set<Path> keptByLink = new java.util.HashSet<>();
      for (Path link : links) {
        if (!link.endsWith("v900-link")) {
          keptByLink.add(link.toRealPath());
        }
      }
      for (Map.Entry<String, List<Built>> g : groups.entrySet()) {
        String policy = g.getKey().substring(0, g.getKey().indexOf('/'));
        boolean logsKeepOne = yaml.contains("    keep_latest: 1\n\n") || yaml.endsWith("    keep_latest: 1\n");
        int keep = switch (policy) {
          case "model-versions" -> keepVersions;
          case "backups" -> keepBackups;
          default -> logsKeepOne ? 1 : 0;
        };
        Comparator<Built> newestFirst = policy.equals("model-versions") && byName
            ? Comparator.comparing((Built b) -> b.path().getFileName().toString()).reversed()
            : Comparator.comparing(Built::age).thenComparing(
                Comparator.comparing((Built b) -> b.path().getFileName().toString()).reversed());
        // a compress policy's archives are never its entries: they take no kept place
        boolean compresses = policy.equals("backups") && yaml.contains("action: compress");
        List<Built> sorted = g.getValue().stream()
            .filter(b -> !(compresses && b.path().getFileName().toString().endsWith(".tar.zst")))
            .sorted(newestFirst).toList();
        for (Built b : sorted.subList(Math.min(keep, sorted.size()), sorted.size())) {
          boolean keptAnyway = b.path().equals(currentTarget) || keptByLink.contains(b.path())
              || (!extraProtect.isBlank() && b.path().equals(base.resolve(extraProtect.replace("  - ", "").trim())))
              || (policy.equals("logs") && b.age().compareTo(logAge) <= 0)
              || b.path().getFileName().toString().endsWith(".tar.zst")
              || (policy.equals("model-versions") && !b.finished());
          if (!keptAnyway) {
            assertThat(Files.exists(b.path(), LinkOption.NOFOLLOW_LINKS)).as(seed + ": eligible, yet still there: "
                + b.path() + "\n" + yaml).isFalse();
          }
        }
      }
    }
    for (Path link : links) {
      assertThat(link).as(seed + ": a link is no entry").isSymbolicLink();
      if (!link.endsWith("v900-link")) {
        assertThat(link.toRealPath().resolve("weights.bin")).as(seed + ": a link's target stays").exists();
      }
    }
  }

  /**
   * Swaps {@code models/versions} for a link to a decoy outside base_dir and back, over and over,
   * while a sweep runs (two renames each way: the JDK has no RENAME_EXCHANGE).
   */
  private static final class Renamer {
    private final Thread thread;
    private volatile boolean running = true;
    /** What ended the thread early: its death fails the test instead of leaving it racing nothing. */
    private final java.util.concurrent.atomic.AtomicReference<Throwable> died = new java.util.concurrent.atomic.AtomicReference<>();

    Renamer(Path models, Path decoy) throws IOException {
      Path real = models.resolve("versions");
      Path aside = models.resolve("versions.aside");
      Path link = Files.createSymbolicLink(models.resolve("evil"), decoy);
      Files.writeString(decoy.resolve("weights.bin"), "decoy");
      thread = new Thread(() -> {
        try {
          while (running) {
            Files.move(real, aside);
            Files.move(link, real);
            Files.move(real, link);
            Files.move(aside, real);
          }
        } catch (IOException | RuntimeException e) {
          died.set(e);
        }
      });
      thread.start();
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join();
      assertThat(died.get()).as("the renamer thread died while racing the sweep").isNull();
    }
  }

  /**
   * The framework layouts under random trees: no entry a rule, the Trainer's best, a keep_best metric,
   * DeepSpeed's latest, a save in progress or a link keeps is ever removed.
   */
  @Test
  void layoutKeepsHold_afterEverySweep() throws Exception {
    seeds("layout-", 20261129L, "invariant.layoutCases", 150, this::layoutCase);
  }

  private void layoutCase(Random rnd, Path dir, String seed) throws Exception {
    Path base = Files.createDirectory(dir.resolve("base"));
    Path out = Files.createDirectories(base.resolve("out"));
    Instant now = Instant.now();
    int keep = 1 + rnd.nextInt(3);
    int n = 1 + rnd.nextInt(12);
    String layout = List.of("huggingface", "lightning", "deepspeed").get(rnd.nextInt(3));
    List<Integer> steps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      steps.add((i + 1) * 100);
    }
    java.util.Set<String> mustStay = new java.util.HashSet<>();
    List<String> names = new ArrayList<>();
    Map<String, Boolean> finished = new LinkedHashMap<>();
    Map<String, Instant> written = new LinkedHashMap<>();
    for (int step : steps) {
      boolean young = rnd.nextInt(8) == 0;
      Duration age = young ? Duration.ofMinutes(5) : Duration.ofDays(30).minusHours(step / 100);
      String name = switch (layout) {
        case "huggingface" -> "checkpoint-" + step;
        case "lightning" -> String.format(java.util.Locale.ROOT, "epoch=%d-step=%d-val_loss=%.3f.ckpt", step / 100,
            step, rnd.nextDouble());
        default -> "global_step" + step;
      };
      Path entry = out.resolve(name);
      boolean done = layout.equals("deepspeed") || rnd.nextInt(4) > 0;
      if (layout.equals("lightning") && rnd.nextBoolean()) {
        Files.write(entry, new byte[64]);
        done = true;
      } else {
        Files.createDirectories(entry);
        Files.write(entry.resolve("weights.bin"), new byte[64]);
        if (layout.equals("lightning") && done) {
          // a sharded save (DeepSpeedStrategy) is complete once its own latest is written
          Files.writeString(entry.resolve("latest"), "checkpoint");
        }
      }
      finished.put(name, done);
      names.add(name);
      if (young) {
        mustStay.add(name);
      }
      if (layout.equals("huggingface") && done) {
        String best = names.get(rnd.nextInt(names.size()));
        Files.writeString(entry.resolve("trainer_state.json"), "{\"best_model_checkpoint\": \"" + out.resolve(best)
            + "\"}");
      }
      setAge(entry, now.minus(age));
      written.put(name, now.minus(age));
    }
    String extra = "";
    if (layout.equals("lightning")) {
      String target = names.get(rnd.nextInt(n));
      Files.createSymbolicLink(out.resolve("last.ckpt"), Path.of(target));
      mustStay.add(target);
      int best = 1 + rnd.nextInt(2);
      extra = "keep_best: {metric: val_loss, mode: min, count: " + best + "}\n";
      names.stream().sorted(java.util.Comparator.comparingDouble(
          (String x) -> Double.parseDouble(x.replaceAll(".*val_loss=([0-9.]+)\\.ckpt", "$1")))).limit(best)
          .forEach(mustStay::add);
    }
    int latestIndex = rnd.nextInt(n);
    if (layout.equals("deepspeed")) {
      // written right after the tag it names; a tag above it written before it was left by a rewind and may go
      Instant latest = written.get(names.get(latestIndex)).plusSeconds(60);
      Files.writeString(out.resolve("latest"), names.get(latestIndex));
      setAge(out.resolve("latest"), latest);
      mustStay.add(names.get(latestIndex));
      names.subList(latestIndex, n).stream().filter(x -> !written.get(x).isBefore(latest)).forEach(mustStay::add);
    }
    // the newest keep finished ones that are not in progress
    List<String> settled = new ArrayList<>();
    int newestFinished = -1;
    for (int i = 0; i < n; i++) {
      if (finished.get(names.get(i))) {
        newestFinished = i;
      }
    }
    for (int i = 0; i < n; i++) {
      boolean aboveLatest = layout.equals("deepspeed") && i > latestIndex;
      boolean inProgress = layout.equals("deepspeed") ? aboveLatest && mustStay.contains(names.get(i))
          : i > newestFinished;
      if (inProgress) {
        mustStay.add(names.get(i));
      } else if (finished.get(names.get(i)) && !aboveLatest) {
        settled.add(names.get(i));
      }
    }
    java.util.Collections.reverse(settled);
    settled.stream().filter(x -> !young(out.resolve(x), now)).limit(keep).forEach(mustStay::add);
    if (layout.equals("huggingface") && newestFinished >= 0) {
      String state = Files.readString(out.resolve(names.get(newestFinished)).resolve("trainer_state.json"));
      mustStay.add(Path.of(state.replaceAll(".*\"best_model_checkpoint\": \"([^\"]*)\".*", "$1").trim())
          .getFileName().toString());
    }
    String yaml = Configs.alwaysLow(base, "min_age: 30m", """
        - name: out
          path: out
          layout: %s
          keep_latest: %d
        %s""".formatted(layout, keep, extra.indent(2)));
    new DiskWarden(WatchSetup.of(Configs.parse(yaml), dir.resolve("logs"), Clock.systemUTC()))
        .clean(true, false).orElseThrow();
    for (String name : mustStay) {
      assertThat(Files.exists(out.resolve(name), LinkOption.NOFOLLOW_LINKS))
          .as(seed + " " + layout + ": " + name + " must stay").isTrue();
    }
  }

  /** Orbax and Megatron trees with thinning: {@link TrainerCases}. */
  @Test
  void trainerLayoutsKeepTheResumePointAndSavesInProgress_afterEverySweep() throws Exception {
    seeds("trainer-", 20261204L, "invariant.layoutCases", 150, TrainerCases::run);
  }

  /**
   * The hub cache under random repositories, revisions and shared blobs: after every sweep each
   * remaining revision still resolves every link, and with keep_latest the revision refs/ names stays.
   */
  @Test
  void hubCacheRevisionsKeepTheirBlobs_afterEverySweep() throws Exception {
    seeds("hub-", 20261130L, "invariant.layoutCases", 150, this::hubCase);
  }

  private void hubCase(Random rnd, Path dir, String seed) throws Exception {
    Path base = Files.createDirectory(dir.resolve("base"));
    Path hub = Files.createDirectories(base.resolve("hub"));
    Instant now = Instant.now();
    List<Path> named = new ArrayList<>();
    for (int r = 0; r < 1 + rnd.nextInt(3); r++) {
      Path repo = Files.createDirectories(hub.resolve("models--org--m" + r));
      int blobs = 1 + rnd.nextInt(6);
      for (int b = 0; b < blobs; b++) {
        Path blob = Files.write(Files.createDirectories(repo.resolve("blobs")).resolve("sha" + b), new byte[100 + b]);
        Files.getFileAttributeView(blob, java.nio.file.attribute.BasicFileAttributeView.class).setTimes(
            FileTime.from(now.minus(Duration.ofDays(100))), FileTime.from(now.minus(Duration.ofDays(rnd.nextInt(90)))),
            null);
      }
      int revisions = 1 + rnd.nextInt(4);
      for (int v = 0; v < revisions; v++) {
        Path snap = Files.createDirectories(repo.resolve("snapshots/rev" + v));
        for (int b = 0; b < blobs; b++) {
          if (rnd.nextBoolean() || b == v % blobs) {
            Files.createSymbolicLink(snap.resolve("file" + b), Path.of("../../blobs/sha" + b));
          }
        }
      }
      if (rnd.nextBoolean()) {
        String rev = "rev" + rnd.nextInt(revisions);
        Files.writeString(Files.createDirectories(repo.resolve("refs")).resolve("main"), rev);
        named.add(repo.resolve("snapshots").resolve(rev));
      }
      if (rnd.nextInt(3) == 0) {
        // a second ref (a pull request's), naming any revision, possibly one the rule lets go
        Files.writeString(Files.createDirectories(repo.resolve("refs/pr")).resolve("1"), "rev" + rnd.nextInt(revisions));
      }
    }
    try (Stream<Path> all = Files.walk(hub)) {
      for (Path p : all.toList()) {
        if (!p.getFileName().toString().startsWith("sha")) {
          Tree.setNoFollow(p, FileTime.from(now.minus(Duration.ofDays(100))));
        }
      }
    }
    boolean keepLatest = rnd.nextBoolean();
    String rule = keepLatest ? "keep_latest: " + (1 + rnd.nextInt(2)) : "max_age: " + (10 + rnd.nextInt(60)) + "d";
    String yaml = Configs.alwaysLow(base, "min_age: 30m", """
        - name: hub
          path: hub
          layout: hf_cache
          %s
        """.formatted(rule));
    new DiskWarden(WatchSetup.of(Configs.parse(yaml), dir.resolve("logs"), Clock.systemUTC()))
        .clean(true, false).orElseThrow();
    try (Stream<Path> all = Files.walk(hub)) {
      for (Path link : all.filter(Files::isSymbolicLink).toList()) {
        assertThat(Files.exists(link)).as(seed + ": " + link + " dangles").isTrue();
      }
    }
    if (keepLatest) {
      for (Path n : named) {
        assertThat(n).as(seed + ": the revision refs/main names").isDirectory();
      }
    }
    // huggingface_hub's scan drops a repository whose ref names a missing snapshot (CorruptedCacheException)
    try (Stream<Path> all = Files.walk(hub)) {
      for (Path ref : all.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
          .filter(p -> hub.relativize(p).getNameCount() > 2 && hub.relativize(p).getName(1).toString().equals("refs"))
          .toList()) {
        Path repo = hub.resolve(hub.relativize(ref).getName(0));
        assertThat(repo.resolve("snapshots").resolve(Files.readString(ref).strip()))
            .as(seed + ": " + hub.relativize(ref) + " names a missing snapshot").isDirectory();
      }
    }
  }

  private static boolean young(Path p, Instant now) {
    try {
      return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant().isAfter(now.minus(Duration.ofMinutes(30)));
    } catch (IOException e) {
      return false;
    }
  }

  private static Duration age(Random rnd, Duration minAge) {
    return switch (rnd.nextInt(5)) {
      case 0 -> minAge.minus(MARGIN).dividedBy(2);              // being written
      case 1 -> Duration.ofDays(-1 - rnd.nextInt(30));          // dated in the future
      default -> minAge.plus(MARGIN).plusHours(rnd.nextInt(24 * 20));
    };
  }

  private static void setAge(Path p, Instant t) throws IOException {
    FileTime time = FileTime.from(t);
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> s = Files.walk(p)) {
        for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
          Tree.setNoFollow(f, time);
        }
      }
    } else {
      Tree.setNoFollow(p, time);
    }
  }

  private static Map<Path, String> snapshot(Path dir) throws IOException {
    Map<Path, String> out = new LinkedHashMap<>();
    if (!Files.exists(dir)) {
      return out;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted().toList()) {
        if (p.endsWith(".diskwarden.lock")) {
          continue;
        }
        var a = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        out.put(p, a.size() + "/" + (a.isDirectory() ? "" : a.lastModifiedTime()) + "/" + a.isSymbolicLink());
      }
    }
    return out;
  }

}
