package org.diskwarden.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads {@code notify:}: which events, how often, and the outlets (email, webhooks, exec). */
final class NotifyReader {
  private static final Set<String> NOTIFY_KEYS = Set.of("events", "critical_reminder", "min_interval", "retries",
      "retry_backoff", "templates", "email", "webhooks", "exec");
  private static final Set<String> EMAIL_KEYS = Set.of("host", "port", "transport", "username", "password_env",
      "from", "to", "timeout", "tls_verify");
  private static final Set<String> WEBHOOK_KEYS = Set.of("url", "format", "secret_env", "headers", "timeout");

  private final Reader in;

  NotifyReader(Reader in) {
    this.in = in;
  }

  NotifyConfig notify(JsonNode n) {
    NotifyConfig d = NotifyConfig.none();
    if (!n.isObject()) {
      in.problem("notify must be a mapping (events, critical_reminder, min_interval, email, webhooks, exec)");
      return d;
    }
    in.unknownKeys(n, NOTIFY_KEYS, "notify.");
    List<String> events = n.has("events") ? in.strings(n, "events", "notify.") : d.events();
    for (String e : events) {
      if (!NotifyConfig.EVENTS.contains(e)) {
        in.problem("notify.events value '" + e + "' is not an event; allowed: " + NotifyConfig.EVENTS);
      }
    }
    Duration reminder = in.duration(n, "critical_reminder", d.criticalReminder(), "notify.");
    Duration minInterval = in.duration(n, "min_interval", d.minInterval(), "notify.");
    int retries = in.whole(n, "retries", d.retries(), 1, 10, "notify.");
    Duration backoff = in.duration(n, "retry_backoff", d.retryBackoff(), "notify.");
    // Templates live in notifications/ beside conf/, wherever the install is.
    // The install's own templates unless the config names others: a config kept outside conf/ works as is.
    String home = System.getProperty("diskwarden.home");
    Path templates = in.optionalText(n, "templates").map(in.configDir()::resolve)
        .orElse(home != null ? Path.of(home, "notifications") : in.configDir().resolve("../notifications")).normalize();
    Optional<NotifyConfig.Email> email = n.hasNonNull("email") ? Optional.ofNullable(email(n.get("email")))
        : Optional.empty();
    List<NotifyConfig.Webhook> hooks = new ArrayList<>();
    if (n.has("webhooks")) {
      JsonNode list = n.get("webhooks");
      if (!list.isArray()) {
        in.problem("notify.webhooks must be a list of {url, format, secret_env, headers, timeout}");
      } else {
        for (int i = 0; i < list.size(); i++) {
          NotifyConfig.Webhook hook = webhook(list.get(i), "notify.webhooks[" + i + "].");
          if (hook != null) {
            hooks.add(hook);
          }
        }
      }
    }
    return new NotifyConfig(events, reminder, minInterval, retries, backoff, templates, email, hooks,
        in.optionalText(n, "exec"));
  }

  private NotifyConfig.Email email(JsonNode e) {
    String at = "notify.email.";
    if (!e.isObject()) {
      in.problem("notify.email must be a mapping (host, port, transport, username, password_env, from, to, timeout)");
      return null;
    }
    in.unknownKeys(e, EMAIL_KEYS, at);
    String host = in.text(e, "host", "");
    if (host.isBlank()) {
      in.problem(at + "host is required: the SMTP server");
    }
    String transport = in.text(e, "transport", "smtp_tls");
    if (!NotifyConfig.Email.TRANSPORTS.contains(transport)) {
      in.invalid(at + "transport", transport, "one of " + NotifyConfig.Email.TRANSPORTS);
    }
    int defaultPort = switch (transport) {
      case "smtps" -> 465;
      case "smtp" -> 25;
      default -> 587;
    };
    int port = in.port(e, at + "port", defaultPort, 1, "a port number 1..65535");
    String from = in.text(e, "from", "");
    if (from.isBlank()) {
      in.problem(at + "from is required: the sender address");
    }
    List<String> to = in.strings(e, "to", at);
    if (to.isEmpty()) {
      in.problem(at + "to is required: one or more recipient addresses");
    }
    Duration timeout = in.duration(e, "timeout", Duration.ofSeconds(10), at);
    return new NotifyConfig.Email(host, port, transport, in.optionalText(e, "username"), in.optionalText(e, "password_env"),
        from, to, timeout, in.bool(e, "tls_verify", true, at));
  }

  private NotifyConfig.Webhook webhook(JsonNode w, String at) {
    if (!w.isObject()) {
      in.problem(at.substring(0, at.length() - 1) + " must be a mapping {url, format, secret_env, headers, timeout}");
      return null;
    }
    in.unknownKeys(w, WEBHOOK_KEYS, at);
    String url = in.text(w, "url", "");
    java.net.URI uri = null;
    try {
      uri = new java.net.URI(url);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new java.net.URISyntaxException(url, "must be an http or https URL");
      }
    } catch (java.net.URISyntaxException ex) {
      String shown = NotifyConfig.Webhook.shown(java.net.URI.create(url.replaceAll("[\\s\"<>{}|^`\\\\]", "")));
      in.problem(at + "url value was set to '" + (url.contains("://") ? shown : "(not a URL)")
          + "' (path and userinfo not shown), must be an http:// or https:// URL");
    }
    String format = in.text(w, "format", "json");
    if (!NotifyConfig.Webhook.FORMATS.contains(format)) {
      in.invalid(at + "format", format, "one of " + NotifyConfig.Webhook.FORMATS);
    }
    java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
    if (w.has("headers")) {
      if (!w.get("headers").isObject()) {
        in.problem(at + "headers must be a mapping of header name to value");
      } else {
        w.get("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
      }
    }
    Duration timeout = in.duration(w, "timeout", Duration.ofSeconds(5), at);
    return uri == null ? null : new NotifyConfig.Webhook(uri, format, in.optionalText(w, "secret_env"), headers, timeout);
  }
}
