package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tar.gz that mvn package builds, unpacked somewhere with no Maven on the PATH. */
class DistributionIT {
  @TempDir
  Path dir;

  @Test
  void unpackedArchive_startsAndAnswersCheck_withoutMaven() throws Exception {
    String version = System.getProperty("diskwarden.version");
    Path archive = Path.of("target/diskwarden-" + version + ".tar.gz").toAbsolutePath();
    assertThat(archive).exists();
    Path tools = Files.createDirectory(dir.resolve("tools"));
    for (String tool : List.of("bash", "env", "readlink", "dirname", "mkdir", "cat", "tr", "grep", "tail", "stat",
        "ps", "sleep", "rm", "mv", "date", "nohup", "tar", "gzip", "hostname", "id")) {
      Path real = Path.of("/usr/bin", tool);
      Files.createSymbolicLink(tools.resolve(tool), Files.exists(real) ? real : Path.of("/bin", tool));
    }
    Shell shell = new Shell().env("PATH", tools.toString()).env("JAVA_HOME", System.getProperty("java.home"))
        .cwd(dir);
    assertThat(shell.run("bash", "-c", "command -v mvn").exit()).isNotZero();
    assertThat(shell.run("tar", "xzf", archive.toString()).exit()).isZero();
    Path home = dir.resolve("diskwarden-" + version);
    assertThat(home.resolve("lib")).isDirectory();
    assertThat(home.resolve("LICENSE")).exists();
    assertThat(home.resolve("notifications/cleanup.txt")).exists();
    Path base = Files.createDirectory(dir.resolve("base"));
    Path conf = Files.writeString(home.resolve("conf/diskwarden.yml"), Configs.incident(base, "0B", "0B", "full"));
    String bin = home.resolve("bin/diskwarden").toString();

    Shell.Result check = shell.run(bin, "check");
    assertThat(check.exit()).as(check.output()).isZero();
    assertThat(check.output()).contains("DISKWARDEN OK - ");
    assertThat(shell.run(bin, "--version").output()).contains("diskwarden " + version);

    Shell.Result start = shell.run(bin, "start");
    assertThat(start.exit()).as(start.output()).isZero();
    assertThat(shell.run(bin, "status").exit()).isZero();
    assertThat(shell.run(bin, "stop").exit()).isZero();
    assertThat(home.resolve("logs/diskwarden.log")).content().contains("diskwarden started");
    assertThat(home.resolve("target")).doesNotExist();
    assertThat(conf).exists();
  }

  /**
   * Whatever umask the builder had (demo's first build runs under 027), every file is 0644, bin/diskwarden
   * 0755 and every directory 0755: another user can run the tarball. As that user, a log folder they
   * cannot write is one line, not Log4j's stack traces.
   */
  @Test
  void tarball_fixedModes_runsCheckAsNobody_andSaysInOneLineWhenItCannotLog() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
        "needs root: runs the unpacked tarball as nobody");
    String version = System.getProperty("diskwarden.version");
    Path archive = Path.of("target/diskwarden-" + version + ".tar.gz").toAbsolutePath();
    Shell.Result list = new Shell().run("tar", "tvzf", archive.toString());
    assertThat(list.exit()).isZero();
    for (String line : list.output().strip().split("\n")) {
      String mode = line.substring(0, 10);
      String name = line.substring(line.lastIndexOf(' ') + 1);
      if (mode.startsWith("d") || name.endsWith("bin/diskwarden")) {
        assertThat(mode).as(name).isIn("drwxr-xr-x", "-rwxr-xr-x");
      } else {
        assertThat(mode).as(name).isEqualTo("-rw-r--r--");
      }
    }
    Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Shell shell = new Shell().cwd(dir);
    assertThat(shell.run("tar", "xzf", archive.toString()).exit()).isZero();
    Path home = dir.resolve("diskwarden-" + version);
    Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Path base = Files.createDirectory(dir.resolve("base"));
    Path state = Files.createDirectory(dir.resolve("state"));
    Shell.Result own = shell.run("chown", "nobody", base.toString(), state.toString());
    assertThat(own.exit()).as(own.output()).isZero();
    Path conf = Files.writeString(dir.resolve("nobody.yml"), Configs.incident(base, "0B", "0B", "full"));
    String bin = home.resolve("bin/diskwarden").toString();
    String[] asNobody = {"setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "env", "HOME=/nonexistent",
        "JAVA_HOME=" + System.getProperty("java.home")};

    Shell.Result check = shell.run(concat(asNobody, "DISKWARDEN_LOG_DIR=" + state.resolve("logs"),
        "DISKWARDEN_RUN_DIR=" + state.resolve("run"), bin, "check", "--config", conf.toString()));
    assertThat(check.exit()).as(check.output()).isZero();
    assertThat(check.output()).startsWith("DISKWARDEN OK - ").doesNotContain("Exception");

    Shell.Result noLog = shell.run(concat(asNobody, bin, "check", "--config", conf.toString()));
    assertThat(noLog.exit()).isEqualTo(2);
    assertThat(noLog.output().strip().lines()).as(noLog.output()).hasSize(1);
    assertThat(noLog.output()).startsWith("diskwarden: cannot write the log ").contains("DISKWARDEN_LOG_DIR");
  }

  private static String[] concat(String[] head, String... tail) {
    String[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
    System.arraycopy(tail, 0, all, head.length, tail.length);
    return all;
  }

  /**
   * Issue 30, finding 9: the shipped unit passes {@code systemd-analyze verify} as installed where the
   * README and the unit's own comment put the tarball ({@code /opt/diskwarden}), with no edit.
   */
  @Test
  void shippedUnit_passesSystemdAnalyzeVerify_unpackedWhereTheReadmeSays() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
        "needs root: unpacks the tarball into /opt/diskwarden as the README does");
    org.junit.jupiter.api.Assumptions.assumeTrue(new Shell().run("bash", "-c", "command -v systemd-analyze").exit() == 0,
        "needs systemd-analyze (Debian: systemd)");
    Path opt = Path.of("/opt/diskwarden");
    org.junit.jupiter.api.Assumptions.assumeFalse(Files.exists(opt, java.nio.file.LinkOption.NOFOLLOW_LINKS),
        "/opt/diskwarden exists already: not ours to replace");
    String version = System.getProperty("diskwarden.version");
    Path archive = Path.of("target/diskwarden-" + version + ".tar.gz").toAbsolutePath();
    Files.createDirectories(opt);
    try {
      Shell shell = new Shell().cwd(dir);
      assertThat(shell.run("tar", "xzf", archive.toString(), "-C", opt.toString(), "--strip-components=1").exit()).isZero();
      Shell.Result verify = shell.run("systemd-analyze", "verify", opt.resolve("conf/diskwarden.service").toString());
      assertThat(verify.exit()).as(verify.output()).isZero();
      assertThat(verify.output()).as("warnings of systemd-analyze").doesNotContainIgnoringCase("diskwarden.service:");
    } finally {
      new Shell().run("rm", "-rf", "--one-file-system", opt.toString());
    }
  }
}
