package org.diskwarden.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.diskwarden.Configs;
import org.diskwarden.Incident;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.WatchSetup;
import org.diskwarden.cli.Main;
import org.diskwarden.jmx.RmiPort;
import org.diskwarden.sweep.SweepReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Notifications against real servers: GreenMail for SMTP, the JDK's HttpServer for webhooks. */
class NotifyTest {
  @RegisterExtension
  static GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
      .withConfiguration(GreenMailConfiguration.aConfig().withUser("ops@example.com", "diskwarden", "s3cret"));

  @TempDir
  Path dir;

  Path base;
  Receiver hooks;
  DiskWarden warden;
  final ObjectMapper json = new ObjectMapper();
  final Map<String, String> env = Map.of("SMTP_PASSWORD", "s3cret", "HOOK_SECRET", "hunter2", "HOOK_TOKEN", "t0k");

  @BeforeEach
  void setUp() throws Exception {
    base = Files.createDirectory(dir.resolve("base"));
    hooks = new Receiver();
  }

  @AfterEach
  void tearDown() {
    if (warden != null) {
      warden.stop();
    }
    hooks.close();
  }

  private String notify(String body) {
    return "notify:\n  templates: " + Path.of("notifications").toAbsolutePath() + "\n" + body;
  }

  private String email(String user, String passwordEnv, int port) {
    return """
          email:
            host: 127.0.0.1
            port: %d
            transport: smtp
            username: %s
            password_env: %s
            from: diskwarden@trainbox-1
            to: [ops@example.com]
            timeout: 2s
        """.formatted(port, user, passwordEnv);
  }

  private DiskWarden start(String minFree, String notifyYaml) throws Exception {
    String yaml = Configs.incident(base, minFree, minFree, "full") + notify(notifyYaml);
    warden = new DiskWarden(WatchSetup.of(Configs.parse(yaml), dir.resolve("logs"), Clock.systemUTC()));
    warden.useEnvironment(env::get);
    warden.start();
    return warden;
  }

  @Test
  void cleanupEmail_listsEachRemoval_hasHtml_andUsesTheCredentials() throws Exception {
    Incident.build(base);
    start("1000TB", email("diskwarden", "SMTP_PASSWORD", smtp.getSmtp().getPort()));

    await().atMost(Duration.ofSeconds(30)).until(() -> cleanupMail().isPresent());
    MimeMessage mail = cleanupMail().orElseThrow();
    SweepReport report = warden.status().lastCleanup().orElseThrow();
    assertThat(mail.getSubject()).matches("\\[diskwarden\\] .+: freed [0-9.]+ MB, [0-9.]+ [GT]B free");
    // quoted-printable breaks long lines with a soft "=" line end: join them before looking for names
    String body = GreenMailUtil.getBody(mail).replaceAll("=\r?\n", "");
    assertThat(report.removed()).hasSize(8).allSatisfy(r -> assertThat(body).contains(r.path().getFileName().toString()));
    assertThat(body).contains("text/html").contains("<table").contains("text/plain");
    assertThat(mail.getHeader("X-Diskwarden-Event")).containsExactly("cleanup");
  }

  private java.util.Optional<MimeMessage> cleanupMail() {
    return java.util.Arrays.stream(smtp.getReceivedMessages()).filter(m -> event(m).equals("cleanup")).findFirst();
  }

  /** The last mail received for {@code event}. */
  private java.util.Optional<MimeMessage> lastMail(String event) {
    return java.util.Arrays.stream(smtp.getReceivedMessages()).filter(m -> event(m).equals(event))
        .reduce((a, b) -> b);
  }

