package org.diskwarden.policy;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diskwarden.archive.ArchiveFormat;
import org.diskwarden.archive.Compressibility;
import org.diskwarden.archive.Partial;
import org.diskwarden.config.Action;
import org.diskwarden.config.Durations;
import org.diskwarden.config.Layout;
import org.diskwarden.config.OrderBy;
import org.diskwarden.config.PolicyConfig;
import org.diskwarden.config.Retention;
import org.diskwarden.fs.Dir;

/**
 * Applies one configured policy to its folder and says which entries may go. One selector serves one
 * plan; its sizing threads end with it ({@link #close()}).
 */
public final class Selector implements AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(Selector.class);

  private final Protection protection;
  private final OpenFiles openFiles;
  private final long blockSize;
  private final Instant now;
  private final Duration minAge;
  private final java.util.Set<Path> unfinished;
  private final Workers sizing = Workers.sizing();
  private final Compressibility estimates;

  /**
   * @param unfinished entries whose removal a crashed agent began (the audit log has the intent, no
   *     outcome): judged by the times of their files, since our own unlinks touched their directories
   */
  public Selector(Protection protection, OpenFiles openFiles, long blockSize, Instant now, Duration minAge,
      java.util.Set<Path> unfinished, Compressibility estimates) {
    this.estimates = estimates;
    this.unfinished = unfinished;
    this.protection = protection;
    this.openFiles = openFiles;
    this.blockSize = blockSize;
    this.now = now;
    this.minAge = minAge;
  }

  private record Entry(Path path, String name, Footprint footprint, boolean complete, Object key) {
    Instant newest() {
      return footprint.newest();
    }
  }

  /** What a layout with its own selection (the hub cache) needs of this selector. */
  record Context(Protection protection, OpenFiles openFiles, long blockSize, Instant now, Duration minAge,
      Workers sizing) {}

  @Override
  public void close() {
    sizing.close();
  }

  /** Lists the policy's entries, measures each once, and sorts them into candidates and held. */
  public Selection select(PolicyConfig config) {
    List<Held> held = new ArrayList<>();
    Optional<Path> folder = folder(config, held);
    if (folder.isEmpty()) {
      return new Selection(config.name(), List.of(), held);
    }
    // the files of its own a policy reads (pointers, refs, samples) are read through the held folder
    try (Dir at = readsFiles(config) ? reach(folder.get()) : null) {
      return select(config, folder.get(), at, held);
    } catch (IOException e) {
      held.add(new Held(folder.get(), config.name(), Held.Why.FOLDER,
          "cannot be reached from base_dir without following a link: " + e.getMessage()));
      return new Selection(config.name(), List.of(), held);
    }
  }

  private static boolean readsFiles(PolicyConfig config) {
    return config.layout() != Layout.PLAIN || config.action().action() == Action.COMPRESS;
  }

  /** The policy's folder, reached from base_dir a name at a time without following a link. */
  private Dir reach(Path folder) throws IOException {
    try (Dir base = Dir.open(protection.baseDir())) {
      return base.descend(protection.baseDir().relativize(folder));
    }
  }

  /** @param at the folder held open; null when the policy reads no file of its own */
  private Selection select(PolicyConfig config, Path folder, Dir at, List<Held> held) {
    if (config.layout() == Layout.HF_CACHE) {
      return HubCache.select(new Context(protection, openFiles, blockSize, now, minAge, sizing), config, folder, at);
    }
    Optional<List<Object>> chain = Sighting.folders(protection.baseDir(), folder);
    if (chain.isEmpty()) {
      held.add(new Held(folder, config.name(), Held.Why.FOLDER, "the folder changed while it was read"));
      return new Selection(config.name(), List.of(), held);
    }
    Map<String, List<Entry>> groups = new LinkedHashMap<>();
    List<Path> links = new ArrayList<>();
    List<Entry> staging = new ArrayList<>();
    Optional<PathMatcher> match = config.match().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g));
    Optional<Pattern> groupBy = config.groupBy().map(Pattern::compile);
    boolean compress = config.action().action() == Action.COMPRESS;
    try (DirectoryStream<Path> children = Files.newDirectoryStream(folder)) {
      for (Path child : children) {
        // Work in progress (or left by a crash, cleaned up from the audit log) and the policy's own
        // archives are never entries of the policy.
        if (Partial.is(child) || (compress && ArchiveFormat.of(child).isPresent())) {
          continue;
        }
        BasicFileAttributes attrs;
        try {
          attrs = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
          continue; // gone since it was listed
        }
        if (attrs.isSymbolicLink()) {
          // A link is never an entry (it would take a kept place, then dangle); it keeps its target.
          links.add(child);
          continue;
        }
        if (Frameworks.isStaging(config.layout(), child.getFileName().toString(), attrs)) {
          staging.add(new Entry(child, child.getFileName().toString(),
              FootprintWalk.measure(child, protection, blockSize, true, sizing), false, attrs.fileKey()));
          continue;
        }
        if (!Frameworks.isEntry(config.layout(), child.getFileName().toString(), attrs)) {
          continue;
        }
        if (match.isPresent() && !match.get().matches(child.getFileName())) {
          continue;
        }
        String name = child.getFileName().toString();
        // several Lightning runs in one folder: each its own group (its best, its newest)
        String group = config.layout() == Layout.LIGHTNING ? Frameworks.lightningRun(name) : "";
        if (groupBy.isPresent()) {
          Matcher m = groupBy.get().matcher(name);
          if (!m.find() || m.group(1) == null) {
            held.add(new Held(child, config.name(), Held.Why.UNGROUPED, "name does not match group_by"));
            continue;
          }
          group = m.group(1);
        }
        Footprint footprint = FootprintWalk.measure(child, protection, blockSize, !unfinished.contains(child), sizing);
        boolean complete = Completion.complete(config, at, child, attrs);
        groups.computeIfAbsent(group, g -> new ArrayList<>())
            .add(new Entry(child, name, footprint, complete, attrs.fileKey()));
      }
    } catch (IOException e) {
      held.add(new Held(folder, config.name(), Held.Why.FOLDER, "cannot list the folder: " + e.getMessage()));
      return new Selection(config.name(), List.of(), held);
    }
    Map<Path, Path> linkedBy = linkTargets(folder, links);

    Retention rule = config.retention();
    Comparator<Entry> oldestFirst = order(config.orderBy());
    List<Entry> partial = new ArrayList<>();
    List<Entry> released = new ArrayList<>();
    Map<Path, String> reasons = new LinkedHashMap<>();
    long nextSave = 0;
    // what a layout or keep_best keeps, over all groups: abandoned saves among them stay too
    Map<Path, Held> keptPartial = new LinkedHashMap<>();
    for (List<Entry> group : groups.values()) {
      List<Entry> settled = new ArrayList<>();
      Optional<Entry> newestFinished = group.stream().filter(Entry::complete).max(oldestFirst);
      Map<String, Entry> named = new LinkedHashMap<>();
      group.forEach(e -> named.put(e.name(), e));
      Map<String, Path> paths = new LinkedHashMap<>();
      group.forEach(e -> paths.put(e.name(), e.path()));
      FrameworkKeeps.Keeps keeps = FrameworkKeeps.of(config, at, new FrameworkKeeps.Group(paths,
          newestFinished.map(Entry::name), Comparator.comparing(named::get, oldestFirst), n -> named.get(n).newest()),
          now.minus(minAge));
      Map<Path, Held> framework = new LinkedHashMap<>(keeps.kept());
      linkedBy.keySet().forEach(framework::remove);
      keptPartial.putAll(framework);
      for (Entry e : group) {
        Held kept = framework.get(e.path());
        if (e.newest().isAfter(now.minus(minAge))) {
          held.add(new Held(e.path(), config.name(), Held.Why.YOUNG, "modified within min_age "
              + Durations.format(minAge) + " (being written?)", e.footprint().bytes()));
        } else if (kept != null && kept.why() == Held.Why.IN_PROGRESS) {
          held.add(kept.withBytes(e.footprint().bytes()));
        } else if (keeps.leftovers().containsKey(e.path())) {
          partial.add(e);
          reasons.put(e.path(), keeps.leftovers().get(e.path()));
        } else if (!e.complete() && (newestFinished.isEmpty() || oldestFirst.compare(e, newestFinished.get()) > 0)) {
          // Newer than every finished save: a save in progress whose writer paused, not an abandoned one.
          held.add(Completion.unfinished(config, e.path(), e.footprint().bytes()));
        } else if (!e.complete()) {
          partial.add(e);
          reasons.put(e.path(), "abandoned partial save (no " + Completion.marker(config) + ", and a newer entry has one)");
        } else {
          settled.add(e);
        }
      }
      settled.sort(oldestFirst.reversed());
      if (config.hasKeepLatest() && !settled.isEmpty()) {
        nextSave = Math.max(nextSave, settled.get(0).footprint().bytes());
      }
      for (int rank = 0; rank < settled.size(); rank++) {
        Entry e = settled.get(rank);
        if (rule.keeps(rank, e.newest(), now)) {
          held.add(new Held(e.path(), config.name(), Held.Why.KEPT_BY_RULE,
              "kept by rule (" + rule.keptBecause(rank, e.newest(), now) + ")", e.footprint().bytes()));
        } else if (framework.containsKey(e.path())) {
          // kept besides keep_latest: it still took its rank above
          held.add(framework.get(e.path()).withBytes(e.footprint().bytes()));
        } else {
          released.add(e);
          reasons.put(e.path(), rule.reason());
        }
      }
    }
    for (Entry e : staging) {
      if (e.newest().isAfter(now.minus(minAge))) {
        held.add(new Held(e.path(), config.name(), Held.Why.YOUNG, "staging folder modified within min_age "
            + Durations.format(minAge) + " (the Trainer renames it when the save is done)", e.footprint().bytes()));
      } else {
        partial.add(e);
        reasons.put(e.path(), "leftover: staging folder the Trainer never renamed to checkpoint-N (a crashed save)");
      }
    }
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
    List<Candidate> candidates = new ArrayList<>();
    for (List<Entry> list : List.of(partial, released)) {
      for (Entry e : list) {
        Optional<Held> stop = stopper(e, config.name(), linkedBy);
        if (stop.isPresent()) {
          held.add(stop.get().withBytes(e.footprint().bytes()));
        } else {
          Candidate c = new Candidate(e.path(), config.name(), config.noun(), e.footprint().bytes(), e.newest(),
              reasons.get(e.path()));
          candidates.add(Archives.disposed(c.seen(new Sighting(chain.get(), e.key())), config.action(), estimates, at));
        }
      }
    }
    if (compress && config.action().archivesExpire()) {
      candidates.addAll(Archives.expired(new Context(protection, openFiles, blockSize, now, minAge, sizing), config,
          folder, held));
    }
    return new Selection(config.name(), candidates, held, nextSave, links);
  }

  /**
   * The entry each link in the folder points at or into, mapped to the link (the first one found);
   * links to elsewhere are still kept by the removal, which resolves them again.
   */
  private static Map<Path, Path> linkTargets(Path folder, List<Path> links) {
    Map<Path, Path> linkedBy = new LinkedHashMap<>();
    for (Path link : links) {
      try {
        Path target = link.toRealPath();
        if (target.startsWith(folder) && !target.equals(folder)) {
          linkedBy.putIfAbsent(folder.resolve(folder.relativize(target).getName(0)), link);
        }
      } catch (IOException e) {
        // a dangling link keeps nothing
      }
    }
    return linkedBy;
  }

  private Optional<Path> folder(PolicyConfig config, List<Held> held) {
    Path folder = protection.baseDir().resolve(config.path()).normalize();
    if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS) || !Files.isDirectory(folder)) {
      return Optional.empty();
    }
    try {
      Path real = folder.toRealPath();
      // A policy folder that is a link leading out of base_dir is not ours: refuse it whole.
      if (!protection.isInside(real)) {
        LOG.warn("Policy {}: {} leads outside base_dir to {}; the policy is skipped", config.name(), folder, real);
        held.add(new Held(folder, config.name(), Held.Why.FOLDER, "the policy's folder leads outside base_dir to " + real));
        return Optional.empty();
      }
      return Optional.of(real);
    } catch (IOException e) {
      held.add(new Held(folder, config.name(), Held.Why.FOLDER, "cannot resolve the folder: " + e.getMessage()));
      return Optional.empty();
    }
  }

  private Optional<Held> stopper(Entry e, String policy, Map<Path, Path> linkedBy) {
    Path link = linkedBy.get(e.path());
    if (link != null) {
      return Optional.of(new Held(e.path(), policy, Held.Why.LINK_TARGET,
          "kept: the link " + link.getFileName() + " points at it"));
    }
    Optional<String> rule = protection.protectedBy(e.path());
    if (rule.isPresent()) {
      return Optional.of(new Held(e.path(), policy, Held.Why.PROTECTED, rule.get()));
    }
    if (e.footprint().problem().isPresent()) {
      return Optional.of(new Held(e.path(), policy, Held.Why.UNREADABLE, "skipped: " + e.footprint().problem().get()));
    }
    return openFiles.openUnder(e.path()).map(file -> new Held(e.path(), policy, Held.Why.IN_USE,
        "in use: " + file + " is open"));
  }

  private static Comparator<Entry> order(OrderBy by) {
    Comparator<Entry> byName = Comparator.comparing(Entry::name, NaturalOrder.INSTANCE);
    return switch (by) {
      case NAME -> byName;
      case MTIME -> Comparator.comparing(Entry::newest).thenComparing(byName);
      // entries without a step in their name first, each part by time: a total order TimSort accepts
      case STEP -> Comparator.comparingLong((Entry e) -> Frameworks.step(e.name()).orElse(Long.MIN_VALUE))
          .thenComparing(Entry::newest).thenComparing(byName);
    };
  }
}
