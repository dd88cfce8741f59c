package org.diskwarden.agent;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.notify.SpaceSurvey;
import org.diskwarden.policy.SpaceHolders;
import org.diskwarden.policy.SpaceWalk;
import org.diskwarden.sweep.Holdings;
import org.diskwarden.sweep.Plan;
import org.diskwarden.sweep.SweepReport;

/**
 * What holds the space after the agent's last plan and the sweep of it: surveyed once per plan and
 * sweep (a cleanup event and the critical one right after it share the walk).
 */
final class LastSurvey implements SpaceSurvey {
  private static final Logger LOG = LogManager.getLogger(LastSurvey.class);

  private final Supplier<WardenConfig> config;
  private final Check.Readings readings;
  private final Duration budget;
  private volatile Done last;

  private record Done(Plan plan, SweepReport report, SpaceHolders holders) {}

  LastSurvey(Supplier<WardenConfig> config, Check.Readings readings, Duration budget) {
    this.config = config;
    this.readings = readings;
    this.budget = budget;
  }

  @Override
  public SpaceHolders survey(Optional<SweepReport> given) {
    Plan plan = readings.plan.get();
    if (plan == null) {
      return SpaceHolders.none();
    }
    SweepReport report = given.orElseGet(readings.report::get);
    Done done = last;
    if (done != null && done.plan() == plan && done.report() == report) {
      return done.holders();
    }
    long start = System.nanoTime();
    SpaceHolders holders = Holdings.survey(config.get(), plan, Optional.ofNullable(report), budget);
    long ms = (System.nanoTime() - start) / 1_000_000;
    // said in the log when it cost the check something, or could not see everything
    LOG.log(holders.cut().isPresent() || ms >= 1000 ? Level.INFO : Level.DEBUG,
        "What holds the space: {} place(s) listed, {} other(s); surveyed in {} ms{}", holders.largest().size(),
        holders.otherPlaces(), ms, holders.cut().map(c -> " (" + c + ")").orElse(""));
    last = new Done(plan, report, holders);
    return holders;
  }

  /** The agent's survey, with the walk's budget in the agent. */
  static LastSurvey of(Supplier<WardenConfig> config, Check.Readings readings) {
    return new LastSurvey(config, readings, SpaceWalk.BUDGET);
  }
}
