package org.diskwarden.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.diskwarden.fs.Names;
import org.diskwarden.policy.Holder;
import org.diskwarden.policy.SpaceHolders;
import org.diskwarden.sweep.Removal;
import org.diskwarden.sweep.SweepReport;

/**
 * The full event as JSON: the body of a json webhook and the stdin of the exec hook. Paths are data
 * and stay exact (JSON escapes them); text for people ({@code message}, {@code reason}, {@code error},
 * {@code why}) is escaped as {@link Names} does, so a hook that prints it (jq -r) prints one line.
 */
final class EventDocument {
  private static final ObjectMapper JSON = new ObjectMapper();

  private EventDocument() {}

  static String of(Event e, String deliveryId, String suppressed) {
    ObjectNode root = JSON.createObjectNode()
        .put("id", deliveryId)
        .put("type", e.type().key())
        .put("time", e.time().toString())
        .put("host", e.host())
        .put("base_dir", e.baseDir())
        .put("state", e.state().name())
        .put("message", Names.escape(e.message()))
        .put("suppressed", suppressed);
    e.watch().ifPresent(w -> root.put("watch", w));
    if (!e.holders().isEmpty()) {
      holding(root, e);
    }
    root.putObject("volume")
        .put("total_bytes", e.usage().total())
        .put("free_bytes", e.usage().free())
        .put("free_percent", e.usage().freePercent());
    root.putObject("thresholds")
        .put("min_free_bytes", e.thresholds().minFree())
        .put("min_free_percent", e.thresholds().minFreePercent())
        .put("target_free_bytes", e.thresholds().targetFree())
        .put("target_free_percent", e.thresholds().targetFreePercent())
        .put("trigger_bytes", e.thresholds().triggerBytes(e.usage().total()))
        .put("target_bytes", e.thresholds().targetBytes(e.usage().total()));
    if (e.report().isPresent()) {
      SweepReport r = e.report().get();
      ObjectNode cleanup = root.putObject("cleanup")
          .put("start", r.start().toString())
          .put("end", r.end().toString())
          .put("mode", r.mode().key())
          .put("dry_run", r.dryRun())
          .put("bytes_freed", r.bytesFreed())
          .put("free_before", r.freeBefore())
          .put("free_after", r.freeAfter())
          .put("state", r.state().name());
      ArrayNode gc = cleanup.putArray("git_gc");
      r.gitGc().forEach(gc::add);
      ArrayNode removed = cleanup.putArray("removed");
      for (Removal m : r.removed()) {
        var row = removed.addObject().put("path", m.path().toString()).put("bytes", m.bytes())
            .put("policy", m.policy()).put("reason", Names.escape(m.reason())).put("action", m.action().key())
            .put("freed", m.freed());
        m.keptAt().ifPresent(k -> row.put("kept_at", k.toString()));
      }
      ArrayNode failed = cleanup.putArray("failed");
      for (Removal m : r.failed()) {
        failed.addObject().put("path", m.path().toString()).put("policy", m.policy())
            .put("action", m.action().key()).put("error", Names.escape(m.error().orElse("")));
      }
      // why the entries a framework's own files name stay (best, named by latest, in progress, links)
      ArrayNode kept = cleanup.putArray("kept");
      for (org.diskwarden.policy.Held h : r.held()) {
        if (h.why() != org.diskwarden.policy.Held.Why.KEPT_BY_RULE && h.why().keptByRule()) {
          kept.addObject().put("path", h.path().toString()).put("policy", h.policy())
              .put("why", h.why().name().toLowerCase(java.util.Locale.ROOT)).put("reason", Names.escape(h.reason()));
        }
      }
      ArrayNode skipped = cleanup.putArray("skipped");
      for (Removal m : r.skipped()) {
        skipped.addObject().put("path", m.path().toString()).put("policy", m.policy())
            .put("action", m.action().key()).put("why", Names.escape(m.error().orElse("")));
      }
    }
    return root.toString();
  }

  /**
   * What holds the space: {@code holding} the largest places (policy-covered or not) with why each
   * stays; {@code other_bytes} everything the volume uses that they are not; {@code holding_other}
   * the places under base_dir not listed (count, bytes by why); {@code holding_outside_bytes} what the
   * volume uses beyond base_dir as walked; {@code holding_cut} why the walk did not see everything.
   */
  private static void holding(ObjectNode root, Event e) {
    SpaceHolders h = e.holders();
    ArrayNode holding = root.putArray("holding");
    for (Holder x : h.largest()) {
      ObjectNode row = holding.addObject().put("path", x.path().toString()).put("bytes", x.bytes())
          .put("why", x.stays().key()).put("reason", Names.escape(x.reason()));
      if (x.policy().isEmpty()) {
        row.putNull("policy");
      } else {
        row.put("policy", x.policy());
      }
      if (x.rest()) {
        row.put("rest", true);
      }
    }
    // everything the list does not name: the rest under base_dir and what lies beyond it
    root.put("other_bytes", h.otherBytes() + h.outside(e.usage().used()));
    ObjectNode other = root.putObject("holding_other").put("bytes", h.otherBytes()).put("places", h.otherPlaces());
    ObjectNode byWhy = other.putObject("by_why");
    h.otherByStays().forEach((stays, bytes) -> byWhy.put(stays.key(), bytes));
    root.put("holding_outside_bytes", h.outside(e.usage().used()));
    h.cut().ifPresent(c -> root.put("holding_cut", Names.escape(c)));
  }
}
