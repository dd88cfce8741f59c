package org.diskwarden.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.diskwarden.Tree.days;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.diskwarden.ByteNames;
import org.diskwarden.Configs;
import org.diskwarden.Console;
import org.diskwarden.ShippedLog;
import org.diskwarden.Tree;
import org.diskwarden.cli.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 27, attacks 5 and 6: entries named with a line break and a forged log line, with CR LF and a
 * mail header, with ESC sequences and with bytes that are not UTF-8, through every outlet: the log
 * as the shipped pattern writes it, {@code plan} and {@code clean} output, mail (GreenMail), Slack
 * and JSON webhooks (the JDK's HttpServer), the exec hook's stdin and the audit log. Every alert
 * arrives, and no name makes a line of its own anywhere.
 */
class NamesAreDataTest {
  static final String FORGED_LINE = "2026-01-01 00:00:00,000 INFO  [main] Sweeper - Cleanup complete: freed 999.0GB";
  /** The name, word for word. */
  static final String FORGED = "evil\n" + FORGED_LINE;
  static final String BCC = "job\r\nBcc: x@example.com";
  static final String ESC = "esc\u001b[2J\u001b[31mred";
  static final byte[] BAD = {'b', 'a', 'd', (byte) 0xff, 'n', 'a', 'm', 'e', (byte) 0xc0};
  /** How each name reads everywhere people read it. */
  static final List<String> SHOWN = List.of("evil\\n" + FORGED_LINE, "esc\\033[2J\\033[31mred", "bad\\377name\\300");
  static final String BCC_SHOWN = "job\\r\\nBcc: x@example.com";

  @RegisterExtension
  static GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

  @TempDir
  Path dir;

  Path base;
  Path locked;
  Receiver hooks;
  final ObjectMapper json = new ObjectMapper();

  @BeforeEach
  void setUp() throws Exception {
    base = Files.createDirectory(dir.resolve("base"));
    hooks = new Receiver();
  }

  @AfterEach
  void tearDown() throws Exception {
    hooks.close();
    if (locked != null) {
      new ProcessBuilder("chattr", "-i", locked.toString()).start().waitFor();
    }
  }

  /** Three entries that go, one that fails to compress (a file in it is immutable). */
  private void hostileTree() throws Exception {
    Tree t = new Tree(base);
    Path jobs = Files.createDirectories(base.resolve("jobs"));
    List<Path> entries = new ArrayList<>(List.of(Files.createDirectory(jobs.resolve(FORGED)),
        Files.createDirectory(jobs.resolve(ESC)), ByteNames.mkdir(jobs, BAD)));
    Path job = Files.createDirectories(base.resolve("archive").resolve(BCC));
    entries.add(job);
    for (Path e : entries) {
      Files.write(e.resolve("data.bin"), new byte[64 * 1024]);
      t.age(e, days(10));
    }
    locked = job.resolve("data.bin");
    assumeTrue(new ProcessBuilder("chattr", "+i", locked.toString()).start().waitFor() == 0,
        "SKIPPED: chattr +i is not available here (the failing compress needs an immutable file)");
  }

  private Path config() throws IOException {
    Path hook = Files.writeString(dir.resolve("hook.sh"),
        "#!/bin/sh\ncat > \"" + dir.resolve("exec") + "/$DISKWARDEN_EVENT-$DISKWARDEN_DELIVERY.json\"\n");
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwx------"));
    Files.createDirectory(dir.resolve("exec"));
    String policies = """
        - name: jobs
          path: jobs
          max_age: 1d
        - name: archive
          path: archive
          max_age: 1d
          action: compress
          min_ratio_gain: 0
        """;
    return Files.writeString(dir.resolve("diskwarden.yml"), Configs.alwaysLow(base, "min_age: 1h", policies) + """
        notify:
          templates: %s
          events: [cleanup, failure]
          email:
            host: 127.0.0.1
            port: %d
            transport: smtp
            from: diskwarden@trainbox-1
            to: [ops@example.com]
            timeout: 5s
          webhooks:
            - url: %s
              format: json
            - url: %s
              format: slack
          exec: %s
        """.formatted(Path.of("notifications").toAbsolutePath(), smtp.getSmtp().getPort(), hooks.url("/json"),
        hooks.url("/slack"), hook));
  }

  @Test
  void hostileNames_throughEveryOutlet_neverMakeALine_andEveryAlertArrives() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "SKIPPED: needs root for chattr +i (CI runs as root)");
    hostileTree();
    Path conf = config();
    String plan;
    String clean;
    List<String> log;
    try (Console console = new Console(dir.resolve("logs")); ShippedLog shipped = new ShippedLog(dir.resolve("shipped.log"))) {
      assertThat(Main.execute("plan", "--config", conf.toString())).as(console.err()).isIn(0, 1, 2);
      plan = console.out();
      console.reset();
      Main.execute("clean", "--config", conf.toString());
      clean = console.out();
      log = shipped.lines();
    }

    // plan and clean: one line per entry, each name as ls -b shows it
    oneLineEach("plan", plan, SHOWN, BCC_SHOWN);
    oneLineEach("clean", clean, SHOWN, BCC_SHOWN);
    assertThat(clean.lines().filter(l -> l.startsWith("  FAILED "))).singleElement().asString().contains(BCC_SHOWN);
    // the log as conf/log4j2.xml lays it out: every line an event or a stack trace
    assertThat(log).allMatch(l -> ShippedLog.EVENT_LINE.matcher(l).find() || ShippedLog.TRACE_LINE.matcher(l).find());
    oneLineEach("diskwarden.log", String.join("\n", log), SHOWN, BCC_SHOWN);
    assertThat(log).noneMatch(l -> l.contains("refused for what it says") || l.contains("failed for good"));

    // mail: both alerts arrive; no name in a subject; the plain text shows the names escaped
    MimeMessage cleanupMail = mail("cleanup");
    MimeMessage failureMail = mail("failure");
    oneLineEach("cleanup mail", plainText(cleanupMail), SHOWN);
    oneLineEach("failure mail", plainText(failureMail), List.of(), BCC_SHOWN);
    oneLineEach("cleanup mail, HTML", part(cleanupMail, "text/html"), SHOWN);
    assertThat(failureMail.getSubject()).doesNotContain("\r", "\n", "job", "Bcc").contains("FAILURE");
    assertThat(failureMail.getHeader("Bcc")).isNull();
    assertThat(failureMail.getAllRecipients()).extracting(Object::toString).containsExactly("ops@example.com");

    // Slack: each text field is text for people, names escaped
    oneLineEach("slack cleanup", slackText("cleanup"), SHOWN);
    oneLineEach("slack failure", slackText("failure"), List.of(), BCC_SHOWN);

    // JSON webhook and exec: valid JSON, paths exact, the message for people escaped
    for (String document : List.of(jsonHook("cleanup"), exec("cleanup"))) {
      JsonNode event = json.readTree(document);
      assertThat(document).doesNotContain("\n", "\r", "\u001b");
      assertThat(event.at("/cleanup/removed")).extracting(r -> r.get("path").asText())
          .contains(base.resolve("jobs").resolve(FORGED).toString(), base.resolve("jobs").resolve(ESC).toString());
    }
    for (String document : List.of(jsonHook("failure"), exec("failure"))) {
      JsonNode event = json.readTree(document);
      assertThat(event.at("/cleanup/failed/0/path").asText()).isEqualTo(base.resolve("archive").resolve(BCC).toString());
      assertThat(event.get("message").asText()).contains(BCC_SHOWN).doesNotContain("\r", "\n");
    }

    // the audit log: one JSON line per record, the path exact
    List<JsonNode> audit = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("logs/audit.jsonl"))) {
      audit.add(json.readTree(line));
    }
    assertThat(audit).extracting(a -> a.path("path").asText()).contains(base.resolve("jobs").resolve(FORGED).toString(),
        base.resolve("archive").resolve(BCC).toString());
  }

  /** Each name shows escaped, and no line of {@code text} is one a name made. */
  private static void oneLineEach(String outlet, String text, List<String> shown, String... more) {
    assertThat(text.lines()).as(outlet + ":\n" + text)
        .noneMatch(l -> l.startsWith(FORGED_LINE) || l.startsWith("Bcc:") || l.startsWith("2J"));
    assertThat(text).as(outlet).doesNotContain("\u001b", "\r", FORGED, "\ufffd");
    assertThat(text).as(outlet).contains(Stream.concat(shown.stream(), Stream.of(more)).toList());
  }

  private MimeMessage mail(String event) {
    return Arrays.stream(smtp.getReceivedMessages()).filter(m -> header(m, "X-Diskwarden-Event").equals(event))
        .findFirst().orElseThrow(() -> new AssertionError("no " + event + " mail arrived"));
  }

  private static String header(MimeMessage m, String name) {
    try {
      return m.getHeader(name)[0];
    } catch (jakarta.mail.MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The text/plain part as a mail reader shows it (decoded; the mail's own CR LF line ends as LF). */
  static String plainText(Part part) throws Exception {
    return part(part, "text/plain");
  }

  static String part(Part part, String type) throws Exception {
    if (part.isMimeType(type)) {
      return ((String) part.getContent()).replace("\r\n", "\n");
    }
    if (part.getContent() instanceof Multipart multi) {
      for (int i = 0; i < multi.getCount(); i++) {
        BodyPart p = multi.getBodyPart(i);
        String text = part(p, type);
        if (!text.isEmpty()) {
          return text;
        }
      }
    }
    return "";
  }

  private String slackText(String event) throws IOException {
    JsonNode body = json.readTree(hook("/slack", event));
    List<String> texts = new ArrayList<>();
    collectText(body, texts);
    return String.join("\n", texts);
  }

  private static void collectText(JsonNode node, List<String> into) {
    node.fields().forEachRemaining(f -> {
      if (f.getKey().equals("text") && f.getValue().isTextual()) {
        into.add(f.getValue().asText());
      }
    });
    node.elements().forEachRemaining(child -> collectText(child, into));
  }

  private String jsonHook(String event) {
    return hook("/json", event);
  }

  private String hook(String path, String event) {
    return hooks.at(path).stream().filter(r -> event.equals(r.header("X-Diskwarden-Event"))).findFirst()
        .orElseThrow(() -> new AssertionError("no " + event + " at " + path)).body();
  }

  private String exec(String event) throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("exec"))) {
      Path file = files.filter(f -> f.getFileName().toString().startsWith(event + "-")).findFirst()
          .orElseThrow(() -> new AssertionError("the exec hook got no " + event));
      return Files.readString(file);
    }
  }
}
