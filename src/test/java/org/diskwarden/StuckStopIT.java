package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM stops {@code bin/diskwarden run} within DISKWARDEN_STOP_TIMEOUT while its check is stuck in
 * a real system call: the audit log is a FIFO nobody reads, so the sweep's first audit line waits in
 * open(2) for good (as a read of a planted FIFO did before issue 27).
 */
class StuckStopIT {
  private static final int STOP_TIMEOUT = 6;

  @TempDir
  Path dir;

  @Test
  void sigterm_whileTheCheckIsStuckInOpen_stopsWithinTheTimeout() throws Exception {
    Path base = Files.createDirectory(dir.resolve("base"));
    Incident.build(base);
    Path conf = Files.writeString(dir.resolve("diskwarden.yml"), Configs.incident(base, "1000TB", "1000TB", "full"));
    Path logDir = Files.createDirectory(dir.resolve("logs"));
    Path runDir = dir.resolve("run");
    Path audit = logDir.resolve("audit.jsonl");
    assertThat(new ProcessBuilder("mkfifo", audit.toString()).start().waitFor()).isZero();
    // one writer that opens and closes at once: the agent's start reads the (empty) audit log through
    Process once = new ProcessBuilder("sh", "-c", "exec 3>\"$1\"", "once", audit.toString()).start();
    Shell shell = new Shell().env("DISKWARDEN_RUN_DIR", runDir.toString()).env("DISKWARDEN_LOG_DIR",
        logDir.toString()).env("DISKWARDEN_STOP_TIMEOUT", Integer.toString(STOP_TIMEOUT)).cwd(dir);
    Process run = shell.builder(Path.of("bin/diskwarden").toAbsolutePath().toString(), "run", "--config",
        conf.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(runDir.resolve("diskwarden.ready")));
      assertThat(once.waitFor(10, TimeUnit.SECONDS)).isTrue();
      await().atMost(Duration.ofSeconds(60)).until(() -> waitsForAPartner(run.pid()));

      long signalled = System.nanoTime();
      assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(run.pid())).start().waitFor()).isZero();

      assertThat(run.waitFor(STOP_TIMEOUT, TimeUnit.SECONDS)).as("exited within DISKWARDEN_STOP_TIMEOUT").isTrue();
      System.out.printf("StuckStopIT: exited %d ms after SIGTERM with status %d%n",
          (System.nanoTime() - signalled) / 1_000_000, run.exitValue());
      assertThat(run.exitValue()).isZero();
      assertThat(Files.readString(logDir.resolve("diskwarden.log")))
          .contains("Stopping without waiting any longer: the check of watch default")
          .contains("diskwarden stopped");
    } finally {
      Shell.killTree(run);
      once.destroyForcibly();
    }
  }

  /** Whether a thread of {@code pid} waits in open(2) of a FIFO for the other end. */
  private static boolean waitsForAPartner(long pid) throws IOException {
    try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      return tasks.anyMatch(t -> {
        try {
          return Files.readString(t.resolve("wchan")).contains("wait_for_partner");
        } catch (IOException e) {
          return false;
        }
      });
    }
  }
}
