package org.diskwarden.policy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.diskwarden.config.Layout;
import org.diskwarden.config.PolicyConfig;
import org.diskwarden.fs.Attrs;
import org.diskwarden.fs.Dir;

/**
 * What the layout and keep_best keep in one group of a policy's entries: the Trainer's best
 * checkpoint, DeepSpeed's latest tag and the tags newer than it (saves in progress), the best N by a
 * metric. A pointer file that cannot be read, or a best that is named but not there, holds every
 * entry of the group: which one it keeps is unknown, and the agent does not guess. DeepSpeed tags
 * above {@code latest} that are older than the {@code latest} file were left by a rewind: leftovers.
 */
final class FrameworkKeeps {
  private FrameworkKeeps() {}

  /**
   * @param kept entries held, and why
   * @param leftovers entries that go whatever the retention rule says, with the reason
   */
  record Keeps(Map<Path, Held> kept, Map<Path, String> leftovers) {
    static Keeps of(Map<Path, Held> kept) {
      return new Keeps(kept, Map.of());
    }
  }

  /** What the group's entries are and when each was last written. */
  record Group(Map<String, Path> byName, Optional<String> newestFinished, Comparator<String> oldestFirst,
      Function<String, Instant> newest) {}

  /**
   * @param folder the policy's folder held open (the pointer files are read through it)
   * @param settledBefore entries last written before this instant are past min_age
   */
  static Keeps of(PolicyConfig config, Dir folder, Group group, Instant settledBefore) {
    Map<String, Path> byName = group.byName();
    Map<Path, Held> kept = new LinkedHashMap<>();
    if (config.keepBest().isPresent()) {
      Frameworks.best(new ArrayList<>(byName.keySet()), config.keepBest().get()).forEach((name, why) ->
          kept.put(byName.get(name), new Held(byName.get(name), config.name(), Held.Why.BEST, why)));
    } else if (config.layout() == Layout.HUGGINGFACE && group.newestFinished().isPresent()) {
      String newest = group.newestFinished().get();
      Frameworks.Pointer best = TrainerState.best(folder, newest, byName.keySet());
      if (best instanceof Frameworks.Pointer.Unreadable u) {
        return Keeps.of(holdAll(config, byName, Held.Why.UNREADABLE, "skipped: trainer_state.json of " + newest
            + " cannot be read (" + u.why() + "); no checkpoint of the run goes while it cannot tell which one"
            + " to keep"));
      }
      if (best instanceof Frameworks.Pointer.NotFound nf) {
        return Keeps.of(holdAll(config, byName, Held.Why.BEST, "kept: trainer_state.json of " + newest
            + " names the best as " + nf.named() + ", which is not in the folder; every checkpoint of the run"
            + " stays while the best cannot be found"));
      }
      named(best).map(byName::get).ifPresent(p -> kept.put(p, new Held(p, config.name(), Held.Why.BEST,
          "kept: best (best_global_step / best_model_checkpoint in trainer_state.json)")));
    }
    if (config.layout() == Layout.LIGHTNING && config.groupBy().isEmpty() && !byName.isEmpty()) {
      lightningBest(config, folder, byName, kept);
    }
    Map<Path, String> leftovers = new LinkedHashMap<>();
    if (config.layout() == Layout.DEEPSPEED) {
      Frameworks.Pointer latest = Frameworks.deepSpeedLatest(folder);
      if (latest instanceof Frameworks.Pointer.Unreadable u) {
        return Keeps.of(holdAll(config, byName, Held.Why.UNREADABLE, "skipped: latest cannot be read (" + u.why()
            + "); no checkpoint of the run goes while it cannot tell which one to keep"));
      }
      if (latest instanceof Frameworks.Pointer.Nothing) {
        // engine.save_checkpoint writes latest after the tag: without it no tag is known complete
        return Keeps.of(holdAll(config, byName, Held.Why.IN_PROGRESS, "held: no latest file names a tag yet"
            + " (DeepSpeed writes it once a tag is saved whole); which tag is complete cannot be told"));
      }
      Optional<Instant> written = latestWritten(folder);
      named(latest).filter(byName::containsKey).ifPresent(tag -> {
        Path l = byName.get(tag);
        kept.put(l, new Held(l, config.name(), Held.Why.NAMED_BY_LATEST, "kept: named by latest"));
        byName.forEach((name, p) -> {
          if (group.oldestFirst().compare(name, tag) <= 0) {
            return;
          }
          Instant last = group.newest().apply(name);
          if (written.isPresent() && last.isBefore(written.get()) && last.isBefore(settledBefore)) {
            // latest was written after this tag was last touched: the run went back to an older tag
            leftovers.put(p, "leftover: tag above latest (" + tag + ") last written before latest was, left by a"
                + " resume from an older tag");
          } else {
            kept.put(p, new Held(p, config.name(), Held.Why.IN_PROGRESS,
                "held: save in progress (newer than " + tag + ", the tag in latest)"));
          }
        });
      });
    }
    return new Keeps(kept, leftovers);
  }

  /** The run's own best, as its {@code last.ckpt} (or {@code last-vN.ckpt}) says, when it can tell. */
  private static void lightningBest(PolicyConfig config, Dir folder, Map<String, Path> byName, Map<Path, Held> kept) {
    String run = Frameworks.lightningRun(byName.keySet().iterator().next());
    String last = run.isEmpty() ? "last.ckpt" : "last-" + run + ".ckpt";
    LastCheckpoint.bestModelPaths(folder, last).ifPresent(paths -> paths.stream()
        .map(TrainerState::lastComponent).flatMap(Optional::stream).filter(byName::containsKey)
        .forEach(name -> kept.putIfAbsent(byName.get(name), new Held(byName.get(name), config.name(),
            Held.Why.BEST, "kept: best (best_model_path in " + last + ")"))));
  }

  private static Optional<Instant> latestWritten(Dir folder) {
    try {
      return folder.stat("latest").filter(Attrs::isRegularFile).map(Attrs::mtime);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> named(Frameworks.Pointer p) {
    return p instanceof Frameworks.Pointer.Names n ? Optional.of(n.entry()) : Optional.empty();
  }

  /** A run whose pointer cannot be read or whose best is not there: every checkpoint stays. */
  private static Map<Path, Held> holdAll(PolicyConfig config, Map<String, Path> byName, Held.Why why, String reason) {
    Map<Path, Held> kept = new LinkedHashMap<>();
    byName.values().forEach(p -> kept.put(p, new Held(p, config.name(), why, reason)));
    return kept;
  }
}
