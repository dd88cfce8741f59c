package org.diskwarden.cli;

import java.nio.file.Path;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.pattern.ConverterKeys;
import org.apache.logging.log4j.core.pattern.LogEventPatternConverter;
import org.apache.logging.log4j.core.pattern.PatternConverter;
import org.apache.logging.log4j.message.Message;
import org.apache.logging.log4j.message.ParameterizedMessage;
import org.apache.logging.log4j.message.ReusableMessage;
import org.diskwarden.fs.Names;

/**
 * {@code %escmsg} in a Log4j 2 pattern: the message with control characters escaped as {@code ls -b}
 * does ({@link Names}), so a name in it never starts a line of its own in {@code diskwarden.log}. A
 * {@code Path} passed as a parameter ({@code LOG.info("Removed {}", path)}) is shown from its bytes:
 * a byte that is not UTF-8 reads as octal, not as U+FFFD. Every message goes through here, whoever
 * logged it (our classes, Quartz, JGit, Simple Java Mail): escaping is the pattern's job, not each
 * call site's.
 */
@Plugin(name = "EscapedMessageConverter", category = PatternConverter.CATEGORY)
@ConverterKeys({"escmsg"})
public final class EscapedMessageConverter extends LogEventPatternConverter {
  private static final EscapedMessageConverter INSTANCE = new EscapedMessageConverter();

  private EscapedMessageConverter() {
    super("EscapedMessage", "message");
  }

  /** Log4j's factory: the converter takes no options. */
  public static EscapedMessageConverter newInstance(String[] options) {
    return INSTANCE;
  }

  @Override
  public void format(LogEvent event, StringBuilder to) {
    Message message = event.getMessage();
    if (message != null) {
      Names.escape(text(message), to);
    }
  }

  /**
   * The formatted message, with each {@code Path} parameter as its bytes. A "{}" message comes as a
   * ParameterizedMessage, or, garbage-free (the default outside web apps), as a ReusableMessage (the
   * event itself) carrying the same format and parameters.
   */
  @SuppressWarnings("deprecation") // Message.getFormat: the "{}" pattern here; no other accessor on ReusableMessage
  private static String text(Message message) {
    Object[] parameters = message.getParameters();
    if (!(message instanceof ParameterizedMessage || message instanceof ReusableMessage) || parameters == null) {
      return message.getFormattedMessage();
    }
    Object[] shown = null;
    for (int i = 0; i < parameters.length; i++) {
      if (parameters[i] instanceof Path path) {
        shown = shown == null ? parameters.clone() : shown;
        shown[i] = Names.raw(path);
      }
    }
    return shown == null ? message.getFormattedMessage() : ParameterizedMessage.format(message.getFormat(), shown);
  }
}
