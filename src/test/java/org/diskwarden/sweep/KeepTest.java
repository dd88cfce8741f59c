package org.diskwarden.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import org.diskwarden.Console;
import org.diskwarden.Tmpfs;
import org.diskwarden.Tree;
import org.diskwarden.archive.Corrupt;
import org.diskwarden.archive.TreeSnapshot;
import org.diskwarden.cli.Main;
import org.diskwarden.config.Action;
import org.diskwarden.config.CleanupMode;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.policy.Candidate;
import org.diskwarden.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compress and move instead of delete, on real trees (and, as root, real filesystems). */
class KeepTest {
  @TempDir
  Path dir;

  private Path base;
  private Tree tree;
  private final Clock clock = Clock.systemUTC();

  private WardenConfig config(String actionLines) throws Exception {
    return config(actionLines, "");
  }

  /** One backups policy with {@code actionLines}, then {@code morePolicies} (list items). */
  private WardenConfig config(String actionLines, String morePolicies) throws Exception {
    return KeepFixture.backups(base, "30m", actionLines, morePolicies);
  }

  private void setUpBase(Path root) throws IOException {
    base = root;
    tree = new Tree(base);
    Files.createDirectories(base.resolve("models/backups"));
  }

  /** A backup folder of log-like text that compresses well, aged {@code days}. */
  private Path textBackup(String name, int days) throws IOException {
    Path b = Files.createDirectories(base.resolve("models/backups").resolve(name));
    StringBuilder s = new StringBuilder();
    Random r = new Random(name.hashCode());
    for (int i = 0; i < 40_000; i++) {
      s.append("step ").append(i).append(" loss ").append(r.nextInt(1000)).append('\n');
    }
    Files.writeString(b.resolve("train.log"), s);
    Files.createDirectories(b.resolve("meta"));
    Files.writeString(b.resolve("meta/info.json"), "{\"name\": \"" + name + "\"}");
    tree.age(b, Tree.days(days));
    return b;
  }

  private SweepReport sweep(WardenConfig config, boolean dryRun, Consumer<Path> beforeVerify) {
    Volume volume = Volume.of(base, clock);
    AuditLog audit = new AuditLog(dir.resolve("logs/audit.jsonl"), clock);
    Plan plan = Planner.plan(config, volume.read(), volume.blockSize(), clock.instant(), audit.unfinished());
    return new Sweeper(volume, audit, clock, beforeVerify).execute(plan, config, dryRun, () -> false);
  }

  /** Something done to the written archive before it is read back. */
  private interface Tamper {
    void apply(Path partial) throws IOException;
  }

