package org.diskwarden.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.diskwarden.Configs;
import org.diskwarden.MutableClock;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.WatchSetup;
import org.diskwarden.config.ConfigException;
import org.diskwarden.config.ConfigLoader;
import org.diskwarden.config.Watches;
import org.diskwarden.config.Thresholds;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** critical once, reminders at their period, recovered once, floods held back by min_interval. */
class AlertCadenceTest {
  @TempDir
  Path dir;

  Path base;
  Path conf;
  Receiver hooks;
  DiskWarden warden;
  final MutableClock clock = new MutableClock(Instant.now());

  @BeforeEach
  void setUp() throws Exception {
    base = Files.createDirectory(dir.resolve("base"));
    hooks = new Receiver();
    String yaml = Configs.incident(base, "1000TB", "1000TB", "full") + """
        notify:
          templates: %s
          events: [critical, critical_reminder, recovered, failure]
          critical_reminder: 10m
          min_interval: 5m
          webhooks:
            - url: %s
        """.formatted(Path.of("notifications").toAbsolutePath(), hooks.url("/json"));
    conf = Files.writeString(dir.resolve("diskwarden.yml"), yaml);
    Watches single = ConfigLoader.loadWatches(conf, Optional.empty());
    warden = new DiskWarden(WatchSetup.of(single, single.watches().get(0), Optional.of(conf), Optional.empty(),
        dir.resolve("logs"), clock));
    warden.start();
    await().until(() -> warden.status().lastCheck().isPresent());
  }

  @AfterEach
  void tearDown() {
    warden.stop();
    hooks.close();
  }

  private List<String> sent() {
    ObjectMapper json = new ObjectMapper();
    return hooks.at("/json").stream().map(r -> {
      try {
        return json.readTree(r.body()).get("type").asText();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }).toList();
  }

  private void checkAfter(Duration d) {
    clock.advance(d);
    warden.check();
  }

  @Test
  void criticalOnce_remindersAtThePeriod_recoveredOnce() {
    await().until(() -> sent().contains("critical"));

    checkAfter(Duration.ofMinutes(1));
    checkAfter(Duration.ofMinutes(10));
    await().until(() -> sent().contains("critical_reminder"));
    checkAfter(Duration.ofMinutes(1));
    checkAfter(Duration.ofMinutes(10));
    await().until(() -> sent().stream().filter("critical_reminder"::equals).count() == 2);

    warden.update(c -> c.withThresholds(new Thresholds(0, 0, 0, 0)));
    checkAfter(Duration.ofMinutes(1));
    checkAfter(Duration.ofMinutes(1));
    await().until(() -> sent().contains("recovered"));
    checkAfter(Duration.ofMinutes(20));

    // deliveries are asynchronous: nothing more may arrive for a while, not just at this instant
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
        .until(() -> sent().equals(List.of("critical", "critical_reminder", "critical_reminder", "recovered")));
  }

  @Test
  void minInterval_holdsBackAFlood_andTheNextMessageCountsIt() throws Exception {
    Files.writeString(conf, "base_dir: " + base + "\nmin_free: lots\n");
    for (int i = 0; i < 4; i++) {
      assertThatThrownBy(warden::reload).isInstanceOf(ConfigException.class);
    }
    await().until(() -> sent().contains("failure"));
    clock.advance(Duration.ofMinutes(6));
    assertThatThrownBy(warden::reload).isInstanceOf(ConfigException.class);

    await().until(() -> sent().stream().filter("failure"::equals).count() == 2);
    String second = hooks.at("/json").stream().map(Receiver.Request::body).filter(b -> b.contains("\"failure\""))
        .reduce((a, b) -> b).orElseThrow();
    assertThat(second).contains("(3 more since ");
    assertThat(sent().stream().filter("failure"::equals)).hasSize(2);
  }
}
