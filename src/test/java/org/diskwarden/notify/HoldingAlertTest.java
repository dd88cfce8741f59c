package org.diskwarden.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.Notification;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import org.diskwarden.Configs;
import org.diskwarden.Tmpfs;
import org.diskwarden.Tree;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.WatchSetup;
import org.diskwarden.jmx.JmxExporter;
import org.diskwarden.sweep.SweepReport;
import org.diskwarden.volume.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 30, finding 1: the alert names what fills the disk. On a tmpfs (the volume's numbers are
 * exactly the files'), five 30 MB versions a rule keeps beside a 110 MB file no policy covers; the
 * critical mail (text and HTML, through GreenMail), the JSON and Slack webhooks (a JDK HttpServer) and
 * the JMX notification name the file first, the kept versions after it, and an honest rest.
 */
class HoldingAlertTest {
  private static final long MB = 1L << 20;

  @RegisterExtension
  static GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

  @TempDir
  Path dir;

  Tmpfs volume;
  Path base;
  Receiver hooks;
  final ObjectMapper json = new ObjectMapper();
  final List<Notification> jmx = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    volume = Tmpfs.mount(dir.resolve("volume"), 400);
    base = Files.createDirectory(volume.root().resolve("base"));
    hooks = new Receiver();
  }

  /** The issue's tree: five 30 MB versions, a 110 MB file no policy covers. */
  private void issueTree() {
    Tree tree = new Tree(base);
    for (int v = 1; v <= 5; v++) {
      tree.version("models/versions/v00" + v, 30 << 20, Tree.days(6 - v));
    }
    tree.file("data/big.bin", 110 << 20, Tree.days(1));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (hooks != null) {
      hooks.close();
    }
    if (volume != null) {
      volume.close();
    }
  }

  private String yaml(String minFree, String mode, int keepLatest) {
    return """
        base_dir: %s
        min_free: %s
        min_free_percent: 0
        target_free: %s
        target_free_percent: 0
        min_age: 30m
        cleanup_mode: %s
        policies:
          - name: model-versions
            path: models/versions
            keep_latest: %d
            complete_marker: config.json
        notify:
          templates: %s
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
        """.formatted(base, minFree, minFree, mode, keepLatest, Path.of("notifications").toAbsolutePath(),
        smtp.getSmtp().getPort(), hooks.url("/json"), hooks.url("/slack"));
  }

  /** One sweep, then the state it ended in (as the agent's check does), every outlet listening. */
  private SweepReport sweep(String yaml) throws Exception {
    DiskWarden w = new DiskWarden(WatchSetup.of(Configs.parse(yaml), dir.resolve("logs"), Clock.systemUTC()));
    MBeanServer mbeans = MBeanServerFactory.newMBeanServer();
    try (JmxExporter exporter = JmxExporter.register(w, mbeans)) {
      mbeans.addNotificationListener(new ObjectName(JmxExporter.AGENT), (n, h) -> jmx.add(n), null, null);
      w.startNotifications();
      try {
        SweepReport r = w.clean(false, false).orElseThrow();
        w.enter(r.state());
        return r;
      } finally {
        w.stopNotifications();
      }
    }
  }

  private JsonNode hook(String path, String event) throws Exception {
    return json.readTree(hooks.at(path).stream().filter(q -> event.equals(q.header("X-Diskwarden-Event")))
        .reduce((a, b) -> b).orElseThrow().body());
  }

  /** The decoded text/plain and text/html parts of the last mail for {@code event}. */
  private Map<String, String> mail(String event) throws Exception {
    MimeMessage m = Arrays.stream(smtp.getReceivedMessages())
        .filter(x -> event.equals(header(x))).reduce((a, b) -> b).orElseThrow();
    Map<String, String> parts = new HashMap<>();
    collect(m, parts);
    return parts;
  }

  private static String header(MimeMessage m) {
    try {
      return m.getHeader("X-Diskwarden-Event")[0];
    } catch (jakarta.mail.MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void collect(Part part, Map<String, String> into) throws Exception {
    if (part.isMimeType("multipart/*")) {
      Multipart multi = (Multipart) part.getContent();
      for (int i = 0; i < multi.getCount(); i++) {
        BodyPart p = multi.getBodyPart(i);
        collect(p, into);
      }
    } else if (part.isMimeType("text/plain")) {
      into.put("text", (String) part.getContent());
    } else if (part.isMimeType("text/html")) {
      into.put("html", (String) part.getContent());
    }
  }

  /** {@code df -B1}: what the volume uses, by the real neighbour. */
  private long dfUsed() throws Exception {
    Process p = new ProcessBuilder("df", "-B1", "--output=used", volume.root().toString()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).isZero();
    return Long.parseLong(out.lines().skip(1).findFirst().orElseThrow().strip());
  }

  @Test
  void critical_namesTheFileNoPolicyCoversFirst_thenTheKeptEntries_andTheRestIsRight() throws Exception {
    issueTree();
    Path culprit = base.resolve("data/big.bin");
    SweepReport r = sweep(yaml("1000TB", "full", 5));
    assertThat(r.state()).isEqualTo(State.CRITICAL);

    JsonNode doc = hook("/json", "critical");
    JsonNode first = doc.at("/holding/0");
    assertThat(first.get("path").asText()).isEqualTo(culprit.toString());
    assertThat(first.get("bytes").asLong()).isEqualTo(110 * MB);
    assertThat(first.get("why").asText()).isEqualTo("no_policy");
    assertThat(first.get("reason").asText()).isEqualTo("no policy covers it");
    assertThat(first.get("policy").isNull()).isTrue();
    List<JsonNode> kept = List.of(doc.at("/holding/1"), doc.at("/holding/2"), doc.at("/holding/3"),
        doc.at("/holding/4"), doc.at("/holding/5"));
    assertThat(kept).allSatisfy(h -> {
      assertThat(h.get("why").asText()).isEqualTo("kept_by_rule");
      assertThat(h.get("policy").asText()).isEqualTo("model-versions");
      assertThat(h.get("bytes").asLong()).isGreaterThanOrEqualTo(30 * MB);
      assertThat(h.get("reason").asText()).startsWith("kept by rule (among the newest 5");
    });
    // the rest is what is left: on a tmpfs every byte used is a file's, and the list names them all
    long used = doc.at("/volume/total_bytes").asLong() - doc.at("/volume/free_bytes").asLong();
    long listed = 0;
    for (JsonNode h : doc.get("holding")) {
      listed += h.get("bytes").asLong();
    }
    assertThat(Math.abs(dfUsed() - used)).isLessThanOrEqualTo(MB);
    // (the plan counts a directory's own size, which a tmpfs does not allocate: a few KB)
    assertThat(Math.abs(used - listed)).isLessThan(MB);
    assertThat(doc.get("other_bytes").asLong())
        .isEqualTo(doc.at("/holding_other/bytes").asLong() + doc.get("holding_outside_bytes").asLong())
        .isLessThan(MB);
    assertThat(doc.has("holding_cut")).isFalse();

    Map<String, String> mail = mail("critical");
    List<String> lines = mail.get("text").lines().toList();
    int heading = lines.indexOf("What holds the space (largest first):");
    assertThat(heading).isNotNegative();
    assertThat(lines.get(heading + 1)).isEqualTo("  110.0 MB  " + culprit + "  no policy covers it");
    assertThat(lines.subList(heading + 2, heading + 7)).allSatisfy(l ->
        assertThat(l).matches("  30\\.[0-9] MB  " + base + "/models/versions/v00[1-5]  kept by rule \\(among the newest 5.*"));
    // everything on this volume is listed: the rest says so rather than nothing
    assertThat(lines.get(heading + 7)).isEqualTo("  other: nothing else under base_dir");
    assertThat(mail.get("html")).contains("<h2").containsPattern("<h2[^>]*>CRITICAL: [0-9.]+ [KMG]?B free on ")
        .contains("<table").contains("<tr><td align=\"right\">110.0 MB</td><td><code>" + culprit
            + "</code></td><td>no policy covers it</td></tr>");

    JsonNode slack = hook("/slack", "critical");
    assertThat(slack.at("/blocks/0/type").asText()).isEqualTo("header");
    assertThat(slack.at("/blocks/2/text/text").asText())
        .startsWith("*What holds the space:*\n• 110.0 MB `" + culprit + "`: no policy covers it\n• 30.");

    Notification critical = jmx.stream().filter(n -> n.getType().equals(JmxExporter.CRITICAL)).findFirst()
        .orElseThrow();
    CompositeData holding = (CompositeData) critical.getUserData();
    CompositeData[] holders = (CompositeData[]) holding.get("holders");
    assertThat(holders).hasSize(6);
    assertThat(holders[0].get("path")).isEqualTo(culprit.toString());
    assertThat(holders[0].get("why")).isEqualTo("no_policy");
    assertThat(holding.get("otherBytes")).isEqualTo(doc.at("/holding_other/bytes").asLong());
  }

  @Test
  void cleanup_saysTheCandidatesLeftBecauseTheTargetWasReached_notThatNoPolicyCoversThem() throws Exception {
    issueTree();
    // the target is reached by removing one 30 MB version: v002 and v003 stay although they may go
    String target = (volume.free() + 20 * MB) + "B";
    SweepReport r = sweep(yaml(target, "until_target", 2));
    assertThat(r.removed()).extracting(m -> m.path().getFileName().toString()).containsExactly("v001");
    assertThat(r.notReached()).hasSize(2);

    JsonNode doc = hook("/json", "cleanup");
    Map<String, String> why = new HashMap<>();
    doc.get("holding").forEach(h -> why.put(base.relativize(Path.of(h.get("path").asText())).toString(),
        h.get("why").asText()));
    assertThat(why).containsEntry("data/big.bin", "no_policy")
        .containsEntry("models/versions/v002", "target_reached").containsEntry("models/versions/v003", "target_reached")
        .containsEntry("models/versions/v004", "kept_by_rule").containsEntry("models/versions/v005", "kept_by_rule")
        .doesNotContainKey("models/versions/v001");
    assertThat(doc.at("/holding_other/bytes").asLong()).isLessThan(MB);
    assertThat(doc.at("/holding_other/by_why").has("no_policy") ? doc.at("/holding_other/by_why/no_policy").asLong()
        : 0).isLessThan(MB);

    Map<String, String> mail = mail("cleanup");
    assertThat(mail.get("text")).contains("What still holds the space (largest first):")
        .containsPattern("  30\\.[0-9] MB  " + base + "/models/versions/v002  left because the target was reached "
            + "\\(model-versions: ");
    assertThat(mail.get("html")).contains("<h3>What still holds the space</h3>")
        .contains("<code>" + base + "/models/versions/v003</code></td><td>left because the target was reached");
    JsonNode slack = hook("/slack", "cleanup");
    assertThat(slack.at("/blocks/1/text/text").asText()).contains("`" + base.resolve("models/versions/v002")
        + "`: left because the target was reached");
    CompositeData cleanup = (CompositeData) jmx.stream().filter(n -> n.getType().equals(JmxExporter.CLEANUP))
        .findFirst().orElseThrow().getUserData();
    assertThat(cleanup.get("removed")).isEqualTo(1);
    assertThat(Arrays.stream((CompositeData[]) ((CompositeData) cleanup.get("holding")).get("holders"))
        .filter(h -> "target_reached".equals(h.get("why")))).hasSize(2);
  }

  /**
   * Names only the walk finds (no policy covers them) with a line break and a forged log line, CR LF
   * and a mail header, ESC sequences, bytes that are not UTF-8: every outlet shows each as ls -b does.
   */
  @Test
  void critical_namesTheWalkFinds_areData_inEveryOutlet() throws Exception {
    Path scratch = Files.createDirectory(base.resolve("scratch"));
    List<Path> hostile = List.of(Files.createDirectory(scratch.resolve(NamesAreDataTest.FORGED)),
        Files.createDirectory(scratch.resolve(NamesAreDataTest.BCC)),
        Files.createDirectory(scratch.resolve(NamesAreDataTest.ESC)),
        org.diskwarden.ByteNames.mkdir(scratch, NamesAreDataTest.BAD));
    int size = 10;
    for (Path h : hostile) {
      // two files each, of sizes apart: each folder is a line of its own, and so are none of the files
      Files.write(h.resolve("a.bin"), new byte[size << 19]);
      Files.write(h.resolve("b.bin"), new byte[size << 19]);
      size += 2;
    }
    sweep(yaml("1000TB", "full", 5));

    Map<String, String> mail = mail("critical");
    List<String> shown = List.of(NamesAreDataTest.SHOWN.get(0), NamesAreDataTest.SHOWN.get(1),
        NamesAreDataTest.SHOWN.get(2), NamesAreDataTest.BCC_SHOWN);
    for (String text : List.of(mail.get("text"), mail.get("html"), hook("/slack", "critical").at("/blocks/2/text/text")
        .asText())) {
      assertThat(text.lines()).as(text).noneMatch(l -> l.startsWith(NamesAreDataTest.FORGED_LINE)
          || l.startsWith("Bcc:") || l.startsWith("2J"));
      // (a mail's lines end in CR LF: a bare line break is what a name would add)
      assertThat(text).doesNotContain("\u001b", NamesAreDataTest.FORGED, "com\r\n", "job\r").contains(shown);
    }
    String document = hooks.at("/json").stream().filter(q -> "critical".equals(q.header("X-Diskwarden-Event")))
        .findFirst().orElseThrow().body();
    assertThat(document).doesNotContain("\n", "\r", "\u001b");
    // paths are data: exact in JSON (the one that is not UTF-8 as the JDK decodes it, as elsewhere)
    List<String> paths = new java.util.ArrayList<>();
    json.readTree(document).get("holding").forEach(h -> paths.add(h.get("path").asText()));
    for (String name : List.of(NamesAreDataTest.FORGED, NamesAreDataTest.BCC, NamesAreDataTest.ESC)) {
      assertThat(paths).anySatisfy(p -> assertThat(p).startsWith(scratch.resolve(name) + "/"));
    }
  }
}
