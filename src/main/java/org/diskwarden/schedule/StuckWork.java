package org.diskwarden.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diskwarden.config.Durations;

/**
 * What runs in one lane and since when; work that runs longer than {@link #bound()} is reported once
 * with where its thread is (a check blocked in a system call never ends by itself, and holds the lane:
 * no other check of the watch runs). The bound is twice the check interval, at least
 * {@link #MIN_BOUND}: a sweep that compresses or a git gc may take many intervals, a hang takes forever.
 */
final class StuckWork {
  private static final Logger LOG = LogManager.getLogger(StuckWork.class);
  /** Below this nothing is called stuck: compressing a large entry or a gc of a large repository takes a while. */
  static final Duration MIN_BOUND = Duration.ofMinutes(30);
  /** Frames of the stuck thread the report shows, from the top. */
  static final int FRAMES = 12;

  private final String watch;
  private final Clock clock;
  private final CopyOnWriteArrayList<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
  private volatile Duration interval = Duration.ZERO;
  private volatile Running running;

  /** One piece of work in the lane: what, on which thread, since when, and whether it was reported. */
  private record Running(String what, Thread thread, Instant since, AtomicBoolean reported) {}

  StuckWork(String watch, Clock clock) {
    this.watch = watch;
    this.clock = clock;
  }

  void interval(Duration checkInterval) {
    this.interval = checkInterval;
  }

  /** Work running longer than this is reported: max(2 x check_interval, 30 min). */
  Duration bound() {
    Duration twice = interval.multipliedBy(2);
    return twice.compareTo(MIN_BOUND) > 0 ? twice : MIN_BOUND;
  }

  void onStuck(Consumer<String> listener) {
    listeners.add(listener);
  }

  void begins(String what) {
    running = new Running(what, Thread.currentThread(), clock.instant(), new AtomicBoolean());
  }

  void ends() {
    Running r = running;
    running = null;
    if (r != null && r.reported().get()) {
      LOG.info("The {} of watch {} ended after {} (it was reported stuck)", r.what(), watch,
          Durations.format(Duration.between(r.since(), clock.instant())));
    }
  }

  /** Reports the running work, once, when it has run longer than the bound. */
  void look() {
    Running r = running;
    if (r == null || Duration.between(r.since(), clock.instant()).compareTo(bound()) <= 0
        || !r.reported().compareAndSet(false, true)) {
      return;
    }
    String text = describe(r) + "; it may be stuck, and no other check of the watch runs until it ends "
        + "(stopping the agent still works)";
    LOG.error(text);
    for (Consumer<String> l : listeners) {
      try {
        l.accept(text);
      } catch (RuntimeException e) {
        LOG.warn("Could not report the stuck {} of watch {}: {}", r.what(), watch, e.toString());
      }
    }
  }

  /** What runs now and where, if anything does. */
  Optional<String> describe() {
    return Optional.ofNullable(running).map(this::describe);
  }

  private String describe(Running r) {
    Duration took = Duration.between(r.since(), clock.instant());
    StackTraceElement[] stack = r.thread().getStackTrace();
    String frames = Arrays.stream(stack).limit(FRAMES).map(StackTraceElement::toString)
        .collect(Collectors.joining(" < "));
    return "the " + r.what() + " of watch " + watch + " has run for " + Durations.format(took)
        + " (the bound is " + Durations.format(bound()) + ": max(2 x check_interval, "
        + Durations.format(MIN_BOUND) + ")); thread " + r.thread().getName() + " (" + r.thread().getState()
        + ") at " + (frames.isEmpty() ? "(no frames)" : frames) + (stack.length > FRAMES ? " < ..." : "");
  }
}
