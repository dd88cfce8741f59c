package org.diskwarden.jmx;

import java.util.Locale;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.CompositeDataSupport;
import javax.management.openmbean.CompositeType;
import javax.management.openmbean.OpenDataException;
import javax.management.openmbean.OpenType;
import javax.management.openmbean.SimpleType;
import org.diskwarden.config.Size;
import org.diskwarden.notify.Event;
import org.diskwarden.sweep.SweepReport;
import org.diskwarden.fs.Names;

/**
 * An event as a console shows it: one complete sentence (what happened, the free space after it, the
 * watch and its directory), and user data a console renders as a table (the sweep for a cleanup,
 * the volume and state otherwise).
 */
final class Announcement {
  private static final String[] ITEMS = {"source", "baseDir", "state", "freeBytes", "totalBytes", "freePercent",
      "triggerBytes", "detail"};
  static final CompositeType EVENT;

  static {
    try {
      EVENT = new CompositeType("Event", "What happened and the volume after it", ITEMS,
          new String[] {"host, or host/watch", "The watched directory", "OK, LOW or CRITICAL", "Free bytes",
              "Size of the volume in bytes", "Free space in percent", "Free bytes below which cleanup starts",
              "What happened, as the outlets say it"},
          new OpenType<?>[] {SimpleType.STRING, SimpleType.STRING, SimpleType.STRING, SimpleType.LONG,
              SimpleType.LONG, SimpleType.DOUBLE, SimpleType.LONG, SimpleType.STRING});
    } catch (OpenDataException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private Announcement() {}

  static String sentence(Event e) {
    String who = "diskwarden on " + e.source() + " (" + e.baseDir() + ")";
    String free = String.format(Locale.ROOT, "%s free (%.1f%% of %s)", Size.human(e.usage().free(), 1),
        e.usage().freePercent(), Size.human(e.usage().total(), 1));
    String trigger = Size.human(e.thresholds().triggerBytes(e.usage().total()), 1);
    return switch (e.type()) {
      case CLEANUP -> e.report().map(r -> cleanup(who, r)).orElse(who + " cleaned up; " + free + ".");
      case CRITICAL -> who + " is CRITICAL: " + free + ", below the trigger of " + trigger
          + ", and the policies cannot free more.";
      case RECOVERED -> who + " recovered: " + free + ", at or above the trigger of " + trigger + ".";
      // a message names entries (a failure's first path): shown as ls -b shows names, as every outlet does
      default -> who + ": " + Names.escape(e.message().strip().replaceAll("[.]$", "")) + "; " + free + ".";
    };
  }

  private static String cleanup(String who, SweepReport r) {
    return String.format(Locale.ROOT, "%s %s %s in %d removal(s), %d failed; %s free after (%.1f%% of %s), state %s.",
        who, r.dryRun() ? "would have freed (dry run)" : "freed", Size.human(r.bytesFreed(), 1), r.removed().size(),
        r.failed().size(), Size.human(r.freeAfter(), 1), r.total() == 0 ? 0 : r.freeAfter() * 100.0 / r.total(),
        Size.human(r.total(), 1), r.state());
  }

  static CompositeData userData(Event e) {
    if (e.report().isPresent()) {
      return OpenData.cleanup(e.report().get());
    }
    try {
      return new CompositeDataSupport(EVENT, ITEMS, new Object[] {e.source(), e.baseDir(), e.state().name(),
          e.usage().free(), e.usage().total(), e.usage().freePercent(),
          e.thresholds().triggerBytes(e.usage().total()), Names.escape(e.message())});
    } catch (OpenDataException x) {
      throw new IllegalStateException(x);
    }
  }
}
