package org.diskwarden.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.diskwarden.Tmpfs;
import org.diskwarden.Tree;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.volume.Volume;
import org.diskwarden.archive.TreeSnapshot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attacks 2 and 3 of issue 27, by the owner of a backup (nobody, through setpriv) against compress
 * and move: a subfolder of the entry swapped for a link to a root-only folder while the archive is
 * written (50 rounds timed to the partial's appearance, 50 blind), a hard link to a root-only file
 * ({@code fs.protected_hardlinks=0}), a root-only file placed in the entry, and a link planted where
 * compress_to's folders go. No archive or copy the attacker can read holds a byte of the root-only
 * files; the victims keep content, mode, owner and time; nothing is created outside base_dir.
 */
class KeepAttackTest {
  private static final int ROUNDS = 50;
  private static final String SECRET = "ROOT-ONLY-SECRET-7f3a9c";
  private static final FileTime PARTS_TIME = FileTime.from(Instant.now().minus(java.time.Duration.ofDays(9))
      .truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
  /**
   * Exchanges {@code sub} and the link {@code evil} beside it (renameat2 RENAME_EXCHANGE): timed, as
   * fast as it can while the partial archive exists; blind, from the start, every 0-2 ms.
   */
  private static final String ATTACKER = """
      import ctypes, os, random, sys, time
      libc = ctypes.CDLL(None, use_errno=True)
      entry, partial, mode = sys.argv[1:4]
      a, b = os.path.join(entry, 'sub').encode(), os.path.join(entry, 'evil').encode()
      print('ready', flush=True)
      while True:
          if mode == 'timed' and not os.path.lexists(partial):
              continue
          if mode == 'blind':
              time.sleep(random.random() * 0.002)
          libc.renameat2(-100, a, -100, b, 2)
      """;

  @TempDir
  Path dir;

  private Path outside;
  private Path victim;
  /** A root-only file in a folder anyone may search: what a hard link can reach. */
  private Path linkable;
  private Map<String, String> outsideBefore;
  private final Clock clock = Clock.systemUTC();

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")),
        "needs root: the attacker runs as nobody through setpriv (CI runs as root)");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    outside = Files.createDirectories(dir.resolve("outside"));
    Path rootOnly = Files.createDirectories(outside.resolve("root-only/sub"));
    Files.setPosixFilePermissions(rootOnly.getParent(), PosixFilePermissions.fromString("rwx------"));
    victim = Files.writeString(rootOnly.getParent().resolve("secret"), SECRET + "\n");
    Files.writeString(rootOnly.resolve("secret"), SECRET + "\n");
    linkable = Files.writeString(outside.resolve("secret"), SECRET + "\n");
    for (Path p : new Path[] {victim, rootOnly.resolve("secret"), linkable}) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
      Files.setLastModifiedTime(p, FileTime.from(Instant.parse("2024-05-06T07:08:09Z")));
    }
    // Behind the link, root-only files under the names the entry's files have, of their size and time:
    // a walk that re-resolves a path through the swapped folder reads them and notices nothing.
    for (int i = 0; i < 8; i++) {
      String content = part(i);
      Path same = Files.writeString(rootOnly.getParent().resolve("part-" + i + ".log"),
          (SECRET + "\n").repeat(content.length() / (SECRET.length() + 1) + 1).substring(0, content.length()));
      Files.setPosixFilePermissions(same, PosixFilePermissions.fromString("rw-------"));
      Files.setLastModifiedTime(same, PARTS_TIME);
    }
    Files.createDirectories(outside.resolve("target"));
    outsideBefore = TreeSnapshot.withOwners(outside);
  }

  /** base_dir (root's) with models/backups and two backups in it, all nobody's; the older one goes. */
  private Path base(String name) throws Exception {
    Path base = Files.createDirectories(dir.resolve(name));
    Tree tree = new Tree(base);
    for (String b : new String[] {"db_20251101", "db_20251103"}) {
      Path entry = Files.createDirectories(base.resolve("models/backups").resolve(b).resolve("sub"));
      for (int i = 0; i < 8; i++) {
        Files.writeString(entry.resolve("part-" + i + ".log"), part(i));
      }
      Files.writeString(entry.getParent().resolve("meta.json"), "{}\n");
      Files.createSymbolicLink(entry.resolveSibling("evil"), outside.resolve("root-only"));
    }
    exec("chown", "-hR", "65534:65534", base.resolve("models").toString());
    tree.age(base.resolve("models/backups/db_20251101"), Tree.days(9));
    tree.age(base.resolve("models/backups/db_20251103"), Tree.days(7));
    for (int i = 0; i < 8; i++) {
      Files.setLastModifiedTime(base.resolve("models/backups/db_20251101/sub/part-" + i + ".log"), PARTS_TIME);
    }
    return base;
  }

  private static String part(int i) {
    return ("step " + i + " loss 0.25\n").repeat(20_000);
  }

  private WardenConfig config(Path base, String actionLines) throws Exception {
    return config(base, "30m", actionLines);
  }

  private WardenConfig config(Path base, String minAge, String actionLines) throws Exception {
    return KeepFixture.backups(base, minAge, actionLines, "");
  }

  private SweepReport sweep(Path base, WardenConfig config) {
    Volume volume = Volume.of(base, clock);
    AuditLog audit = new AuditLog(base.resolveSibling(base.getFileName() + "-logs/audit.jsonl"), clock);
    Plan plan = Planner.plan(config, volume.read(), volume.blockSize(), clock.instant(), audit.unfinished());
    return new Sweeper(volume, audit, clock, p -> { }).execute(plan, config, false, () -> false);
  }

  @ParameterizedTest
  @ValueSource(strings = {"timed", "blind"})
  void aSubfolderSwappedForALinkToARootOnlyFolder_neverPutsItsBytesInTheArchive(String mode) throws Exception {
    Path script = Files.writeString(dir.resolve("attacker.py"), ATTACKER);
    int met = 0;
    for (int n = 0; n < ROUNDS; n++) {
      Path base = base("round-" + mode + "-" + n);
      Path entry = base.resolve("models/backups/db_20251101");
      Process attacker = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
          "/usr/bin/python3", script.toString(), entry.toString(),
          base.resolve("models/backups/.db_20251101.tar.zst.diskwarden-partial").toString(), mode)
          .redirectErrorStream(true).start();
      SweepReport report;
      try {
        String ready = new BufferedReader(new InputStreamReader(attacker.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
        assertThat(ready).as("the attacker starts as nobody").isEqualTo("ready");
        // min_age 0s: the swaps keep the entry's folder freshly modified, and the blind attacker swaps from the start
        report = sweep(base, config(base, "0s", "action: compress\nmin_ratio_gain: 0"));
      } finally {
        attacker.destroyForcibly().waitFor();
      }
      if (!report.failed().isEmpty() || archivedSwapped(base)) {
        met++;
      }
      assertThat(holdingSecret(base)).as("files under base_dir holding the secret, round %d", n).isEmpty();
      assertThat(TreeSnapshot.withOwners(outside)).as("outside base_dir after round %d", n).isEqualTo(outsideBefore);
      exec("rm", "-rf", base.toString());
    }
    // The attack really happened: the walk met the swapped folders (and refused, or archived what it saw).
    assertThat(met).as("rounds where the swap met the walk").isPositive();
  }

  @ParameterizedTest
  @ValueSource(strings = {"compress", "move"})
  void aHardLinkToARootOnlyFile_skipsTheEntry_andNothingHoldsTheBytes(String action) throws Exception {
    String before = Files.readString(Path.of("/proc/sys/fs/protected_hardlinks")).trim();
    try (Tmpfs moveTo = action.equals("move") ? Tmpfs.mount(dir.resolve("move-to"), 64) : null) {
      exec("sysctl", "-q", "-w", "fs.protected_hardlinks=0");
      Path base = base("base");
      Path entry = base.resolve("models/backups/db_20251101");
      exec("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "ln", linkable.toString(),
          entry.resolve("stolen").toString());
      // dated as before the link: the entry is old enough to go (the linked file keeps its own time)
      Files.setLastModifiedTime(entry, FileTime.from(Instant.now().minus(java.time.Duration.ofDays(9))));
      String lines = action.equals("move") ? "action: move\nmove_to: " + moveTo.root()
          : "action: compress\nmin_ratio_gain: 0";

      SweepReport report = sweep(base, config(base, lines));

      assertThat(report.skipped()).singleElement().satisfies(s -> assertThat(s.error()).get().asString()
          .contains("db_20251101/stolen has 2 links"));
      assertThat(entry.resolve("stolen")).exists();
      assertThat(holdingSecret(base)).as("files under base_dir holding the secret (the link itself aside)")
          .containsExactly(entry.resolve("stolen"));
      if (moveTo != null) {
        assertThat(holdingSecret(moveTo.root())).isEmpty();
      }
    } finally {
      exec("sysctl", "-q", "-w", "fs.protected_hardlinks=" + before);
    }
    assertThat(TreeSnapshot.withOwners(outside)).isEqualTo(outsideBefore);
  }

  @Test
  void aRootOnlyFileInTheEntry_skipsTheEntry() throws Exception {
    Path base = base("base");
    Path entry = base.resolve("models/backups/db_20251101");
    Path placed = Files.writeString(entry.resolve("sub/placed-by-root"), SECRET);
    Files.setPosixFilePermissions(placed, PosixFilePermissions.fromString("rw-------"));
    new Tree(base).age(entry, Tree.days(9));

    SweepReport report = sweep(base, config(base, "action: compress\nmin_ratio_gain: 0"));

    assertThat(report.skipped()).singleElement().satisfies(s -> assertThat(s.error()).get().asString()
        .contains("db_20251101/sub/placed-by-root belongs to uid 0, not to the entry's owner (uid 65534)"));
    assertThat(holdingSecret(base)).containsExactly(placed);
  }

  @Test
  void compressToThroughAPlantedLink_createsNothingOutside() throws Exception {
    Path base = base("base");
    exec("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "ln", "-s", outside.resolve("target").toString(),
        base.resolve("models/backups/archive").toString());

    SweepReport report = sweep(base, config(base, "action: compress\nmin_ratio_gain: 0\n"
        + "compress_to: models/backups/archive/2026"));

    assertThat(report.failed()).singleElement().satisfies(f -> assertThat(f.error()).get().asString()
        .contains("symbolic link"));
    assertThat(TreeSnapshot.withOwners(outside)).isEqualTo(outsideBefore);
    assertThat(base.resolve("models/backups/db_20251101/meta.json")).exists();
  }

  /** Whether the archive shows the entry as the attacker had swapped it ({@code evil} a folder). */
  private static boolean archivedSwapped(Path base) throws IOException {
    Path archive = base.resolve("models/backups/db_20251101.tar.zst");
    if (!Files.exists(archive)) {
      return false;
    }
    try (InputStream raw = Files.newInputStream(archive);
        var tar = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
            new com.github.luben.zstd.ZstdInputStream(raw))) {
      for (var e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        if (e.getName().equals("db_20251101/evil/")) {
          return true;
        }
      }
    }
    return false;
  }

  /** Regular files under {@code root} (links not followed) whose bytes, or decompressed bytes, hold the secret. */
  private static java.util.List<Path> holdingSecret(Path root) throws IOException {
    java.util.List<Path> holding = new java.util.ArrayList<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
        if (new String(bytes(p), StandardCharsets.ISO_8859_1).contains(SECRET)) {
          holding.add(p);
        }
      }
    }
    return holding;
  }

  private static byte[] bytes(Path p) throws IOException {
    String name = p.getFileName().toString();
    if (!name.contains(".tar.")) {
      return Files.readAllBytes(p);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream raw = Files.newInputStream(p);
        InputStream in = name.contains(".tar.zst") ? new com.github.luben.zstd.ZstdInputStream(raw)
            : new java.util.zip.GZIPInputStream(raw)) {
      in.transferTo(out);
    } catch (IOException e) {
      // a partial cut short: what was written so far is what counts
    }
    return out.toByteArray();
  }

  /** Every name outside base_dir with its type, owner, mode, time and content, links not followed. */
  private static void exec(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
  }
}
