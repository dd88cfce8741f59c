package org.diskwarden.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ArchiverTest {
  @TempDir
  Path dir;

  /** A checkpoint-like entry with everything a faithful archive must keep. */
  private Path entry(String name) throws IOException {
    Path e = Files.createDirectories(dir.resolve("src").resolve(name));
    byte[] weights = new byte[3 << 20];
    new Random(7).nextBytes(weights);
    Files.write(e.resolve("weights.bin"), weights);
    Files.writeString(e.resolve("config.json"), "{\"layers\": 12}\n".repeat(2000));
    Files.createDirectories(e.resolve("optimizer/state"));
    Files.write(e.resolve("optimizer/state/empty"), new byte[0]);
    Files.createDirectories(e.resolve("empty-dir"));
    Files.writeString(e.resolve("x".repeat(150) + ".txt"), "long name");
    Files.writeString(e.resolve("read-only"), "ro");
    Files.setPosixFilePermissions(e.resolve("read-only"), PosixFilePermissions.fromString("r--r-----"));
    Files.createSymbolicLink(e.resolve("latest"), Path.of("weights.bin"));
    Files.createSymbolicLink(e.resolve("outside"), Path.of("/etc/hostname"));
    FileTime old = FileTime.from(Instant.parse("2025-01-02T03:04:05Z"));
    try (var walk = Files.walk(e)) {
      for (Path p : walk.toList()) {
        Files.getFileAttributeView(p, java.nio.file.attribute.BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .setTimes(old, null, null);
      }
    }
    return e;
  }

  @ParameterizedTest
  @EnumSource(ArchiveFormat.class)
  void writeVerifyRestore_givesBackAByteIdenticalTree(ArchiveFormat format) throws Exception {
    Path e = entry("v3");
    Path archive = dir.resolve("v3" + format.suffix());

    Contents written = Archiver.write(e, archive, format, 3, () -> false);

    assertThat(Archiver.verify(archive, format, written)).isEmpty();
    assertThat(written.items()).extracting(Contents.Item::name).contains("v3", "v3/weights.bin", "v3/latest");
    assertThat(Files.size(archive)).isLessThan(written.bytes());
    Path back = Files.createDirectories(dir.resolve("back"));
    Path restored = Restorer.restore(archive, back);
    assertThat(restored).isEqualTo(back.resolve("v3"));
    assertThat(TreeSnapshot.of(restored)).isEqualTo(TreeSnapshot.of(e));
    assertThat(Files.readSymbolicLink(restored.resolve("outside"))).isEqualTo(Path.of("/etc/hostname"));
  }

  @Test
  void aSingleFileEntry_roundTrips() throws Exception {
    Path file = Files.writeString(Files.createDirectories(dir.resolve("src")).resolve("db_20251101.sql"),
        "insert into t values (1);\n".repeat(10_000));
    Path archive = dir.resolve("db_20251101.sql.tar.zst");

    Contents written = Archiver.write(file, archive, ArchiveFormat.ZSTD, 3, () -> false);
    Path restored = Restorer.restore(archive, Files.createDirectories(dir.resolve("back")));

    assertThat(written.items()).hasSize(1);
    assertThat(Files.readAllBytes(restored)).isEqualTo(Files.readAllBytes(file));
  }

  @Test
  void aFlippedByte_failsTheVerification() throws Exception {
    Path e = entry("v4");
    Path archive = dir.resolve("v4.tar.zst");
    Contents written = Archiver.write(e, archive, ArchiveFormat.ZSTD, 3, () -> false);

    Corrupt.flipByte(archive, Files.size(archive) / 2);

    assertThat(Archiver.verify(archive, ArchiveFormat.ZSTD, written)).isPresent();
  }

  @Test
  void aFileChangedAfterWriting_failsTheComparison() throws Exception {
    Path e = entry("v5");
    Path archive = dir.resolve("v5.tar.gz");
    Contents written = Archiver.write(e, archive, ArchiveFormat.GZIP, 3, () -> false);

    Files.writeString(e.resolve("config.json"), "changed");

    assertThat(written.difference(Copier.contents(e))).get().asString().contains("config.json");
  }

  @Test
  void stopping_interruptsTheWrite() throws Exception {
    Path e = entry("v6");
    int[] polls = {0};

    assertThatThrownBy(() -> Archiver.write(e, dir.resolve("v6.tar.zst"), ArchiveFormat.ZSTD, 3, () -> ++polls[0] > 2))
        .isInstanceOf(Interrupted.class);
  }

  @Test
  void restore_neverOverwrites() throws Exception {
    Path e = entry("v7");
    Path archive = dir.resolve("v7.tar.zst");
    Archiver.write(e, archive, ArchiveFormat.ZSTD, 3, () -> false);
    Path back = Files.createDirectories(dir.resolve("back"));
    Files.writeString(Files.createDirectories(back.resolve("v7")).resolve("mine"), "keep me");

    assertThatThrownBy(() -> Restorer.restore(archive, back)).isInstanceOf(FileAlreadyExistsException.class);
    assertThat(back.resolve("v7/mine")).hasContent("keep me");
    assertThat(back.resolve("v7/weights.bin")).doesNotExist();
  }

  @Test
  void restore_refusesNamesLeadingOut_andLeavesNothingBehind() throws Exception {
    Path archive = dir.resolve("evil.tar.gz");
    try (OutputStream out = ArchiveFormat.GZIP.compress(Files.newOutputStream(archive), 3);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      add(tar, new TarArchiveEntry("evil/", TarConstants.LF_DIR), null);
      add(tar, new TarArchiveEntry("evil/../../escaped"), "out");
    }
    Path back = Files.createDirectories(dir.resolve("back"));

    assertThatThrownBy(() -> Restorer.restore(archive, back)).hasMessageContaining("refusing");
    assertThat(dir.resolve("escaped")).doesNotExist();
    try (var left = Files.list(back)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void restore_refusesToWriteThroughALinkItCreated() throws Exception {
    Path target = Files.createDirectories(dir.resolve("victim"));
    Path archive = dir.resolve("evil.tar.gz");
    try (OutputStream out = ArchiveFormat.GZIP.compress(Files.newOutputStream(archive), 3);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      add(tar, new TarArchiveEntry("evil/", TarConstants.LF_DIR), null);
      TarArchiveEntry link = new TarArchiveEntry("evil/hop", TarConstants.LF_SYMLINK);
      link.setLinkName(target.toString());
      add(tar, link, null);
      add(tar, new TarArchiveEntry("evil/hop/planted"), "x");
    }

    assertThatThrownBy(() -> Restorer.restore(archive, Files.createDirectories(dir.resolve("back"))))
        .hasMessageContaining("behind the link");
    try (var left = Files.list(target)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void copy_keepsTheTree_andVerifyCatchesATamperedCopy() throws Exception {
    Path e = entry("v8");
    Path copy = dir.resolve("other/.v8.diskwarden-partial");
    Files.createDirectories(copy.getParent());

    Contents copied = Copier.copy(e, copy, () -> false);

    assertThat(Copier.verify(copy, copied)).isEmpty();
    assertThat(TreeSnapshot.of(copy)).isEqualTo(TreeSnapshot.of(e));
    Corrupt.flipByte(copy.resolve("weights.bin"), 1000);
    assertThat(Copier.verify(copy, copied)).get().asString().contains("weights.bin");
  }

  @Test
  void compressibility_tellsWeightsFromText() throws Exception {
    Path e = entry("v9");
    Path text = Files.writeString(dir.resolve("train.log"), "step 1 loss 0.25 lr 0.001\n".repeat(50_000));

    Compressibility estimates = new Compressibility();
    double weights = estimates.ratio(e.resolve("weights.bin"), Instant.EPOCH, ArchiveFormat.ZSTD, 3);
    double log = estimates.ratio(text, Instant.EPOCH, ArchiveFormat.ZSTD, 3);

    assertThat(weights).isGreaterThan(0.95);
    assertThat(log).isLessThan(0.1);
  }

  private static void add(TarArchiveOutputStream tar, TarArchiveEntry e, String content) throws IOException {
    byte[] bytes = content == null ? new byte[0] : content.getBytes(StandardCharsets.UTF_8);
    if (content != null) {
      e.setSize(bytes.length);
    }
    tar.putArchiveEntry(e);
    tar.write(bytes);
    tar.closeArchiveEntry();
  }
}
