package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.diskwarden.cli.Main;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The attacker of the safety issue: an unprivileged user (nobody, through setpriv) who owns what lies
 * inside base_dir swaps a folder on a candidate's path for a symlink to a victim outside base_dir
 * ({@code renameat2(RENAME_EXCHANGE)}), once at the instant the candidate's audit line appears and
 * once blindly in a tight loop, 100 rounds of {@code clean --force} each. The victim must survive
 * every round byte for byte, dated as before.
 */
class SwapRaceTest {
  private static final int ROUNDS = 100;
  private static final String ATTACKER = """
      import ctypes, sys
      libc = ctypes.CDLL(None, use_errno=True)
      a, b = sys.argv[2].encode(), sys.argv[3].encode()
      def swap():
          return libc.renameat2(-100, a, -100, b, 2)  # AT_FDCWD, RENAME_EXCHANGE
      print('ready', flush=True)
      if sys.argv[1] == 'loop':
          while True:
              swap()
      for line in sys.stdin:
          print('swapped' if swap() == 0 else 'failed', flush=True)
      """;

  /** Which folder on the candidate's path is swapped for a link out. */
  enum Swapped {
    /** {@code models}, two levels above the candidate. */
    TWO_UP("models", "evil", ""),
    /** {@code models/versions}, the policy's folder. */
    POLICY_FOLDER("models/versions", "models/evil", "/versions"),
    /** {@code models/versions/v001}, the candidate itself. */
    CANDIDATE("models/versions/v001", "models/versions/evil", "/versions/v001");

    final String real;
    final String link;
    final String victimPart;

    Swapped(String real, String link, String victimPart) {
      this.real = real;
      this.link = link;
      this.victimPart = victimPart;
    }
  }

  @TempDir
  Path dir;

