package org.diskwarden;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * The agent's log as {@code conf/log4j2.xml} (the shipped file, not the test config) lays it out: a
 * file appender with the shipped pattern on the root logger while it is open.
 */
public final class ShippedLog implements AutoCloseable {
  /** A line the log writes for an event: its time stamp first. */
  public static final Pattern EVENT_LINE = Pattern.compile("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3} [A-Z]+ +\\[");
  /** A line of a stack trace under an event line: the exception's class, a frame, a cause, a suppressed one. */
  public static final Pattern TRACE_LINE = Pattern.compile(
      "^(\\t+(at |\\.\\.\\. \\d+ more|Suppressed: )|Caused by: |[a-z][\\w$]*(\\.[\\w$]+)+(: |$))");
  private final Path file;
  private final FileAppender appender;

  public ShippedLog(Path file) throws IOException {
    this.file = file;
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    appender = FileAppender.newBuilder().setName("shipped-" + System.nanoTime()).withFileName(file.toString())
        .setLayout(PatternLayout.newBuilder().withPattern(pattern()).withConfiguration(config).build()).build();
    appender.start();
    config.getRootLogger().addAppender(appender, Level.INFO, null);
    context.updateLoggers();
  }

  /** The {@code pattern} property of {@code conf/log4j2.xml}, as the agent's appenders use it. */
  public static String pattern() throws IOException {
    String xml = Files.readString(Path.of("conf/log4j2.xml"));
    Matcher m = Pattern.compile("<Property name=\"pattern\">([^<]+)</Property>").matcher(xml);
    if (!m.find()) {
      throw new IllegalStateException("conf/log4j2.xml has no pattern property");
    }
    return m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
  }

  /** The lines written so far. */
  public List<String> lines() throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8).lines().toList();
  }

  @Override
  public void close() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    context.getConfiguration().getRootLogger().removeAppender(appender.getName());
    context.updateLoggers();
    appender.stop();
  }
}
