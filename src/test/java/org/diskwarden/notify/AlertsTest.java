package org.diskwarden.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.diskwarden.Configs;
import org.diskwarden.config.EventType;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.notify.Event;
import org.diskwarden.volume.Forecast;
import org.diskwarden.volume.State;
import org.diskwarden.volume.Usage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertsTest {
  private static final long GB = 1L << 30;

  @TempDir
  Path base;

  @Test
  void fillingUp_firesOncePerApproach_withTheForecastInTheMessage() throws Exception {
    WardenConfig config = Configs.parse("base_dir: " + base + "\npredict_horizon: 4h\n");
    Usage usage = new Usage(1000 * GB, 100 * GB, Instant.now());
    Alerts alerts = new Alerts(Clock.systemUTC(), () -> config, () -> Optional.of(usage), SpaceSurvey.none());
    List<Event> events = new CopyOnWriteArrayList<>();
    alerts.addNotifier(events::add);
    double fast = 50.0 * GB / 3600;   // 100 GB free at 50 GB/h: full in 2 h
    double slow = 10.0 * GB / 3600;   // full in 10 h

    alerts.fillingUp(Forecast.of(fast, usage.free(), 50 * GB));
    alerts.fillingUp(Forecast.of(fast, usage.free(), 50 * GB));
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.type()).isEqualTo(EventType.FILLING_UP);
      assertThat(e.message()).contains("filling 50.00 GB/h").contains("full in 2.0 h");
    });

    alerts.fillingUp(Forecast.of(slow, usage.free(), 50 * GB));
    alerts.fillingUp(Forecast.of(fast, usage.free(), 50 * GB));
    assertThat(events).hasSize(2);
  }

  @Test
  void fillingUp_belowTheTrigger_saysSoAndCarriesLow_notTheOkOfTheCheckBefore() throws Exception {
    WardenConfig config = Configs.parse("base_dir: " + base + "\npredict_horizon: 4h\n");
    Usage usage = new Usage(1000 * GB, 20 * GB, Instant.now());
    Alerts alerts = new Alerts(Clock.systemUTC(), () -> config, () -> Optional.of(usage), SpaceSurvey.none());
    List<Event> events = new CopyOnWriteArrayList<>();
    alerts.addNotifier(events::add);
    alerts.enter(State.OK);

    alerts.fillingUp(Forecast.of(50.0 * GB / 3600, usage.free(), 60 * GB), true);

    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.state()).isEqualTo(State.LOW);
      assertThat(e.message()).contains("already below the trigger");
    });
  }

  @Test
  void stateEdges_criticalOnce_recoveredOnce() throws Exception {
    WardenConfig config = Configs.parse("base_dir: " + base + "\n");
    Alerts alerts = new Alerts(Clock.systemUTC(), () -> config, Optional::empty, SpaceSurvey.none());
    List<EventType> events = new CopyOnWriteArrayList<>();
    alerts.addNotifier(e -> events.add(e.type()));

    alerts.enter(State.LOW);
    alerts.enter(State.CRITICAL);
    alerts.enter(State.CRITICAL);
    alerts.enter(State.OK);
    alerts.enter(State.OK);

    assertThat(events).containsExactly(EventType.CRITICAL, EventType.RECOVERED);
    assertThat(alerts.state()).isEqualTo(State.OK);
  }
}
