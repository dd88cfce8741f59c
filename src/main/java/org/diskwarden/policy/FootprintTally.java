package org.diskwarden.policy;

import java.time.Instant;
import org.diskwarden.fs.Attrs;

/** The sums of one subtree of a {@link FootprintWalk}, merged up the tree (no shared counters to contend on). */
final class FootprintTally {
  long bytes;
  long entries;
  long newestNanos = Long.MIN_VALUE;

  void seen(Attrs a) {
    entries++;
    Instant t = a.mtime();
    long nanos;
    try {
      nanos = Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    } catch (ArithmeticException e) {
      nanos = t.getEpochSecond() < 0 ? Long.MIN_VALUE + 1 : Long.MAX_VALUE;
    }
    newestNanos = Math.max(newestNanos, nanos);
  }

  void add(FootprintTally other) {
    bytes += other.bytes;
    entries += other.entries;
    newestNanos = Math.max(newestNanos, other.newestNanos);
  }
}
