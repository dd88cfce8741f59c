package org.diskwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.xml.XmlConfiguration;
import org.diskwarden.ByteNames;
import org.diskwarden.ShippedLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code conf/log4j2.xml} as shipped, started as the agent starts it: a file name in a message, in a
 * parameter or in an exception never makes a line of {@code diskwarden.log} of its own.
 */
class LogPatternTest {
  static final String FORGED_LINE = "2026-01-01 00:00:00,000 INFO  [main] Sweeper - Cleanup complete: freed 999.0GB";
  static final String FORGED = "evil\n" + FORGED_LINE;

  @TempDir
  Path dir;

  @Test
  void shippedConfig_namesInMessagesParametersAndExceptions_neverStartALine() throws Exception {
    Path bad = ByteNames.mkdir(dir, new byte[] {'b', 'a', 'd', (byte) 0xff, '\r', '\n', 'x'});
    List<String> lines = logWithShippedConfig(log -> {
      log.info("Deleted old {}: {} ({})", "directory", Path.of("/data/jobs", FORGED), "jobs");
      log.info("Removed " + FORGED);
      log.info("Deleted {}", bad);
      IOException cause = new NoSuchFileException("/data/job\r\nBcc: x@example.com");
      FileSystemException e = new FileSystemException("/data/esc\u001b[2J\u001b[31mred", null, "refused\n" + FORGED_LINE);
      e.initCause(cause);
      e.addSuppressed(new IllegalStateException(FORGED));
      log.error("Failed to remove {}", Path.of("/data", FORGED), e);
    });

    assertThat(lines).allSatisfy(l -> assertThat(l).matches(s -> ShippedLog.EVENT_LINE.matcher(s).find()
        || ShippedLog.TRACE_LINE.matcher(s).find(), "an event line or a stack trace line"));
    assertThat(lines).noneMatch(l -> l.startsWith(FORGED_LINE) || l.startsWith("Bcc:") || l.contains("\u001b"));
    assertThat(String.join("\n", lines))
        .contains("Deleted old directory: /data/jobs/evil\\n" + FORGED_LINE + " (jobs)")
        .contains("Removed evil\\n" + FORGED_LINE)
        .contains("Deleted " + dir + "/bad\\377\\r\\nx")
        .contains("java.nio.file.FileSystemException: /data/esc\\033[2J\\033[31mred: refused\\n" + FORGED_LINE)
        .contains("Caused by: java.nio.file.NoSuchFileException: /data/job\\r\\nBcc: x@example.com")
        .contains("\tSuppressed: java.lang.IllegalStateException: evil\\n" + FORGED_LINE)
        .contains("\tat org.diskwarden.cli.LogPatternTest");
  }

  @Test
  void aLogConfigWithRawMsg_isNamedAtStart_theShippedOneIsNot() throws Exception {
    Path old = Files.writeString(dir.resolve("old-log4j2.xml"), Files.readString(Path.of("conf/log4j2.xml"))
        .replace("%escmsg%n%escex", "%msg%n"));
    System.setProperty("diskwarden.logdir", dir.toString());
    try {
      assertThat(LogLayoutCheck.raw(configuration(old))).hasSize(2)
          .allSatisfy(w -> assertThat(w).contains("%msg%n").contains("use %escmsg"));
      assertThat(LogLayoutCheck.raw(configuration(Path.of("conf/log4j2.xml")))).isEmpty();
    } finally {
      System.clearProperty("diskwarden.logdir");
    }
  }

  private static org.apache.logging.log4j.core.config.Configuration configuration(Path xml) throws IOException {
    LoggerContext context = new LoggerContext("check");
    XmlConfiguration config = new XmlConfiguration(context, ConfigurationSource.fromUri(xml.toUri()));
    config.initialize();
    return config;
  }

  /** Starts a logger context from conf/log4j2.xml with its log folder in the test's, runs {@code body}, stops it. */
  private List<String> logWithShippedConfig(java.util.function.Consumer<Logger> body) throws IOException {
    System.setProperty("diskwarden.logdir", dir.toString());
    System.setProperty("diskwarden.console.level", "off");
    LoggerContext context = new LoggerContext("shipped");
    try {
      context.start(new XmlConfiguration(context, ConfigurationSource.fromUri(Path.of("conf/log4j2.xml").toUri())));
      body.accept(context.getLogger("org.diskwarden.sweep.GuardedDelete"));
    } finally {
      context.stop();
      System.clearProperty("diskwarden.logdir");
      System.clearProperty("diskwarden.console.level");
    }
    return Files.readAllLines(dir.resolve("diskwarden.log"));
  }
}
