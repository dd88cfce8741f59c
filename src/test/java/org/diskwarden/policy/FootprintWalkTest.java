package org.diskwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
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
}
