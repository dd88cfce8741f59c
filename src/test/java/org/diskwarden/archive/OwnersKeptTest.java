package org.diskwarden.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Root keeps a user's entry as the user's: a copy (move) and an archive (compress) carry the owner,
 * group, mode and times of every item; an entry holding another user's item is not kept at all.
 */
class OwnersKeptTest {
  private static final FileTime OLD = FileTime.from(Instant.parse("2025-01-02T03:04:05Z"));

  @TempDir
  Path dir;

  @BeforeEach
  void needsRoot() {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root: only root can give items other owners");
  }

  /** An entry of {@code uid}'s, with groups that differ item by item, all dated {@link #OLD}. */
  private Path entry(int uid) throws IOException {
    Path e = Files.createDirectories(dir.resolve("src/run7"));
    Files.writeString(e.resolve("weights.bin"), "w");
    Files.createDirectories(e.resolve("logs"));
    Files.writeString(e.resolve("logs/train.log"), "loss");
    Files.createSymbolicLink(e.resolve("latest"), Path.of("weights.bin"));
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
    return e;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1234})
  void copy_keepsOwnersGroupsModesAndLinkTimes(int uid) throws Exception {
    Path e = entry(uid);
    Path copy = Files.createDirectories(dir.resolve("other")).resolve("run7");

    Contents copied = Copier.copy(e, copy, () -> false);

    assertThat(Copier.verify(copy, copied)).isEmpty();
    assertThat(TreeSnapshot.withOwners(copy)).isEqualTo(TreeSnapshot.withOwners(e));
  }

  @Test
  void archiveFile_isTheEntryOwners_withTheEntrysReadWriteBitsOnly() throws Exception {
    Path e = entry(1234);
    Files.setPosixFilePermissions(e, PosixFilePermissions.fromString("rwxr-x---"));
    Path archive = dir.resolve("run7.tar.zst");

    Archiver.write(e, archive, ArchiveFormat.ZSTD, 3, () -> false);

    assertThat(Files.getAttribute(archive, "unix:uid")).isEqualTo(1234);
    assertThat(Files.getAttribute(archive, "unix:gid")).isEqualTo(1234);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(archive))).isEqualTo("rw-r-----");
  }

  @Test
  void anOwnerBeyondTarsOctalField_roundTrips() throws Exception {
    // a uid from a directory service: above 2097151, the largest an octal tar header holds
    Path e = entry(3_000_000);
    Path archive = dir.resolve("run7.tar.gz");

    Archiver.write(e, archive, ArchiveFormat.GZIP, 3, () -> false);
    Path restored = Restorer.restore(archive, Files.createDirectories(dir.resolve("back")));

    assertThat(TreeSnapshot.withOwners(restored)).isEqualTo(TreeSnapshot.withOwners(e));
  }

  @Test
  void anItemOfAnotherOwner_makesTheEntryUnkeepable() throws Exception {
    Path e = entry(1234);
    Path other = Files.writeString(e.resolve("logs/planted"), "x");
    owner(other, 4321, 4321);
    assertThatThrownBy(() -> Copier.contents(e)).isInstanceOf(Unkeepable.class)
        .hasMessage("run7/logs/planted belongs to uid 4321, not to the entry's owner (uid 1234)");
    Files.delete(other);

    Path link = Files.createSymbolicLink(e.resolve("hop"), Path.of("/etc"));
    owner(link, 4321, 4321);
    assertThatThrownBy(() -> Copier.contents(e)).isInstanceOf(Unkeepable.class).hasMessageContaining("run7/hop");
    Files.delete(link);

    owner(e.resolve("logs"), 4321, 4321);
    assertThatThrownBy(() -> Copier.contents(e)).isInstanceOf(Unkeepable.class).hasMessageContaining("run7/logs");
  }

  private static void owner(Path p, int uid, int gid) throws IOException {
    Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
  }
}
