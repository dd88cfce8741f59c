package org.diskwarden.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Says at start when the log configuration writes a message or an exception unescaped: a
 * {@code conf/log4j2.xml} kept from before {@code %escmsg}/{@code %escex}, in which a file name can
 * forge a line of the log.
 */
final class LogLayoutCheck {
  private static final Logger LOG = LogManager.getLogger(LogLayoutCheck.class);
  /** %m, %msg, %message (with a width or not), but not %escmsg, %mdc or %markerSimpleName. */
  private static final Pattern RAW_MESSAGE = Pattern.compile("%[-.0-9]*(m|msg|message)(?![A-Za-z])");

  private LogLayoutCheck() {}

  /** Logs a warning naming each appender of the running configuration that lays out raw text. */
  static void warnIfRaw() {
    if (LogManager.getContext(false) instanceof LoggerContext context) {
      raw(context.getConfiguration()).forEach(w -> LOG.warn("{}", w));
    }
  }

  /** One line per appender whose pattern writes a message or an exception without escaping. */
  static List<String> raw(Configuration config) {
    List<String> found = new ArrayList<>();
    for (Appender appender : config.getAppenders().values()) {
      if (appender.getLayout() instanceof PatternLayout layout) {
        String pattern = layout.getConversionPattern();
        if (RAW_MESSAGE.matcher(pattern).find() || !pattern.contains("%escex")) {
          found.add("Log appender " + appender.getName() + " lays out '" + pattern + "': a file name with a line break"
              + " can forge a line there; use %escmsg for the message and end with %escex (see conf/log4j2.xml)");
        }
      }
    }
    return found;
  }
}
