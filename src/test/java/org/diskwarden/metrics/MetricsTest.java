package org.diskwarden.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.diskwarden.Configs;
import org.diskwarden.Incident;
import org.diskwarden.Shell;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.WatchSetup;
import org.diskwarden.config.MetricsConfig;
import org.diskwarden.jmx.JmxExporter;
import org.diskwarden.jmx.RmiPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /metrics scraped over HTTP, linted by promtool, read by a real Prometheus; rules and dashboard checked. */
class MetricsTest {
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)$");

  @TempDir
  Path dir;

  DiskWarden warden;
  MetricsExporter metrics;
  JmxExporter jmx;

  @BeforeEach
  void start() throws Exception {
    Path base = Files.createDirectory(dir.resolve("base"));
    Incident.build(base);
    warden = new DiskWarden(WatchSetup.of(Configs.parse(Configs.incident(base, "1000TB", "1000TB", "full")),
        dir.resolve("logs"),
        Clock.systemUTC()));
    warden.start();
    jmx = JmxExporter.register(warden, ManagementFactory.getPlatformMBeanServer());
    metrics = MetricsExporter.start(warden.status(), new MetricsConfig(0, "127.0.0.1"), "1.2.3-test");
    await().until(() -> warden.status().statistics().sweeps() == 1);
  }

  @AfterEach
  void stop() {
    metrics.close();
    jmx.close();
    warden.stop();
  }

  private String scrape() throws IOException, InterruptedException {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + metrics.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  private static Map<String, String> types(String body) {
    Map<String, String> types = new HashMap<>();
    body.lines().filter(l -> l.startsWith("# TYPE ")).map(l -> l.split(" ")).forEach(p -> types.put(p[2], p[3]));
    return types;
  }

  private static double value(String body, String name, String labelPart) {
    return body.lines().map(SAMPLE::matcher).filter(Matcher::matches)
        .filter(m -> m.group(1).equals(name) && (m.group(2) == null ? "" : m.group(2)).contains(labelPart))
        .mapToDouble(m -> Double.parseDouble(m.group(3).replace("+Inf", "Infinity"))).findFirst()
        .orElseThrow(() -> new AssertionError(name + " " + labelPart + " not in the scrape"));
  }

  @Test
  void everyDocumentedMetric_hasItsType_andTheValueJmxShows() throws Exception {
    String body = scrape();
    Map<String, String> types = types(body);

    assertThat(types).containsEntry("diskwarden_volume_free_bytes", "gauge")
        .containsEntry("diskwarden_volume_size_bytes", "gauge")
        .containsEntry("diskwarden_trigger_free_bytes", "gauge")
        .containsEntry("diskwarden_target_free_bytes", "gauge")
        .containsEntry("diskwarden_state", "gauge")
        .containsEntry("diskwarden_fill_rate_bytes_per_second", "gauge")
        .containsEntry("diskwarden_seconds_to_full", "gauge")
        .containsEntry("diskwarden_sweeps_total", "counter")
        .containsEntry("diskwarden_sweep_duration_seconds", "histogram")
        .containsEntry("diskwarden_removed_bytes_total", "counter")
        .containsEntry("diskwarden_removals_total", "counter")
        .containsEntry("diskwarden_policy_candidate_bytes", "gauge")
        .containsEntry("diskwarden_notifications_total", "counter")
        .containsEntry("diskwarden_git_gc_seconds", "gauge")
        .containsEntry("diskwarden_git_gc_freed_bytes", "gauge")
        .containsEntry("diskwarden_last_sweep_timestamp_seconds", "gauge")
        .containsEntry("diskwarden_build_info", "gauge")
        .containsKey("jvm_memory_used_bytes");

    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName agent = new ObjectName(JmxExporter.AGENT);
    assertThat(value(body, "diskwarden_sweeps_total", "base_dir"))
        .isEqualTo(((Long) server.getAttribute(agent, "CleanupCount")).doubleValue());
    assertThat(value(body, "diskwarden_volume_free_bytes", "base_dir") / (1L << 30))
        .isCloseTo((Double) server.getAttribute(agent, "FreeGb"), within(0.01));
    assertThat(value(body, "diskwarden_volume_size_bytes", "base_dir") / (1L << 30))
        .isCloseTo((Double) server.getAttribute(agent, "TotalGb"), within(0.005)); // JMX rounds to two decimals
    assertThat(value(body, "diskwarden_state", "state=\"critical\"")).isEqualTo(1.0);
    assertThat(server.getAttribute(agent, "State")).isEqualTo("CRITICAL");
    long removedBytes = warden.status().lastCleanup().orElseThrow().bytesFreed();
    assertThat(value(body, "diskwarden_removed_bytes_total", "policy=\"model-versions\"")
        + value(body, "diskwarden_removed_bytes_total", "policy=\"backups\"")
        + value(body, "diskwarden_removed_bytes_total", "policy=\"logs\"")).isEqualTo((double) removedBytes);
    assertThat(value(body, "diskwarden_removed_bytes_total", "policy=\"logs\""))
        .isEqualTo((double) warden.status().statistics().perPolicy().get("logs").bytesRemoved());
    assertThat(value(body, "diskwarden_removals_total", "outcome=\"removed\"")).isPositive();
    assertThat(value(body, "diskwarden_sweep_duration_seconds_count", "base_dir")).isEqualTo(1.0);
    assertThat(value(body, "diskwarden_build_info", "version=\"1.2.3-test\"")).isEqualTo(1.0);
    assertThat(value(body, "diskwarden_last_sweep_timestamp_seconds", "base_dir")).isPositive();
  }

  @Test
  void everyDiskwardenSeries_carriesTheWatchLabel_defaultForOneDirectory() throws Exception {
    List<String> series = scrape().lines().filter(l -> l.startsWith("diskwarden_") && !l.startsWith("diskwarden_build_info"))
        .toList();
    assertThat(series).isNotEmpty().allMatch(l -> l.contains("watch=\"default\""));
  }

  @Test
  void severalWatches_areOneEndpoint_eachSeriesNamingItsWatch() throws Exception {
    Path other = Files.createDirectory(dir.resolve("other"));
    DiskWarden second = new DiskWarden(WatchSetup.of(Configs.parse("base_dir: " + other + "\nmin_free: 0B\nmin_free_percent: 0\n"),
        dir.resolve("logs2"), Clock.systemUTC()));
    Map<String, org.diskwarden.agent.AgentStatus> watches = new java.util.LinkedHashMap<>();
    watches.put("scratch", warden.status());
    watches.put("home", second.status());
    try (MetricsExporter both = MetricsExporter.start(() -> watches, new MetricsConfig(0, "127.0.0.1"), "t")) {
      String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + both.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();

      assertThat(value(body, "diskwarden_sweeps_total", "watch=\"scratch\"")).isEqualTo(1.0);
      assertThat(value(body, "diskwarden_sweeps_total", "watch=\"home\"")).isZero();
      assertThat(value(body, "diskwarden_volume_size_bytes", "base_dir=\"" + other + "\"")).isPositive();
      assertThat(body.lines().filter(l -> l.startsWith("diskwarden_state{")).count()).isEqualTo(6);
    }
  }

  @Test
  void scrape_passesPromtoolsStrictLint() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/promtool")),
        "SKIPPED: promtool (Debian's prometheus package, installed by .ci/run) is not here");
    Path scraped = Files.writeString(dir.resolve("scrape.txt"), scrape());

    Shell.Result lint = new Shell().run("bash", "-c", "promtool check metrics < " + scraped);

    assertThat(lint.exit()).as(lint.output()).isZero();
  }

  @Test
  void shippedRules_passPromtoolCheck_andTheirUnitTests() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/promtool")),
        "SKIPPED: promtool (Debian's prometheus package, installed by .ci/run) is not here");
    Shell shell = new Shell().cwd(Path.of("conf/prometheus").toAbsolutePath());

    Shell.Result check = shell.run("promtool", "check", "rules", "diskwarden-alerts.yml");
    Shell.Result test = shell.run("promtool", "test", "rules", "diskwarden-alerts.test.yml");

    assertThat(check.exit()).as(check.output()).isZero();
    assertThat(test.exit()).as(test.output()).isZero();
    assertThat(test.output()).contains("SUCCESS");
  }

  @Test
  void aRealPrometheus_scrapesTheAgent_andAnswersAQuery() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/prometheus")),
        "SKIPPED: Debian's prometheus package (installed by .ci/run) is not here");
    int web = RmiPort.free();
    Path conf = Files.writeString(dir.resolve("prometheus.yml"), """
        global:
          scrape_interval: 1s
        scrape_configs:
          - job_name: diskwarden
            static_configs:
              - targets: ['127.0.0.1:%d']
        """.formatted(metrics.port()));
    Process prometheus = new Shell().builder("prometheus", "--config.file=" + conf,
        "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + web)
        .redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      URI query = URI.create("http://127.0.0.1:" + web + "/api/v1/query?query=diskwarden_volume_free_bytes");
      ObjectMapper json = new ObjectMapper();
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
        JsonNode answer = json.readTree(http.send(HttpRequest.newBuilder(query).build(),
            HttpResponse.BodyHandlers.ofString()).body());
        return answer.at("/data/result").size() == 1;
      });
      JsonNode answer = json.readTree(http.send(HttpRequest.newBuilder(query).build(),
          HttpResponse.BodyHandlers.ofString()).body());
      JsonNode result = answer.at("/data/result/0");
      assertThat(result.at("/metric/job").asText()).isEqualTo("diskwarden");
      assertThat(result.at("/metric/base_dir").asText()).isEqualTo(warden.status().config().baseDir().toString());
      assertThat(Double.parseDouble(result.at("/value/1").asText())).isPositive();
    } finally {
      Shell.killTree(prometheus);
    }
  }

  @Test
  void dashboard_isValidJson_andQueriesOnlyExportedMetrics() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(Files.readString(Path.of("conf/grafana/diskwarden-dashboard.json"),
        StandardCharsets.UTF_8));
    String body = scrape();
    Set<String> exported = new HashSet<>();
    body.lines().map(SAMPLE::matcher).filter(Matcher::matches).forEach(m -> exported.add(m.group(1)));
    List<String> exprs = dashboard.findValues("expr").stream().map(JsonNode::asText).toList();
    assertThat(exprs).hasSizeGreaterThanOrEqualTo(8);
    Matcher names = Pattern.compile("diskwarden_[a-z_]+").matcher(String.join("\n", exprs));
    Set<String> queried = new HashSet<>();
    while (names.find()) {
      queried.add(names.group());
    }
    assertThat(queried).isNotEmpty();
    assertThat(exported).containsAll(queried);
  }
}
