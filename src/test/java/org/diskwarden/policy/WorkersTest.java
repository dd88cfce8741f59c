package org.diskwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.RecursiveTask;
import org.junit.jupiter.api.Test;

/** A unit of work's threads: none at rest, named and daemon while it runs, gone when it ends. */
class WorkersTest {

  @Test
  void threadsAreMadeAtTheFirstTask_namedAndDaemon_andGoneAfterClose() {
    Workers workers = Workers.of("diskwarden-test-walk", 2);
    assertThat(threads("diskwarden-test-walk-")).as("an agent at rest holds none").isEmpty();

    Thread ran = workers.invoke(new RecursiveTask<Thread>() {
      @Override
      protected Thread compute() {
        return Thread.currentThread();
      }
    });

    assertThat(ran.getName()).matches("diskwarden-test-walk-\\d+");
    assertThat(ran.isDaemon()).as("a walk never keeps the JVM from exiting").isTrue();
    workers.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> threads("diskwarden-test-walk-").isEmpty());
  }

  @Test
  void closedWorkers_refuseNewWork_namingThemselves() {
    Workers workers = Workers.of("diskwarden-test-closed", 1);
    workers.close();

    assertThatThrownBy(() -> workers.invoke(new RecursiveTask<Integer>() {
      @Override
      protected Integer compute() {
        return 1;
      }
    })).isInstanceOf(IllegalStateException.class).hasMessage("diskwarden-test-closed workers are closed");
  }

  @Test
  void sizeBelowOne_isRefused() {
    assertThatThrownBy(() -> Workers.of("w", 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("size must be at least 1, was 0");
  }

  private static List<Thread> threads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix) && t.isAlive())
        .toList();
  }
}
