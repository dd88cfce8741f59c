package org.diskwarden.sweep;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.diskwarden.config.Thresholds;
import org.diskwarden.policy.Candidate;
import org.diskwarden.policy.Held;
import org.diskwarden.volume.State;
import org.diskwarden.volume.Usage;

/**
 * What a cleanup would remove, in order: policy by policy as configured, within a policy abandoned
 * partial saves first, then oldest first.
 *
 * @param usage the volume when the plan was made
 * @param thresholds the thresholds in force
 * @param candidates removal order
 * @param held entries the policies looked at and did not release, with reasons
 * @param keptByRule entries a retention rule keeps: the guard refuses them whatever a plan says
 * @param resumed removals a crashed run began: their directory mtimes are our own unlinks
 * @param nextSave the largest newest finished entry of a keep_latest policy: the size of the next save
 * @param keepingLinks links in policy folders pointing at entries: their targets stay while they exist
 * @param unmatchedProtect protect patterns that match nothing in base_dir (a typo protects nothing)
 * @param missingPolicyFolders warnings about folders, each shown as one WARNING line: policies whose folder is
 *     not in base_dir (a typo: the policy never acts), and base_dir when others may replace what is in it
 *     (compress, move and restore are then refused there)
 */
public record Plan(Usage usage, Thresholds thresholds, List<Candidate> candidates, List<Held> held,
    Set<Path> keptByRule, Set<Path> resumed, long nextSave, List<Path> keepingLinks, List<String> unmatchedProtect,
    List<String> missingPolicyFolders) {

  public Plan {
    candidates = List.copyOf(candidates);
    held = List.copyOf(held);
    keptByRule = Set.copyOf(keptByRule);
    resumed = Set.copyOf(resumed);
    keepingLinks = List.copyOf(keepingLinks);
    unmatchedProtect = List.copyOf(unmatchedProtect);
    missingPolicyFolders = List.copyOf(missingPolicyFolders);
  }

  public Plan(Usage usage, Thresholds thresholds, List<Candidate> candidates, List<Held> held, Set<Path> keptByRule) {
    this(usage, thresholds, candidates, held, keptByRule, Set.of(), 0, List.of(), List.of(), List.of());
  }

  /** The same plan judged against {@code t} (the trigger raised for the next save this plan measured). */
  public Plan withThresholds(Thresholds t) {
    return new Plan(usage, t, candidates, held, keptByRule, resumed, nextSave, keepingLinks, unmatchedProtect,
        missingPolicyFolders);
  }

  /** The same plan with only the removals a killed run began: they are finished whatever the trigger. */
  public Plan onlyResumed() {
    return new Plan(usage, thresholds, candidates.stream().filter(c -> resumed.contains(c.path())).toList(), held,
        keptByRule, resumed, nextSave, keepingLinks, unmatchedProtect,
        missingPolicyFolders);
  }

  /** Whether a removal a killed run began is among the candidates, or has vanished and needs its outcome. */
  public boolean hasResumed() {
    return !resumed.isEmpty();
  }

  /** Bytes every candidate together is expected to free (an archive's estimated size taken off). */
  public long reclaimable() {
    return candidates.stream().mapToLong(Candidate::gain).sum();
  }

  /**
   * OK at or above the trigger; LOW below it when the candidates can bring free space back to it;
   * CRITICAL when even all of them cannot.
   */
  public State state() {
    if (!thresholds.isBelowTrigger(usage.free(), usage.total())) {
      return State.OK;
    }
    Usage best = usage.plus(reclaimable());
    return thresholds.isBelowTrigger(best.free(), best.total()) ? State.CRITICAL : State.LOW;
  }
}
