package org.diskwarden.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.diskwarden.Configs;
import org.diskwarden.Console;
import org.diskwarden.cli.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotifyCommandTest {
  @TempDir
  Path dir;

  Receiver hooks;
  Path base;
  Console console;

  @BeforeEach
  void setUp() throws Exception {
    hooks = new Receiver();
    base = Files.createDirectory(dir.resolve("base"));
    console = new Console(dir.resolve("logs"));
  }

  @AfterEach
  void tearDown() {
    console.close();
    hooks.close();
  }

  private Path config(Path templates) throws Exception {
    return Files.writeString(dir.resolve("d.yml"), Configs.incident(base, "0B", "0B", "full") + """
        notify:
          templates: %s
          webhooks:
            - url: %s
            - url: %s
        """.formatted(templates, hooks.url("/slack"), hooks.url("/gone")));
  }

  @Test
  void notifyTest_sendsASampleThroughEveryOutlet_andPrintsEachAnswer() throws Exception {
    Path conf = config(Path.of("notifications").toAbsolutePath());

    int status = Main.execute("notify-test", "--event", "critical", "--config", conf.toString());

    String printed = console.out();
    assertThat(status).isEqualTo(1);
    // scheme, host and port only: a webhook's path is often its token
    String shown = hooks.url("/…");
    assertThat(printed).contains("webhook json " + shown + ": OK HTTP 200").contains("FAILED").contains("404")
        .doesNotContain("/slack").doesNotContain("/gone");
    assertThat(hooks.at("/slack")).singleElement().satisfies(r -> assertThat(r.header("X-Diskwarden-Event"))
        .isEqualTo("critical"));
  }

  @Test
  void unknownPlaceholder_stopsStartUp_withFileAndLine() throws Exception {
    Path templates = Files.createDirectory(dir.resolve("templates"));
    try (var files = Files.list(Path.of("notifications"))) {
      for (Path f : files.toList()) {
        Files.copy(f, templates.resolve(f.getFileName()));
      }
    }
    Files.writeString(templates.resolve("cleanup.txt"), "Freed ${bytes_freed}\non ${hots}\n");
    Path conf = config(templates);

    assertThat(Main.execute("run", "--config", conf.toString())).isEqualTo(2);

    assertThat(console.err()).contains(templates.resolve("cleanup.txt") + ":2")
        .contains("${hots}");
    assertThat(base.resolve(".diskwarden.lock")).doesNotExist();
    assertThat(hooks.requests).isEmpty();
  }

  @Test
  void anExecHookPrintingAMegabyte_isDelivered_notTimedOut() throws Exception {
    Path hook = Files.writeString(dir.resolve("hook.sh"), "#!/bin/sh\ncat >/dev/null\nhead -c 1048576 /dev/zero | tr '\\0' x\n");
    Files.setPosixFilePermissions(hook, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    Path conf = Files.writeString(dir.resolve("exec.yml"), Configs.incident(base, "0B", "0B", "full") + """
        notify:
          templates: %s
          exec: %s
        """.formatted(Path.of("notifications").toAbsolutePath(), hook));
    long start = System.nanoTime();

    int status = Main.execute("notify-test", "--event", "critical", "--config", conf.toString());

    assertThat(status).as(console.out() + console.err()).isZero();
    assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(20));
    assertThat(console.out()).contains(": OK exit 0: xxxx").contains("(1048576 bytes in all)");
  }
}
