package org.diskwarden.jmx;

import java.util.Arrays;
import javax.management.openmbean.ArrayType;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.CompositeDataSupport;
import javax.management.openmbean.CompositeType;
import javax.management.openmbean.OpenDataException;
import javax.management.openmbean.OpenType;
import javax.management.openmbean.SimpleType;
import org.diskwarden.fs.Names;
import org.diskwarden.notify.Event;
import org.diskwarden.policy.Holder;
import org.diskwarden.policy.SpaceHolders;
import org.diskwarden.sweep.SweepReport;

/**
 * What holds the space as open data: the user data of the critical notification, and the
 * {@code holding} item the cleanup notification carries beside the LastCleanup items. The same facts
 * as the mail and the webhook's JSON ({@code holding}, {@code holding_other}, {@code holding_outside_bytes}).
 */
final class HoldingData {
  static final CompositeType HOLDER;
  static final CompositeType HOLDING;
  static final CompositeType CLEANUP_EVENT;
  private static final String[] HOLDER_ITEMS = {"path", "bytes", "why", "reason", "policy", "rest"};
  private static final String[] HOLDING_ITEMS = {"holders", "otherBytes", "otherPlaces", "outsideBytes", "cut"};

  static {
    try {
      HOLDER = new CompositeType("Holder", "A place that holds space under base_dir", HOLDER_ITEMS,
          new String[] {"Absolute path", "Bytes it holds on disk", "Why it stays (no_policy, kept_by_rule, "
              + "protected, in_use, young, skipped, target_reached, removal_failed, left_in_place, not_removed)",
              "Why it stays, for people", "The policy that looked at it, or empty",
              "Whether this is the rest of the directory beside its parts listed"},
          new OpenType<?>[] {SimpleType.STRING, SimpleType.LONG, SimpleType.STRING, SimpleType.STRING,
              SimpleType.STRING, SimpleType.BOOLEAN});
      HOLDING = new CompositeType("Holding", "What holds the space: the largest places and the rest", HOLDING_ITEMS,
          new String[] {"The largest places, largest first", "Bytes the places under base_dir not listed hold",
              "How many places that is", "Bytes the volume uses beyond base_dir as walked (or not measured)",
              "Why the walk did not see all of base_dir, or empty"},
          new OpenType<?>[] {new ArrayType<CompositeData>(1, HOLDER), SimpleType.LONG, SimpleType.LONG,
              SimpleType.LONG, SimpleType.STRING});
      String[] cleanup = OpenData.CLEANUP.keySet().toArray(String[]::new);
      String[] items = Arrays.copyOf(cleanup, cleanup.length + 1);
      items[cleanup.length] = "holding";
      String[] descriptions = new String[items.length];
      OpenType<?>[] types = new OpenType<?>[items.length];
      for (int i = 0; i < cleanup.length; i++) {
        descriptions[i] = OpenData.CLEANUP.getDescription(cleanup[i]);
        types[i] = OpenData.CLEANUP.getType(cleanup[i]);
      }
      descriptions[cleanup.length] = "What still holds the space after the sweep";
      types[cleanup.length] = HOLDING;
      CLEANUP_EVENT = new CompositeType("CleanupEvent", "One sweep, and what still holds the space", items,
          descriptions, types);
    } catch (OpenDataException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private HoldingData() {}

  /** The critical notification's user data. */
  static CompositeData holding(Event e) {
    SpaceHolders h = e.holders();
    try {
      CompositeData[] holders = new CompositeData[h.largest().size()];
      for (int i = 0; i < holders.length; i++) {
        Holder x = h.largest().get(i);
        holders[i] = new CompositeDataSupport(HOLDER, HOLDER_ITEMS, new Object[] {x.path().toString(), x.bytes(),
            x.stays().key(), Names.escape(x.reason()), x.policy(), x.rest()});
      }
      return new CompositeDataSupport(HOLDING, HOLDING_ITEMS, new Object[] {holders, h.otherBytes(),
          h.otherPlaces(), h.outside(e.usage().used()), h.cut().map(Names::escape).orElse("")});
    } catch (OpenDataException ex) {
      throw new IllegalStateException(ex);
    }
  }

  /** The cleanup notification's user data: the LastCleanup items and {@code holding}. */
  static CompositeData cleanup(SweepReport r, Event e) {
    CompositeData last = OpenData.cleanup(r);
    String[] items = CLEANUP_EVENT.keySet().toArray(String[]::new);
    Object[] values = new Object[items.length];
    for (int i = 0; i < items.length; i++) {
      values[i] = items[i].equals("holding") ? holding(e) : last.get(items[i]);
    }
    try {
      return new CompositeDataSupport(CLEANUP_EVENT, items, values);
    } catch (OpenDataException ex) {
      throw new IllegalStateException(ex);
    }
  }
}
