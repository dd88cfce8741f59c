package org.diskwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The direct read of an lstat and the attribute-map read must agree on every path kind. */
class StatTest {
  @TempDir
  Path dir;

  @Test
  void directRead_isActiveWhereTheModuleIsOpened_asInBinDiskwardenAndTheTests() {
    assertThat(Stat.direct()).as("tests run with --add-opens java.base/sun.nio.fs, as bin/diskwarden does").isTrue();
  }

  @Test
  void directAndMappedReads_agreeOnFilesDirectoriesLinksAndHardLinks() throws Exception {
    Path file = Files.write(dir.resolve("weights.bin"), new byte[5000]);
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-02T03:04:05.123456789Z")));
    Path hard = Files.createLink(dir.resolve("weights-link.bin"), file);
    Path sub = Files.createDirectory(dir.resolve("sub"));
    Path link = Files.createSymbolicLink(dir.resolve("to-sub"), sub);
    Path empty = Files.createFile(dir.resolve("empty"));

    for (Path p : List.of(file, hard, sub, link, empty)) {
      Stat direct = Stat.direct(p);
      Stat mapped = Stat.mapped(p);
      assertThat(direct).as(p.toString()).usingRecursiveComparison().ignoringFields("identity").isEqualTo(mapped);
    }
    assertThat(Stat.direct(file).links()).isEqualTo(2);
    assertThat(Stat.direct(file).identity()).isEqualTo(Stat.direct(hard).identity())
        .isNotEqualTo(Stat.direct(empty).identity());
    assertThat(Stat.direct(file).mtimeNanos() % 1_000_000_000L).isEqualTo(123_456_789L);
    assertThat(Stat.direct(link).directory()).isFalse();
    assertThat(Stat.direct(link).regular()).isFalse();
  }

  @Test
  void readRelativeToTheOpenDirectory_agreesWithThePathRead_andFollowsNoLink() throws Exception {
    Path file = Files.write(dir.resolve("weights.bin"), new byte[5000]);
    Files.createLink(dir.resolve("weights-link.bin"), file);
    Path sub = Files.createDirectory(dir.resolve("sub"));
    Files.createSymbolicLink(dir.resolve("to-sub"), sub);
    Files.createFile(dir.resolve("empty"));

    try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir)) {
      assertThat(listing).isInstanceOf(SecureDirectoryStream.class);
      SecureDirectoryStream<Path> held = (SecureDirectoryStream<Path>) listing;
      for (String name : List.of("weights.bin", "weights-link.bin", "sub", "to-sub", "empty")) {
        Path p = dir.resolve(name);
        assertThat(Stat.at(held, Path.of(name), p)).as(name).isEqualTo(Stat.direct(p));
      }
      assertThat(Stat.at(held, Path.of("to-sub"), dir.resolve("to-sub")).directory()).isFalse();
    }
  }

  @Test
  void sameFile_tellsTheJdkKeyAndAHeldStatxOfOneInodeApart() throws Exception {
    Path file = Files.write(dir.resolve("weights.bin"), new byte[10]);
    Files.createLink(dir.resolve("weights-link.bin"), file);
    Files.createDirectory(dir.resolve("sub"));
    java.nio.file.attribute.BasicFileAttributes jdk = Files.readAttributes(file,
        java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    try (org.diskwarden.fs.Dir held = org.diskwarden.fs.Dir.open(dir)) {
      assertThat(Stat.sameFile(jdk, held.stat("weights.bin").orElseThrow())).isTrue();
      assertThat(Stat.sameFile(jdk, held.stat("weights-link.bin").orElseThrow())).as("a hard link: one inode").isTrue();
      assertThat(Stat.sameFile(jdk, held.stat("sub").orElseThrow())).isFalse();
    }
  }
}
