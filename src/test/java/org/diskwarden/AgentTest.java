package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.WatchSetup;
import org.diskwarden.volume.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentTest {
  @TempDir
  Path base;

  @TempDir
  Path logs;

  @Test
  void startedAgent_checksAtOnce_andCleansBelowTheTrigger() throws Exception {
    Incident.build(base);
    DiskWarden warden = new DiskWarden(WatchSetup.of(
        Configs.parse(Configs.incident(base, "1000TB", "1000TB", "full")), logs,
        Clock.systemUTC()));
    warden.start();
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> warden.status().statistics().sweeps() == 1);
      assertThat(base.resolve("models/versions/v001")).doesNotExist();
      assertThat(warden.status().state()).isEqualTo(State.CRITICAL);
      assertThat(warden.status().lastCleanup().orElseThrow().removed()).hasSize(8);
    } finally {
      warden.stop();
    }
  }

  @Test
  void pausedAgent_checksButRemovesNothing() throws Exception {
    Incident.build(base);
    String yaml = Configs.incident(base, "1000TB", "1000TB", "full") + "paused: true\n";
    DiskWarden warden = new DiskWarden(WatchSetup.of(Configs.parse(yaml), logs, Clock.systemUTC()));
    warden.start();
    try {
      // the first check has decided (a plan at start, made to learn the next save, is not a check)
      await().atMost(Duration.ofSeconds(20)).until(() -> warden.status().lastCheck().isPresent() && warden.status().state() != State.OK);
      assertThat(warden.status().statistics().sweeps()).isZero();
      assertThat(base.resolve("models/versions/v001")).exists();
    } finally {
      warden.stop();
    }
  }

  @Test
  void changingTheInterval_reschedulesTheTrigger() throws Exception {
    DiskWarden warden = new DiskWarden(WatchSetup.of(Configs.parse(Configs.incident(base, "0B", "0B", "full")), logs,
        Clock.systemUTC()));
    warden.start();
    try {
      Instant before = Instant.now();
      warden.update(c -> c.withCheckInterval(Duration.ofHours(7)));

      var schedule = warden.schedule().orElseThrow();
      assertThat(schedule.interval()).contains(Duration.ofHours(7));
      assertThat(schedule.nextFire().orElseThrow()).isBetween(before.plus(Duration.ofHours(7)).minusSeconds(1),
          Instant.now().plus(Duration.ofHours(7)).plusSeconds(1));
    } finally {
      warden.stop();
    }
    assertThat(warden.schedule()).isEmpty();
  }
}
