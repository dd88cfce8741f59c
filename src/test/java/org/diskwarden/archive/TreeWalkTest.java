package org.diskwarden.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
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
 * runs: a folder it is in, renamed away and replaced by a link to another folder holding the same
 * names, still gives the bytes of the folder it entered (never those behind the link).
 */
class TreeWalkTest {
  @TempDir
  Path dir;

  @Test
  void aFolderSwappedForALinkWhileItIsWalked_stillGivesTheBytesOfTheFolderEntered() throws Exception {
    Path entry = Files.createDirectories(dir.resolve("src/v1/sub"));
    Files.writeString(entry.resolve("a.txt"), "mine");
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Files.writeString(elsewhere.resolve("a.txt"), "ELSE");

    Contents walked;
    try (Dir folder = Dir.open(dir.resolve("src"))) {
      walked = TreeWalk.walk(folder, "v1", new Swapping(entry, elsewhere), () -> false);
    }

    assertThat(walked.items()).filteredOn(i -> i.name().equals("v1/sub/a.txt")).singleElement()
        .satisfies(i -> assertThat(i.crc()).isEqualTo(crc("mine")));
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

  /** Checksums only; on entering {@code sub}, renames it away and puts a link to {@code elsewhere} in its place. */
  private static final class Swapping implements TreeWalk.Visitor {
    private final Path sub;
    private final Path elsewhere;

    Swapping(Path sub, Path elsewhere) {
      this.sub = sub;
      this.elsewhere = elsewhere;
    }

    @Override
    public void directory(String name, Attrs attrs) {
      if (name.equals("v1/sub")) {
        try {
          Files.move(sub, sub.resolveSibling("moved"));
          Files.createSymbolicLink(sub, elsewhere);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }

    @Override
    public OutputStream file(String name, Attrs attrs) {
      return null;
    }

    @Override
    public void fileDone(String name, Attrs attrs) {}

    @Override
    public void link(String name, String target, Attrs attrs) {}

    @Override
    public void leaveDirectory(String name, Attrs attrs) {}
  }
}
