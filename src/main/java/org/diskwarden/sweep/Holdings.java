package org.diskwarden.sweep;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.policy.Candidate;
import org.diskwarden.policy.Held;
import org.diskwarden.policy.Holder;
import org.diskwarden.policy.Protection;
import org.diskwarden.policy.SpaceHolders;
import org.diskwarden.policy.SpaceWalk;

/**
 * What holds the space after a plan and the sweep that followed it (if one did): every entry the
 * policies measured, with why it is still there, handed to {@link SpaceWalk}, which measures the rest
 * of base_dir. Sizes the plan measured are used as they are: no entry is walked twice.
 */
public final class Holdings {
  private Holdings() {}

  /**
   * @param report the sweep of {@code plan}, when one followed it
   * @param budget how long the walk of what the plan did not measure may take
   */
  public static SpaceHolders survey(WardenConfig config, Plan plan, Optional<SweepReport> report, Duration budget) {
    // names what is protected only: the plan decided with the full protection already
    Protection protection = Protection.forMessages(config.baseDir(), config.protect());
    return SpaceWalk.survey(config.baseDir(), protection, known(plan, report), budget);
  }

  /** The plan's entries and what became of its candidates, as holders (what a real sweep removed is gone). */
  static List<Holder> known(Plan plan, Optional<SweepReport> report) {
    List<Holder> known = new ArrayList<>();
    for (Held h : report.map(SweepReport::held).orElse(plan.held())) {
      Holder.of(h).ifPresent(known::add);
    }
    Set<Path> told = new HashSet<>();
    if (report.isPresent()) {
      SweepReport r = report.get();
      for (Candidate c : r.notReached()) {
        known.add(Holder.of(c.path(), c.bytes(), Holder.Stays.TARGET_REACHED, c.policy(), c.policy() + ": "
            + c.reason()));
        told.add(c.path());
      }
      for (Removal m : r.failed()) {
        known.add(Holder.of(m.path(), m.bytes(), Holder.Stays.REMOVAL_FAILED, m.policy(), m.error().orElse("")));
        told.add(m.path());
      }
      for (Removal m : r.skipped()) {
        known.add(Holder.of(m.path(), m.bytes(), Holder.Stays.LEFT_IN_PLACE, m.policy(), m.error().orElse("")));
        told.add(m.path());
      }
      for (Removal m : r.removed()) {
        if (r.dryRun()) {
          known.add(Holder.of(m.path(), m.bytes(), Holder.Stays.NOT_REMOVED, m.policy(), "dry run: it would go"));
        }
        told.add(m.path());
      }
    }
    for (Candidate c : plan.candidates()) {
      if (!told.contains(c.path())) {
        known.add(Holder.of(c.path(), c.bytes(), Holder.Stays.NOT_REMOVED, c.policy(), c.policy() + ": "
            + c.reason()));
      }
    }
    return known;
  }
}
