package org.diskwarden.policy;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What holds the space under base_dir: the largest places, each with its size and why it stays, and
 * the rest told honestly. The listed places and the other places do not overlap; together they are
 * what the walk found under base_dir ({@link #underBase()}). What the volume uses beyond that is
 * outside base_dir, the filesystem's own, or (when the walk was cut) not measured.
 *
 * @param largest the largest places, largest first (at most {@link SpaceWalk#LISTED})
 * @param otherBytes what the places not listed hold under base_dir
 * @param otherPlaces how many places that is (a file or directory each, not counting what is inside)
 * @param otherByStays {@code otherBytes} by why it stays
 * @param cut why the walk stopped before it had seen all of base_dir (then sizes are at least), or empty
 */
public record SpaceHolders(List<Holder> largest, long otherBytes, long otherPlaces,
    Map<Holder.Stays, Long> otherByStays, Optional<String> cut) {

  public SpaceHolders {
    largest = List.copyOf(largest);
    otherByStays = otherByStays.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new EnumMap<>(otherByStays));
  }

  /** Nothing surveyed (an event that does not name the space). */
  public static SpaceHolders none() {
    return new SpaceHolders(List.of(), 0, 0, Map.of(), Optional.empty());
  }

  public boolean isEmpty() {
    return largest.isEmpty() && otherPlaces == 0;
  }

  /** Bytes the walk found under base_dir: the listed places and the others. */
  public long underBase() {
    return largest.stream().mapToLong(Holder::bytes).sum() + otherBytes;
  }

  /** What a volume using {@code used} bytes holds beyond base_dir as walked (never below 0). */
  public long outside(long used) {
    return Math.max(0, used - underBase());
  }
}
