package org.diskwarden.volume;

import java.time.Instant;

/**
 * One reading of a volume.
 *
 * @param total size of the volume in bytes
 * @param free bytes an unprivileged writer can still use (root-reserved blocks excluded)
 * @param at when it was read
 */
public record Usage(long total, long free, Instant at) {

  public long used() {
    return total - free;
  }

  public double freePercent() {
    return total == 0 ? 0 : free * 100.0 / total;
  }

  /** The same volume with {@code bytes} more free: what a plan expects after a removal. */
  public Usage plus(long bytes) {
    return new Usage(total, Math.min(total, free + bytes), at);
  }
}
