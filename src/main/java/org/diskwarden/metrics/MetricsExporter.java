package org.diskwarden.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.diskwarden.agent.AgentStatus;
import org.diskwarden.config.MetricsConfig;
import org.diskwarden.git.GitGcReport;
import org.diskwarden.notify.OutletKind;
import org.diskwarden.policy.Candidate;
import org.diskwarden.sweep.SweepStatistics;
import org.diskwarden.volume.State;
import org.diskwarden.volume.Usage;

/**
 * {@code /metrics} for Prometheus. Every value is read at scrape time from the agent (the numbers JMX
 * shows); only the sweep-duration histogram observes as sweeps end. One label set per base_dir.
 */
public final class MetricsExporter implements AutoCloseable {
  private HTTPServer server;
  private Histogram sweepSeconds;
  private final PrometheusRegistry registry;

  private MetricsExporter(HTTPServer server, PrometheusRegistry registry) {
    this.server = server;
    this.registry = registry;
  }

  /** The watch name of an agent guarding one directory (a config without {@code watch:}). */
  public static final String DEFAULT_WATCH = "default";

  /**
   * Registers the metrics of one directory's agent (watch {@value #DEFAULT_WATCH}) and serves them.
   *
   * @throws UncheckedIOException when the port cannot be bound
   */
  public static MetricsExporter start(AgentStatus warden, MetricsConfig config, String version) {
    MetricsExporter exporter = start(() -> Map.of(DEFAULT_WATCH, warden), config, version);
    exporter.follow(DEFAULT_WATCH, warden);
    return exporter;
  }

  /**
   * Registers the metrics of every watch {@code watches} names when scraped (watches come and go with
   * reloads) and serves them; every diskwarden_* series carries the {@code watch} label.
   *
   * @throws UncheckedIOException when the port cannot be bound
   */
  public static MetricsExporter start(Supplier<Map<String, AgentStatus>> watches, MetricsConfig config,
      String version) {
    PrometheusRegistry registry = new PrometheusRegistry();
    MetricsExporter exporter = new MetricsExporter(null, registry);
    exporter.sweepSeconds = register(registry, watches, version);
    JvmMetrics.builder().register(registry);
    try {
      // one thread answers scrapes (Prometheus scrapes one at a time, every 15 s or so): the default pool
      // of up to ten threads cost ~15 MB of an idle agent's RSS for nothing (bench/run.sh, idle rows)
      exporter.server = HTTPServer.builder().hostname(config.host()).port(config.port()).registry(registry)
          .executorService(scrapeThread()).buildAndStart();
      return exporter;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics on " + config.host() + ":" + config.port(), e);
    }
  }

