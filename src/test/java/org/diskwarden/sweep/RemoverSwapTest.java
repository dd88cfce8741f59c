package org.diskwarden.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.diskwarden.Tree;
import org.diskwarden.archive.TreeSnapshot;
import org.diskwarden.fs.Dir;
import org.diskwarden.policy.Protection;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The attacker inside an entry being removed: nobody (through setpriv) owns the tree and exchanges a
 * subdirectory of the entry ({@code renameat2(RENAME_EXCHANGE)}) with a link out of base_dir, or with
 * another directory of base_dir, in the moment between the remover's {@code statx} of that name and
 * its open of it. The remover reads every other name of the entry in that moment (it opens the
 * subdirectories only once the entry's own files are gone), and the attacker swaps when the name
 * listed right after the subdirectory is unlinked ({@code IN_DELETE}): so the swap lands in the window
 * each time. What was swapped in must stay whole: the link is refused by {@code O_NOFOLLOW}, the other
 * directory by the identity of the opened descriptor.
 */
class RemoverSwapTest {
  private static final int FILES = 10_000;
  private static final int SUBDIRS = 30;
  private static final String ATTACKER = """
      import ctypes, os, struct, sys
      libc = ctypes.CDLL(None, use_errno=True)
      a, b, folder, trigger = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].encode()
      fd = libc.inotify_init()
      if fd < 0 or libc.inotify_add_watch(fd, folder.encode(), 0x200) < 0:  # IN_DELETE
          print('inotify failed', ctypes.get_errno(), flush=True)
          sys.exit(1)
      print('ready', flush=True)
      while True:
          buf = os.read(fd, 65536)
          i = 0
          while i < len(buf):
              wd, mask, cookie, n = struct.unpack_from('iIII', buf, i)
              name = buf[i + 16:i + 16 + n].rstrip(b'\\0')
              i += 16 + n
              if name == trigger:
                  done = libc.renameat2(-100, a.encode(), -100, b.encode(), 2)  # AT_FDCWD, RENAME_EXCHANGE
                  print('swapped' if done == 0 else 'failed %d' % ctypes.get_errno(), flush=True)
                  sys.exit(0)
      """;

  /** What the subdirectory is exchanged with. */
  enum SwappedIn {
    /** A link to a root-only folder outside base_dir. */
    LINK_OUT,
    /** Another directory in base_dir (one a rule keeps, say): a real directory, not a link. */
    OTHER_DIRECTORY
  }

  @TempDir
  Path dir;

  Path base;
  Path outside;

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")),
        "needs root: the attacker runs as nobody through setpriv (CI runs as root)");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    outside = Files.createDirectories(dir.resolve("outside/secret"));
    Files.setPosixFilePermissions(outside.getParent(), PosixFilePermissions.fromString("rwx------"));
    Files.writeString(outside.resolve("weights.bin"), "weeks of GPU time");
    base = Files.createDirectories(dir.resolve("base"));
    Files.createSymbolicLink(base.resolve("evil"), outside);
    Files.writeString(Files.createDirectories(base.resolve("kept")).resolve("precious.bin"), "kept by its rule");
  }

  /** The entry: {@value #SUBDIRS} subdirectories and {@value #FILES} files, all of nobody's. */
  private Path entry() throws Exception {
    Path entry = Files.createDirectories(base.resolve("v001"));
    for (int d = 0; d < SUBDIRS; d++) {
      Files.writeString(Files.createDirectories(entry.resolve("shard-" + d)).resolve("part.bin"), "old");
    }
    for (int i = 0; i < FILES; i++) {
      Files.createFile(entry.resolve("log-" + i + ".txt"));
    }
    new Tree(base).age(entry, Tree.days(9));
    Process chown = new ProcessBuilder("chown", "-hR", "65534:65534", base.toString()).redirectErrorStream(true).start();
    String out = new String(chown.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(chown.waitFor()).as("chown: " + out).isZero();
    return entry;
  }

  /** The names of {@code folder} in the order the remover reads them (one getdents64 order). */
  private static List<String> listed(Path folder) throws Exception {
    List<String> names = new ArrayList<>();
    try (Dir d = Dir.open(folder)) {
      for (byte[] raw : d.rawList()) {
        names.add(new String(raw, StandardCharsets.UTF_8));
      }
    }
    return names;
  }

  @ParameterizedTest
  @EnumSource(SwappedIn.class)
  void aSubdirectorySwappedBetweenItsStatAndItsOpen_leavesWhatWasSwappedInWhole(SwappedIn swappedIn) throws Exception {
    Path entry = entry();
    List<String> order = listed(entry);
    String victim = order.stream().filter(n -> n.startsWith("shard-")).findFirst().orElseThrow();
    String trigger = order.get(order.indexOf(victim) + 1);
    assertThat(order.size() - order.indexOf(trigger)).as("names read between the swap and the open").isGreaterThan(FILES / 4);
    Path partner = swappedIn == SwappedIn.LINK_OUT ? base.resolve("evil") : base.resolve("kept");
    Map<String, String> outsideBefore = TreeSnapshot.withOwners(outside.getParent());
    Path script = Files.writeString(dir.resolve("attacker.py"), ATTACKER);
    Process attacker = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
        "/usr/bin/python3", script.toString(), entry.resolve(victim).toString(), partner.toString(), entry.toString(),
        trigger).redirectErrorStream(true).start();
    BufferedReader said = new BufferedReader(new InputStreamReader(attacker.getInputStream(), StandardCharsets.UTF_8));
    assertThat(said.readLine()).as("the attacker starts as nobody").isEqualTo("ready");

    Optional<String> error;
    String swap;
    try (Anchor anchor = new Anchor(base); Anchor.Reached reached = anchor.reach(entry, Optional.empty())) {
      Protection protection = new Protection(base, List.of());
      error = Remover.remove(reached, protection, protection::targets, Instant.now().plus(Duration.ofHours(1)));
      assertThat(attacker.waitFor(30, TimeUnit.SECONDS)).as("the attacker saw its trigger go").isTrue();
      swap = said.readLine();
    } finally {
      attacker.destroyForcibly();
    }

    assertThat(swap).as("the swap landed between the stat and the open").isEqualTo("swapped");
    assertThat(error).as("the swapped name is left, and so is the entry around it").hasValueSatisfying(e -> assertThat(e)
        .startsWith("2 item(s) left, first: " + entry.resolve(victim) + ": ")
        // O_DIRECTORY | O_NOFOLLOW on a link: the kernel says ENOTDIR (ELOOP without O_DIRECTORY)
        .matches(swappedIn == SwappedIn.LINK_OUT ? ".*(NotDirectoryException: .*|a symbolic link \\(not followed\\))"
            : ".*replaced by another directory while it was being removed"));
    assertThat(TreeSnapshot.withOwners(outside.getParent())).isEqualTo(outsideBefore);
    if (swappedIn == SwappedIn.OTHER_DIRECTORY) {
      // the kept directory now sits under the victim's name, whole
      assertThat(entry.resolve(victim).resolve("precious.bin")).hasContent("kept by its rule");
    }
    try (var left = Files.list(entry)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly(victim);
    }
  }
}
