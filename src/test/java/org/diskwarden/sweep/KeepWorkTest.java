package org.diskwarden.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.diskwarden.Descriptors;
import org.diskwarden.config.Action;
import org.diskwarden.fs.Attrs;
import org.diskwarden.fs.Dir;
import org.diskwarden.policy.Candidate;
import org.diskwarden.policy.Sighting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A keep reaches only the entry the plan saw, through the folders it saw, and lets go of every descriptor. */
class KeepWorkTest {
  @TempDir
  Path dir;

  private static Object fileKey(Path p) throws Exception {
    return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
  }

  @Test
  void theIdentityItCompares_isTheJdksFileKey_onEveryFilesystemAtHand() throws Exception {
    for (Path p : List.of(dir, Path.of("/proc/self"), Path.of("/dev/null"), Path.of("/dev/shm"), Path.of("/sys/kernel"))) {
      if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        try (Dir parent = Dir.open(p.getParent())) {
          assertThat(KeepWork.key(parent.stat(p.getFileName().toString()).orElseThrow())).as("%s", p)
              .isEqualTo(String.valueOf(fileKey(p)));
        }
      }
    }
  }

  @Test
  void theIdentityOfALargeDeviceNumber_isEncodedAsGlibcsMakedev() {
    // makedev(259, 300) = 0x11032c (an NVMe partition past the 255th minor); makedev(4096, 1) = 0x100000000001
    assertThat(KeepWork.key(attrs(259, 300, 7))).isEqualTo("(dev=11032c,ino=7)");
    assertThat(KeepWork.key(attrs(4096, 1, 8))).isEqualTo("(dev=100000000001,ino=8)");
  }

  private static Attrs attrs(long major, long minor, long inode) {
    return new Attrs(040755, 0, 0, 2, inode, major << 32 | minor, 0, 0, Instant.EPOCH, Instant.EPOCH);
  }

  @Test
  void anEntryIsReachedOnlyThroughTheFoldersThePlanSaw_andEveryRefusalLetsGoOfItsDescriptors() throws Exception {
    Path base = Files.createDirectories(dir.resolve("base"));
    Path entry = Files.createDirectories(base.resolve("models/backups/a_20251101"));
    List<Object> folders = List.of(fileKey(base.resolve("models")), fileKey(base.resolve("models/backups")));
    Candidate c = new Candidate(entry, "backups", "backup", 1, Instant.EPOCH, "x").as(Action.COMPRESS, 1);
    long before = 0;

    for (int round = 0; round < 4; round++) {
      // the first round loads classes (and their jars' descriptors): count from the second
      before = round == 1 ? Descriptors.open() : before;
      try (KeepWork work = KeepWork.open(base, c.seen(new Sighting(folders, fileKey(entry))), entry.getParent())) {
        assertThat(work).isNotNull();
      }
      List<Object> fewer = folders.subList(0, 1);
      assertRefused(base, c.seen(new Sighting(fewer, fileKey(entry))), "backups in its path was renamed or replaced");
      List<Object> more = new ArrayList<>(folders);
      more.add(fileKey(entry));
      assertRefused(base, c.seen(new Sighting(more, fileKey(entry))), "its folder is not the one planned");
      assertRefused(base, c.seen(new Sighting(List.of(folders.get(1), folders.get(1)), fileKey(entry))),
          "models in its path was renamed or replaced");
      assertRefused(base, c.seen(new Sighting(folders, fileKey(base))), "replaced since it was planned");
    }

    assertThat(Descriptors.open()).as("descriptors left open").isEqualTo(before);
  }

  private static void assertRefused(Path base, Candidate c, String why) {
    assertThatThrownBy(() -> KeepWork.open(base, c, c.path().getParent())).isInstanceOf(FileSystemException.class)
        .hasMessageContaining(why);
  }

  @Test
  void compressToFolders_areMadeWhereMissing_reusedWhereThere_neverThroughAFile_andLetGo() throws Exception {
    Path base = Files.createDirectories(dir.resolve("base"));
    Files.createDirectories(base.resolve("archive"));
    Files.writeString(base.resolve("afile"), "x");
    long before = 0;

    for (int round = 0; round < 4; round++) {
      before = round == 1 ? Descriptors.open() : before;
      KeepWork.makeFolders(base, base.resolve("archive/backups/2025"));
      assertThatThrownBy(() -> KeepWork.makeFolders(base, base.resolve("afile/backups")))
          .isInstanceOf(FileSystemException.class).hasMessageContaining("where a folder of compress_to goes");
    }

    assertThat(base.resolve("archive/backups/2025")).isDirectory();
    assertThat(base.resolve("afile")).isRegularFile().hasContent("x");
    assertThat(Descriptors.open()).as("descriptors left open").isEqualTo(before);
  }
}
