package org.diskwarden.jmx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import org.diskwarden.Configs;
import org.diskwarden.Incident;
import org.diskwarden.Shell;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator's tools see of a running agent, as bin/diskwarden starts it, for a config with one
 * base_dir and for one with two watches: the JMX ObjectNames and the agent bean's attributes, the
 * /metrics series and their labels, the files of the run directory and their keys, what {@code check}
 * prints, the audit lines of a cleanup, reloads' answers (one that needs a restart) and the log lines
 * from start to stop. These
 * are contracts (dashboards, alert rules, Nagios, log scrapers read them): each transcript is compared
 * with {@code src/test/resources/golden/contracts-*.txt}, paths, numbers and times masked.
 */
class ContractsTest {
  @TempDir
  Path dir;

  BinAgent agent;
  Path runDir;
  Path logDir;
  int metricsPort;
  final String bin = Path.of("bin/diskwarden").toAbsolutePath().toString();

  @BeforeEach
  void setUp() throws Exception {
    agent = new BinAgent(dir);
    runDir = dir.resolve("run");
    logDir = dir.resolve("logs");
    agent.env.put("DISKWARDEN_RUN_DIR", runDir.toString());
    metricsPort = RmiConnector.freePort();
  }

  @AfterEach
  void tearDown() throws Exception {
    agent.close();
  }

  @Test
  void oneBaseDir_namesLabelsFilesAndLines_stayAsTheyWere() throws Exception {
    Path base = Files.createDirectory(dir.resolve("base"));
    Incident.build(base);
    Path conf = Files.writeString(dir.resolve("diskwarden.yml"), Configs.incident(base, "0B", "0B", "full")
        + "metrics:\n  port: " + metricsPort + "\n");
    String transcript = transcript(conf, new ObjectName(JmxExporter.AGENT), 1,
        text -> text.replace("base_dir: " + base, "base_dir: " + base.resolve("models")));
    assertThat(transcript).isEqualTo(golden("contracts-one-base-dir.txt", transcript));
  }

  @Test
  void twoWatches_namesLabelsFilesAndLines_stayAsTheyWere() throws Exception {
    StringBuilder list = new StringBuilder();
    for (String w : new String[] {"scratch", "datasets"}) {
      Path base = Files.createDirectories(dir.resolve(w));
      Incident.build(base);
      list.append("  - {name: ").append(w).append(", base_dir: ").append(base).append("}\n");
    }
    Path conf = Files.writeString(dir.resolve("diskwarden.yml"), """
        min_free: 0B
        min_free_percent: 0
        check_interval: 1h
        cleanup_mode: full
        metrics:
          port: %d
        policies:
          - {name: model-versions, path: models/versions, keep_latest: 2}
          - {name: logs, path: logs, max_age: 7d}
        watch:
        """.formatted(metricsPort) + list);
    String transcript = transcript(conf, new ObjectName(JmxExporter.AGENT + ",watch=scratch"),
        2, text -> text.substring(0, text.indexOf("watch:")) + "base_dir: " + dir + "\n");
    assertThat(transcript).isEqualTo(golden("contracts-two-watches.txt", transcript));
  }