  /** {@code tamper} as the sweep's before-verify hook. */
  private static Consumer<Path> tampering(Tamper tamper) {
    return partial -> {
      try {
        tamper.apply(partial);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
  }

  private List<JsonNode> audit(String event) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> lines = new ArrayList<>();
    for (String l : Files.readAllLines(dir.resolve("logs/audit.jsonl"))) {
      JsonNode n = json.readTree(l);
      if (event.equals(n.path("event").asText())) {
        lines.add(n);
      }
    }
    return lines;
  }

  private List<String> names(Path folder) throws IOException {
    try (var s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void compress_replacesEntriesByVerifiedArchives_auditNamesTheAction_andRestoreGivesThemBack() throws Exception {
    setUpBase(Files.createDirectory(dir.resolve("base")));
    Path oldest = textBackup("db_20251101", 9);
    textBackup("db_20251102", 8);
    textBackup("db_20251103", 7);
    List<String> before = TreeSnapshot.of(oldest);

    SweepReport report = sweep(config("action: compress\ncompress_level: 3"), false, p -> { });

    assertThat(names(base.resolve("models/backups")))
        .containsExactly("db_20251101.tar.zst", "db_20251102.tar.zst", "db_20251103");
    assertThat(report.removed()).hasSize(2).allSatisfy(r -> {
      assertThat(r.action()).isEqualTo(Action.COMPRESS);
      assertThat(r.keptAt()).isPresent();
      assertThat(r.freed()).isPositive().isLessThan(r.bytes());
    });
    assertThat(report.failed()).isEmpty();
    assertThat(audit("remove")).hasSize(2).allSatisfy(l -> {
      assertThat(l.get("action").asText()).isEqualTo("compress");
      assertThat(l.get("kept_at").asText()).endsWith(".tar.zst");
    });
    assertThat(audit("write")).hasSize(2);

    Path archive = base.resolve("models/backups/db_20251101.tar.zst");
    try (Console console = new Console(dir.resolve("logs"))) {
      assertThat(Main.execute("restore", archive.toString())).as(console.err()).isZero();
      assertThat(TreeSnapshot.of(oldest)).isEqualTo(before);
      assertThat(Main.execute("restore", archive.toString())).isEqualTo(1);
      assertThat(console.err()).contains("already exists");
    }
  }

  @Test
  void archives_areNotEntriesOfThePolicy_untilArchivesMaxAgeReleasesThem() throws Exception {
    setUpBase(Files.createDirectory(dir.resolve("base")));
    textBackup("db_20251103", 7);
    Path old = tree.file("models/backups/db_20251001.tar.zst", 1000, Tree.days(40));
    Path young = tree.file("models/backups/db_20251101.tar.zst", 1000, Tree.days(10));

    WardenConfig keepArchives = config("action: compress");
    WardenConfig expire = config("action: compress\narchives_max_age: 30d");
    Volume volume = Volume.of(base, clock);

    assertThat(Planner.plan(keepArchives, volume.read(), 4096, clock.instant()).candidates()).isEmpty();
    List<Candidate> candidates = Planner.plan(expire, volume.read(), 4096, clock.instant()).candidates();
    assertThat(candidates).singleElement().satisfies(c -> {
      assertThat(c.path()).isEqualTo(old);
      assertThat(c.action()).isEqualTo(Action.DELETE);
      assertThat(c.reason()).isEqualTo("archive older than 30d");
    });
    sweep(expire, false, p -> { });
    assertThat(old).doesNotExist();
    assertThat(young).exists();
  }

  @Test
  void aCorruptedArchive_leavesTheOriginal_reportsAFailure_andLeavesNoArchive() throws Exception {
    setUpBase(Files.createDirectory(dir.resolve("base")));
    Path oldest = textBackup("db_20251101", 9);
    textBackup("db_20251103", 7);
    List<String> before = TreeSnapshot.of(oldest);

    SweepReport report = sweep(config("action: compress"), false,
        tampering(partial -> Corrupt.flipByte(partial, Files.size(partial) / 2)));

    assertThat(report.failed()).singleElement().satisfies(f ->
        assertThat(f.error()).get().asString().contains("failed verification"));
    assertThat(report.removed()).isEmpty();
    assertThat(TreeSnapshot.of(oldest)).isEqualTo(before);
    assertThat(names(base.resolve("models/backups"))).containsExactly("db_20251101", "db_20251103");
    assertThat(audit("outcome")).extracting(l -> l.get("outcome").asText()).contains("discarded");
  }

  @Test
  void aShutdownDuringACompress_discardsThePartialArchive_andKeepsTheOriginal() throws Exception {
    setUpBase(Files.createDirectory(dir.resolve("base")));
    Path oldest = textBackup("db_20251101", 9);
    textBackup("db_20251103", 7);
    List<String> before = TreeSnapshot.of(oldest);
    WardenConfig config = config("action: compress");
    Volume volume = Volume.of(base, clock);
    AuditLog audit = new AuditLog(dir.resolve("logs/audit.jsonl"), clock);
    Plan plan = Planner.plan(config, volume.read(), volume.blockSize(), clock.instant());
    int[] polls = {0};

    // the stop arrives while the first file is being archived
    SweepReport report = new Sweeper(volume, audit, clock).execute(plan, config, false, () -> ++polls[0] > 2);

    assertThat(report.skipped()).singleElement().satisfies(s ->
        assertThat(s.error()).get().asString().contains("interrupted by shutdown"));
    assertThat(report.failed()).isEmpty();
    assertThat(TreeSnapshot.of(oldest)).isEqualTo(before);
    assertThat(names(base.resolve("models/backups"))).containsExactly("db_20251101", "db_20251103");
    assertThat(audit.unfinishedWrites()).isEmpty();
  }

  @Test
  void aCompressCandidateTheGuardRefusesAtSweepTime_isReportedAndNeitherArchivedNorDeleted() throws Exception {
    setUpBase(Files.createDirectory(dir.resolve("base")));
    Path oldest = textBackup("db_20251101", 9);
    textBackup("db_20251103", 7);
    WardenConfig config = config("action: compress");
    Volume volume = Volume.of(base, clock);
    AuditLog audit = new AuditLog(dir.resolve("logs/audit.jsonl"), clock);
    Plan plan = Planner.plan(config, volume.read(), volume.blockSize(), clock.instant());
    // written to after planning: within min_age now
    Files.setLastModifiedTime(oldest, java.nio.file.attribute.FileTime.from(Instant.now()));

    SweepReport report = new Sweeper(volume, audit, clock).execute(plan, config, false, () -> false);

    assertThat(report.failed()).singleElement().satisfies(f ->
        assertThat(f.error()).get().asString().contains("refused").contains("min_age"));
    assertThat(oldest.resolve("train.log")).exists();
    assertThat(names(base.resolve("models/backups"))).containsExactly("db_20251101", "db_20251103");
  }

  @Test
  void weightsThatBarelyCompress_areKept_orDeletedWhenFallbackDeleteSaysSo() throws Exception {
    setUpBase(Files.createDirectory(dir.resolve("base")));
    tree.version("models/backups/w_20251101", 2 << 20, Tree.days(9));
    tree.version("models/backups/w_20251103", 2 << 20, Tree.days(7));

    SweepReport kept = sweep(config("action: compress"), false, p -> { });
    assertThat(kept.skipped()).singleElement().satisfies(s ->
        assertThat(s.error()).get().asString().contains("min_ratio_gain 10.0%"));
    assertThat(kept.removed()).isEmpty();
    assertThat(names(base.resolve("models/backups"))).containsExactly("w_20251101", "w_20251103");

    SweepReport deleted = sweep(config("action: compress\nfallback: delete"), false, p -> { });
    assertThat(deleted.removed()).singleElement().satisfies(r -> assertThat(r.action()).isEqualTo(Action.DELETE));
    assertThat(names(base.resolve("models/backups"))).containsExactly("w_20251103");
  }

  @Test
  void anArchiveThatSavesLessThanItsSamplesPromised_isDiscarded_andTheFallbackDeletes() throws Exception {
    setUpBase(Files.createDirectory(dir.resolve("base")));
    // Zeros where the estimate samples (start, middle, end), random bytes everywhere else.
    Path b = Files.createDirectories(base.resolve("models/backups/x_20251101"));
    byte[] data = new byte[4 << 20];
    new Random(3).nextBytes(data);
    for (int at : new int[] {0, data.length / 2, data.length - (64 << 10)}) {
      java.util.Arrays.fill(data, at, at + (64 << 10), (byte) 0);
    }
    Files.write(b.resolve("blob"), data);
    tree.age(b, Tree.days(9));
    textBackup("x_20251103", 7);

    SweepReport report = sweep(config("action: compress\nfallback: delete"), false, p -> { });

    assertThat(report.removed()).singleElement().satisfies(r -> assertThat(r.action()).isEqualTo(Action.DELETE));
    assertThat(names(base.resolve("models/backups"))).containsExactly("x_20251103");
    assertThat(audit("outcome")).extracting(l -> l.get("outcome").asText()).contains("discarded");
  }

  @Test
  void plan_showsTheActionAndTheExpectedGain_andADryRunWritesNothing() throws Exception {
    setUpBase(Files.createDirectory(dir.resolve("base")));
    textBackup("db_20251101", 9);
    textBackup("db_20251103", 7);
    WardenConfig config = config("action: compress");
    Volume volume = Volume.of(base, clock);

    Plan plan = Planner.plan(config, volume.read(), volume.blockSize(), clock.instant());
    String text = PlanText.render(plan, base, CleanupMode.FULL);

    Candidate c = plan.candidates().get(0);
    assertThat(c.action()).isEqualTo(Action.COMPRESS);
    assertThat(c.gain()).isPositive().isLessThan(c.bytes());
    assertThat(text).contains("ACTION").contains("compress").contains("~").contains("est.").contains("% saved");
    SweepReport dry = sweep(config, true, p -> { });
    assertThat(dry.removed()).singleElement().satisfies(r -> assertThat(r.action()).isEqualTo(Action.COMPRESS));
    assertThat(names(base.resolve("models/backups"))).containsExactly("db_20251101", "db_20251103");
  }

  @Test
  void leftoversOfAKilledRun_areRemovedFromTheAuditLog_butAPartialNameAloneIsNotEnough() throws Exception {
    setUpBase(Files.createDirectory(dir.resolve("base")));
    Path entry = textBackup("db_20251101", 9);
    List<String> before = TreeSnapshot.of(entry);
    Path folder = base.resolve("models/backups").toRealPath();
    Path ours = Files.writeString(folder.resolve(".db_20251101.tar.zst.diskwarden-partial"), "half an archive");
    Path notOurs = Files.writeString(folder.resolve(".someone-else.diskwarden-partial"), "not announced");
    AuditLog audit = new AuditLog(dir.resolve("logs/audit.jsonl"), clock);
    audit.write(ours, new Candidate(entry, "backups", "backup", 1, Instant.EPOCH, "x").as(Action.COMPRESS, 1));
    // a forged line naming a real entry: not a partial name, so never removed by this path
    audit.write(entry, new Candidate(entry, "backups", "backup", 1, Instant.EPOCH, "x").as(Action.COMPRESS, 1));

    new Sweeper(Volume.of(base, clock), audit, clock).discardLeftovers(config("action: compress"));

    assertThat(ours).doesNotExist();
    assertThat(notOurs).exists();
    assertThat(TreeSnapshot.of(entry)).isEqualTo(before);
    assertThat(audit.unfinishedWrites()).containsExactly(entry);
  }

  @Test
  void aMoveTargetOnTheSameFilesystemOrInsideBaseDir_isRefusedAtConfigTime() throws Exception {
    setUpBase(Files.createDirectory(dir.resolve("base")));
    Path sameFs = Files.createDirectory(dir.resolve("archive"));
    Path inside = Files.createDirectories(base.resolve("archive"));

    assertThatThrownBy(() -> config("action: move\nmove_to: " + sameFs))
        .hasMessageContaining("policies.backups.move_to value was set to '" + sameFs + "'")
        .hasMessageContaining("must be on another filesystem");
    assertThatThrownBy(() -> config("action: move\nmove_to: " + inside))
        .hasMessageContaining("policies.backups.move_to").hasMessageContaining("must lie outside base_dir");
  }

  @Test
  void moveToASecondTmpfs_freesTheFirst_andTheFilesAreIdenticalThere() throws Exception {
    try (Tmpfs first = Tmpfs.mount(dir.resolve("first"), 64); Tmpfs second = Tmpfs.mount(dir.resolve("second"), 64)) {
      setUpBase(first.root());
      List<List<String>> snapshots = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        Path v = tree.version("models/backups/ckpt_2025110" + i, 8 << 20, Tree.days(10 - i));
        snapshots.add(TreeSnapshot.of(v));
      }
      long freeBefore = first.free();

      SweepReport report = sweep(config("action: move\nmove_to: " + second.root()), false, p -> { });

      assertThat(report.removed()).hasSize(2).allSatisfy(r -> assertThat(r.action()).isEqualTo(Action.MOVE));
      assertThat(first.free() - freeBefore).isGreaterThanOrEqualTo(16L << 20);
      assertThat(names(second.root())).containsExactly("ckpt_20251101", "ckpt_20251102");
      assertThat(TreeSnapshot.of(second.root().resolve("ckpt_20251101"))).isEqualTo(snapshots.get(0));
      assertThat(TreeSnapshot.of(second.root().resolve("ckpt_20251102"))).isEqualTo(snapshots.get(1));
      assertThat(names(base.resolve("models/backups"))).containsExactly("ckpt_20251103");
      assertThat(audit("remove")).allSatisfy(l -> assertThat(l.get("action").asText()).isEqualTo("move"));
    }
  }

  @Test
  void aMoveTargetShortOfSpace_skipsTheMove_withNoHalfCopyLeft() throws Exception {
    try (Tmpfs first = Tmpfs.mount(dir.resolve("first"), 64); Tmpfs second = Tmpfs.mount(dir.resolve("second"), 12)) {
      setUpBase(first.root());
      for (int i = 1; i <= 3; i++) {
        tree.version("models/backups/ckpt_2025110" + i, 8 << 20, Tree.days(10 - i));
      }

      SweepReport report = sweep(config("action: move\nmove_to: " + second.root()), false, p -> { });

      // the first fits; the second would not: skipped before a byte is copied
      assertThat(report.removed()).hasSize(1);
      assertThat(report.skipped()).singleElement().satisfies(s ->
          assertThat(s.error()).get().asString().contains("short of space"));
      assertThat(names(second.root())).containsExactly("ckpt_20251101");
      assertThat(names(base.resolve("models/backups"))).containsExactly("ckpt_20251102", "ckpt_20251103");
    }
  }

  @Test
  void noRoomForTheArchive_fallsThroughToTheNextCandidate_andSaysSo() throws Exception {
    try (Tmpfs fs = Tmpfs.mount(dir.resolve("small"), 48)) {
      setUpBase(fs.root());
      // half random, half zeros: an archive about half the entry, 10 MB
      Path b = Files.createDirectories(base.resolve("models/backups/h_20251101"));
      byte[] data = new byte[20 << 20];
      Random r = new Random(5);
      for (int at = 0; at < data.length; at += 8192) {
        byte[] chunk = new byte[4096];
        r.nextBytes(chunk);
        System.arraycopy(chunk, 0, data, at, 4096);
      }
      Files.write(b.resolve("blob"), data);
      tree.age(b, Tree.days(9));
      tree.version("models/backups/h_20251103", 1 << 20, Tree.days(7));
      tree.file("logs/old.log", 6 << 20, Tree.days(30));
      // fill the volume until less than the archive's size is free
      Path filler = base.resolve("filler");
      Files.write(filler, new byte[(int) Math.max(0, fs.free() - (6 << 20))]);
      WardenConfig config = config("action: compress", "- name: logs\n  path: logs\n  max_age: 7d");

      SweepReport report = sweep(config, false, p -> { });

      assertThat(report.skipped()).singleElement().satisfies(s ->
          assertThat(s.error()).get().asString().contains("no room for the archive"));
      assertThat(report.removed()).singleElement().satisfies(m -> assertThat(m.path()).isEqualTo(base.resolve("logs/old.log")));
      assertThat(b.resolve("blob")).exists();
      assertThat(names(base.resolve("models/backups"))).containsExactly("h_20251101", "h_20251103");
    }
  }

  private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

  /** A 0700 backup holding a 0600 credentials file, owned by nobody when the test runs as root. */
  private Path privateBackup(String name, int days) throws Exception {
    Path b = textBackup(name, days);
    Path secret = Files.writeString(b.resolve("credentials.txt"), "aws_secret_access_key = hunter2");
    Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    Files.setPosixFilePermissions(b, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    if (ROOT) {
      try (var s = Files.walk(b)) {
        for (Path p : s.toList()) {
          Files.setAttribute(p, "unix:uid", 65534, java.nio.file.LinkOption.NOFOLLOW_LINKS);
          Files.setAttribute(p, "unix:gid", 65534, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        }
      }
    }
    tree.age(b, Tree.days(days));
    return b;
  }

  private static String mode(Path p) throws IOException {
    return java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS));
  }

  private static Object owner(Path p) throws IOException {
    return Files.getAttribute(p, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS);
  }

  @Test
  void aPrivateBackup_staysPrivate_compressedAndRestored_withModes() throws Exception {
    Path archive = compressAndRestorePrivate();
    assertThat(mode(archive.resolveSibling("db_20251101"))).isEqualTo("rwx------");
  }

  @Test
  void aPrivateBackup_ownedByItsUser_keepsThatOwner_inTheArchiveAndRestored() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(ROOT,
        "needs root: the backup is owned by nobody and the agent must keep that owner");
    Path archive = compressAndRestorePrivate();
    Path oldest = archive.resolveSibling("db_20251101");
    assertThat(owner(oldest)).isEqualTo(65534);
    assertThat(owner(oldest.resolve("credentials.txt"))).isEqualTo(65534);
  }

  /** Compresses a private backup, checks the archive's mode (and owner as root), restores it. */
  private Path compressAndRestorePrivate() throws Exception {
    setUpBase(Files.createDirectory(dir.resolve("base")));
    Path oldest = privateBackup("db_20251101", 9);
    textBackup("db_20251103", 7);
    List<String> before = TreeSnapshot.of(oldest);

    sweep(config("action: compress\nmin_ratio_gain: 0"), false, p -> { });

    Path archive = base.resolve("models/backups/db_20251101" + org.diskwarden.archive.ArchiveFormat.best().suffix());
    assertThat(mode(archive)).isEqualTo("rw-------");
    assertThat(owner(archive)).isEqualTo(ROOT ? 65534 : owner(base));
    try (Console console = new Console(dir.resolve("logs"))) {
      assertThat(Main.execute("restore", archive.toString())).as(console.err()).isZero();
    }
    assertThat(mode(oldest)).isEqualTo("rwx------");
    assertThat(mode(oldest.resolve("credentials.txt"))).isEqualTo("rw-------");
    assertThat(TreeSnapshot.of(oldest)).isEqualTo(before);
    return archive;
  }

  @Test
  void aModeChangedInTheArchiveBeforeVerification_failsIt_andKeepsTheOriginal() throws Exception {
    setUpBase(Files.createDirectory(dir.resolve("base")));
    Path oldest = privateBackup("db_20251101", 9);
    textBackup("db_20251103", 7);
    List<String> before = TreeSnapshot.of(oldest);

    SweepReport report = sweep(config("action: compress\nmin_ratio_gain: 0"), false,
        tampering(partial -> widen(partial, "credentials.txt")));

    assertThat(report.failed()).singleElement().satisfies(f ->
        assertThat(f.error()).get().asString().contains("failed verification").contains("credentials.txt"));
    assertThat(TreeSnapshot.of(oldest)).isEqualTo(before);
    assertThat(mode(oldest.resolve("credentials.txt"))).isEqualTo("rw-------");
  }

  /** Rewrites the archive with {@code name}'s mode widened to 0644, everything else as it was. */
  private static void widen(Path archive, String name) throws IOException {
    boolean zstd = archive.getFileName().toString().contains(".tar.zst");
    java.io.ByteArrayOutputStream rewritten = new java.io.ByteArrayOutputStream();
    try (java.io.InputStream raw = Files.newInputStream(archive);
        java.io.InputStream in = zstd ? new com.github.luben.zstd.ZstdInputStream(raw)
            : new java.util.zip.GZIPInputStream(raw);
        org.apache.commons.compress.archivers.tar.TarArchiveInputStream tar =
            new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(in);
        java.io.OutputStream out = zstd ? new com.github.luben.zstd.ZstdOutputStream(rewritten)
            : new java.util.zip.GZIPOutputStream(rewritten);
        org.apache.commons.compress.archivers.tar.TarArchiveOutputStream copy =
            new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(out)) {
      copy.setLongFileMode(org.apache.commons.compress.archivers.tar.TarArchiveOutputStream.LONGFILE_POSIX);
      for (var e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        if (e.getName().endsWith(name)) {
          e.setMode(0100644);
        }
        copy.putArchiveEntry(e);
        tar.transferTo(copy);
        copy.closeArchiveEntry();
      }
      copy.finish();
    }
    Files.write(archive, rewritten.toByteArray());
  }

  @Test
  void aPrivateBackupMovedToAnotherFilesystem_keepsItsModesAndOwner() throws Exception {
    try (Tmpfs first = Tmpfs.mount(dir.resolve("first"), 64); Tmpfs second = Tmpfs.mount(dir.resolve("second"), 64)) {
      setUpBase(first.root());
      privateBackup("db_20251101", 9);
      textBackup("db_20251103", 7);

      sweep(config("action: move\nmove_to: " + second.root()), false, p -> { });

      Path moved = second.root().resolve("db_20251101");
      assertThat(mode(moved)).isEqualTo("rwx------");
      assertThat(mode(moved.resolve("credentials.txt"))).isEqualTo("rw-------");
      assertThat(owner(moved)).isEqualTo(65534);
      assertThat(owner(moved.resolve("credentials.txt"))).isEqualTo(65534);
    }
  }
}
