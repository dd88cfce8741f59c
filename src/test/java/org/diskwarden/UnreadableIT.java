package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.diskwarden.Tree.days;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unreadable subdirectory: its size is unknown, so the candidate holding it is skipped and
 * reported, never half-removed. Root reads everything, so the agent runs as nobody here.
 */
class UnreadableIT {
  @TempDir
  Path dir;

  @Test
  void candidateWithAnUnreadableSubdirectory_isSkippedWhole_notHalfRemoved() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/setpriv")),
        "SKIPPED: needs root and setpriv to run the agent as nobody (CI runs as root)");
    Path base = Files.createDirectory(dir.resolve("base"));
    Tree t = new Tree(base);
    for (int i = 1; i <= 4; i++) {
      t.version("models/versions/v00" + i, 4096, days(10 - i));
    }
    Path secret = Files.createDirectories(base.resolve("models/versions/v001/secret"));
    Files.writeString(secret.resolve("inside.bin"), "x");
    t.age(base.resolve("models/versions/v001"), days(9));
    Path conf = Files.writeString(dir.resolve("d.yml"), Configs.incident(base, "1000TB", "1000TB", "full"));
    Shell root = new Shell();
    assertThat(root.run("bash", "-c", "chmod 755 '" + dir + "' && chown -R nobody:nogroup '" + base + "' && "
        + "chown root:root '" + secret + "' && chmod 000 '" + secret + "' && mkdir -m 777 '" + dir + "/logs' '"
        + dir + "/run' && chmod 644 '" + conf + "'").exit()).isZero();
    Shell nobody = new Shell().env("DISKWARDEN_LOG_DIR", dir.resolve("logs").toString())
        .env("DISKWARDEN_RUN_DIR", dir.resolve("run").toString()).env("JAVA_HOME", System.getProperty("java.home"));
    String bin = Path.of("bin/diskwarden").toAbsolutePath().toString();

    Shell.Result plan = nobody.run("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", bin, "plan",
        "--config", conf.toString());
    Shell.Result clean = nobody.run("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", bin, "clean",
        "--config", conf.toString());

    assertThat(plan.output()).contains("models/versions/v001: skipped: cannot").contains("models/versions/v002");
    assertThat(clean.output()).contains("removed " + base.resolve("models/versions/v002"));
    assertThat(base.resolve("models/versions/v002")).doesNotExist();
    assertThat(base.resolve("models/versions/v001/weights.bin")).exists();
    assertThat(base.resolve("models/versions/v001/config.json")).exists();
    root.run("chmod", "755", secret.toString());
  }
}
