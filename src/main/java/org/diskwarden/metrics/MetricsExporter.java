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
  private final HTTPServer server;
  private final PrometheusRegistry registry;

  private MetricsExporter(HTTPServer server, PrometheusRegistry registry) {
    this.server = server;
    this.registry = registry;
  }

  /**
   * Registers the metrics and serves them.
   *
   * @throws UncheckedIOException when the port cannot be bound
   */
  public static MetricsExporter start(AgentStatus warden, MetricsConfig config, String version) {
    PrometheusRegistry registry = new PrometheusRegistry();
    register(registry, warden, version);
    JvmMetrics.builder().register(registry);
    try {
      HTTPServer server = HTTPServer.builder().hostname(config.host()).port(config.port()).registry(registry)
          .buildAndStart();
      return new MetricsExporter(server, registry);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics on " + config.host() + ":" + config.port(), e);
    }
  }

  /** The port actually bound. */
  public int port() {
    return server.getPort();
  }

  PrometheusRegistry registry() {
    return registry;
  }

  static void register(PrometheusRegistry registry, AgentStatus warden, String version) {
    String base = warden.config().baseDir().toString();
    gauge(registry, "diskwarden_volume_free_bytes", "Free (usable) bytes on the volume of base_dir", warden,
        w -> usage(w).free());
    gauge(registry, "diskwarden_volume_size_bytes", "Size of the volume of base_dir in bytes", warden,
        w -> usage(w).total());
    gauge(registry, "diskwarden_trigger_free_bytes", "Cleanup starts below this many free bytes (headroom included)",
        warden, w -> w.thresholds().triggerBytes(usage(w).total()));
    gauge(registry, "diskwarden_target_free_bytes", "Cleanup stops at this many free bytes", warden,
        w -> w.thresholds().targetBytes(usage(w).total()));
    gauge(registry, "diskwarden_fill_rate_bytes_per_second", "How fast free space shrinks (negative: it grows)",
        warden, w -> w.forecast().fillBytesPerSecond());
    gauge(registry, "diskwarden_seconds_to_full", "Seconds until the disk is full at the measured rate (+Inf: not filling)",
        warden, w -> w.forecast().toFull().map(d -> d.toMillis() / 1000.0).orElse(Double.POSITIVE_INFINITY));
    gauge(registry, "diskwarden_last_sweep_timestamp_seconds", "When the last sweep ended (0: none yet)", warden,
        w -> w.statistics().lastEnd().map(t -> t.toEpochMilli() / 1000.0).orElse(0.0));
    gauge(registry, "diskwarden_git_gc_seconds", "Duration of the last git gc", warden,
        w -> lastGc(w).map(r -> r.took().toMillis() / 1000.0).orElse(0.0));
    gauge(registry, "diskwarden_git_gc_freed_bytes", "Free bytes the last git gc gained on the volume", warden,
        w -> lastGc(w).map(GitGcReport::volumeFreed).orElse(0L));
    GaugeWithCallback.builder().name("diskwarden_state").help("1 for the current state (ok, low, critical)")
        .labelNames("base_dir", "state").callback(cb -> {
          for (State s : State.values()) {
            cb.call(warden.state() == s ? 1 : 0, base, s.name().toLowerCase(java.util.Locale.ROOT));
          }
        }).register(registry);
    GaugeWithCallback.builder().name("diskwarden_build_info").help("The diskwarden version").labelNames("version")
        .callback(cb -> cb.call(1, version)).register(registry);
    CounterWithCallback.builder().name("diskwarden_sweeps_total").help("Sweeps since start").labelNames("base_dir")
        .callback(cb -> cb.call(warden.statistics().sweeps(), base)).register(registry);
    CounterWithCallback.builder().name("diskwarden_removed_bytes_total").help("Bytes removed, per policy")
        .labelNames("base_dir", "policy").callback(cb -> perPolicy(warden).forEach((p, c) ->
            cb.call(c.bytesRemoved(), base, p))).register(registry);
    CounterWithCallback.builder().name("diskwarden_removals_total")
        .help("Removals per policy and outcome (removed, failed)").labelNames("base_dir", "policy", "outcome")
        .callback(cb -> perPolicy(warden).forEach((p, c) -> {
          cb.call(c.removed(), base, p, "removed");
          cb.call(c.failed(), base, p, "failed");
        })).register(registry);
    GaugeWithCallback.builder().name("diskwarden_policy_candidate_bytes")
        .help("Bytes the candidates of each policy would free, in the last plan").labelNames("base_dir", "policy")
        .callback(cb -> warden.config().policies().forEach(p -> cb.call(warden.lastPlan()
            .map(plan -> plan.candidates().stream().filter(c -> c.policy().equals(p.name()))
                .mapToLong(Candidate::bytes).sum()).orElse(0L), base, p.name())))
        .register(registry);
    CounterWithCallback.builder().name("diskwarden_notifications_total")
        .help("Notification deliveries per outlet (email, webhook, exec) and outcome (sent, failed)")
        .labelNames("base_dir", "outlet", "outcome").callback(cb -> {
          // every outlet kind and outcome, zeros included, so rules and dashboards always find the series
          Map<String, Long> counts = warden.notificationOutcomes();
          for (OutletKind outlet : OutletKind.values()) {
            for (OutletKind.Outcome outcome : OutletKind.Outcome.values()) {
              cb.call(counts.getOrDefault(outlet.key() + "/" + outcome.key(), 0L), base, outlet.key(), outcome.key());
            }
          }
        }).register(registry);
    Histogram sweepSeconds = Histogram.builder().name("diskwarden_sweep_duration_seconds")
        .help("Duration of sweeps").labelNames("base_dir").classicOnly()
        .classicUpperBounds(0.01, 0.1, 1, 5, 30, 60, 300, 1800).register(registry);
    warden.statistics().addListener(r ->
        sweepSeconds.labelValues(base).observe(Duration.between(r.start(), r.end()).toNanos() / 1e9));
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

  private static void gauge(PrometheusRegistry registry, String name, String help, AgentStatus warden,
      ToDoubleFunction<AgentStatus> value) {
    String base = warden.config().baseDir().toString();
    GaugeWithCallback.builder().name(name).help(help).labelNames("base_dir")
        .callback(cb -> cb.call(value.applyAsDouble(warden), base)).register(registry);
  }

  @Override
  public void close() {
    server.close();
  }
}
