package org.diskwarden.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code notify:} section: which events go out, how often, and through which outlets.
 *
 * @param events event names sent (cleanup, critical, critical_reminder, recovered, failure, started, stopped)
 * @param criticalReminder period of critical_reminder while still CRITICAL; zero = never
 * @param minInterval per event type at most one message per interval; zero = no limit
 * @param retries tries per outlet and event (connection errors, 5xx, 429)
 * @param retryBackoff wait before the second try, doubled for each further one
 * @param templates folder of the message templates (default: {@code notifications/} beside the config's folder)
 * @param email the SMTP outlet, if any
 * @param webhooks the HTTP outlets
 * @param exec a program run with the event as JSON on stdin, if any
 */
public record NotifyConfig(List<String> events, Duration criticalReminder, Duration minInterval, int retries,
    Duration retryBackoff, Path templates, Optional<Email> email, List<Webhook> webhooks,
    Optional<String> exec) {

  /** Every event name, in the order the docs list them. */
  public static final List<String> EVENTS = java.util.Arrays.stream(EventType.values()).map(EventType::key).toList();
  /** Every event but started and stopped. */
  public static final List<String> DEFAULT_EVENTS = EVENTS.stream()
      .filter(e -> !e.equals(EventType.STARTED.key()) && !e.equals(EventType.STOPPED.key())).toList();

  public NotifyConfig {
    events = List.copyOf(events);
    webhooks = List.copyOf(webhooks);
  }

  /** No outlet configured: events are only logged (and sent over JMX). */
  public static NotifyConfig none() {
    return new NotifyConfig(DEFAULT_EVENTS, Duration.ofHours(1), Duration.ofMinutes(5), 3, Duration.ofSeconds(15),
        Path.of("notifications"), Optional.empty(), List.of(), Optional.empty());
  }

  public boolean hasOutlets() {
    return email.isPresent() || !webhooks.isEmpty() || exec.isPresent();
  }

  /**
   * The SMTP outlet.
   *
   * @param transport smtp | smtp_tls (STARTTLS required) | smtps
   * @param passwordEnv name of the environment variable holding the password
   * @param tlsVerify false trusts any certificate (a self-signed internal relay)
   */
  public record Email(String host, int port, String transport, Optional<String> username, Optional<String> passwordEnv,
      String from, List<String> to, Duration timeout, boolean tlsVerify) {
    public static final List<String> TRANSPORTS = List.of("smtp", "smtp_tls", "smtps");

    public Email {
      to = List.copyOf(to);
    }
  }

  /**
   * An HTTP outlet.
   *
   * @param format slack ({"text": ...} with blocks) | json (the full event document)
   * @param secretEnv name of the environment variable holding the HMAC-SHA256 secret
   * @param headers extra headers; {@code ${VAR}} in a value is taken from the environment
   */
  public record Webhook(URI url, String format, Optional<String> secretEnv, Map<String, String> headers,
      Duration timeout) {
    public static final List<String> FORMATS = List.of("slack", "json");

    public Webhook {
      headers = Map.copyOf(headers);
    }

    /**
     * The URL as it may be shown anywhere (logs, notify-test, status, JMX, events): scheme, host and
     * port only. Slack's path ({@code /services/T.../B.../X...}) and userinfo are secrets.
     */
    public String shown() {
      return shown(url);
    }

    /** {@code https://hooks.slack.com/…} for any URL. */
    public static String shown(URI url) {
      if (url == null || url.getScheme() == null || url.getHost() == null) {
        return "(an unparsable URL)";
      }
      return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort()) + "/…";
    }

    /** Never the URL's path or userinfo, nor header values: they carry tokens. */
    @Override
    public String toString() {
      return "Webhook[url=" + shown() + ", format=" + format + ", secretEnv=" + secretEnv + ", headers="
          + headers.keySet() + ", timeout=" + timeout + "]";
    }
  }
}
