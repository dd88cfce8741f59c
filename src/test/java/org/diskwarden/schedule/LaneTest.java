package org.diskwarden.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 33, "lanes that never starve": a lane busy for as long as a gc of a large repository takes,
 * with more work queued behind it, never delays another lane's checks, and lanes added while the
 * schedule runs (a reload adding watches) check at once, however many there are.
 */
class LaneTest {
  private static final Duration INTERVAL = Duration.ofMillis(300);
  private CheckSchedule schedule;
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void start() {
    schedule = CheckSchedule.start(Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    release.countDown();
    schedule.shutdown(Duration.ofSeconds(10));
  }

  private void blocked() {
    try {
      release.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A lane whose check never ends until released, with ten JMX-like tasks and cron-like triggers queued behind it. */
  private Lane busyLane(AtomicInteger busyChecks) {
    Lane busy = schedule.lane("busy", () -> {
      busyChecks.incrementAndGet();
      blocked();
    }, INTERVAL);
    await().atMost(Duration.ofSeconds(5)).until(() -> busyChecks.get() == 1);
    for (int i = 0; i < 10; i++) {
      busy.submit(() -> 1);
      busy.triggerNow();
    }
    return busy;
  }

  @Test
  void aBusyLaneWithWorkQueuedBehindIt_neverDelaysTheOthers_andTheOthersAddedLaterCheckAtOnce() {
    AtomicInteger busyChecks = new AtomicInteger();
    busyLane(busyChecks);
    List<AtomicInteger> counts = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      AtomicInteger n = new AtomicInteger();
      counts.add(n);
      schedule.lane("w" + i, n::incrementAndGet, INTERVAL);
    }
    // each new lane's first check runs at once, and they go on at their interval: three each in ~0.6 s
    await().atMost(Duration.ofSeconds(3)).untilAsserted(() ->
        assertThat(counts).allSatisfy(n -> assertThat(n.get()).isGreaterThanOrEqualTo(3)));
    assertThat(busyChecks.get()).isEqualTo(1);
  }

  @Test
  void checksFiredWhileTheLaneIsBusy_runOnceAfterIt_notOncePerFiring() {
    AtomicInteger busyChecks = new AtomicInteger();
    Lane busy = busyLane(busyChecks);
    CompletableFuture<Integer> task = busy.submit(() -> 42);
    // the schedule fires three more times (and ten triggers came) while the first check holds the lane
    java.time.Instant next = busy.nextFire().orElseThrow();
    await().atMost(Duration.ofSeconds(5)).until(() -> busy.nextFire().orElseThrow()
        .isAfter(next.plus(INTERVAL.multipliedBy(2))));
    release.countDown();
    assertThat(task).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(42);
    // the one waiting check ran after the first (and then the schedule goes on at its interval)
    await().atMost(Duration.ofSeconds(5)).until(() -> busyChecks.get() >= 2);
    assertThat(busyChecks.get()).as("checks coalesce while one waits").isLessThanOrEqualTo(3);
  }

  @Test
  void aTaskQueuedBehindBusyWork_isRefused_whenTheLaneCloses_andTheBusyWorkIsReported() {
    AtomicInteger busyChecks = new AtomicInteger();
    Lane busy = busyLane(busyChecks);
    CompletableFuture<Integer> task = busy.submit(() -> 42);
    assertThat(busy.close(Duration.ofMillis(200))).get().asString().contains("check of watch busy");
    release.countDown();
    assertThat(task).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
        .withMessageContaining("the agent stopped before the task ran");
  }
}
