package org.diskwarden.policy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.diskwarden.config.Layout;
import org.diskwarden.config.PolicyConfig;
import org.diskwarden.fs.Dir;

/**
 * What the layout and keep_best keep in one group of a policy's entries: the Trainer's best
 * checkpoint, DeepSpeed's latest tag and the tags newer than it (saves in progress), the best N by a
 * metric. A pointer file that cannot be read holds every entry of the group: which one it keeps is
 * unknown, and the agent does not guess.
 */
final class FrameworkKeeps {
  private FrameworkKeeps() {}

  /**
   * @param folder the policy's folder held open (the pointer files are read through it)
   * @param byName the group's entries, name to path
   * @param newestFinished the newest entry holding the complete_marker, if any
   * @param oldestFirst the policy's order over the entries' names
   */
  static Map<Path, Held> of(PolicyConfig config, Dir folder, Map<String, Path> byName, Optional<String> newestFinished,
      Comparator<String> oldestFirst) {
    Map<Path, Held> kept = new LinkedHashMap<>();
    if (config.keepBest().isPresent()) {
      Frameworks.best(new ArrayList<>(byName.keySet()), config.keepBest().get()).forEach((name, why) ->
          kept.put(byName.get(name), new Held(byName.get(name), config.name(), Held.Why.BEST, why)));
    } else if (config.layout() == Layout.HUGGINGFACE && newestFinished.isPresent()) {
      Frameworks.Pointer best = Frameworks.huggingFaceBest(folder, newestFinished.get());
      if (best instanceof Frameworks.Pointer.Unreadable u) {
        return holdAll(config, byName, "trainer_state.json of " + newestFinished.get(), u.why());
      }
      named(best).map(byName::get).ifPresent(p -> kept.put(p, new Held(p, config.name(), Held.Why.BEST,
          "kept: best (best_model_checkpoint in trainer_state.json)")));
    }
    if (config.layout() == Layout.DEEPSPEED) {
      Frameworks.Pointer latest = Frameworks.deepSpeedLatest(folder);
      if (latest instanceof Frameworks.Pointer.Unreadable u) {
        return holdAll(config, byName, "latest", u.why());
      }
      named(latest).filter(byName::containsKey).ifPresent(tag -> {
        Path l = byName.get(tag);
        kept.put(l, new Held(l, config.name(), Held.Why.NAMED_BY_LATEST, "kept: named by latest"));
        byName.forEach((name, p) -> {
          if (oldestFirst.compare(name, tag) > 0) {
            kept.put(p, new Held(p, config.name(), Held.Why.IN_PROGRESS,
                "held: save in progress (newer than " + tag + ", the tag in latest)"));
          }
        });
      });
    }
    return kept;
  }

  private static Optional<String> named(Frameworks.Pointer p) {
    return p instanceof Frameworks.Pointer.Names n ? Optional.of(n.entry()) : Optional.empty();
  }

  /** A run whose pointer cannot be read: which checkpoint is the best or the one to resume is unknown. */
  private static Map<Path, Held> holdAll(PolicyConfig config, Map<String, Path> byName, String pointer, String why) {
    Map<Path, Held> kept = new LinkedHashMap<>();
    byName.values().forEach(p -> kept.put(p, new Held(p, config.name(), Held.Why.UNREADABLE, "skipped: " + pointer
        + " cannot be read (" + why + "); no checkpoint of the run goes while it cannot tell which one to keep")));
    return kept;
  }
}
