package org.diskwarden.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
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
import java.util.Optional;
import org.diskwarden.config.EventType;
import org.diskwarden.config.NotifyConfig;
import org.diskwarden.jmx.RmiPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** smtps against GreenMail's TLS port; smtp_tls against a real server that requires STARTTLS. */
class SecureSmtpTest {
  @RegisterExtension
  static GreenMailExtension smtps = new GreenMailExtension(ServerSetupTest.SMTPS.dynamicPort());

  @TempDir
  Path dir;

  private NotifyConfig email(String transport, int port, boolean tlsVerify) {
    return new NotifyConfig(NotifyConfig.EVENTS, Duration.ZERO, Duration.ZERO, 1, Duration.ofMillis(10),
        Path.of("notifications"), Optional.of(new NotifyConfig.Email("127.0.0.1", port, transport, Optional.empty(),
            Optional.empty(), "diskwarden@trainbox-1", List.of("ops@example.com"), Duration.ofSeconds(5), tlsVerify)),
        List.of(), Optional.empty());
  }

  private List<String> send(NotifyConfig config) {
    try (Dispatcher d = Dispatcher.start(config, Clock.systemUTC(), System::getenv)) {
      return d.test(Dispatcher.sample(EventType.RECOVERED, Instant.now())).stream().map(Dispatcher.Answer::toString).toList();
    }
  }

  @Test
  void smtps_deliversOverTls() {
    List<String> answers = send(email("smtps", smtps.getSmtps().getPort(), false));

    assertThat(answers).singleElement().asString().contains(": OK ");
    assertThat(smtps.getReceivedMessages()).singleElement()
        .satisfies(m -> assertThat(GreenMailUtil.getBody(m)).contains("has recovered"));
  }

  @Test
  void smtps_withVerification_refusesAnUntrustedCertificate() {
    List<String> answers = send(email("smtps", smtps.getSmtps().getPort(), true));

    assertThat(answers).singleElement().asString().contains("FAILED");
    assertThat(smtps.getReceivedMessages()).isEmpty();
  }

  @Test
  void smtpTls_deliversThroughAServerThatRequiresStarttls() throws Exception {
    assumeTrue(aiosmtpdInstalled(), "SKIPPED: needs Debian's python3-aiosmtpd (installed by .ci/run) for a real "
        + "STARTTLS server; GreenMail 2.1 has no STARTTLS");
    Path key = dir.resolve("key.pem");
    Path cert = dir.resolve("cert.pem");
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out",
        cert.toString(), "-days", "1", "-subj", "/CN=127.0.0.1");
    Path inbox = Files.createDirectory(dir.resolve("inbox"));
    int port = RmiPort.free();
    Process server = new ProcessBuilder("/usr/bin/python3", Path.of("src/test/resources/starttls_smtpd.py").toString(),
        Integer.toString(port), cert.toString(), key.toString(), inbox.toString()).redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("READY");

      List<String> tls = send(email("smtp_tls", port, false));
      assertThat(tls).singleElement().asString().contains(": OK ");
      try (var files = Files.list(inbox)) {
        assertThat(files.toList()).singleElement()
            .satisfies(f -> assertThat(Files.readString(f)).contains("has recovered"));
      }
    } finally {
      server.getOutputStream().close();
      server.destroy();
    }
  }

  @Test
  void smtpTls_refusesToSendInClear_toAServerWithoutStarttls() {
    // GreenMail 2.1 offers no STARTTLS: smtp_tls must fail rather than fall back to plain text
    try (GreenMailExtensionServer plain = new GreenMailExtensionServer()) {
      List<String> answers = send(email("smtp_tls", plain.port(), false));
      assertThat(answers).singleElement().asString().contains("FAILED").containsIgnoringCase("STARTTLS");
      assertThat(plain.received()).isZero();
    }
  }

  /** A plain GreenMail SMTP server for one test. */
  private static final class GreenMailExtensionServer implements AutoCloseable {
    private final com.icegreen.greenmail.util.GreenMail mail =
        new com.icegreen.greenmail.util.GreenMail(ServerSetupTest.SMTP.dynamicPort());

    GreenMailExtensionServer() {
      mail.start();
    }

    int port() {
      return mail.getSmtp().getPort();
    }

    int received() {
      return mail.getReceivedMessages().length;
    }

    @Override
    public void close() {
      mail.stop();
    }
  }

  private static boolean aiosmtpdInstalled() {
    try {
      return new ProcessBuilder("/usr/bin/python3", "-c", "import aiosmtpd").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(output).isZero();
  }
}
