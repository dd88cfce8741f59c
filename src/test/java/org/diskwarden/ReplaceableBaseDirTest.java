package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.diskwarden.cli.Main;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A base_dir others may replace (mode 0777, not sticky): anyone may rename the folders a workroom
 * would sit in and put their own in place. Start, check and plan say so in one warning naming the
 * folder and its mode; compress and move there are skipped with that reason; restore into such a
 * folder exits 1 with one line. A sticky 1777 base_dir is allowed, and nothing is said.
 */
class ReplaceableBaseDirTest {
  @TempDir
  Path dir;

  Path base;
  Path conf;

  @BeforeEach
  void setUp() throws Exception {
    base = Files.createDirectories(dir.resolve("base"));
    Tree tree = new Tree(base);
    for (int v = 1; v <= 3; v++) {
      tree.version("backups/v" + v, 4000, Tree.days(10 - v));
    }
    tree.age(base.resolve("backups"), Tree.days(10));
    conf = Files.writeString(dir.resolve("config.yml"), Configs.alwaysLow(base, "min_age: 1h", """
        - name: backups
          path: backups
          keep_latest: 1
          action: compress
          min_ratio_gain: 0
        """));
  }

  private void mode(Path p, String mode) throws Exception {
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode.replace('t', 'x')));
    if (mode.endsWith("t")) {
      Process chmod = new ProcessBuilder("chmod", "+t", p.toString()).start();
      assertThat(chmod.waitFor()).isZero();
    }
  }

  private static final String WARNING = "is writable by others and not sticky (mode 0777)";

  @Test
  void worldWritableBaseDir_isSaidInCheckAndPlan_andCompressIsSkippedWithTheReason() throws Exception {
    mode(base, "rwxrwxrwx");
    try (Console console = new Console(dir.resolve("logs"))) {
      Main.execute("check", "--config", conf.toString());
      assertThat(console.out() + console.err()).as("check").containsOnlyOnce(WARNING).contains(base.toString());
      console.reset();
      Main.execute("plan", "--all", "--config", conf.toString());
      assertThat(console.out()).as("plan").containsOnlyOnce("WARNING: base_dir " + base + " " + WARNING);
      console.reset();
      Main.execute("clean", "--force", "--config", conf.toString());
      assertThat(console.out() + console.err()).as("clean").contains("not kept as an archive: " + base + " " + WARNING);
    }
    try (var listed = Files.list(base.resolve("backups"))) {
      assertThat(listed.map(p -> p.getFileName().toString()).toList()).as("nothing archived, nothing removed")
          .containsExactlyInAnyOrder("v1", "v2", "v3");
    }
  }

  @Test
  void stickyBaseDir_isAllowed_andNothingIsSaid() throws Exception {
    mode(base, "rwxrwxrwt");
    try (Console console = new Console(dir.resolve("logs"))) {
      Main.execute("check", "--config", conf.toString());
      Main.execute("plan", "--all", "--config", conf.toString());
      assertThat(console.out() + console.err()).doesNotContain("writable by others");
      Main.execute("clean", "--force", "--config", conf.toString());
    }
    try (var listed = Files.list(base.resolve("backups"))) {
      assertThat(listed.map(p -> p.getFileName().toString()).toList()).as("archived")
          .contains("v3").anyMatch(n -> n.startsWith("v1.tar.")).noneMatch(n -> n.equals("v1"));
    }
  }

  @Test
  void restoreIntoAFolderOthersMayReplace_exitsOneWithOneLine_aStickyOneRestores() throws Exception {
    mode(base, "rwxrwxrwt");
    try (Console console = new Console(dir.resolve("logs"))) {
      Main.execute("clean", "--force", "--config", conf.toString());
    }
    Path archive;
    try (var listed = Files.list(base.resolve("backups"))) {
      archive = listed.filter(p -> p.getFileName().toString().startsWith("v1.tar.")).findFirst().orElseThrow();
    }
    Path open = Files.createDirectories(dir.resolve("open"));
    Path sticky = Files.createDirectories(dir.resolve("sticky"));
    mode(open, "rwxrwxrwx");
    mode(sticky, "rwxrwxrwt");
    try (Console console = new Console(dir.resolve("logs"))) {
      assertThat(Main.execute("restore", archive.toString(), "--to", open.toString())).isEqualTo(1);
      assertThat(console.err().lines().toList()).as(console.err()).hasSize(1).first().asString()
          .contains("not restoring").contains(open + " " + WARNING);
      assertThat(open).isEmptyDirectory();
      assertThat(Main.execute("restore", archive.toString(), "--to", sticky.toString())).as(console.err()).isZero();
    }
    try (var listed = Files.list(sticky)) {
      assertThat(listed.map(p -> p.getFileName().toString()).toList()).isEqualTo(List.of("v1"));
    }
  }
}
