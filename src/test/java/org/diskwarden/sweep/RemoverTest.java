package org.diskwarden.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.diskwarden.Descriptors;
import org.diskwarden.Tmpfs;
import org.diskwarden.Tree;
import org.diskwarden.git.GitShell;
import org.diskwarden.policy.Protection;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The remover on wide and deep trees: the first levels go in parallel tasks, deeper ones from an
 * explicit stack; every rule must hold the same on both sides of that line.
 */
class RemoverTest {
  private static final int DEPTH = 8;
  private static final Instant CUT = Instant.now().minus(Duration.ofMinutes(10));

  @TempDir
  Path dir;

  Path base;
  Path outside;

  @BeforeEach
  void layout() throws IOException {
    base = Files.createDirectory(dir.resolve("base"));
    outside = Files.createDirectory(dir.resolve("outside"));
    Files.writeString(outside.resolve("precious"), "weeks of GPU time");
  }

  /** {@code wide} branches, each a chain {@value #DEPTH} deep with files, links and a young file at every level. */
  private Path hostileTree(int wide) throws IOException {
    Path entry = base.resolve("v001");
    for (int b = 0; b < wide; b++) {
      Path level = entry.resolve("b" + b);
      for (int d = 1; d <= DEPTH; d++) {
        Files.createDirectories(level);
        Files.writeString(level.resolve("shard.bin"), "old " + d);
        Files.createSymbolicLink(level.resolve("to-outside"), outside);
        Files.createSymbolicLink(level.resolve("to-precious"), outside.resolve("precious"));
        level = level.resolve("d" + d);
      }
    }
    new Tree(base).age(entry, Duration.ofDays(9));
    return entry;
  }

