package org.diskwarden.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file that changes while it is kept, and an archive that does not hold what was written, are caught. */
class ChangedWhileKeptTest {
  @TempDir
  Path dir;

  @Test
  void aFileThatGrewByAZeroByte_isCaught() {
    byte[] grown = {7, 7, 7, 0};

    assertThatThrownBy(() -> TreeWalk.copy(new ByteArrayInputStream(grown), null, 3, () -> false, "v1/weights.bin"))
        .isInstanceOf(IOException.class).hasMessage("v1/weights.bin grew while it was being kept");
  }

  @Test
  void aFileThatShrank_isCaught_andAnExactOneIsCopiedWhole() throws Exception {
    assertThatThrownBy(() -> TreeWalk.copy(new ByteArrayInputStream(new byte[2]), null, 3, () -> false, "v1/x"))
        .hasMessage("v1/x ended 1 byte(s) early: it changed while it was being kept");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TreeWalk.copy(new ByteArrayInputStream(new byte[] {1, 2, 3}), out, 3, () -> false, "v1/y");
    assertThat(out.toByteArray()).containsExactly(1, 2, 3);
  }

  @Test
  void aReadableArchiveOfOtherContents_failsVerification_namingTheFile() throws Exception {
    Path v1 = Files.createDirectories(dir.resolve("src/v1"));
    Files.writeString(v1.resolve("config.json"), "{\"layers\": 12}");
    Path archive = dir.resolve("v1.tar.zst");
    Archiver.write(v1, archive, ArchiveFormat.ZSTD, 3, () -> false);
    Files.writeString(v1.resolve("config.json"), "{\"layers\": 24}");

    assertThat(Archiver.verify(archive, ArchiveFormat.ZSTD, Copier.contents(v1))).get().asString()
        .contains("config.json");
  }

  @Test
  void aRestoreRefusedAfterFilesWereWritten_leavesNothingBehind() throws Exception {
    Path archive = dir.resolve("v1.tar.gz");
    try (OutputStream out = ArchiveFormat.GZIP.compress(Files.newOutputStream(archive), 3);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      add(tar, new TarArchiveEntry("v1/", TarConstants.LF_DIR), null);
      add(tar, new TarArchiveEntry("v1/weights.bin"), "w");
      add(tar, new TarArchiveEntry("v1/sub/", TarConstants.LF_DIR), null);
      add(tar, new TarArchiveEntry("v1/sub/more.bin"), "m");
      add(tar, new TarArchiveEntry("v1/sub/../../escaped"), "out");
    }
    Path back = Files.createDirectories(dir.resolve("back"));

    assertThatThrownBy(() -> Restorer.restore(archive, back)).hasMessageContaining("refusing");
    try (var left = Files.list(back)) {
      assertThat(left).isEmpty();
    }
  }

  private static void add(TarArchiveOutputStream tar, TarArchiveEntry e, String content) throws IOException {
    byte[] bytes = content == null ? new byte[0] : content.getBytes(StandardCharsets.UTF_8);
    e.setSize(bytes.length);
    tar.putArchiveEntry(e);
    tar.write(bytes);
    tar.closeArchiveEntry();
  }
}