  private static java.util.concurrent.ExecutorService scrapeThread() {
    return java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "diskwarden-metrics");
      t.setDaemon(true);
      return t;
    });
  }

  /** Observes the sweeps of {@code watch} (their durations are a histogram, fed as sweeps end). */
  public void follow(String watch, AgentStatus status) {
    String base = status.config().baseDir().toString();
    var series = sweepSeconds.labelValues(watch, base);   // the series exist (at zero) before any sweep
    java.time.Instant from = java.time.Instant.now();
    status.statistics().addListener(r -> series.observe(Duration.between(r.start(), r.end()).toNanos() / 1e9));
    // a sweep that ended before this (the first check runs as the agent starts) is observed too
    status.statistics().last().filter(r -> r.end().isBefore(from))
        .ifPresent(r -> series.observe(Duration.between(r.start(), r.end()).toNanos() / 1e9));
  }

  /** The port actually bound. */
  public int port() {
    return server.getPort();
  }

  PrometheusRegistry registry() {
    return registry;
  }

  static Histogram register(PrometheusRegistry registry, Supplier<Map<String, AgentStatus>> watches,
      String version) {
    gauge(registry, "diskwarden_volume_free_bytes", "Free (usable) bytes on the volume of base_dir", watches,
        w -> usage(w).free());
    gauge(registry, "diskwarden_volume_size_bytes", "Size of the volume of base_dir in bytes", watches,
        w -> usage(w).total());
    gauge(registry, "diskwarden_trigger_free_bytes", "Cleanup starts below this many free bytes (headroom included)",
        watches, w -> w.thresholds().triggerBytes(usage(w).total()));
    gauge(registry, "diskwarden_target_free_bytes", "Cleanup stops at this many free bytes", watches,
        w -> w.thresholds().targetBytes(usage(w).total()));
    gauge(registry, "diskwarden_fill_rate_bytes_per_second", "How fast free space shrinks (negative: it grows)",
        watches, w -> w.forecast().fillBytesPerSecond());
    gauge(registry, "diskwarden_seconds_to_full", "Seconds until the disk is full at the measured rate (+Inf: not filling)",
        watches, w -> w.forecast().toFull().map(d -> d.toMillis() / 1000.0).orElse(Double.POSITIVE_INFINITY));
    gauge(registry, "diskwarden_last_sweep_timestamp_seconds", "When the last sweep ended (0: none yet)", watches,
        w -> w.statistics().lastEnd().map(t -> t.toEpochMilli() / 1000.0).orElse(0.0));
    gauge(registry, "diskwarden_git_gc_seconds", "Duration of the last git gc", watches,
        w -> lastGc(w).map(r -> r.took().toMillis() / 1000.0).orElse(0.0));
    gauge(registry, "diskwarden_git_gc_freed_bytes", "Free bytes the last git gc gained on the volume", watches,
        w -> lastGc(w).map(GitGcReport::volumeFreed).orElse(0L));
    GaugeWithCallback.builder().name("diskwarden_state").help("1 for the current state (ok, low, critical)")
        .labelNames("watch", "base_dir", "state").callback(cb -> watches.get().forEach((name, w) -> {
          for (State s : State.values()) {
            cb.call(w.state() == s ? 1 : 0, name, base(w), s.name().toLowerCase(java.util.Locale.ROOT));
          }
        })).register(registry);
    GaugeWithCallback.builder().name("diskwarden_build_info").help("The diskwarden version").labelNames("version")
        .callback(cb -> cb.call(1, version)).register(registry);
    CounterWithCallback.builder().name("diskwarden_sweeps_total").help("Sweeps since start")
        .labelNames("watch", "base_dir")
        .callback(cb -> watches.get().forEach((name, w) -> cb.call(w.statistics().sweeps(), name, base(w))))
        .register(registry);
    CounterWithCallback.builder().name("diskwarden_removed_bytes_total").help("Bytes removed, per policy")
        .labelNames("watch", "base_dir", "policy").callback(cb -> watches.get().forEach((name, w) ->
            perPolicy(w).forEach((p, c) -> cb.call(c.bytesRemoved(), name, base(w), p)))).register(registry);
    CounterWithCallback.builder().name("diskwarden_removals_total")
        .help("Removals per policy and outcome (removed, failed)").labelNames("watch", "base_dir", "policy", "outcome")
        .callback(cb -> watches.get().forEach((name, w) -> perPolicy(w).forEach((p, c) -> {
          cb.call(c.removed(), name, base(w), p, "removed");
          cb.call(c.failed(), name, base(w), p, "failed");
        }))).register(registry);
    GaugeWithCallback.builder().name("diskwarden_policy_candidate_bytes")
        .help("Bytes the candidates of each policy would free, in the last plan")
        .labelNames("watch", "base_dir", "policy")
        .callback(cb -> watches.get().forEach((name, w) -> w.config().policies().forEach(p -> cb.call(w.lastPlan()
            .map(plan -> plan.candidates().stream().filter(c -> c.policy().equals(p.name()))
                .mapToLong(Candidate::bytes).sum()).orElse(0L), name, base(w), p.name()))))
        .register(registry);
    CounterWithCallback.builder().name("diskwarden_notifications_total")
        .help("Notification deliveries per outlet (email, webhook, exec) and outcome (sent, failed)")
        .labelNames("watch", "base_dir", "outlet", "outcome").callback(cb -> watches.get().forEach((name, w) -> {
          // every outlet kind and outcome, zeros included, so rules and dashboards always find the series
          Map<String, Long> counts = w.notificationOutcomes();
          for (OutletKind outlet : OutletKind.values()) {
            for (OutletKind.Outcome outcome : OutletKind.Outcome.values()) {
              cb.call(counts.getOrDefault(outlet.key() + "/" + outcome.key(), 0L), name, base(w), outlet.key(),
                  outcome.key());
            }
          }
        })).register(registry);
    return Histogram.builder().name("diskwarden_sweep_duration_seconds")
        .help("Duration of sweeps").labelNames("watch", "base_dir").classicOnly()
        .classicUpperBounds(0.01, 0.1, 1, 5, 30, 60, 300, 1800).register(registry);
  }

  private static String base(AgentStatus w) {
    return w.config().baseDir().toString();
  }

  private static Map<String, SweepStatistics.PolicyCounts> perPolicy(AgentStatus w) {
    return w.statistics().perPolicy();
  }

  private static Usage usage(AgentStatus w) {
    return w.lastUsage().orElseGet(w::usage);
  }

  private static Optional<GitGcReport> lastGc(AgentStatus w) {
    List<GitGcReport> last = w.lastGitGc();
    return last.isEmpty() ? Optional.empty() : Optional.of(last.get(last.size() - 1));
  }

  private static void gauge(PrometheusRegistry registry, String name, String help,
      Supplier<Map<String, AgentStatus>> watches, ToDoubleFunction<AgentStatus> value) {
    GaugeWithCallback.builder().name(name).help(help).labelNames("watch", "base_dir")
        .callback(cb -> watches.get().forEach((watch, w) -> cb.call(value.applyAsDouble(w), watch, base(w))))
        .register(registry);
  }

  @Override
  public void close() {
    server.close();
  }
}
