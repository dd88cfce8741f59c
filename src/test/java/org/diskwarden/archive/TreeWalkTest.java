package org.diskwarden.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import org.diskwarden.fs.Attrs;
import org.diskwarden.fs.Dir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walk reads what it reached through held descriptors, however the tree is rearranged while it
 * runs: the entry, renamed away while the walk is inside it and replaced by a link to another folder
 * holding the same names, still gives the bytes of the folders it entered (never those behind the link).
 */
class TreeWalkTest {
  @TempDir
  Path dir;

  @Test
  void anEntrySwappedForALinkWhileItIsWalked_stillGivesTheBytesOfTheFoldersEntered() throws Exception {
    Path entry = Files.createDirectories(dir.resolve("src/v1/sub/deeper"));
    Files.writeString(entry.resolveSibling("a.txt"), "mine");
    Files.writeString(entry.resolve("b.txt"), "mine too");
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere/sub/deeper"));
    Files.writeString(elsewhere.resolveSibling("a.txt"), "ELSE");
    Files.writeString(elsewhere.resolve("b.txt"), "ELSE TOO");

    Contents walked;
    try (Dir folder = Dir.open(dir.resolve("src"))) {
      walked = TreeWalk.walk(folder, "v1", new Swapping(dir.resolve("src/v1"), dir.resolve("elsewhere")),
          () -> false);
    }

    assertThat(walked.items()).filteredOn(i -> i.type() == 'f')
        .extracting(Contents.Item::name, Contents.Item::crc)
        .containsExactlyInAnyOrder(tuple("v1/sub/a.txt", crc("mine")), tuple("v1/sub/deeper/b.txt", crc("mine too")));
  }

  @Test
  void aFileWithASecondLink_isUnkeepable() throws Exception {
    Path entry = Files.createDirectories(dir.resolve("src/v1"));
    Path file = Files.writeString(entry.resolve("a.txt"), "mine");
    Files.createLink(dir.resolve("other-name"), file);

    try (Dir folder = Dir.open(dir.resolve("src"))) {
      assertThatThrownBy(() -> Copier.contents(folder, "v1")).isInstanceOf(Unkeepable.class)
          .hasMessageContaining("v1/a.txt has 2 links");
    }
  }

  private static long crc(String s) {
    CRC32C crc = new CRC32C();
    crc.update(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return crc.getValue();
  }

  /**
   * Checksums only; on entering {@code v1/sub}, renames the entry away and puts a link to
   * {@code elsewhere} (the same names, other bytes) in its place.
   */
  private static final class Swapping implements TreeWalk.Visitor {
    private final Path entry;
    private final Path elsewhere;

    Swapping(Path entry, Path elsewhere) {
      this.entry = entry;
      this.elsewhere = elsewhere;
    }

    @Override
    public void directory(String name, Attrs attrs) {
      if (name.equals("v1/sub")) {
        try {
          Files.move(entry, entry.resolveSibling("moved"));
          Files.createSymbolicLink(entry, elsewhere);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }

  }
}
