package org.diskwarden.sweep;

import java.nio.file.Path;
import java.util.Locale;
import org.diskwarden.config.Action;
import org.diskwarden.config.CleanupMode;
import org.diskwarden.config.Size;
import org.diskwarden.fs.Names;
import org.diskwarden.policy.Candidate;
import org.diskwarden.policy.Held;
import org.diskwarden.volume.Usage;

/**
 * The plan as {@code bin/diskwarden plan} and JMX {@code previewCleanup()} print it: a line per entry,
 * names and reasons escaped ({@link Names}) so a name cannot add one.
 */
public final class PlanText {
  private PlanText() {}

  public static String render(Plan plan, Path baseDir, CleanupMode mode) {
    Usage usage = plan.usage();
    long total = usage.total();
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "Plan for %s: %s free of %s (%.1f%%), trigger %s, target %s, %s mode%n",
        Names.of(baseDir), Size.human(usage.free(), 1), Size.human(total, 1), usage.freePercent(),
        Size.human(plan.thresholds().triggerBytes(total), 1), Size.human(plan.thresholds().targetBytes(total), 1),
        mode.key()));
    if (plan.candidates().isEmpty()) {
      out.append("Nothing to remove.\n");
    } else {
      out.append(String.format(Locale.ROOT, "%4s  %10s  %10s  %-8s  %-16s  %-28s  %s%n",
          "#", "FREES", "FREE AFTER", "ACTION", "POLICY", "REASON", "PATH"));
      long free = usage.free();
      boolean targetShown = false;
      int n = 0;
      for (Candidate c : plan.candidates()) {
        if (!targetShown && mode == CleanupMode.UNTIL_TARGET && plan.thresholds().meetsTarget(free, total)) {
          out.append("      -- target reached: until_target stops here; the rest are kept --\n");
          targetShown = true;
        }
        free = Math.min(total, free + c.gain());
        out.append(String.format(Locale.ROOT, "%4d  %10s  %10s  %-8s  %-16s  %-28s  %s%s%n", ++n,
            (c.action() == Action.COMPRESS ? "~" : "") + Size.human(c.gain(), 1), Size.human(free, 1),
            c.action().key(), c.policy(), Names.escape(c.reason()), relative(baseDir, c.path()), kept(c)));
      }
    }
    if (!plan.held().isEmpty()) {
      out.append("Held:\n");
      for (Held h : plan.held()) {
        out.append(String.format(Locale.ROOT, "      %-16s  %s: %s%n", h.policy(), relative(baseDir, h.path()),
            Names.escape(h.reason())));
      }
    }
    for (Held h : plan.held()) {
      if (h.warns()) {
        out.append("WARNING: ").append(relative(baseDir, h.path())).append(": ").append(Names.escape(h.reason()))
            .append('\n');
      }
    }
    for (String pattern : plan.unmatchedProtect()) {
      out.append("protect pattern ").append(Names.escape(pattern)).append(" matches nothing\n");
    }
    for (String missing : plan.missingPolicyFolders()) {
      out.append("WARNING: ").append(Names.escape(missing)).append('\n');
    }
    out.append(String.format(Locale.ROOT, "%d candidate(s), %s reclaimable; state %s%n", plan.candidates().size(),
        Size.human(plan.reclaimable(), 1), plan.state()));
    return out.toString();
  }

  /** For compress and move: the entry's size and where it goes, so FREES reads against it. */
  private static String kept(Candidate c) {
    return switch (c.action()) {
      case DELETE -> "";
      case COMPRESS -> String.format(Locale.ROOT, " (%s, est. %.0f%% saved)", Size.human(c.bytes(), 1),
          c.bytes() == 0 ? 0.0 : 100.0 * c.gain() / c.bytes());
      case MOVE -> " (" + Size.human(c.bytes(), 1) + " moved off this volume)";
    };
  }

  private static String relative(Path baseDir, Path path) {
    return Names.of(path.startsWith(baseDir) ? baseDir.relativize(path) : path);
  }
}
