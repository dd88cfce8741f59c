package org.diskwarden.notify;

import java.util.Optional;
import org.diskwarden.policy.SpaceHolders;
import org.diskwarden.sweep.SweepReport;

/**
 * What holds the space, asked when a critical or cleanup event goes out (and only when someone
 * listens): the agent surveys its watch from its last plan and sweep ({@code sweep.Holdings}).
 */
@FunctionalInterface
public interface SpaceSurvey {
  /**
   * @param report the sweep the event tells of; empty for a critical event (the agent's last sweep
   *     of its last plan is used, if one followed it)
   */
  SpaceHolders survey(Optional<SweepReport> report);

  /** Names nothing (tests, and events of an agent that has no plan). */
  static SpaceSurvey none() {
    return report -> SpaceHolders.none();
  }
}
