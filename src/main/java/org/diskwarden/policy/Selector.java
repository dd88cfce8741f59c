package org.diskwarden.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diskwarden.archive.Compressibility;
import org.diskwarden.config.Action;
import org.diskwarden.config.Layout;
import org.diskwarden.config.OrderBy;
import org.diskwarden.config.PolicyConfig;
import org.diskwarden.fs.Dir;
import org.diskwarden.policy.FolderEntries.Entry;

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
  private final Set<Path> unfinished;
  private final Workers sizing = Workers.sizing();
  private final Compressibility estimates;

  /**
   * @param unfinished entries whose removal a crashed agent began (the audit log has the intent, no
   *     outcome): judged by the times of their files, since our own unlinks touched their directories
   */
  public Selector(Protection protection, OpenFiles openFiles, long blockSize, Instant now, Duration minAge,
      Set<Path> unfinished, Compressibility estimates) {
    this.estimates = estimates;
    this.unfinished = unfinished;
    this.protection = protection;
    this.openFiles = openFiles;
    this.blockSize = blockSize;
    this.now = now;
    this.minAge = minAge;
  }

  /** What a layout with its own selection (the hub cache) needs of this selector. */
  record Context(Protection protection, OpenFiles openFiles, long blockSize, Instant now, Duration minAge,
      Workers sizing) {}

  @Override
  public void close() {
    sizing.close();
  }

  /**
   * Lists the policy's entries, measures each once, and sorts them into candidates and held: the
   * folder reached from base_dir, its entries listed and measured through it, sorted by group, then
   * offered as candidates unless something stops one.
   */
  public Selection select(PolicyConfig config) {
    List<Held> held = new ArrayList<>();
    Optional<Path> folder = folder(config, held);
    if (folder.isEmpty()) {
      return new Selection(config.name(), List.of(), held);
    }
    // the entries, their sizes and times, and the files of its own a policy reads (pointers, refs,
    // samples) are read through the held folder
    try (Dir at = reach(folder.get())) {
      return select(config, folder.get(), at, held);
    } catch (IOException e) {
      held.add(new Held(folder.get(), config.name(), Held.Why.FOLDER,
          "cannot be reached from base_dir without following a link: " + e.getMessage()));
      return new Selection(config.name(), List.of(), held);
    }
  }

  /** The policy's folder, reached from base_dir a name at a time without following a link. */
  private Dir reach(Path folder) throws IOException {
    try (Dir base = Dir.open(protection.baseDir())) {
      return base.descend(protection.baseDir().relativize(folder));
    }
  }

  private Context context() {
    return new Context(protection, openFiles, blockSize, now, minAge, sizing);
  }

  /** @param at the folder held open */
  private Selection select(PolicyConfig config, Path folder, Dir at, List<Held> held) {
    if (config.layout() == Layout.HF_CACHE) {
      return HubCache.select(context(), config, folder, at);
    }
    Optional<List<Object>> chain = Sighting.folders(protection.baseDir(), folder);
    if (chain.isEmpty()) {
      held.add(new Held(folder, config.name(), Held.Why.FOLDER, "the folder changed while it was read"));
      return new Selection(config.name(), List.of(), held);
    }
    FolderEntries.Listed listed;
    try {
      listed = FolderEntries.list(config, folder, at, context(), unfinished, held);
    } catch (IOException e) {
      held.add(new Held(folder, config.name(), Held.Why.FOLDER, "cannot list the folder: " + e.getMessage()));
      return new Selection(config.name(), List.of(), held);
    }
    Map<Path, Path> linkedBy = linkTargets(folder, listed.links());
    EntrySorting sorting = new EntrySorting(config, at, now, minAge, order(config.orderBy()), linkedBy, held);
    listed.groups().values().forEach(sorting::group);
    sorting.staging(listed.staging());
    sorting.finish();
    List<Candidate> candidates = offered(config, at, new Sighted(chain.get(), linkedBy), sorting, held);
    if (config.action().action() == Action.COMPRESS && config.action().archivesExpire()) {
      candidates.addAll(Archives.expired(context(), config, folder, held));
    }
    return new Selection(config.name(), candidates, held, sorting.nextSave, listed.links());
  }

  /** The folder chain the plan saw, and which entry each link keeps. */
  private record Sighted(List<Object> chain, Map<Path, Path> linkedBy) {}

  /** Leftovers, then released entries, oldest first: each a candidate unless something stops it. */
  private List<Candidate> offered(PolicyConfig config, Dir at, Sighted sighted, EntrySorting sorting,
      List<Held> held) {
    List<Candidate> candidates = new ArrayList<>();
    for (List<Entry> list : List.of(sorting.partial, sorting.released)) {
      for (Entry e : list) {
        Optional<Held> stop = stopper(e, config.name(), sighted.linkedBy());
        if (stop.isPresent()) {
          held.add(stop.get().withBytes(e.footprint().bytes()));
        } else {
          Candidate c = new Candidate(e.path(), config.name(), config.noun(), e.footprint().bytes(), e.newest(),
              sorting.reasons.get(e.path()));
          candidates.add(Archives.disposed(c.seen(new Sighting(sighted.chain(), e.key())), config.action(),
              estimates, at));
        }
      }
    }
    return candidates;
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
