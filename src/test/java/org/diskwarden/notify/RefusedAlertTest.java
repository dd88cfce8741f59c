package org.diskwarden.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.diskwarden.config.EventType;
import org.diskwarden.config.NotifyConfig;
import org.diskwarden.config.Thresholds;
import org.diskwarden.jmx.RmiPort;
import org.diskwarden.volume.State;
import org.diskwarden.volume.Usage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 27, attack 6: an alert refused for what it says (by Simple Java Mail, by a mail server's
 * content filter, by a webhook) is counted as a failed delivery and sent again in a neutral form
 * without names: it is never lost.
 */
class RefusedAlertTest {
  static final String BCC = "job\r\nBcc: x@example.com";

  @RegisterExtension
  static GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

  @TempDir
  Path dir;

  private static NotifyConfig.Email email(int port) {
    return new NotifyConfig.Email("127.0.0.1", port, "smtp", Optional.empty(), Optional.empty(),
        "diskwarden@trainbox-1", List.of("ops@example.com"), Duration.ofSeconds(5), false);
  }

  private static NotifyConfig config(Optional<NotifyConfig.Email> email, List<NotifyConfig.Webhook> hooks) {
    return new NotifyConfig(NotifyConfig.EVENTS, Duration.ZERO, Duration.ZERO, 3, Duration.ofMillis(10),
        Path.of("notifications"), email, hooks, Optional.empty());
  }

  /** The failure the issue describes: a name holding CR LF and a header, in the message. */
  private static Event failure() {
    Instant now = Instant.now();
    return new Event(EventType.FAILURE, now, "trainbox-1", "/data", State.CRITICAL, new Usage(100L << 30, 1L << 30, now),
        new Thresholds(10L << 30, 0, 20L << 30, 0), Optional.empty(),
        "1 removal(s) failed, first: /data/archive/" + BCC + ": Operation not permitted");
  }

  @Test
  void simpleJavaMail_refusesALineBreakInASubject_asContent_notForRetry() {
    EmailNotifier mailer = new EmailNotifier(email(smtp.getSmtp().getPort()), Executors.newCachedThreadPool(), k -> null);
    Templates.Message message = new Templates.Message("[diskwarden] FAILURE: " + BCC, "text", "<p>html</p>", "{}");
    try {
      assertThatThrownBy(() -> mailer.send(failure(), message, "id-1", ""))
          .isInstanceOfSatisfying(Outlet.DeliveryException.class, e -> {
            assertThat(e.refused()).isTrue();
            assertThat(e.retryable()).isFalse();
          }).hasMessageContaining("MailSuspiciousCRLFValueException");
    } finally {
      mailer.close();
    }
    assertThat(smtp.getReceivedMessages()).isEmpty();
  }

  @Test
  void aWebhookRefusingThePayload_getsTheNeutralForm_andTheRefusalIsCountedAsAFailure() throws Exception {
    try (Receiver hooks = new Receiver();
        Dispatcher d = Dispatcher.start(config(Optional.empty(), List.of(webhook(hooks.url("/picky")))),
            Clock.systemUTC(), k -> null)) {
      d.publish(failure());

      await().atMost(Duration.ofSeconds(20)).until(() -> d.delivered() == 1);
      List<Receiver.Request> sent = hooks.at("/picky");
      assertThat(sent).hasSize(2);
      assertThat(sent.get(0).body()).contains("Bcc:");
      assertThat(sent.get(1).body()).doesNotContain("Bcc", "job").contains("neutral form").contains("failure");
      assertThat(sent.get(1).header("X-Diskwarden-Delivery")).isEqualTo(sent.get(0).header("X-Diskwarden-Delivery"));
      assertThat(d.failures()).isEqualTo(1);
      assertThat(d.outcomes()).isEqualTo(Map.of("webhook/failed", 1L, "webhook/sent", 1L));
    }
  }

  @Test
  void aMailServerRefusingTheContent_getsTheNeutralForm_andTheRefusalIsCountedAsAFailure() throws Exception {
    assumeTrue(pythonSmtpd(), "SKIPPED: needs Python's smtpd module (Python 3.11 or older) for a real content filter");
    Path inbox = Files.createDirectory(dir.resolve("inbox"));
    int port = RmiPort.free();
    Process server = new ProcessBuilder("/usr/bin/python3", Path.of("src/test/resources/filtering_smtpd.py").toString(),
        Integer.toString(port), "Bcc: x@example.com", inbox.toString()).redirectErrorStream(true).start();
    try (Dispatcher d = Dispatcher.start(config(Optional.of(email(port)), List.of()), Clock.systemUTC(), k -> null)) {
      BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("READY");

      d.publish(failure());

      await().atMost(Duration.ofSeconds(20)).until(() -> d.delivered() == 1);
      String mail;
      try (var files = Files.list(inbox)) {
        mail = Files.readString(files.toList().get(0));
      }
      assertThat(mail).contains("neutral form").doesNotContain("Bcc", "job");
      assertThat(d.failures()).isEqualTo(1);
      assertThat(d.outcomes()).isEqualTo(Map.of("email/failed", 1L, "email/sent", 1L));
    } finally {
      server.getOutputStream().close();
      server.destroy();
    }
  }

  @Test
  void anOperatorsSubjectWithTheMessage_showsTheNameEscaped_andTheMailGoesOut() throws Exception {
    Path templates = templates();
    Files.writeString(templates.resolve("failure.subject.txt"), "[diskwarden] ${host}: FAILURE: ${message}\n");
    NotifyConfig config = new NotifyConfig(NotifyConfig.EVENTS, Duration.ZERO, Duration.ZERO, 3, Duration.ofMillis(10),
        templates, Optional.of(email(smtp.getSmtp().getPort())), List.of(), Optional.empty());
    try (Dispatcher d = Dispatcher.start(config, Clock.systemUTC(), k -> null)) {
      d.publish(failure());

      await().atMost(Duration.ofSeconds(20)).until(() -> d.delivered() == 1);
      assertThat(smtp.getReceivedMessages()).singleElement().satisfies(m -> assertThat(m.getSubject())
          .isEqualTo("[diskwarden] trainbox-1: FAILURE: 1 removal(s) failed, first: /data/archive/job\\r\\nBcc: "
              + "x@example.com: Operation not permitted"));
      assertThat(d.failures()).isZero();
    }
  }

  @Test
  void aSubjectTemplateOfTwoLines_stopsStartUp_withFileAndLine() throws Exception {
    Path templates = templates();
    Files.writeString(templates.resolve("critical.subject.txt"), "\n[diskwarden] ${host}:\r\nCRITICAL\n");

    assertThatThrownBy(() -> Templates.load(templates, NotifyConfig.EVENTS))
        .hasMessage(templates.resolve("critical.subject.txt") + ":2: a subject is one line; this one goes on after it");
  }

  /** A copy of the shipped templates to edit. */
  private Path templates() throws IOException {
    Path templates = Files.createDirectory(dir.resolve("templates"));
    try (var files = Files.list(Path.of("notifications"))) {
      for (Path f : files.toList()) {
        Files.copy(f, templates.resolve(f.getFileName()));
      }
    }
    return templates;
  }

  private static NotifyConfig.Webhook webhook(String url) {
    return new NotifyConfig.Webhook(java.net.URI.create(url), "slack", Optional.empty(), Map.of(), Duration.ofSeconds(5));
  }

  private static boolean pythonSmtpd() {
    try {
      return new ProcessBuilder("/usr/bin/python3", "-W", "ignore", "-c", "import smtpd").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
