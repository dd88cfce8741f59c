package org.diskwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.diskwarden.Descriptors;
import org.diskwarden.fs.Dir;
import org.diskwarden.fs.Names;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sizing walk from a held folder: what it counts, and what it never follows. */
class FootprintWalkTest {
  private static final long BLOCK = 4096;

  @TempDir
  Path dir;

  @Test
  void anEntryWithANameThatIsNotText_isWalkedWhole_andALinkOutCountsAsALinkOnly() throws Exception {
    Path base = Files.createDirectories(dir.resolve("base"));
    Path entry = Files.createDirectories(base.resolve("v1/deep/er"));
    Files.write(entry.resolve("a.bin"), new byte[5000]);
    // a folder named by bytes that are not UTF-8, holding one file
    Path odd = Files.createDirectories(Names.child(base.resolve("v1"), new byte[] {'x', (byte) 0xff, 'y'}));
    Files.write(odd.resolve("b.bin"), new byte[100]);
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.write(outside.resolve("big.bin"), new byte[1 << 20]);
    Files.setLastModifiedTime(outside.resolve("big.bin"), FileTime.from(Instant.parse("2099-01-01T00:00:00Z")));
    Files.createSymbolicLink(base.resolve("v1/out"), outside);

    Footprint f = FootprintWalk.measure(base.resolve("v1"), new Protection(base, List.of()), BLOCK);

    assertThat(f.problem()).isEmpty();
    // v1, deep, er, the odd folder: 4 directories of one block each; a.bin 2 blocks, b.bin 1, the link 0
    assertThat(f.bytes()).isEqualTo(7 * BLOCK);
    assertThat(f.entries()).isEqualTo(7);
    assertThat(f.newest()).isBefore(Instant.parse("2099-01-01T00:00:00Z"));
  }

  @Test
  void anEntryReplacedAfterItsStat_isAProblem_neverMeasuredAsTheOther() throws Exception {
    Path base = Files.createDirectories(dir.resolve("base"));
    Path v1 = Files.createDirectories(base.resolve("v1"));
    BasicFileAttributes seen = Files.readAttributes(v1, BasicFileAttributes.class);
    Files.move(v1, base.resolve("v1-old"));
    Files.createDirectories(base.resolve("v1"));
    Files.write(base.resolve("v1/other.bin"), new byte[100]);
    try (Dir held = Dir.open(base); Workers workers = Workers.sizing()) {
      Footprint f = FootprintWalk.measure(held, v1, seen, new Protection(base, List.of()), BLOCK, true, workers);
      assertThat(f.problem()).hasValueSatisfying(p -> assertThat(p).contains("was replaced"));
      assertThat(f.bytes()).isZero();
    }
  }

  /**
   * A file whose every link is inside the entry is freed by its removal and counted once; one with a
   * link elsewhere is not freed and not counted. The entry's newest time is its newest file's, to the
   * nanosecond; entries counts every folder and file walked.
   */
  @Test
  void hardLinksCountOnlyWhenAllAreInside_andTheNewestTimeIsExact() throws Exception {
    Path base = Files.createDirectories(dir.resolve("base"));
    Path entry = Files.createDirectories(base.resolve("v2/a/b"));
    Files.write(entry.resolve("twice.bin"), new byte[3 * 4096]);
    Files.createLink(base.resolve("v2/a/twice-again.bin"), entry.resolve("twice.bin"));
    Files.write(entry.resolve("shared.bin"), new byte[5 * 4096]);
    Files.createLink(base.resolve("kept-elsewhere.bin"), entry.resolve("shared.bin"));
    Files.write(base.resolve("v2/plain.bin"), new byte[100]);
    Instant newest = Instant.parse("2026-11-30T10:15:30.123456789Z");
    for (Path p : List.of(entry.resolve("twice.bin"), entry.resolve("shared.bin"), base.resolve("v2/plain.bin"),
        entry, base.resolve("v2/a"), base.resolve("v2"))) {
      Files.setLastModifiedTime(p, FileTime.from(Instant.parse("2026-11-01T00:00:00Z")));
    }
    Files.setLastModifiedTime(base.resolve("v2/plain.bin"), FileTime.from(newest));

    Footprint f = FootprintWalk.measure(base.resolve("v2"), new Protection(base, List.of()), BLOCK);

    assertThat(f.problem()).isEmpty();
    // v2, a, b: 3 blocks; twice.bin 3 (once); shared.bin 0 (its other link stays); plain.bin 1
    assertThat(f.bytes()).isEqualTo(7 * BLOCK);
    assertThat(f.entries()).isEqualTo(7);
    assertThat(f.newest()).isEqualTo(newest);
    // without the folders' own times (a hub revision's folder): the same count and sizes
    Footprint filesOnly = FootprintWalk.measure(base.resolve("v2"), new Protection(base, List.of()), BLOCK, false);
    assertThat(filesOnly.bytes()).isEqualTo(7 * BLOCK);
    assertThat(filesOnly.entries()).isEqualTo(7);
    assertThat(filesOnly.newest()).isEqualTo(newest);
  }

  /** A tree of empty and full folders, walked in parallel and from the stack: every descriptor is closed again. */
  @Test
  void aWalkLeavesNoDescriptorOpen() throws Exception {
    Path base = Files.createDirectories(dir.resolve("base"));
    Path entry = Files.createDirectories(base.resolve("v3"));
    for (int i = 0; i < 4; i++) {
      Path deep = Files.createDirectories(entry.resolve("p" + i + "/a/b/c/d/e/f"));
      Files.write(deep.resolve("x.bin"), new byte[10]);
      Files.createDirectories(entry.resolve("p" + i + "/empty/inside"));
    }
    Protection none = new Protection(base, List.of());
    FootprintWalk.measure(entry, none, BLOCK);
    long before = Descriptors.open();

    Footprint f = FootprintWalk.measure(entry, none, BLOCK);

    assertThat(f.problem()).isEmpty();
    assertThat(f.entries()).isEqualTo(1 + 4 * (7 + 1 + 2));
    assertThat(Descriptors.open()).isEqualTo(before);
  }
}
