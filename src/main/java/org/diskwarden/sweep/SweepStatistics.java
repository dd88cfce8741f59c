package org.diskwarden.sweep;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * What the sweeps of one agent added up to since start (or the last reset): the numbers JMX and
 * /metrics both show, kept once.
 */
public final class SweepStatistics {
  /** Per policy: bytes removed, removals that succeeded, removals that failed or were refused. */
  public record PolicyCounts(long bytesRemoved, long removed, long failed) {
    PolicyCounts plus(long bytes, long ok, long bad) {
      return new PolicyCounts(bytesRemoved + bytes, removed + ok, failed + bad);
    }
  }

  private long sweeps;
  private long bytesFreed;
  private long failures;
  private final Map<String, PolicyCounts> perPolicy = new TreeMap<>();
  private final AtomicReference<SweepReport> last = new AtomicReference<>();
  private final List<Consumer<SweepReport>> listeners = new CopyOnWriteArrayList<>();

  /** Counts one sweep and tells the listeners (the metrics histogram). */
  public void record(SweepReport r) {
    synchronized (this) {
      sweeps++;
      failures += r.failed().size();
      if (!r.dryRun()) {
        bytesFreed += r.bytesFreed();
        r.removed().forEach(m -> perPolicy.merge(m.policy(), new PolicyCounts(m.freed(), 1, 0),
            (a, b) -> a.plus(b.bytesRemoved(), 1, 0)));
      }
      r.failed().forEach(m -> perPolicy.merge(m.policy(), new PolicyCounts(0, 0, 1), (a, b) -> a.plus(0, 0, 1)));
      last.set(r);
    }
    listeners.forEach(l -> l.accept(r));
  }

  /** Replaces the last report (a later git gc changed the state after the sweep). */
  public void amendLast(SweepReport r) {
    last.set(r);
  }

  public void addListener(Consumer<SweepReport> listener) {
    listeners.add(listener);
  }

  public synchronized void reset() {
    sweeps = 0;
    bytesFreed = 0;
    failures = 0;
    perPolicy.clear();
    last.set(null);
  }

  public synchronized long sweeps() {
    return sweeps;
  }

  public synchronized long bytesFreed() {
    return bytesFreed;
  }

  public synchronized long failures() {
    return failures;
  }

  public synchronized Map<String, PolicyCounts> perPolicy() {
    return Map.copyOf(perPolicy);
  }

  public Optional<SweepReport> last() {
    return Optional.ofNullable(last.get());
  }

  public Optional<Instant> lastEnd() {
    return last().map(SweepReport::end);
  }
}
