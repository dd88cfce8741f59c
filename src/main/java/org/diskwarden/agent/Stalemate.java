package org.diskwarden.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diskwarden.config.PolicyConfig;
import org.diskwarden.config.Size;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.sweep.Plan;
import org.diskwarden.sweep.SweepReport;
import org.diskwarden.volume.State;
import org.diskwarden.volume.Usage;

/**
 * CRITICAL with nothing the policies may remove: another plan walks the whole tree to find the same
 * nothing. Until something changes (free space falls by more than 1 % of the volume or 1 GB, an entry
 * appears or goes in a policy folder, the config changes), samples below the trigger ask for no
 * check; the scheduled check still plans every check_interval.
 */
final class Stalemate {
  private static final Logger LOG = LogManager.getLogger(Stalemate.class);
  private static final long GB = 1L << 30;

  private record Seen(long free, WardenConfig config, Map<Path, FileTime> folders) {}

  private final AtomicReference<Seen> seen = new AtomicReference<>();

  /** After a sweep: a stalemate begins when it ended CRITICAL with no candidate at all; else none. */
  void after(SweepReport report, Plan plan, WardenConfig config) {
    if (report.dryRun() || report.state() != State.CRITICAL || !plan.candidates().isEmpty()) {
      seen.set(null);
      return;
    }
    if (seen.getAndSet(new Seen(report.freeAfter(), config, folders(config))) == null) {
      LOG.warn("Critical, and the policies may remove nothing: the next plan runs at the next check (every {}) "
          + "or sooner when free space falls by more than 1% or 1 GB, an entry appears in a policy folder, or "
          + "the config changes", org.diskwarden.config.Durations.format(config.checkInterval()));
    }
  }

  /** Whether a sample below the trigger is worth a check now. */
  boolean worthChecking(Usage u, WardenConfig config) {
    Seen s = seen.get();
    if (s == null) {
      return true;
    }
    long fell = s.free() - u.free();
    boolean changed = config != s.config() || fell > Math.max(u.total() / 100, GB)
        || !folders(config).equals(s.folders());
    if (changed) {
      LOG.info("Something changed since the last plan found nothing to remove ({} less free, {}): planning again",
          Size.human(Math.max(0, fell), 1), config != s.config() ? "the config" : "a policy folder or the volume");
      seen.set(null);
    }
    return changed;
  }

  /** The modification time of each enabled policy's folder: an entry added or removed changes it. */
  private static Map<Path, FileTime> folders(WardenConfig config) {
    Map<Path, FileTime> times = new LinkedHashMap<>();
    for (PolicyConfig p : config.policies()) {
      if (!p.enabled()) {
        continue;
      }
      Path folder = config.baseDir().resolve(p.path());
      try {
        times.put(folder, Files.getLastModifiedTime(folder, LinkOption.NOFOLLOW_LINKS));
      } catch (IOException e) {
        times.put(folder, FileTime.fromMillis(0));
      }
    }
    return times;
  }
}
