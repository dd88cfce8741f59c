package org.diskwarden.notify;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.diskwarden.config.NotifyConfig;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.simplejavamail.api.email.Email;
import org.simplejavamail.api.mailer.EmailTooBigException;
import org.simplejavamail.api.mailer.Mailer;
import org.simplejavamail.api.mailer.config.TransportStrategy;
import org.simplejavamail.email.EmailBuilder;
import org.simplejavamail.mailer.MailInvalidAddressException;
import org.simplejavamail.mailer.MailSuspiciousCRLFValueException;
import org.simplejavamail.mailer.MailerBuilder;

/** Email through Simple Java Mail, each send bounded as a whole (its socket timeout is per read). */
final class EmailNotifier implements Outlet {
  private final NotifyConfig.Email config;
  private final ExecutorService io;
  private final String password;
  private Mailer mailer;

  EmailNotifier(NotifyConfig.Email config, ExecutorService io, UnaryOperator<String> env) {
    this.config = config;
    this.io = io;
    this.password = config.passwordEnv().map(env).orElse(null);
  }

  /**
   * The mailer, built at the first delivery: an agent at rest sends nothing, and Simple Java Mail with
   * Jakarta Mail loaded costs resident memory all the same.
   */
  private synchronized Mailer mailer() {
    if (mailer != null) {
      return mailer;
    }
    TransportStrategy transport = switch (config.transport()) {
      case "smtp" -> TransportStrategy.SMTP;
      case "smtps" -> TransportStrategy.SMTPS;
      default -> TransportStrategy.SMTP_TLS;
    };
    mailer = MailerBuilder
        .withSMTPServer(config.host(), config.port(), config.username().orElse(null), password)
        .withTransportStrategy(transport)
        // The default is 60 s: a silent server would hold a send for a minute.
        .withSessionTimeout((int) config.timeout().toMillis())
        .withExecutorService(io)
        .trustingAllHosts(!config.tlsVerify())
        .verifyingServerIdentity(config.tlsVerify())
        // Machine senders such as diskwarden@trainbox-1 have no top-level domain; the SMTP server judges.
        .clearEmailValidator()
        .buildMailer();
    return mailer;
  }

  @Override
  public OutletKind kind() {
    return OutletKind.EMAIL;
  }

  @Override
  public String name() {
    return "email " + config.transport() + "://" + config.host() + ":" + config.port();
  }

  @Override
  public String send(Event event, Templates.Message message, String deliveryId, String suppressed)
      throws DeliveryException {
    Email email = EmailBuilder.startingBlank()
        .from(config.from())
        .toMultiple(config.to().toArray(String[]::new))
        .withSubject(message.subject())
        .withPlainText(message.text())
        .withHTMLText(message.html())
        .withHeader("X-Diskwarden-Delivery", deliveryId)
        .withHeader("X-Diskwarden-Event", event.type().key())
        .buildEmail();
    try {
      Mailer m = mailer();
      CompletableFuture.runAsync(() -> m.sendMail(email).join(), io)
          .orTimeout(config.timeout().toMillis() * 2, TimeUnit.MILLISECONDS)
          .join();
      return "accepted for " + config.to();
    } catch (CompletionException e) {
      Throwable cause = Optional.ofNullable(e.getCause()).orElse(e);
      boolean refused = refusedForContent(cause);
      // An address the mailer refuses, or a text, will be refused again: no retry.
      boolean retryable = !refused && !(cause instanceof MailInvalidAddressException);
      throw new DeliveryException(name() + ": " + describe(cause), retryable, refused, cause);
    }
  }

  /**
   * Refused for what the message says: Simple Java Mail's check for a line break in a header (a
   * subject holding a user's name, say), a message too big, or the server's 5xx to the message's
   * content (the reply to the final "."; a 5xx to MAIL or RCPT is about addresses).
   */
  static boolean refusedForContent(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof MailSuspiciousCRLFValueException || c instanceof EmailTooBigException) {
        return true;
      }
      if (c instanceof SMTPSendFailedException f && f.getReturnCode() >= 500 && ".".equals(f.getCommand())) {
        return true;
      }
    }
    return false;
  }

  private static String describe(Throwable t) {
    StringBuilder out = new StringBuilder(t.toString());
    for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      out.append(" <- ").append(c);
    }
    return out.toString();
  }

  @Override
  public synchronized void close() {
    if (mailer != null) {
      mailer.shutdownConnectionPool();
    }
  }
}
