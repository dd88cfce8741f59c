package org.diskwarden.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diskwarden.config.EventType;
import org.diskwarden.config.NotifyConfig;
import org.diskwarden.config.Thresholds;
import org.diskwarden.volume.State;
import org.diskwarden.volume.Usage;

/**
 * Takes events from the agent and delivers them to every outlet, never on the agent's thread: a
 * bounded queue, two sender threads, retries with backoff for connection errors, 5xx and 429, and per
 * event type at most one message per {@code min_interval} (the suppressed ones are counted and named
 * in the next message). A final failure is logged and counted, and raises no new event. A message an
 * outlet refused for what it says is counted as failed and sent again at once in a neutral form
 * (without names), so the alert still arrives.
 */
public final class Dispatcher implements Notifier, AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(Dispatcher.class);
  private static final int QUEUE_LIMIT = 1000;
  private static final Duration DRAIN = Duration.ofSeconds(10);
  private static final DateTimeFormatter HHMM = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneId.systemDefault());

  private final NotifyConfig config;
  private final Templates templates;
  private final List<Outlet> outlets;
  private final Clock clock;
  private final ScheduledThreadPoolExecutor senders;
  private final ExecutorService io;
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong delivered = new AtomicLong();
  private final Map<EventType, Window> windows = new EnumMap<>(EventType.class);
  private final Map<String, AtomicLong> outcomes = new java.util.concurrent.ConcurrentHashMap<>();

  /** Per event type: when one was last sent, and what was held back since. */
  private static final class Window {
    Instant lastSent;
    int suppressed;
    Instant firstSuppressed;
  }

  private Dispatcher(NotifyConfig config, Templates templates, Clock clock, UnaryOperator<String> env) {
    this.config = config;
    this.templates = templates;
    this.clock = clock;
    this.io = Executors.newCachedThreadPool(daemon("diskwarden-notify-io"));
    this.senders = new ScheduledThreadPoolExecutor(2, daemon("diskwarden-notify"));
    List<Outlet> list = new ArrayList<>();
    config.email().ifPresent(e -> list.add(new EmailNotifier(e, io, env)));
    config.webhooks().forEach(w -> list.add(new WebhookNotifier(w, io, env)));
    config.exec().ifPresent(x -> list.add(new ExecNotifier(x)));
    this.outlets = List.copyOf(list);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Reads and checks the templates (every event, every outlet's form), then starts the senders.
   *
   * @param env reads an environment variable (secrets come from the environment, never the file)
   * @throws IllegalArgumentException naming the template file and line that is wrong
   */
  public static Dispatcher start(NotifyConfig config, Clock clock, UnaryOperator<String> env) {
    Templates templates = Templates.load(config.templates(), NotifyConfig.EVENTS);
    ObjectMapper json = new ObjectMapper();
    for (EventType type : EventType.values()) {
      String slack = templates.render(sample(type, clock.instant()), "").slackJson();
      try {
        json.readTree(slack);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(config.templates().resolve(type.key() + ".slack.json")
            + ": does not render to valid JSON: " + e.getOriginalMessage(), e);
      }
    }
    config.email().flatMap(NotifyConfig.Email::passwordEnv).filter(v -> env.apply(v) == null)
        .ifPresent(v -> LOG.warn("notify.email.password_env names {}, which is not set: sending without a password", v));
    return new Dispatcher(config, templates, clock, env);
  }

  /** An event with made-up numbers, for checking templates and for notify-test. */
  public static Event sample(EventType type, Instant now) {
    return new Event(type, now, "sample-host", "/data/training", type == EventType.CRITICAL ? State.CRITICAL : State.OK,
        new Usage(1800L << 30, 98L << 30, now), new Thresholds(50L << 30, 10, 60L << 30, 12), Optional.empty(),
        "sample " + type.key() + " event from bin/diskwarden notify-test",
        SampleHolders.forEvent(type, java.nio.file.Path.of("/data/training")), Optional.empty());
  }

  @Override
  public void publish(Event event) {
    if (!config.events().contains(event.type().key()) || outlets.isEmpty()) {
      return;
    }
    String suppressed;
    synchronized (windows) {
      Window w = windows.computeIfAbsent(event.type(), t -> new Window());
      Instant now = clock.instant();
      if (w.lastSent != null && now.isBefore(w.lastSent.plus(config.minInterval()))) {
        if (w.suppressed++ == 0) {
          w.firstSuppressed = now;
        }
        LOG.info("Notification {} held back by min_interval ({} held since {})", event.type().key(), w.suppressed,
            HHMM.format(w.firstSuppressed));
        return;
      }
      suppressed = w.suppressed == 0 ? ""
          : "(" + w.suppressed + " more since " + HHMM.format(w.firstSuppressed) + ")";
      w.lastSent = now;
      w.suppressed = 0;
    }
    if (pending.incrementAndGet() > QUEUE_LIMIT) {
      pending.decrementAndGet();
      failures.incrementAndGet();
      LOG.error("Notification queue full ({} waiting): {} event dropped", QUEUE_LIMIT, event.type().key());
      return;
    }
    Templates.Message message = templates.render(event, suppressed);
    String id = UUID.randomUUID().toString();
    pending.addAndGet(outlets.size() - 1);
    for (Outlet outlet : outlets) {
      senders.execute(() -> attempt(new Delivery(outlet, event, message, id, suppressed, false), 1));
    }
  }

  /** One message on its way through one outlet; {@code neutral}: the form sent after a refusal. */
  private record Delivery(Outlet outlet, Event event, Templates.Message message, String id, String suppressed,
      boolean neutral) {
    /** The same event in words made here, without a name from a user's tree (see Templates.neutral). */
    Delivery neutralForm() {
      Templates.Message text = Templates.neutral(event, id);
      return new Delivery(outlet, event.neutral(text.text().lines().findFirst().orElse("")), text, id, suppressed, true);
    }
  }

  private void attempt(Delivery d, int n) {
    String what = d.event().type().key() + (d.neutral() ? " (neutral form)" : "");
    try {
      String answer = d.outlet().send(d.event(), d.message(), d.id(), d.suppressed());
      delivered.incrementAndGet();
      count(d.outlet(), d.event(), OutletKind.Outcome.SENT);
      pending.decrementAndGet();
      LOG.info("Notification {} {} sent through {}: {}", what, d.id(), d.outlet().name(), answer);
    } catch (Outlet.DeliveryException e) {
      if (e.retryable() && n < config.retries() && !senders.isShutdown()) {
        long delay = config.retryBackoff().toMillis() << (n - 1);
        LOG.warn("Notification {} through {} failed (try {} of {}), retrying in {} ms: {}", what,
            d.outlet().name(), n, config.retries(), delay, e.getMessage());
        senders.schedule(() -> attempt(d, n + 1), delay, TimeUnit.MILLISECONDS);
        return;
      }
      failures.incrementAndGet();
      count(d.outlet(), d.event(), OutletKind.Outcome.FAILED);
      if (e.refused() && !d.neutral()) {
        // the alert must still arrive: a failure counted, then the neutral form at once (still pending)
        LOG.error("Notification {} {} through {} refused for what it says: {}; sending it again in a neutral form."
            + " Its message: {}", what, d.id(), d.outlet().name(), e.getMessage(), d.event().message());
        attempt(d.neutralForm(), 1);
        return;
      }
      pending.decrementAndGet();
      LOG.error("Notification {} {} through {} failed for good after {} tr{}: {}", what, d.id(),
          d.outlet().name(), n, n == 1 ? "y" : "ies", e.getMessage());
    } catch (RuntimeException e) {
      pending.decrementAndGet();
      failures.incrementAndGet();
      count(d.outlet(), d.event(), OutletKind.Outcome.FAILED);
      LOG.error("Notification {} through {} failed: {}", what, d.outlet().name(), e.toString());
    }
  }

  /** What one outlet answered to a test delivery; {@link #toString()} is the line notify-test prints. */
  public record Answer(String outlet, boolean delivered, String text) {
    @Override
    public String toString() {
      return outlet + (delivered ? ": OK " : ": FAILED ") + text;
    }
  }

  /** Sends {@code event} through every outlet now, once, and says what each answered. */
  public List<Answer> test(Event event) {
    List<Answer> answers = new ArrayList<>();
    Templates.Message message = templates.render(event, "");
    for (Outlet outlet : outlets) {
      try {
        answers.add(new Answer(outlet.name(), true, outlet.send(event, message, UUID.randomUUID().toString(), "")));
      } catch (Outlet.DeliveryException e) {
        answers.add(new Answer(outlet.name(), false, e.getMessage()));
      }
    }
    return answers;
  }

  private void count(Outlet outlet, Event event, OutletKind.Outcome outcome) {
    // one watch of several: its deliveries are counted apart ("scratch:webhook/sent")
    String key = event.watch().map(w -> w + ":").orElse("") + outlet.kind().key() + "/" + outcome.key();
    outcomes.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
  }

  /** The deliveries of one watch's events ({@code "webhook/sent" -> 12}); empty: those of no watch. */
  public Map<String, Long> outcomes(java.util.Optional<String> watch) {
    String prefix = watch.map(w -> w + ":").orElse("");
    Map<String, Long> out = new java.util.TreeMap<>();
    outcomes.forEach((k, v) -> {
      String rest = k.startsWith(prefix) ? k.substring(prefix.length()) : null;
      if (rest != null && !rest.contains(":")) {
        out.put(rest, v.get());
      }
    });
    return out;
  }

  /** Deliveries per outlet kind and outcome: {@code "webhook/sent" -> 12}, {@code "email/failed" -> 1}. */
  public Map<String, Long> outcomes() {
    return outcomes(java.util.Optional.empty());
  }

  /** Deliveries that failed for good (or were dropped) since start. */
  public long failures() {
    return failures.get();
  }

  /** Deliveries that succeeded since start. */
  public long delivered() {
    return delivered.get();
  }

  /** Waits up to 10 s for queued deliveries, then stops the senders and closes the outlets. */
  @Override
  public void close() {
    senders.setExecuteExistingDelayedTasksAfterShutdownPolicy(true);
    senders.shutdown();
    try {
      if (!senders.awaitTermination(DRAIN.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("{} notification(s) still undelivered after {} s; dropped", pending.get(), DRAIN.toSeconds());
        senders.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      senders.shutdownNow();
    }
    outlets.forEach(Outlet::close);
    io.shutdownNow();
  }
}
