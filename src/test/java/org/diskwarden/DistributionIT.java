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
        "ps", "sleep", "rm", "date", "nohup", "tar", "gzip", "hostname")) {
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
}
