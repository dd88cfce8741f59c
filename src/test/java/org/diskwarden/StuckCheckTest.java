package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.WatchSetup;
import org.diskwarden.config.EventType;
import org.diskwarden.notify.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A check that never ends (here an outlet that blocks, as a read of a FIFO did before issue 27) is
 * seen: past max(2 x check_interval, 30 min) a failure event says where its thread is, and stopping
 * the agent still works within its bound.
 */
class StuckCheckTest {
  @TempDir
  Path base;

  @TempDir
  Path logs;

  /** An outlet that blocks the check on its cleanup event until released, and collects failures. */
  private static final class BlockingOutlet implements org.diskwarden.notify.Notifier {
    final CountDownLatch blocked = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final List<Event> failures = new CopyOnWriteArrayList<>();

    @Override
    public void publish(Event event) {
      if (event.type() == EventType.FAILURE) {
        failures.add(event);
      } else if (event.type() == EventType.CLEANUP) {
        blocked.countDown();
        waitForever();
      }
    }

    private void waitForever() {
      while (true) {
        try {
          release.await();
          return;
        } catch (InterruptedException e) {
          // as a thread blocked in open(2) would: an interrupt does not free it
        }
      }
    }
  }

  @Test
  void checkBlockedPastTheBound_failureEventNamesWhereItIsStuck_andStopStillEndsWithinItsBound() throws Exception {
    Incident.build(base);
    MutableClock clock = new MutableClock(Instant.now());
    DiskWarden warden = new DiskWarden(WatchSetup.of(
        Configs.parse(Configs.incident(base, "1000TB", "1000TB", "full")), logs, clock));
    BlockingOutlet outlet = new BlockingOutlet();
    warden.addNotifier(outlet);
    warden.start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> outlet.blocked.getCount() == 0);

      // check_interval is 5m: the bound is 30 min, and a check 29 min long is not reported
      clock.advance(Duration.ofMinutes(29));
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(outlet.failures::isEmpty);

      clock.advance(Duration.ofMinutes(2));
      await().atMost(Duration.ofSeconds(10)).until(() -> !outlet.failures.isEmpty());
      assertThat(outlet.failures).singleElement().satisfies(e -> assertThat(e.message())
          .startsWith("the check of watch default has run for 31m (the bound is 30m: max(2 x check_interval, 30m))")
          .contains("StuckCheckTest$BlockingOutlet.waitForever")
          .contains("it may be stuck"));
      // reported once, not at every look
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> outlet.failures.size() == 1);

      warden.stopWaitsAtMost(Duration.ofSeconds(2));
      assertTimeoutPreemptively(Duration.ofSeconds(15), warden::stop);
      assertThat(outlet.failures).hasSize(2).last().satisfies(e -> assertThat(e.message())
          .startsWith("stopped without waiting any longer: the check of watch default")
          .contains("StuckCheckTest$BlockingOutlet.waitForever"));
      // base_dir is released: another agent may take it
      new DiskWarden(WatchSetup.of(Configs.parse(Configs.incident(base, "1000TB", "1000TB", "full")), logs,
          clock)).acquireLock()
          .close();
    } finally {
      outlet.release.countDown();
      warden.stop();
    }
  }
}
