package org.diskwarden.notify;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.diskwarden.config.NotifyConfig;

/** POSTs the event to a webhook: Slack's shape or the full JSON document, signed when a secret is set. */
final class WebhookNotifier implements Outlet {
  private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
  private static final org.apache.logging.log4j.Logger LOG = org.apache.logging.log4j.LogManager.getLogger(WebhookNotifier.class);
  private final NotifyConfig.Webhook config;
  private final ExecutorService io;
  private final UnaryOperator<String> env;
  private volatile HttpClient client;

  WebhookNotifier(NotifyConfig.Webhook config, ExecutorService io, UnaryOperator<String> env) {
    this.config = config;
    this.io = io;
    this.env = env;
  }

  /**
   * The client, made at the first delivery: an agent at rest sends nothing, and an HttpClient (its
   * selector thread, buffers and the classes of java.net.http) costs about 4 MB of resident memory.
   */
  private HttpClient client() {
    HttpClient c = client;
    if (c == null) {
      synchronized (this) {
        c = client;
        if (c == null) {
          // HTTP/1.1: the default h2c upgrade breaks some receivers.
          c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(config.timeout())
              .executor(io).build();
          client = c;
        }
      }
    }
    return c;
  }

  @Override
  public OutletKind kind() {
    return OutletKind.WEBHOOK;
  }

  @Override
  public String name() {
    return "webhook " + config.format() + " " + config.shown();
  }

  @Override
  public String send(Event event, Templates.Message message, String deliveryId, String suppressed)
      throws DeliveryException {
    String body = config.format().equals("slack") ? message.slackJson()
        : EventDocument.of(event, deliveryId, suppressed);
    HttpRequest.Builder request = HttpRequest.newBuilder(config.url())
        .timeout(config.timeout())
        .header("Content-Type", "application/json")
        .header("User-Agent", "diskwarden")
        .header("X-Diskwarden-Event", event.type().key())
        .header("X-Diskwarden-Delivery", deliveryId)
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    for (Map.Entry<String, String> h : config.headers().entrySet()) {
      request.header(h.getKey(), expand(h.getValue(), env));
    }
    Optional<String> secret = config.secretEnv().map(env);
    if (secret.isPresent()) {
      request.header("X-Diskwarden-Signature", "sha256=" + hmac(secret.get(), body));
    }
    HttpResponse<String> response;
    try {
      // request.timeout covers only the headers on Java 17: a stalled body needs an overall bound.
      response = client().sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
          .orTimeout(config.timeout().toMillis(), TimeUnit.MILLISECONDS).join();
    } catch (CompletionException e) {
      Throwable cause = Optional.ofNullable(e.getCause()).orElse(e);
      throw new DeliveryException(name() + ": " + cause, true, cause);
    }
    int status = response.statusCode();
    // A receiver may echo what it was sent (a token in a header, say): its body only at DEBUG, truncated.
    LOG.debug("{} answered {}: {}", name(), status, abbreviate(response.body()));
    String answer = "HTTP " + status;
    if (status >= 200 && status < 300) {
      return answer;
    }
    // 400, 413 and 422: the receiver refused what was sent (Slack's invalid_payload, a body too big)
    boolean refused = status == 400 || status == 413 || status == 422;
    throw new DeliveryException(name() + " answered " + answer, status >= 500 || status == 429, refused, null);
  }

  /** HMAC-SHA256 of {@code body} with {@code secret}, hex. */
  static String hmac(String secret, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
    }
  }

  private static String expand(String value, UnaryOperator<String> env) {
    Matcher m = ENV.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(Optional.ofNullable(env.apply(m.group(1))).orElse("")));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String abbreviate(String body) {
    String oneLine = body == null ? "" : body.replaceAll("\\s+", " ").strip();
    return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
  }
}
