package org.diskwarden.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.diskwarden.Tree;
import org.diskwarden.policy.Protection;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
}
