package org.diskwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The agent's way out is bounded: a stop that never ends halts the JVM before SIGKILL would come. */
class StopTest {
  private final List<Integer> halted = new CopyOnWriteArrayList<>();

  @Test
  void stopThatNeverEnds_haltsWithStatus1_afterFiveSixthsOfTheTimeout() {
    CountDownLatch never = new CountDownLatch(1);
    Stop stop = new Stop(Duration.ofSeconds(3), () -> {
      while (true) {
        try {
          never.await();
          return;
        } catch (InterruptedException e) {
          // stuck for good
        }
      }
    }, halted::add);
    long start = System.nanoTime();
    Thread signal = new Thread(stop::begin);
    signal.setDaemon(true);
    signal.start();

    await().atMost(Duration.ofSeconds(10)).until(() -> !halted.isEmpty());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(2400), Duration.ofSeconds(3));
    assertThat(halted).containsExactly(1);
    never.countDown();
  }

  @Test
  void stopThatEnds_runsOnce_andNeverHalts() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    Stop stop = new Stop(Duration.ofSeconds(1), runs::incrementAndGet, halted::add);
    stop.begin();
    stop.begin();
    stop.await();
    assertThat(runs).hasValue(1);
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(halted::isEmpty);
  }

  @Test
  void timeout_isWholeSecondsFrom1To86400_defaulting30_andTheWorkGetsAThird() {
    assertThat(Stop.timeout(null)).isEqualTo(Duration.ofSeconds(30));
    assertThat(Stop.timeout("45")).isEqualTo(Duration.ofSeconds(45));
    assertThat(Stop.workWait(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(10));
    assertThat(new Stop(Duration.ofSeconds(30), () -> { }, halted::add).haltAfter()).isEqualTo(Duration.ofSeconds(25));
    for (String bad : List.of("0", "-5", "86401", "30s", "", "1e3")) {
      assertThatThrownBy(() -> Stop.timeout(bad)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("DISKWARDEN_STOP_TIMEOUT (diskwarden.stop.timeout) value was set to '" + bad
              + "', must be a whole number of seconds from 1 to 86400");
    }
  }
}
