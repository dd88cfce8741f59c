package org.diskwarden.config;

/**
 * The {@code metrics:} section: the Prometheus endpoint.
 *
 * @param port TCP port of {@code /metrics}; 0 = off (the default)
 * @param host address to bind; 127.0.0.1 unless a scraper on another machine needs it
 */
public record MetricsConfig(int port, String host) {

  public MetricsConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("metrics.port value was set to " + port + ", must be 0 (off) or 1..65535");
    }
  }

  public static MetricsConfig off() {
    return new MetricsConfig(0, "127.0.0.1");
  }

  public boolean enabled() {
    return port > 0;
  }
}
