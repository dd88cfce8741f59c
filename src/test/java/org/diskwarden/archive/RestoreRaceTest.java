package org.diskwarden.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.commons.io.file.PathUtils;
import org.apache.commons.io.file.StandardDeleteOption;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack 1 of issue 27: {@code restore} into a folder its owner (nobody, through setpriv) controls.
 * While root extracts, the owner renames the partial away and puts a link to a folder of theirs in its
 * place, where every name the archive holds is a link to a root-only 0600 file outside base_dir. 50
 * rounds with the swap timed to the partial's appearance, 50 blind. The victim keeps its content,
 * mode, owner and time; nothing appears outside base_dir; a restore that ends well put the entry
 * where it belongs, with the archive's modes and owner.
 */
class RestoreRaceTest {
  private static final int ROUNDS = 50;
  private static final String ATTACKER = """
      import os, random, stat, sys, time
      folder, partial, attacker, mode = sys.argv[1:5]
      p = os.path.join(folder, partial)
      n = 0
      print('ready', flush=True)
      while True:
          if mode == 'timed':
              try:
                  if not stat.S_ISDIR(os.lstat(p).st_mode):
                      continue
              except FileNotFoundError:
                  continue
              time.sleep(random.random() * 0.002)
          else:
              time.sleep(random.random() * 0.003)
          try:
              os.rename(p, os.path.join(folder, 'moved-%d' % n))
              n += 1
              os.symlink(attacker, p)
          except OSError:
              pass
      """;

  @TempDir
  Path dir;

  private Path folder;
  private Path outside;
  private Path victim;
  private Path archive;
  private byte[] weights;
  private Map<String, String> outsideBefore;

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")),
        "needs root: the attacker runs as nobody through setpriv (CI runs as root)");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    folder = Files.createDirectories(dir.resolve("base/runs"));
    outside = Files.createDirectories(dir.resolve("outside"));
    victim = Files.writeString(outside.resolve("victim"), "root only\n");
    Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-------"));
    Files.setLastModifiedTime(victim, FileTime.from(Instant.parse("2024-05-06T07:08:09Z")));
    // The partial's names in the attacker's folder, at both depths, each a link to the victim.
    Path lure = outside.resolve("attacker");
    for (String name : new String[] {"weights.bin", "config.json", "sub/weights.bin", "v1/weights.bin",
        "v1/config.json", "v1/sub/weights.bin"}) {
      Files.createDirectories(lure.resolve(name).getParent());
      Files.createSymbolicLink(lure.resolve(name), victim);
    }
    exec("chown", "-hR", "65534:65534", outside.resolve("attacker").toString(), dir.resolve("base").toString());

    Path entry = Files.createDirectories(dir.resolve("src/v1/sub"));
    weights = new byte[4 << 20];
    new Random(1).nextBytes(weights);
    Files.write(entry.resolveSibling("weights.bin"), weights);
    Files.writeString(entry.resolveSibling("config.json"), "{}\n");
    Files.writeString(entry.resolve("weights.bin"), "sub");
    try (Stream<Path> s = Files.walk(entry.getParent())) {
      for (Path p : s.toList()) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxrwxrwx" : "rw-rw-rw-"));
      }
    }
    exec("chown", "-R", "65534:65534", entry.getParent().toString());
    archive = folder.resolve("v1.tar.gz");
    Archiver.write(entry.getParent(), archive, ArchiveFormat.GZIP, 1, () -> false);
    outsideBefore = TreeSnapshot.withOwners(outside);
  }

  @ParameterizedTest
  @ValueSource(strings = {"timed", "blind"})
  void thePartialSwappedForALinkOut_neverChangesOrCreatesAnythingOutside(String mode) throws Exception {
    Path script = Files.writeString(dir.resolve("attacker.py"), ATTACKER);
    Process attacker = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
        "/usr/bin/python3", script.toString(), folder.toString(), ".v1" + Partial.SUFFIX,
        outside.resolve("attacker").toString(), mode).redirectErrorStream(true).start();
    int swapped = 0;
    int restored = 0;
    try {
      String ready = new BufferedReader(new InputStreamReader(attacker.getInputStream(), StandardCharsets.UTF_8))
          .readLine();
      assertThat(ready).as("the attacker starts as nobody").isEqualTo("ready");
      for (int n = 0; n < ROUNDS; n++) {
        try {
          Restorer.restore(archive, folder);
          restored++;
          assertRestored();
        } catch (IOException e) {
          // refused under attack: allowed, as long as nothing outside changed
        }
        assertThat(TreeSnapshot.withOwners(outside)).as("outside base_dir after round %d", n).isEqualTo(outsideBefore);
        swapped += tidy();
      }
    } finally {
      attacker.destroyForcibly().waitFor();
    }
    // The attack really happened: otherwise this test proves nothing.
    assertThat(swapped).as("rounds where the partial was swapped while root wrote it").isPositive();
    assertThat(restored).as("restores that ended well").isPositive();
  }

  private void assertRestored() throws IOException {
    Path v1 = folder.resolve("v1");
    assertThat(Files.isRegularFile(v1.resolve("weights.bin"), LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThat(java.util.Arrays.equals(Files.readAllBytes(v1.resolve("weights.bin")), weights))
        .as("the restored weights.bin holds the archive's bytes").isTrue();
    for (Path p : new Path[] {v1, v1.resolve("weights.bin"), v1.resolve("sub/weights.bin")}) {
      assertThat(Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)).as("owner of %s", p).isEqualTo(65534);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)))
          .as("mode of %s", p).isEqualTo(Files.isDirectory(p) ? "rwxrwxrwx" : "rw-rw-rw-");
    }
  }

  /** Removes what a round left in the folder; how many partials the attacker had moved away. */
  private int tidy() throws IOException {
    int moved = 0;
    try (Stream<Path> s = Files.list(folder)) {
      for (Path p : s.toList()) {
        if (p.equals(archive)) {
          continue;
        }
        if (p.getFileName().toString().startsWith("moved-") && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          moved++;
        }
        PathUtils.delete(p, new LinkOption[] {LinkOption.NOFOLLOW_LINKS}, StandardDeleteOption.OVERRIDE_READ_ONLY);
      }
    }
    return moved;
  }

  /** Every name outside base_dir with its type, owner, mode, time and content, links not followed. */
  private static void exec(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
  }
}
