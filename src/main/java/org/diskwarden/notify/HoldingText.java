package org.diskwarden.notify;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.diskwarden.fs.Names;
import org.diskwarden.policy.Holder;
import org.diskwarden.policy.SpaceHolders;

/**
 * What holds the space, as the templates tell it ({@code ${holding}}, {@code ${#holders}},
 * {@code ${holding_other}}, {@code ${holding_outside}}, {@code ${holding_note}}). Names are raw here
 * ({@link Names#raw}); the template escapes every value.
 */
final class HoldingText {
  private HoldingText() {}

  /** Everything in one line: {@code /data/x 110.0 MB (no policy covers it); ...; other: ...}. */
  static String line(Event e) {
    SpaceHolders h = e.holders();
    if (h.isEmpty()) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    for (Holder x : h.largest()) {
      parts.add(path(x) + " " + Templates.size(x.bytes()) + " (" + x.reason() + ")");
    }
    for (String s : List.of(other(e), outside(e), note(e))) {
      if (!s.isEmpty()) {
        parts.add(s);
      }
    }
    return String.join("; ", parts);
  }

  /** One row per listed place, for {@code ${#holders}}. */
  static List<Map<String, String>> rows(Event e) {
    return e.holders().largest().stream().map(x -> Map.of("path", path(x), "size", Templates.size(x.bytes()),
        "bytes", Long.toString(x.bytes()), "why", x.stays().text(), "reason", x.reason(), "policy", x.policy()))
        .toList();
  }

  /**
   * {@code other: 2.0 MB in 3 places (1.5 MB kept by rule, 512.0 KB no policy covers it)}; "nothing
   * else" when the list is all there is; empty when nothing was surveyed.
   */
  static String other(Event e) {
    SpaceHolders h = e.holders();
    if (h.otherBytes() == 0 && h.otherPlaces() == 0) {
      return h.isEmpty() || h.cut().isPresent() ? "" : "other: nothing else under base_dir";
    }
    String split = h.otherByStays().entrySet().stream()
        .sorted(Map.Entry.<Holder.Stays, Long>comparingByValue().reversed())
        .map(s -> Templates.size(s.getValue()) + " " + s.getKey().text()).collect(Collectors.joining(", "));
    return "other: " + Templates.size(h.otherBytes()) + " in " + h.otherPlaces() + " place"
        + (h.otherPlaces() == 1 ? "" : "s") + (split.isEmpty() ? "" : " (" + split + ")");
  }

  /** What the volume uses beyond base_dir as walked, or empty when nothing (or no survey). */
  static String outside(Event e) {
    SpaceHolders h = e.holders();
    long outside = h.isEmpty() ? 0 : h.outside(e.usage().used());
    if (outside == 0) {
      return "";
    }
    return (h.cut().isPresent() ? "not measured, or outside base_dir: "
        : "outside base_dir (elsewhere on the volume, or the filesystem's own): ") + Templates.size(outside);
  }

  /** Why the sizes are at least, when the walk could not see all of base_dir; else empty. */
  static String note(Event e) {
    return e.holders().cut().map(c -> "not all measured: " + c).orElse("");
  }

  private static String path(Holder x) {
    return Names.raw(x.path()) + (x.rest() ? " (the rest)" : "");
  }
}
