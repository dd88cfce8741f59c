package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.diskwarden.Tree.days;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.WatchSetup;
import org.diskwarden.sweep.SweepReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Faults that need root to make for real: mounts inside base_dir, immutable files, a truly full disk. */
class RootFaultsTest {
  private static final int MB = 1 << 20;

  @TempDir
  Path dir;

  private static void root() {
    assumeTrue("root".equals(System.getProperty("user.name")),
        "SKIPPED: needs root to mount filesystems and set immutable flags (CI runs as root)");
  }

  private static int sh(String script) throws IOException, InterruptedException {
    return new ProcessBuilder("bash", "-c", script).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
  }

  private DiskWarden warden(Path base, Path logs) throws Exception {
    return new DiskWarden(WatchSetup.of(Configs.parse(Configs.incident(base, "1000TB", "1000TB", "full")), logs,
        Clock.systemUTC()));
  }

  @Test
  void otherFilesystemMountedInsideACandidate_isNeverCrossed() throws Exception {
    root();
    Path base = Files.createDirectory(dir.resolve("base"));
    Tree t = new Tree(base);
    for (int i = 1; i <= 3; i++) {
      t.version("models/versions/v00" + i, 4096, days(10 - i));
    }
    Path mnt = Files.createDirectories(base.resolve("models/versions/v001/scratch"));
    try (Tmpfs fs = Tmpfs.mount(mnt, 16)) {
      Files.writeString(fs.root().resolve("other-volume.bin"), "lives elsewhere");
      t.age(base.resolve("models/versions/v001"), days(9));

      DiskWarden warden = warden(base, dir.resolve("logs"));
      var plan = warden.plan();
      SweepReport r = warden.clean(false, false).orElseThrow();

      assertThat(plan.held()).anyMatch(h -> h.reason().contains("mount point"));
      assertThat(r.removed()).noneMatch(m -> m.path().endsWith("v001"));
      assertThat(fs.root().resolve("other-volume.bin")).hasContent("lives elsewhere");
    }
  }

  @Test
  void immutableFileAndReadOnlyBindMount_areReportedAndTheSweepGoesOn() throws Exception {
    root();
    Path base = Files.createDirectory(dir.resolve("base"));
    Tree t = new Tree(base);
    for (int i = 1; i <= 5; i++) {
      t.version("models/versions/v00" + i, 4096, days(10 - i));
    }
    Path locked = base.resolve("models/versions/v001/weights.bin");
    assumeTrue(sh("chattr +i '" + locked + "'") == 0, "SKIPPED: chattr +i is not available here");
    Path ro = base.resolve("models/versions/v002");
    assertThat(sh("mount --bind '" + ro + "' '" + ro + "' && mount -o remount,bind,ro '" + ro + "'")).isZero();
    try {
      SweepReport r = warden(base, dir.resolve("logs")).clean(false, false).orElseThrow();

      assertThat(r.failed()).extracting(f -> f.path().getFileName().toString()).contains("v001", "v002");
      assertThat(r.removed()).extracting(f -> f.path().getFileName().toString()).containsExactly("v003");
      assertThat(locked).exists();
      assertThat(ro.resolve("weights.bin")).exists();
    } finally {
      sh("umount -l '" + ro + "'");
      sh("chattr -i '" + locked + "'");
    }
  }

  @Test
  void diskCompletelyFull_withTheLogsOnIt_stillCleans_andTheAuditLogLosesNothing() throws Exception {
    root();
    try (Tmpfs fs = Tmpfs.mount(dir.resolve("mnt"), 64)) {
      Path base = Files.createDirectory(fs.root().resolve("base"));
      Path logs = Files.createDirectory(fs.root().resolve("logs"));
      Tree t = new Tree(base);
      for (int i = 1; i <= 5; i++) {
        t.version("models/versions/v00" + i, 8 * MB, days(10 - i));
      }
      try (var out = Files.newOutputStream(base.resolve("current_model.bin"))) {
        byte[] block = new byte[64 * 1024];
        while (true) {
          out.write(block);
        }
      } catch (IOException enospc) {
        assertThat(enospc).hasMessageContaining("No space left");
      }
      assertThat(fs.free()).isLessThan(64 * 1024);

      DiskWarden warden = warden(base, logs);
      SweepReport r = warden.clean(false, false).orElseThrow();

      assertThat(r.removed()).hasSize(3);
      assertThat(fs.free()).isGreaterThan(20L * MB);
      String audit = Files.readString(logs.resolve("audit.jsonl"));
      assertThat(audit.lines().filter(l -> l.contains("\"event\":\"remove\""))).hasSize(3);
      assertThat(audit.lines().filter(l -> l.contains("\"outcome\":\"removed\""))).hasSize(3);
      assertThat(audit).contains("v001").contains("v002").contains("v003");
    }
  }
}
