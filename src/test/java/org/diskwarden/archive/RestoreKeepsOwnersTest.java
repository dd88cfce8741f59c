package org.diskwarden.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.diskwarden.Descriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A restored entry is the user's again: owner, group, mode and times of every item, links included. */
class RestoreKeepsOwnersTest {
  private static final FileTime OLD = FileTime.from(Instant.parse("2025-01-02T03:04:05Z"));

  @TempDir
  Path dir;

  /** The whole entry is its owner's (archiving refuses anything else); groups differ item by item. */
  @ParameterizedTest
  @ValueSource(ints = {0, 1234})
  void restore_givesBackOwnersGroupsAndLinkTimes(int uid) throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")),
        "needs root: only root can give the restored items their archived owners");
    Path e = Files.createDirectories(dir.resolve("src/run7"));
    Files.writeString(e.resolve("weights.bin"), "w");
    Files.createDirectories(e.resolve("logs"));
    Files.writeString(e.resolve("logs/train.log"), "loss");
    Files.createSymbolicLink(e.resolve("latest"), Path.of("weights.bin"));
    // uid 0 too: root's entry in a group of users must get its group back although root made it
    owner(e, uid, 1234);
    owner(e.resolve("weights.bin"), uid, 1234);
    owner(e.resolve("logs"), uid, 4321);
    owner(e.resolve("logs/train.log"), uid, 4321);
    owner(e.resolve("latest"), uid, 4321);
    try (Stream<Path> all = Files.walk(e)) {
      for (Path p : all.toList()) {
        Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(OLD, null, null);
      }
    }
    Path archive = dir.resolve("run7.tar.zst");
    Archiver.write(e, archive, ArchiveFormat.ZSTD, 3, () -> false);

    Path restored = Restorer.restore(archive, Files.createDirectories(dir.resolve("back")));

    assertThat(TreeSnapshot.withOwners(restored)).isEqualTo(TreeSnapshot.withOwners(e));
  }

  @Test
  void refusedArchive_leavesNoDescriptorOpen() throws Exception {
    Path archive = dir.resolve("evil.tar.gz");
    try (OutputStream out = ArchiveFormat.GZIP.compress(Files.newOutputStream(archive), 3);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      add(tar, new TarArchiveEntry("evil/", TarConstants.LF_DIR), null);
      add(tar, new TarArchiveEntry("evil/a/", TarConstants.LF_DIR), null);
      add(tar, new TarArchiveEntry("evil/a/b/", TarConstants.LF_DIR), null);
      add(tar, new TarArchiveEntry("evil/a/b/../../../escaped"), "out");
    }
    Path back = Files.createDirectories(dir.resolve("back"));
    long before = Descriptors.open();

    // an agent restores for months: each refusal must give back the folders it held open
    for (int i = 0; i < 20; i++) {
      assertThatThrownBy(() -> Restorer.restore(archive, back)).hasMessageContaining("refusing");
    }

    assertThat(Descriptors.open()).isLessThan(before + 20);
  }

  private static void owner(Path p, int uid, int gid) throws IOException {
    Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
  }

  private static void add(TarArchiveOutputStream tar, TarArchiveEntry e, String content) throws IOException {
    byte[] bytes = content == null ? new byte[0] : content.getBytes(StandardCharsets.UTF_8);
    e.setSize(bytes.length);
    tar.putArchiveEntry(e);
    tar.write(bytes);
    tar.closeArchiveEntry();
  }
}