  /** Starts the agent, asks every outlet, cleans and reloads through the agent bean, stops it. */
  private String transcript(Path conf, ObjectName cleaned, int watches, UnaryOperator<String> needsRestart)
      throws Exception {
    agent.run(conf);
    List<String> out = new ArrayList<>();
    // ready, and each watch's first check answered (whatever the files' names: the transcript shows them)
    await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(runDir.resolve("diskwarden.ready"))
        && runFiles().stream().filter(f -> f.startsWith("check")).count() == watches);
    try (JMXConnector c = ConsoleSession.connect("127.0.0.1", agent.port, "controlRole", "cpw")) {
      MBeanServerConnection jmx = c.getMBeanServerConnection();
      out.add("# jmx names");
      new TreeSet<>(jmx.queryNames(new ObjectName("org.diskwarden:*"), null)).forEach(n -> out.add(n.toString()));
      out.add("# jmx attributes of " + cleaned);
      Stream.of(jmx.getMBeanInfo(cleaned).getAttributes()).map(MBeanAttributeInfo::getName).sorted()
          .forEach(out::add);
      out.add("# metrics");
      out.addAll(metrics());
      out.add("# run files");
      out.addAll(runFiles());
      out.add("# check");
      out.addAll(check(conf));
      out.add("# runCleanupNow");
      out.add(mask(String.valueOf(jmx.invoke(cleaned, "runCleanupNow", null, null))));
      out.add("# reloadConfig");
      out.add(mask(String.valueOf(jmx.invoke(cleaned, "reloadConfig", null, null))));
      Files.writeString(conf, Files.readString(conf).replace("max_age: 7d", "max_age: 8d"));
      out.add(mask(String.valueOf(jmx.invoke(cleaned, "reloadConfig", null, null))));
      Files.writeString(conf, needsRestart.apply(Files.readString(conf)));
      out.add(mask(String.valueOf(jmx.invoke(cleaned, "reloadConfig", null, null))));
    }
    out.add("# audit");
    out.addAll(audit());
    agent.close();
    out.add("# log");
    out.addAll(log());
    out.add("# run files after stop");
    out.addAll(runFiles());
    return String.join("\n", out) + "\n";
  }

  private List<String> metrics() throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    TreeSet<String> series = new TreeSet<>();
    for (String line : r.body().split("\n")) {
      if (line.startsWith("diskwarden_") || line.startsWith("# TYPE diskwarden_")) {
        // the series and its labels; the value masked (a label value keeps its text, paths masked)
        series.add(mask(line.replaceAll(" [^ }]+$", " N")));
      }
    }
    return List.copyOf(series);
  }

  /** The run directory's files; for each state file its keys, and the values that are names. */
  private List<String> runFiles() throws IOException {
    List<String> out = new ArrayList<>();
    if (!Files.isDirectory(runDir)) {
      return out;
    }
    try (Stream<Path> files = Files.list(runDir)) {
      for (Path f : files.sorted().toList()) {
        String name = f.getFileName().toString();
        out.add(name);
        if (name.endsWith(".state")) {
          // diskwarden.state lists the watches in the order their first checks ended: sorted here
          Stream<String> lines = Stream.of(Files.readString(f).split("\n"));
          (name.equals("diskwarden.state") ? lines.sorted() : lines).forEach(line ->
              out.add("  " + mask(line.replaceAll("^(pid|time|valid_until|config_sha256)=.*", "$1=N"))));
        }
      }
    }
    return out;
  }

  private List<String> check(Path conf) throws Exception {
    // DISKWARDEN_DEBUG=1: the script prints the Java command when it starts a JVM
    Shell.Result r = new Shell().env("DISKWARDEN_RUN_DIR", runDir.toString()).env("DISKWARDEN_LOG_DIR",
        logDir.toString()).env("DISKWARDEN_CLASSPATH", System.getProperty("java.class.path"))
        .env("DISKWARDEN_DEBUG", "1").cwd(dir).run(bin, "check", "--config=" + conf);
    List<String> out = new ArrayList<>();
    out.add("exit " + r.exit() + ", answered " + (r.output().contains("org.diskwarden.cli.Main check")
        ? "by a JVM" : "from the run directory"));
    r.output().lines().filter(l -> !l.contains("org.diskwarden.cli.Main")).map(this::mask).forEach(out::add);
    return out;
  }

  /** Each audit line's keys in order, with the values that name things (event, watch, policy). */
  private List<String> audit() throws IOException {
    Pattern field = Pattern.compile("\"(\\w+)\":(\"(?:[^\"\\\\]|\\\\.)*\"|[^,}]*)");
    Set<String> shapes = new TreeSet<>();
    for (String line : Files.readAllLines(logDir.resolve("audit.jsonl"))) {
      StringBuilder shape = new StringBuilder();
      Matcher m = field.matcher(line);
      while (m.find()) {
        String key = m.group(1);
        boolean named = Set.of("event", "watch", "policy", "outcome", "action").contains(key);
        shape.append(key).append(named ? "=" + m.group(2) : "").append(' ');
      }
      shapes.add(shape.toString().strip());
    }
    return List.copyOf(shapes);
  }

  /** diskwarden.log from start to stop: level, thread, logger and message of the agent's own lines. */
  private List<String> log() throws IOException {
    TreeSet<String> lines = new TreeSet<>();
    for (String line : Files.readAllLines(logDir.resolve("diskwarden.log"))) {
      if (line.matches("\\d{4}-\\d\\d-\\d\\d .*")) {
        String rest = line.substring(24);
        if (!rest.contains("[main] ") || rest.contains(" - ")) {
          lines.add(mask(rest));
        }
      }
    }
    return List.copyOf(lines);
  }

  private String mask(String s) {
    return s.replace(dir.toString(), "$DIR").replace(Path.of(".").toAbsolutePath().normalize().toString(), "$CWD")
        .replaceAll("roles \\{[^}]*}", "roles {...}").replaceAll("\\d+(\\.\\d+)?", "N");
  }

  /** The golden text; with -Dgolden.update=true the test writes it (a reviewed change of a contract). */
  private static String golden(String name, String actual) throws IOException {
    Path file = Path.of("src/test/resources/golden", name);
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(file, actual, StandardCharsets.UTF_8);
    }
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "(no " + file + ")";
  }
}