  Path victim;
  Path script;
  Map<String, String> before;

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")),
        "SKIPPED: the attacker runs as nobody through setpriv, which needs root (CI runs as root)");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    // The victim looks like what the agent expects behind each swapped name, and is old enough to go.
    victim = dir.resolve("victim");
    Tree outside = new Tree(victim);
    for (String v : List.of("v001", "v002", "v003")) {
      for (int i = 0; i < 5; i++) {
        outside.file("versions/" + v + "/shard-" + i + ".bin", 1000, Tree.days(30));
      }
      outside.file("versions/" + v + "/config.json", 10, Tree.days(30));
    }
    outside.age(victim, Tree.days(30));
    before = snapshot(victim);
    script = Files.writeString(dir.resolve("attacker.py"), ATTACKER);
  }

  private static Map<String, String> snapshot(Path root) throws IOException {
    Map<String, String> state = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.toList()) {
        String content = Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
            ? java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(p))) : "dir";
        state.put(root.relativize(p).toString(),
            content + " " + Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis());
      }
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return state;
  }

  /** A fresh base_dir owned by nobody: four versions (two go), the link out planted beside the target. */
  private Path round(int n, Swapped swapped, int filesPerVersion) throws Exception {
    return round(n, swapped, filesPerVersion, "");
  }

  private Path round(int n, Swapped swapped, int filesPerVersion, String policyLines) throws Exception {
    Path base = Files.createDirectories(dir.resolve("round-" + n + "/base"));
    Tree tree = new Tree(base);
    for (int v = 1; v <= 4; v++) {
      for (int i = 0; i < filesPerVersion; i++) {
        tree.file("models/versions/v00" + v + "/shard-" + i + ".bin", 100, Tree.days(10 - v));
      }
      tree.version("models/versions/v00" + v, 100, Tree.days(10 - v));
    }
    tree.age(base.resolve("models"), Tree.days(10));
    Files.createSymbolicLink(base.resolve(swapped.link), Path.of(victim + swapped.victimPart));
    String yaml = Configs.alwaysLow(base, "min_age: 30m", """
        - name: model-versions
          path: models/versions
          keep_latest: 2
        %s""".formatted(policyLines.indent(2)));
    Configs.parse(yaml); // a config error would make every round pass without a sweep
    Files.writeString(dir.resolve("round-" + n + "/config.yml"), yaml);
    exec("chown", "-hR", "65534:65534", base.getParent().toString());
    Files.setPosixFilePermissions(base.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
    return base;
  }

  private static void exec(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
  }

  private Process attacker(String mode, Path base, Swapped swapped) throws Exception {
    Process p = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
        "/usr/bin/python3", script.toString(), mode, base.resolve(swapped.real).toString(),
        base.resolve(swapped.link).toString()).redirectErrorStream(true).start();
    String ready = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
    assertThat(ready).as("the attacker starts as nobody").isEqualTo("ready");
    return p;
  }

  private static int clean(Path base) throws Exception {
    Path config = base.getParent().resolve("config.yml");
    System.setProperty("diskwarden.logdir", base.getParent().resolve("logs").toString());
    try {
      return Main.execute("clean", "--force", "--config", config.toString());
    } finally {
      System.clearProperty("diskwarden.logdir");
    }
  }

  private void assertVictimUntouched(int round) throws IOException {
    assertThat(snapshot(victim)).as("victim after round %d", round).isEqualTo(before);
  }

  @ParameterizedTest
  @EnumSource(Swapped.class)
  void swapAtTheAuditLine_neverReachesOutside(Swapped swapped) throws Exception {
    int landed = 0;
    for (int n = 0; n < ROUNDS; n++) {
      Path base = round(n, swapped, 60);
      Path audit = base.getParent().resolve("logs/audit.jsonl");
      Process attacker = attacker("signal", base, swapped);
      AtomicBoolean done = new AtomicBoolean();
      AtomicInteger swaps = new AtomicInteger();
      Thread watcher = new Thread(() -> tailThenSwap(audit, base, attacker, done, swaps));
      watcher.start();
      int status = clean(base);
      done.set(true);
      watcher.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(watcher.isAlive()).as("the watcher thread ended").isFalse();
      // a state (OK, LOW, CRITICAL), not a crash: a clean that threw would also leave the victim whole
      assertThat(status).as("clean's exit status, round %d", n).isBetween(0, 2);
      attacker.destroyForcibly().waitFor();
      landed += swaps.get();
      assertVictimUntouched(n);
    }
    // The attack really happened, round after round: otherwise this test proves nothing.
    assertThat(landed).isGreaterThan(ROUNDS / 2);
  }

  /** Watches the audit log; at the first remove line of v001 tells the attacker to swap. */
  private static void tailThenSwap(Path audit, Path base, Process attacker, AtomicBoolean done,
      AtomicInteger swaps) {
    String wanted = "\"path\":\"" + base.resolve("models/versions/v001") + "\"";
    try {
      await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
          .until(() -> done.get() || (Files.exists(audit) && Files.readString(audit).lines()
              .anyMatch(l -> l.contains("\"event\":\"remove\"") && l.contains(wanted))));
      if (done.get()) {
        return;
      }
      OutputStream in = attacker.getOutputStream();
      in.write("go\n".getBytes(StandardCharsets.US_ASCII));
      in.flush();
      String answer = new BufferedReader(new InputStreamReader(attacker.getInputStream(),
          StandardCharsets.UTF_8)).readLine();
      if ("swapped".equals(answer)) {
        swaps.incrementAndGet();
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @ParameterizedTest
  @EnumSource(Swapped.class)
  void blindSwapLoop_neverReachesOutside(Swapped swapped) throws Exception {
    blindRounds(swapped, ROUNDS, "");
  }

  @ParameterizedTest
  @EnumSource(value = Swapped.class, names = {"TWO_UP", "POLICY_FOLDER"})
  void blindSwapLoop_duringCompress_neverWritesOutside(Swapped swapped) throws Exception {
    // no archive, partial or anything else may appear in the victim, and nothing there may change
    blindRounds(swapped, ROUNDS / 2, "action: compress\nmin_ratio_gain: 0\n");
  }

  /** Rounds of clean --force while the attacker swaps {@code swapped} in a tight loop. */
  private void blindRounds(Swapped swapped, int rounds, String policyLines) throws Exception {
    for (int n = 0; n < rounds; n++) {
      Path base = round(n, swapped, 20, policyLines);
      Process attacker = attacker("loop", base, swapped);
      int status;
      try {
        status = clean(base);
      } finally {
        attacker.destroyForcibly().waitFor();
      }
      assertThat(status).as("clean's exit status, round %d", n).isBetween(0, 2);
      assertVictimUntouched(n);
    }
  }
}
