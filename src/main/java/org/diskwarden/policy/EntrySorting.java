package org.diskwarden.policy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.diskwarden.config.Durations;
import org.diskwarden.config.PolicyConfig;
import org.diskwarden.config.Retention;
import org.diskwarden.fs.Dir;
import org.diskwarden.policy.FolderEntries.Entry;

/**
 * Sorts a policy's measured entries, group by group, into held ones (young, kept by a layout or by the
 * retention rule, a save in progress), leftovers of saves ({@link #partial}) and the ones the rule
 * releases ({@link #released}), each with its reason.
 */
final class EntrySorting {
  final List<Entry> partial = new ArrayList<>();
  final List<Entry> released = new ArrayList<>();
  final Map<Path, String> reasons = new LinkedHashMap<>();
  /** What a layout or keep_best keeps, over all groups: abandoned saves among them stay too. */
  final Map<Path, Held> keptPartial = new LinkedHashMap<>();
  /** The size of the newest settled entry of any group: what the next save may take. */
  long nextSave;

  private final PolicyConfig config;
  private final Dir at;
  private final Instant now;
  private final Duration minAge;
  private final Comparator<Entry> oldestFirst;
  private final Map<Path, Path> linkedBy;
  private final List<Held> held;

  EntrySorting(PolicyConfig config, Dir at, Instant now, Duration minAge, Comparator<Entry> oldestFirst,
      Map<Path, Path> linkedBy, List<Held> held) {
    this.config = config;
    this.at = at;
    this.now = now;
    this.minAge = minAge;
    this.oldestFirst = oldestFirst;
    this.linkedBy = linkedBy;
    this.held = held;
  }

  /** Sorts one group: what its layout keeps, then each entry, then the settled ones by rank. */
  void group(List<Entry> group) {
    Optional<Entry> newestFinished = group.stream().filter(Entry::complete).max(oldestFirst);
    Map<String, Entry> named = new LinkedHashMap<>();
    group.forEach(e -> named.put(e.name(), e));
    Map<String, Path> paths = new LinkedHashMap<>();
    group.forEach(e -> paths.put(e.name(), e.path()));
    FrameworkKeeps.Keeps keeps = FrameworkKeeps.of(config, at, new FrameworkKeeps.Group(paths,
        newestFinished.map(Entry::name), Comparator.comparing(named::get, oldestFirst), n -> named.get(n).newest()),
        now.minus(minAge));
    Map<Path, Held> framework = new LinkedHashMap<>(keeps.kept());
    TrainerSaves.Judgement saves = TrainerSaves.judge(config, at, paths, n -> named.get(n).newest(),
        newestFinished.map(Entry::name));
    saves.kept().forEach(framework::putIfAbsent);
    linkedBy.keySet().forEach(framework::remove);
    keptPartial.putAll(framework);
    Map<Path, String> leftovers = new LinkedHashMap<>(saves.leftovers());
    leftovers.putAll(keeps.leftovers());
    List<Entry> settled = new ArrayList<>();
    for (Entry e : group) {
      if (!judged(e, framework.get(e.path()), leftovers, newestFinished)) {
        settled.add(e);
      }
    }
    rank(settled, framework);
  }

  /** Holds or sets aside {@code e} when its age, its layout or its completion decides; false when settled. */
  private boolean judged(Entry e, Held kept, Map<Path, String> leftovers, Optional<Entry> newestFinished) {
    if (e.newest().isAfter(now.minus(minAge))) {
      held.add(new Held(e.path(), config.name(), Held.Why.YOUNG, "modified within min_age "
          + Durations.format(minAge) + " (being written?)", e.footprint().bytes()));
    } else if (kept != null && kept.why() == Held.Why.IN_PROGRESS) {
      held.add(kept.withBytes(e.footprint().bytes()));
    } else if (leftovers.containsKey(e.path())) {
      partial(e, leftovers.get(e.path()));
    } else if (!e.complete() && (newestFinished.isEmpty() || oldestFirst.compare(e, newestFinished.get()) > 0)) {
      // Newer than every finished save: a save in progress whose writer paused, not an abandoned one.
      held.add(Completion.unfinished(config, e.path(), e.footprint().bytes()));
    } else if (!e.complete()) {
      partial(e, "abandoned partial save (no " + Completion.marker(config) + ", and a newer entry has one)");
    } else {
      return false;
    }
    return true;
  }

  /** The retention rule over the settled entries, newest first: kept, kept by the layout, or released. */
  private void rank(List<Entry> settled, Map<Path, Held> framework) {
    Retention rule = config.retention();
    settled.sort(oldestFirst.reversed());
    if (config.hasKeepLatest() && !settled.isEmpty()) {
      nextSave = Math.max(nextSave, settled.get(0).footprint().bytes());
    }
    List<Optional<String>> keptWhy = rule.kept(settled.stream()
        .map(e -> new Retention.Settled(e.newest(), Frameworks.step(e.name()))).toList(), now);
    for (int rank = 0; rank < settled.size(); rank++) {
      Entry e = settled.get(rank);
      if (keptWhy.get(rank).isPresent()) {
        held.add(new Held(e.path(), config.name(), Held.Why.KEPT_BY_RULE, keptWhy.get(rank).get(),
            e.footprint().bytes()));
      } else if (framework.containsKey(e.path())) {
        // kept besides keep_latest: it still took its rank above
        held.add(framework.get(e.path()).withBytes(e.footprint().bytes()));
      } else {
        released.add(e);
        reasons.put(e.path(), rule.reason());
      }
    }
  }

  /** Hugging Face staging folders: young ones stay, older ones are a crashed save's leftovers. */
  void staging(List<Entry> staging) {
    for (Entry e : staging) {
      if (e.newest().isAfter(now.minus(minAge))) {
        held.add(new Held(e.path(), config.name(), Held.Why.YOUNG, "staging folder modified within min_age "
            + Durations.format(minAge) + " (the Trainer renames it when the save is done)", e.footprint().bytes()));
      } else {
        partial(e, "leftover: staging folder the Trainer never renamed to checkpoint-N (a crashed save)");
      }
    }
  }

  /** Oldest first; a leftover a layout keeps (and no link keeps instead) is held, not offered. */
  void finish() {
    partial.sort(oldestFirst);
    released.sort(oldestFirst);
    partial.removeIf(e -> {
      Held h = keptPartial.get(e.path());
      if (h != null && !linkedBy.containsKey(e.path())) {
        held.add(h.withBytes(e.footprint().bytes()));
        return true;
      }
      return false;
    });
  }

  private void partial(Entry e, String reason) {
    partial.add(e);
    reasons.put(e.path(), reason);
  }
}