  private static String event(MimeMessage m) {
    try {
      return m.getHeader("X-Diskwarden-Event")[0];
    } catch (jakarta.mail.MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void wrongSmtpPassword_isAFailureCounted_notAnException() throws Exception {
    Incident.build(base);
    start("1000TB", email("diskwarden", "HOOK_TOKEN", smtp.getSmtp().getPort())
        + "  retries: 2\n  retry_backoff: 100ms\n");

    await().atMost(Duration.ofSeconds(30)).until(() -> warden.status().notificationFailures() >= 1);
    assertThat(smtp.getReceivedMessages()).isEmpty();
    assertThat(warden.status().statistics().sweeps()).isEqualTo(1);
  }

  @Test
  void jsonWebhook_getsTheSignedEvent_slackGetsItsShape() throws Exception {
    Incident.build(base);
    start("1000TB", """
          webhooks:
            - url: %s
              format: json
              secret_env: HOOK_SECRET
              headers: {Authorization: "Bearer ${HOOK_TOKEN}"}
            - url: %s
              format: slack
        """.formatted(hooks.url("/json"), hooks.url("/slack")));

    await().atMost(Duration.ofSeconds(30)).until(() -> !hooks.at("/json").isEmpty() && !hooks.at("/slack").isEmpty());
    Receiver.Request hook = hooks.at("/json").stream()
        .filter(r -> "cleanup".equals(r.header("X-Diskwarden-Event"))).findFirst().orElseThrow();
    JsonNode event = json.readTree(hook.body());
    assertThat(event.get("type").asText()).isEqualTo("cleanup");
    assertThat(event.get("base_dir").asText()).isEqualTo(base.toRealPath().toString());
    assertThat(event.at("/cleanup/removed")).hasSize(8);
    assertThat(event.at("/cleanup/bytes_freed").asLong()).isEqualTo(warden.status().lastCleanup().orElseThrow().bytesFreed());
    assertThat(event.at("/volume/total_bytes").asLong()).isPositive();
    assertThat(hook.header("Authorization")).isEqualTo("Bearer t0k");
    assertThat(hook.header("X-Diskwarden-Delivery")).isEqualTo(event.get("id").asText());
    String expected = "sha256=" + WebhookNotifier.hmac("hunter2", hook.body());
    assertThat(MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
        hook.header("X-Diskwarden-Signature").getBytes(StandardCharsets.UTF_8))).isTrue();

    JsonNode slack = json.readTree(hooks.at("/slack").get(0).body());
    assertThat(slack.get("text").isTextual()).isTrue();
    assertThat(slack.get("text").asText()).startsWith("[diskwarden] ");
    assertThat(slack.get("blocks").isArray()).isTrue();
    assertThat(slack.at("/blocks/0/type").asText()).isEqualTo("section");
    assertThat(slack.at("/blocks/0/text/type").asText()).isEqualTo("mrkdwn");
    assertThat(slack.at("/blocks/0/text/text").asText()).contains("v001");
  }

  @Test
  void downSmtp_hangingHook_flakyHook_neverHoldTheSweep() throws Exception {
    Incident.build(base);
    int deadPort = RmiPort.free();
    start("1000TB", email("diskwarden", "SMTP_PASSWORD", deadPort) + """
          events: [cleanup]
          retries: 3
          retry_backoff: 100ms
          webhooks:
            - url: %s
              timeout: 1s
            - url: %s
            - url: %s
        """.formatted(hooks.url("/sleepy"), hooks.url("/flaky"), hooks.url("/gone")));

    // the sweep has ended while the hanging receiver still holds its first request
    await().atMost(Duration.ofSeconds(30)).until(() -> warden.status().statistics().sweeps() == 1 && !hooks.at("/sleepy").isEmpty());
    assertThat(hooks.release.getCount()).isEqualTo(1);

    await().atMost(Duration.ofSeconds(30)).until(() -> warden.status().notificationFailures() == 3);
    List<Receiver.Request> flaky = hooks.at("/flaky");
    assertThat(flaky).hasSize(2);
    assertThat(flaky.get(0).header("X-Diskwarden-Delivery")).isEqualTo(flaky.get(1).header("X-Diskwarden-Delivery"));
    assertThat(hooks.at("/gone")).hasSize(1);
    assertThat(hooks.at("/sleepy")).hasSize(3);
  }

  private String outlets(int smtpPort) {
    return """
          email:
            host: 127.0.0.1
            port: %d
            transport: smtp
            from: diskwarden@trainbox-1
            to: [ops@example.com]
            timeout: 2s
          webhooks:
            - url: %s
              format: json
            - url: %s
              format: slack
        """.formatted(smtpPort, hooks.url("/json"), hooks.url("/slack"));
  }

  /** A sweep ending in {@code expected}: every outlet shows the state and free space it ended with. */
  private void sweepAndCompareOutlets(String minFree, org.diskwarden.volume.State expected) throws Exception {
    String yaml = Configs.incident(base, minFree, minFree, "until_target") + notify(outlets(smtp.getSmtp().getPort()));
    DiskWarden w = new DiskWarden(WatchSetup.of(Configs.parse(yaml), dir.resolve("logs"), Clock.systemUTC()));
    javax.management.MBeanServer mbeans = javax.management.MBeanServerFactory.newMBeanServer();
    List<javax.management.Notification> jmx = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (org.diskwarden.jmx.JmxExporter exporter = org.diskwarden.jmx.JmxExporter.register(w, mbeans)) {
      mbeans.addNotificationListener(new javax.management.ObjectName(org.diskwarden.jmx.JmxExporter.AGENT),
          (n, h) -> jmx.add(n), null, null);
      w.startNotifications();
      SweepReport r;
      try {
        r = w.clean(false, false).orElseThrow();
        // as the agent's check does after its sweep: critical (or recovered) as it applies
        w.enter(r.state());
      } finally {
        w.stopNotifications();
      }
      long df = Files.getFileStore(base).getUsableSpace();
      assertThat(r.state()).isEqualTo(expected);
      JsonNode doc = json.readTree(hooks.at("/json").stream().filter(q -> q.body().contains("\"cleanup\""))
          .reduce((a, b) -> b).orElseThrow().body());
      assertThat(doc.get("state").asText()).isEqualTo(expected.name()).isEqualTo(doc.at("/cleanup/state").asText());
      long free = doc.at("/volume/free_bytes").asLong();
      assertThat(free).isEqualTo(doc.at("/cleanup/free_after").asLong()).isEqualTo(r.freeAfter());
      // df a moment later: other writers on this disk (logs) may have moved it by a little
      assertThat(Math.abs(free - df)).isLessThanOrEqualTo(1L << 20);
      // the templates render sizes as "79.3 GB"
      String human = org.diskwarden.config.Size.human(free, 1).replaceAll("([0-9.]+)([KMGT]?B)", "$1 $2");
      String slack = hooks.at("/slack").stream().filter(q -> q.header("X-Diskwarden-Event").equals("cleanup"))
          .reduce((a, b) -> b).orElseThrow().body();
      assertThat(slack).contains(human + " free").contains("state " + expected.name());
      MimeMessage mail = lastMail("cleanup").orElseThrow();
      assertThat(mail.getSubject()).contains(human + " free");
      assertThat(GreenMailUtil.getBody(mail).replaceAll("=\r?\n", "")).contains("state " + expected.name());
      assertThat(jmx).filteredOn(n -> n.getType().equals(org.diskwarden.jmx.JmxExporter.CLEANUP)).singleElement()
          .satisfies(n -> {
            javax.management.openmbean.CompositeData c = (javax.management.openmbean.CompositeData) n.getUserData();
            assertThat(c.get("state")).isEqualTo(expected.name());
          });
      assertThat(w.status().lastUsage().orElseThrow().free()).isEqualTo(r.freeAfter());
    }
  }

  @Test
  void aCleanupEndingOk_andOneEndingCritical_everyOutletShowsTheAfterState_andTheyAgree() throws Exception {
    // As root on a filesystem of its own, so that no other writer moves the free space between the
    // sweep's last reading and df's (on the shared disk, a busy machine moved it by 2 MB); as any
    // other user on the shared disk, with the same checks.
    boolean root = "root".equals(System.getProperty("user.name"));
    try (org.diskwarden.Tmpfs volume = root ? org.diskwarden.Tmpfs.mount(dir.resolve("volume"), 64) : null) {
      if (volume != null) {
        base = Files.createDirectory(volume.root().resolve("base"));
        // the rest of a real disk: space outside base_dir that the critical alert counts as other
        Files.write(volume.root().resolve("other.bin"), new byte[2 << 20]);
      }
      cleanupEndingOkThenCritical();
    }
  }

  private void cleanupEndingOkThenCritical() throws Exception {
    Incident.build(base);
    long free = Files.getFileStore(base).getUsableSpace();
    // below the trigger by a megabyte: the sweep brings it back
    sweepAndCompareOutlets((free + (1L << 20)) + "B", org.diskwarden.volume.State.OK);
    hooks.requests.clear();
    smtp.purgeEmailFromAllMailboxes();
    Incident.build(base);
    sweepAndCompareOutlets("1000TB", org.diskwarden.volume.State.CRITICAL);
    // a critical event names what holds the space: the largest places and why each stays, and the rest
    JsonNode critical = json.readTree(hooks.at("/json").stream()
        .filter(q -> "critical".equals(q.header("X-Diskwarden-Event"))).reduce((a, b) -> b).orElseThrow().body());
    assertThat(critical.get("holding")).isNotEmpty();
    assertThat(critical.at("/holding/0/bytes").asLong()).isGreaterThanOrEqualTo(1L << 20);
    assertThat(critical.at("/holding/0/reason").asText()).isNotBlank();
    assertThat(critical.get("other_bytes").asLong()).isPositive();
    MimeMessage mail = lastMail("critical").orElseThrow();
    // base_dir is a folder of this machine's disk: the rest of the disk is told apart as outside it
    assertThat(critical.get("holding_outside_bytes").asLong()).isPositive();
    assertThat(GreenMailUtil.getBody(mail).replaceAll("=\r?\n", "")).contains("What holds the space (largest first):")
        .contains(critical.at("/holding/0/path").asText()).contains("outside base_dir");
  }

  @Test
  void clean_deliversBeforeItExits_andNoNotifyDeliversNothing() throws Exception {
    Incident.build(base);
    Path conf = Files.writeString(dir.resolve("clean.yml"), Configs.incident(base, "1000TB", "1000TB", "full")
        + notify(outlets(smtp.getSmtp().getPort())));
    try (org.diskwarden.Console console = new org.diskwarden.Console(dir.resolve("logs"))) {
      org.diskwarden.cli.Main.execute("clean", "--force", "--dry-run", "--no-notify", "--config", conf.toString());
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() ->
          hooks.requests.isEmpty() && smtp.getReceivedMessages().length == 0);

      org.diskwarden.cli.Main.execute("clean", "--config", conf.toString());
    }
    // no waiting: the command returned only after its deliveries
    assertThat(hooks.at("/json")).extracting(q -> q.header("X-Diskwarden-Event")).contains("cleanup", "critical");
    assertThat(hooks.at("/slack")).extracting(q -> q.header("X-Diskwarden-Event")).contains("cleanup", "critical");
    assertThat(smtp.getReceivedMessages()).extracting(m -> m.getHeader("X-Diskwarden-Event")[0])
        .contains("cleanup", "critical");
  }
}
