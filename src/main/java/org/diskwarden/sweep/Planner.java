package org.diskwarden.sweep;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.diskwarden.archive.Compressibility;
import org.diskwarden.archive.ReplaceableFolder;
import org.diskwarden.config.PolicyConfig;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.policy.Candidate;
import org.diskwarden.policy.Held;
import org.diskwarden.policy.OpenFiles;
import org.diskwarden.policy.Protection;
import org.diskwarden.policy.Selection;
import org.diskwarden.policy.Selector;
import org.diskwarden.volume.Usage;

/** Turns the policies into a {@link Plan}: every enabled policy in configured order. */
public final class Planner {
  private Planner() {}

  /** Plans against {@code usage}, judging ages at {@code now}. */
  public static Plan plan(WardenConfig config, Usage usage, long blockSize, Instant now) {
    return plan(config, usage, blockSize, now, Set.of());
  }

  /**
   * Plans against {@code usage}, judging ages at {@code now}.
   *
   * @param unfinished removals a crashed run began (see {@link AuditLog#unfinished()})
   */
  public static Plan plan(WardenConfig config, Usage usage, long blockSize, Instant now, Set<Path> unfinished) {
    return plan(config, usage, blockSize, now, unfinished, new Compressibility());
  }

  /**
   * As {@link #plan(WardenConfig, Usage, long, Instant, Set)}, with the agent's compression estimates
   * (what earlier archives really saved).
   */
  public static Plan plan(WardenConfig config, Usage usage, long blockSize, Instant now, Set<Path> unfinished,
      Compressibility estimates) {
    Protection protection = new Protection(config.baseDir(), config.protect());
    List<Candidate> candidates = new ArrayList<>();
    List<Held> held = new ArrayList<>();
    Set<Path> kept = new HashSet<>();
    List<Path> links = new ArrayList<>();
    long nextSave = 0;
    try (Selector selector = new Selector(protection, OpenFiles.snapshot(), blockSize, now, config.minAge(), unfinished,
        estimates)) {
      for (PolicyConfig policy : config.policies()) {
        if (!policy.enabled()) {
          continue;
        }
        Selection selection = selector.select(policy);
        candidates.addAll(selection.candidates());
        nextSave = Math.max(nextSave, selection.nextSave());
        held.addAll(selection.held());
        links.addAll(selection.keepingLinks());
        selection.held().stream()
            .filter(h -> h.why().keptByRule())
            .forEach(h -> kept.add(h.path()));
      }
    }
    List<String> folderWarnings = new ArrayList<>(
        org.diskwarden.policy.PolicyFolders.missing(config.baseDir(), config.policies()));
    ReplaceableFolder.warning(config.baseDir()).ifPresent(folderWarnings::add);
    return new Plan(usage, config.thresholds(), candidates, held, kept, unfinished, nextSave, links,
        protection.unmatched(), folderWarnings);
  }
}
