package org.diskwarden.sweep;

import java.time.Instant;
import java.util.List;
import org.diskwarden.config.CleanupMode;
import org.diskwarden.policy.Candidate;
import org.diskwarden.policy.Held;
import org.diskwarden.volume.State;

/**
 * What one sweep did.
 *
 * @param bytesFreed what the removed entries were measured to free (planned bytes, in dry run too)
 * @param freeBefore free bytes when the sweep started
 * @param freeAfter free bytes when it ended (in dry run: as estimated)
 * @param removed entries removed (in dry run: that would have been)
 * @param failed entries whose removal failed or the guard refused
 * @param notReached candidates left because the target was reached (or the agent stopped)
 * @param held entries the policies did not release, with reasons
 * @param state the state after the sweep
 * @param gitGc one summary line per repository git gc compacted after the sweep (when_still_low / always)
 * @param skipped compress or move candidates left in place without harm, with why: no room for the
 *     archive, target volume short of space, too little gain without fallback: delete, shutdown
 */
public record SweepReport(
    Instant start,
    Instant end,
    CleanupMode mode,
    boolean dryRun,
    long total,
    long freeBefore,
    long freeAfter,
    long bytesFreed,
    List<Removal> removed,
    List<Removal> failed,
    List<Candidate> notReached,
    List<Held> held,
    State state,
    List<String> gitGc,
    List<Removal> skipped) {

  public SweepReport {
    removed = List.copyOf(removed);
    failed = List.copyOf(failed);
    notReached = List.copyOf(notReached);
    held = List.copyOf(held);
    gitGc = List.copyOf(gitGc);
    skipped = List.copyOf(skipped);
  }

  public SweepReport(Instant start, Instant end, CleanupMode mode, boolean dryRun, long total, long freeBefore,
      long freeAfter, long bytesFreed, List<Removal> removed, List<Removal> failed, List<Candidate> notReached,
      List<Held> held, State state) {
    this(start, end, mode, dryRun, total, freeBefore, freeAfter, bytesFreed, removed, failed, notReached, held, state,
        List.of(), List.of());
  }

  /** The same report with the git gc that followed the sweep, and the state after it. */
  public SweepReport withGitGc(List<String> summaries, State after) {
    return new SweepReport(start, end, mode, dryRun, total, freeBefore, freeAfter, bytesFreed, removed, failed,
        notReached, held, after, summaries, skipped);
  }
}
