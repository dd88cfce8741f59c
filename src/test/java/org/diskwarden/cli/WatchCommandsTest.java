package org.diskwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.diskwarden.Console;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands on a config with watch:: one line per watch, the worst state, --watch for one. */
class WatchCommandsTest {
  @TempDir
  Path dir;

  Path conf;
  private Console console;

  @BeforeEach
  void setUp() throws Exception {
    console = new Console(dir.resolve("logs"));
    // each watch with its policy's folder, as users have them (a missing one is a warning line)
    Path a = Files.createDirectories(dir.resolve("a/v")).getParent();
    Path b = Files.createDirectories(dir.resolve("b/v")).getParent();
    Path c = Files.createDirectories(dir.resolve("c/v")).getParent();
    // b: a trigger of 99.9 % of its volume with nothing to reclaim is CRITICAL (and below the volume's size)
    conf = Files.writeString(dir.resolve("w.yml"), """
        min_free: 0B
        min_free_percent: 0
        save_headroom: 0
        protect: []
        policies:
          - {name: versions, path: v, keep_latest: 1}
        watch:
          - {name: a, base_dir: %s}
          - {name: b, base_dir: %s, min_free_percent: 99.9}
          - {name: c, base_dir: %s}
        """.formatted(a, b, c));
  }

  @AfterEach
  void tearDown() {
    console.close();
  }

  @Test
  void check_printsOneLinePerWatch_andExitsWithTheWorst() {
    int status = Main.execute("check", "--config", conf.toString());

    assertThat(status).as(console.err()).isEqualTo(2);
    assertThat(console.out().lines()).hasSize(3);
    assertThat(console.out().lines().toList().get(0)).startsWith("a: DISKWARDEN OK - ");
    assertThat(console.out().lines().toList().get(1)).startsWith("b: DISKWARDEN CRITICAL - ");
    assertThat(console.out().lines().toList().get(2)).startsWith("c: DISKWARDEN OK - ");
  }

  @Test
  void watchOption_checksOnlyThatOne_andAnUnknownNameIsABadCommandLine() {
    assertThat(Main.execute("check", "--config", conf.toString(), "--watch", "c")).isZero();
    assertThat(console.out().lines()).singleElement().asString().startsWith("c: DISKWARDEN OK - ");

    assertThat(Main.execute("check", "--config", conf.toString(), "--watch", "nope")).isEqualTo(2);
    assertThat(console.err()).contains("--watch value was set to 'nope'").contains("[a, b, c]");
  }
}
