package org.diskwarden.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Sampling between checks: on its own daemon thread, past a failed reading, until closed. */
class SamplerTest {

  @Test
  void samplesRepeatedly_onADaemonThread_andCarryOnPastAFailedReading() {
    AtomicInteger ticks = new AtomicInteger();
    AtomicReference<Thread> thread = new AtomicReference<>();
    Sampler sampler = new Sampler(Duration.ofMillis(20), () -> {
      thread.set(Thread.currentThread());
      if (ticks.incrementAndGet() == 1) {
        throw new IllegalStateException("statvfs failed");
      }
    });
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> ticks.get() >= 3);
    } finally {
      sampler.close();
    }
    assertThat(thread.get().isDaemon()).as("a sampler never keeps the JVM from exiting").isTrue();
    assertThat(thread.get().getName()).isEqualTo("diskwarden-sampler");
  }

  @Test
  void close_stopsSampling() {
    AtomicInteger ticks = new AtomicInteger();
    Sampler sampler = new Sampler(Duration.ofMillis(20), ticks::incrementAndGet);
    await().atMost(Duration.ofSeconds(10)).until(() -> ticks.get() >= 1);
    sampler.close();
    await().atMost(Duration.ofSeconds(1)).until(() -> !Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals("diskwarden-sampler") && t.isAlive()));
    int stopped = ticks.get();

    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> ticks.get() == stopped);
  }
}
