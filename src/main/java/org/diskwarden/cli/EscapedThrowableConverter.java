package org.diskwarden.cli;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.pattern.ConverterKeys;
import org.apache.logging.log4j.core.pattern.LogEventPatternConverter;
import org.apache.logging.log4j.core.pattern.PatternConverter;
import org.diskwarden.fs.Names;

/**
 * {@code %escex} in a Log4j 2 pattern: the event's exception as {@code printStackTrace} writes it (a
 * frame a line, causes and suppressed ones, "... n more"), except that each exception's own text is
 * escaped ({@link Names}). An exception's message often holds a path ({@code NoSuchFileException:
 * /data/evil\n...}); with this, every line of the log either starts with a time stamp or belongs to a
 * stack trace, and no name can make one up.
 */
@Plugin(name = "EscapedThrowableConverter", category = PatternConverter.CATEGORY)
@ConverterKeys({"escex"})
public final class EscapedThrowableConverter extends LogEventPatternConverter {
  private static final EscapedThrowableConverter INSTANCE = new EscapedThrowableConverter();
  private static final StackTraceElement[] NONE = new StackTraceElement[0];

  private EscapedThrowableConverter() {
    super("EscapedThrowable", "throwable");
  }

  /** Log4j's factory: the converter takes no options. */
  public static EscapedThrowableConverter newInstance(String[] options) {
    return INSTANCE;
  }

  /** This converter writes the exception: Log4j must not add its own after the pattern. */
  @Override
  public boolean handlesThrowable() {
    return true;
  }

  @Override
  public void format(LogEvent event, StringBuilder to) {
    Throwable thrown = event.getThrown();
    if (thrown != null) {
      render(thrown, NONE, "", "", Collections.newSetFromMap(new IdentityHashMap<>()), to);
    }
  }

  private static void render(Throwable t, StackTraceElement[] enclosing, String caption, String prefix,
      Set<Throwable> seen, StringBuilder to) {
    if (!seen.add(t)) {
      to.append(prefix).append(caption).append("[CIRCULAR REFERENCE: ");
      Names.escape(t.toString(), to);
      to.append("]\n");
      return;
    }
    to.append(prefix).append(caption);
    Names.escape(t.toString(), to);
    to.append('\n');
    StackTraceElement[] trace = t.getStackTrace();
    int m = trace.length - 1;
    // frames in common with the enclosing trace are written once, as "... n more"
    for (int n = enclosing.length - 1; m >= 0 && n >= 0 && trace[m].equals(enclosing[n]); n--) {
      m--;
    }
    for (int i = 0; i <= m; i++) {
      to.append(prefix).append("\tat ");
      Names.escape(trace[i].toString(), to);
      to.append('\n');
    }
    if (m < trace.length - 1) {
      to.append(prefix).append("\t... ").append(trace.length - 1 - m).append(" more\n");
    }
    for (Throwable s : t.getSuppressed()) {
      render(s, trace, "Suppressed: ", prefix + "\t", seen, to);
    }
    if (t.getCause() != null) {
      render(t.getCause(), trace, "Caused by: ", prefix, seen, to);
    }
  }
}