  private static List<Path> remaining(Path root) throws IOException {
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList();
    }
  }

  /** Reaches the entry from base as the guard does, then removes it. */
  private Optional<String> remove(Path entry, Protection protection, java.time.Instant youngerIsAlive) {
    try (Anchor anchor = new Anchor(base); Anchor.Reached reached = anchor.reach(entry, Optional.empty())) {
      return Remover.remove(reached, protection, protection::targets, youngerIsAlive);
    } catch (Anchor.Refused e) {
      return Optional.of(e.getMessage());
    }
  }

  @Test
  void wideAndDeepTree_isRemovedWhole_andLinksGoAsLinks() throws IOException {
    Path entry = hostileTree(40);

    Optional<String> error = remove(entry, new Protection(base, List.of()), CUT);

    assertThat(error).isEmpty();
    assertThat(entry).doesNotExist();
    assertThat(outside.resolve("precious")).hasContent("weeks of GPU time");
  }

  @Test
  void youngFilesAtEveryDepth_stayWithTheirFolders_andAreCounted() throws IOException {
    Path entry = hostileTree(6);
    List<Path> young = new ArrayList<>();
    for (int b = 0; b < 6; b++) {
      Path level = entry.resolve("b" + b);
      for (int d = 1; d <= DEPTH; d++) {
        young.add(Files.writeString(level.resolve("being-written.bin"), "fresh"));
        level = level.resolve("d" + d);
      }
    }

    Optional<String> error = remove(entry, new Protection(base, List.of()), CUT);

    assertThat(remaining(entry)).containsExactlyInAnyOrderElementsOf(young);
    // each young file leaves its own folder and every folder above it in place: all are reported
    assertThat(error).hasValueSatisfying(e -> assertThat(e).contains("item(s) left"));
    assertThat(Long.parseLong(error.orElseThrow().split(" ")[0])).isGreaterThanOrEqualTo(young.size());
    assertThat(outside.resolve("precious")).hasContent("weeks of GPU time");
  }

  /**
   * The name holds another directory than the one judged (as when the two are exchanged between the
   * guard's statx and the remover's open): the remover opens the name, finds by the opened descriptor
   * that it is not the judged directory, and removes nothing of either. RemoverSwapTest races the same
   * window with a real exchange; this one has no race, so it fails every time the check is skipped.
   */
  @Test
  void aNameThatNowHoldsAnotherDirectoryThanJudged_isNotEntered() throws Exception {
    Path entry = hostileTree(2);
    Path other = Files.createDirectories(base.resolve("other/inner"));
    Files.writeString(other.resolve("keep.bin"), "another directory's data");
    new Tree(base).age(base.resolve("other"), Duration.ofDays(9));
    List<Path> entryFiles = remaining(entry);
    Protection none = new Protection(base, List.of());

    Optional<String> error;
    try (Anchor anchor = new Anchor(base); Anchor.Reached reached = anchor.reach(entry, Optional.empty());
        Anchor.Reached judged = anchor.reach(base.resolve("other"), Optional.empty())) {
      Anchor.Reached swapped = new Anchor.Reached(reached.folder(), reached.path(), reached.name(), judged.attrs());
      error = Remover.remove(swapped, none, none::targets, CUT);
    }

    assertThat(error).hasValueSatisfying(e -> assertThat(e).contains("replaced by another directory"));
    assertThat(remaining(entry)).containsExactlyInAnyOrderElementsOf(entryFiles).isNotEmpty();
    assertThat(other.resolve("keep.bin")).hasContent("another directory's data");
  }

  /**
   * Protected link targets that move once the removal began: as {@code judged} while the entry is
   * judged and entered (the remover's first two questions), as {@code now} says after that.
   */
  private static Supplier<Protection.Targets> movedOnceEntered(Protection.Targets judged, Protection now) {
    AtomicInteger asked = new AtomicInteger();
    return () -> asked.getAndIncrement() < 2 ? judged : now.targets();
  }

  /** What stands in a chain of folders below the parallel levels, and the reason the remover gives for it. */
  enum Stays {
    /** a protect glob names a file seven folders down */
    PROTECTED_FILE("a/b/c/d/e/f/keep.bin", "a/b/c/d/e/f/keep.bin", "protected"),
    /** a protect glob names the seventh folder */
    PROTECTED_FOLDER("a/b/c/d/e/f", "a/b/c/d/e/f", "protected"),
    /** the file is a hard link of a protected link's target elsewhere in base_dir (as cp -al or rsync --link-dest make) */
    HARD_LINK_OF_A_TARGET(null, "a/b/c/d/e/f/keep.bin", "the target of a protected link"),
    /** a protected link is pointed into the entry once its removal began: the first folder on its way stays */
    TARGET_MOVED_IN(null, "a", "holds the target of a protected link");

    final String glob;
    final String at;
    final String why;

    Stays(String glob, String at, String why) {
      this.glob = glob;
      this.at = at;
      this.why = why;
    }
  }

  /**
   * One thing stays, seven folders down (removed from the explicit stack): it and the folders above it
   * are left, everything else goes, and the first thing reported is it, with its reason (the folders
   * above it, not empty, are reported after it).
   */
  @ParameterizedTest
  @EnumSource(Stays.class)
  void whatStaysDeepInside_isReportedFirst_withItsReason(Stays stays) throws Exception {
    Path entry = base.resolve("v002");
    Path f = Files.createDirectories(entry.resolve("a/b/c/d/e/f"));
    Files.writeString(f.resolve("goes.bin"), "old");
    Files.writeString(entry.resolve("a/b/c/d/goes.bin"), "old");
    Path elsewhere = Files.createDirectories(base.resolve("elsewhere"));
    Files.writeString(elsewhere.resolve("keep.bin"), "kept");
    if (stays == Stays.HARD_LINK_OF_A_TARGET) {
      Files.createLink(f.resolve("keep.bin"), elsewhere.resolve("keep.bin"));
    } else {
      Files.writeString(f.resolve("keep.bin"), "kept");
    }
    new Tree(base).age(entry, Duration.ofDays(9));
    Protection protection;
    Supplier<Protection.Targets> targets;
    if (stays.glob != null) {
      protection = new Protection(base, List.of("v002/" + stays.glob));
      targets = protection::targets;
    } else {
      Path to = stays == Stays.TARGET_MOVED_IN ? f : elsewhere.resolve("keep.bin");
      Files.createSymbolicLink(base.resolve("current_model"), to);
      protection = new Protection(base, List.of("current_model"));
      targets = stays == Stays.TARGET_MOVED_IN
          ? movedOnceEntered(new Protection(base, List.of()).targets(), protection) : protection::targets;
    }

    Optional<String> error;
    try (Anchor anchor = new Anchor(base); Anchor.Reached reached = anchor.reach(entry, Optional.empty())) {
      error = Remover.remove(reached, protection, targets, CUT);
    }

    assertThat(f.resolve("keep.bin")).hasContent("kept");
    assertThat(elsewhere.resolve("keep.bin")).hasContent("kept");
    assertThat(error).hasValueSatisfying(e -> assertThat(e).contains(" item(s) left, first: " + entry.resolve(stays.at)
        + ": " + stays.why));
    if (stays != Stays.TARGET_MOVED_IN) {
      assertThat(entry.resolve("a/b/c/d/goes.bin")).doesNotExist();
    }
    if (stays == Stays.PROTECTED_FILE || stays == Stays.HARD_LINK_OF_A_TARGET) {
      assertThat(f.resolve("goes.bin")).doesNotExist();
    }
  }

  /** The descriptors the remover opens are all closed again: after a whole removal, and after one that failed. */
  @Test
  void noDescriptorIsLeftOpen_afterADeepRemoval_aFolderReplaced_orAFailureBelowTheParallelLevels() throws Exception {
    Path deep = hostileTree(3);
    Path replaced = Files.createDirectories(base.resolve("v003/inner"));
    Files.writeString(replaced.resolve("x.bin"), "x");
    Path other = Files.createDirectories(base.resolve("other"));
    Path failing = Files.createDirectories(base.resolve("v004/a/b/c/d/e/f"));
    Files.writeString(failing.resolve("young.bin"), "being written");
    new Tree(base).age(base.resolve("v003"), Duration.ofDays(9));
    Protection none = new Protection(base, List.of());
    long before = Descriptors.open();

    try (Anchor anchor = new Anchor(base)) {
      try (Anchor.Reached reached = anchor.reach(deep, Optional.empty())) {
        assertThat(Remover.remove(reached, none, none::targets, CUT)).isEmpty();
      }
      try (Anchor.Reached reached = anchor.reach(base.resolve("v003"), Optional.empty());
          Anchor.Reached judged = anchor.reach(other, Optional.empty())) {
        Anchor.Reached swapped = new Anchor.Reached(reached.folder(), reached.path(), reached.name(), judged.attrs());
        assertThat(Remover.remove(swapped, none, none::targets, CUT)).isPresent();
      }
      try (Anchor.Reached reached = anchor.reach(base.resolve("v004"), Optional.empty())) {
        assertThat(Remover.remove(reached, none, none::targets, CUT)).isPresent();
      }
    }

    assertThat(deep).doesNotExist();
    assertThat(failing.resolve("young.bin")).exists();
    assertThat(Descriptors.open()).isEqualTo(before);
  }

  @Test
  void protectedPathsAboveAndBelowTheParallelLevels_survive() throws IOException {
    Path entry = hostileTree(5);
    List<String> globs = List.of("v001/b1/shard.bin", "v001/b2/d1/d2/d3/d4/d5/**", "**/keep.me");
    Files.writeString(entry.resolve("b3/d1/d2/d3/d4/d5/d6/keep.me"), "kept");
    new Tree(base).age(entry, Duration.ofDays(9));

    Optional<String> error = remove(entry, new Protection(base, globs), CUT);

    assertThat(error).isPresent();
    assertThat(entry.resolve("b1/shard.bin")).hasContent("old 1");
    assertThat(entry.resolve("b2/d1/d2/d3/d4/d5/shard.bin")).hasContent("old 6");
    assertThat(entry.resolve("b2/d1/d2/d3/d4/d5/d6/d7/shard.bin")).hasContent("old 8");
    assertThat(entry.resolve("b3/d1/d2/d3/d4/d5/d6/keep.me")).hasContent("kept");
    assertThat(remaining(entry)).hasSize(1 + 3 + 1);
    assertThat(entry.resolve("b0")).doesNotExist();
    assertThat(entry.resolve("b4")).doesNotExist();
  }

  /**
   * Protected by a wildcard alone (no literal path of the entry among the rules): what it matches deep
   * inside stays, whichever glob character the rule uses.
   */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"**/keep.me", "v001/b?/d1/d2/d3/d4/d5/d6/keep.me",
      "v001/b[3]/**/keep.me", "v001/{b3,b9}/**/keep.me"})
  void aFileOnlyAWildcardProtects_staysDeepInside(String glob) throws IOException {
    Path entry = hostileTree(4);
    Files.writeString(entry.resolve("b3/d1/d2/d3/d4/d5/d6/keep.me"), "kept");
    new Tree(base).age(entry, Duration.ofDays(9));

    Optional<String> error = remove(entry, new Protection(base, List.of(glob)), CUT);

    assertThat(error).hasValueSatisfying(e -> assertThat(e).contains(": protected"));
    assertThat(entry.resolve("b3/d1/d2/d3/d4/d5/d6/keep.me")).hasContent("kept");
    assertThat(remaining(entry)).hasSize(1);
  }

  @Test
  void aSingleFileEntry_isUnlinked_unlessBeingWritten() throws IOException {
    Path old = Files.writeString(base.resolve("old.log"), "old");
    Files.setLastModifiedTime(old, FileTime.from(CUT.minus(Duration.ofDays(1))));
    Path fresh = Files.writeString(base.resolve("fresh.log"), "fresh");

    assertThat(remove(old, new Protection(base, List.of()), CUT)).isEmpty();
    assertThat(remove(fresh, new Protection(base, List.of()), CUT)).isPresent();

    assertThat(old).doesNotExist();
    assertThat(fresh).hasContent("fresh");
  }

  @Test
  void namesThatAreNotText_orHoldNewlines_goLikeAnyOther_andAYoungOneIsLeftByItsBytes() throws Exception {
    Path entry = Files.createDirectories(base.resolve("v002"));
    // made by the shell so that Java never has to spell the bytes
    GitShell.run(entry, "d=\"$(printf 'bad\\377dir')\"; mkdir \"$d\"; printf x > \"$d/new\nline\";"
        + " printf x > \"$d/$(printf 'shard\\376.bin')\"; mkdir \"$d/$(printf 'deeper\\nstill')\";"
        + " printf x > \"$d/$(printf 'deeper\\nstill')/leaf\"; printf x > \"$(printf 'top\\200')\"");
    new Tree(base).age(entry, Duration.ofDays(9));
    Path badDir;
    try (Stream<Path> s = Files.list(entry)) {
      badDir = s.filter(Files::isDirectory).findFirst().orElseThrow();
    }
    Path fresh = badDir.resolve("being-written.bin");
    Files.writeString(fresh, "fresh");

    Optional<String> error = remove(entry, new Protection(base, List.of()), CUT);

    assertThat(error).hasValueSatisfying(e -> assertThat(e)
        // the young file, then the two folders it keeps
        .startsWith("3 item(s) left, first: ")
        .endsWith(": modified during the sweep (being written)"));
    assertThat(remaining(entry)).containsExactly(fresh);
    try (Stream<Path> s = Files.walk(entry)) {
      assertThat(s).containsExactlyInAnyOrder(entry, badDir, fresh);
    }
  }

  @Test
  void anEntryWhoseOwnNameIsNotText_isReachedByItsBytes_andRemoved() throws Exception {
    GitShell.run(base, "d=\"$(printf 'v\\377\\376')\"; mkdir \"$d\"; printf x > \"$d/a\"");
    new Tree(base).age(base, Duration.ofDays(9));
    Path entry;
    try (Stream<Path> s = Files.list(base)) {
      entry = s.filter(p -> !p.getFileName().toString().equals("v001")).findFirst().orElseThrow();
    }

    assertThat(remove(entry, new Protection(base, List.of()), CUT)).isEmpty();

    try (Stream<Path> s = Files.list(base)) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void fifoSocketAndDeviceInside_areUnlinked_neverOpened() throws Exception {
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root: mknod of a device");
    Path entry = Files.createDirectories(base.resolve("v003/sub"));
    Path fifo = entry.resolve("pipe");
    Path device = entry.resolve("null");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(entry.resolve("sock")));
    }
    // dated with touch -h (utimensat): setting a time through java.nio opens the file, and would wait on the FIFO
    GitShell.run(entry, "mkfifo pipe && mknod null c 1 3 && touch -h -d '2 days ago' pipe null sock");
    // inotify on the FIFO and the device: an open(2) of either, even a non-blocking one, is IN_OPEN
    Path script = Files.writeString(dir.resolve("watch.py"), WATCHER);
    Process watcher = new ProcessBuilder("python3", script.toString(), fifo.toString(), device.toString())
        .redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(watcher.getInputStream(), StandardCharsets.UTF_8));
    assertThat(out.readLine()).isEqualTo("ready");

    Optional<String> error = remove(base.resolve("v003"), new Protection(base, List.of()), CUT);

    assertThat(error).isEmpty();
    assertThat(base.resolve("v003")).doesNotExist();
    assertThat(watcher.waitFor(30, TimeUnit.SECONDS)).as("both inodes went").isTrue();
    assertThat(out.lines().toList()).containsExactlyInAnyOrder("deleted 1", "deleted 2");
  }

  /** Prints "opened N" for each open(2) of a watched inode, "deleted N" when it is gone; ends when all are. */
  private static final String WATCHER = """
      import ctypes, os, struct, sys
      libc = ctypes.CDLL(None, use_errno=True)
      fd = libc.inotify_init()
      for p in sys.argv[1:]:
          if libc.inotify_add_watch(fd, p.encode(), 0x20 | 0x400) < 0:  # IN_OPEN, IN_DELETE_SELF
              print('inotify failed', ctypes.get_errno(), flush=True)
              sys.exit(1)
      print('ready', flush=True)
      left = len(sys.argv) - 1
      while left:
          buf = os.read(fd, 4096)
          i = 0
          while i < len(buf):
              wd, mask, cookie, n = struct.unpack_from('iIII', buf, i)
              i += 16 + n
              if mask & 0x20:
                  print('opened', wd, flush=True)
              if mask & 0x400:
                  print('deleted', wd, flush=True)
                  left -= 1
      """;

  @Test
  void aFilesystemMountedInside_isNotEntered_andSaidSo() throws Exception {
    Path entry = Files.createDirectories(base.resolve("v004"));
    Files.writeString(entry.resolve("old.bin"), "old");
    try (Tmpfs mounted = Tmpfs.mount(entry.resolve("mnt"), 1)) {
      Files.writeString(mounted.root().resolve("other-filesystem.bin"), "not this entry's");
      new Tree(base).age(entry, Duration.ofDays(9));

      Optional<String> error = remove(entry, new Protection(base, List.of()), CUT);

      assertThat(error).hasValue("2 item(s) left, first: " + entry.resolve("mnt")
          + ": a mount point of another filesystem");
      assertThat(mounted.root().resolve("other-filesystem.bin")).hasContent("not this entry's");
      assertThat(entry.resolve("old.bin")).doesNotExist();
    }
  }

  @Test
  void protectedLinksRepointedIntoTheEntryOnceTheRemovalBegan_keepTheirNewTargets() throws Exception {
    Path entry = hostileTree(3);
    Path elsewhere = Files.createDirectories(base.resolve("v009"));
    Files.writeString(entry.resolve("top.bin"), "the best step");
    new Tree(base).age(entry, Duration.ofDays(9));
    Files.createSymbolicLink(base.resolve("current_model"), elsewhere);
    Files.createSymbolicLink(base.resolve("best_model"), elsewhere);
    Protection protection = new Protection(base, List.of("current_model", "best_model"));
    Protection.Targets before = protection.targets();
    Supplier<Protection.Targets> targets = movedOnceEntered(before, protection);
    Files.delete(base.resolve("current_model"));
    Files.createSymbolicLink(base.resolve("current_model"), entry.resolve("b1/d1"));
    Files.delete(base.resolve("best_model"));
    Files.createSymbolicLink(base.resolve("best_model"), entry.resolve("top.bin"));

    Optional<String> error;
    try (Anchor anchor = new Anchor(base); Anchor.Reached reached = anchor.reach(entry, Optional.empty())) {
      error = Remover.remove(reached, protection, targets, CUT);
    }

    assertThat(error).hasValueSatisfying(e -> assertThat(e).contains("item(s) left"));
    assertThat(entry.resolve("top.bin")).hasContent("the best step");
    assertThat(entry.resolve("b1/d1/shard.bin")).hasContent("old 2");
    assertThat(entry.resolve("b0")).doesNotExist();
    assertThat(entry.resolve("b2")).doesNotExist();
  }
}
