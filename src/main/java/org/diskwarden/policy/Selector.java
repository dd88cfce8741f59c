package org.diskwarden.policy;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
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
import org.diskwarden.config.Durations;
import org.diskwarden.config.OrderBy;
import org.diskwarden.config.PolicyConfig;

/** Applies one configured policy to its folder and says which entries may go. */
public final class Selector {
  private static final Logger LOG = LogManager.getLogger(Selector.class);

  private final Protection protection;
  private final OpenFiles openFiles;
  private final long blockSize;
  private final Instant now;
  private final Duration minAge;
  private final java.util.Set<Path> unfinished;

  /**
   * @param unfinished entries whose removal a crashed agent began (the audit log has the intent, no
   *     outcome): judged by the times of their files, since our own unlinks touched their directories
   */
  public Selector(Protection protection, OpenFiles openFiles, long blockSize, Instant now, Duration minAge,
      java.util.Set<Path> unfinished) {
    this.unfinished = unfinished;
    this.protection = protection;
    this.openFiles = openFiles;
    this.blockSize = blockSize;
    this.now = now;
    this.minAge = minAge;
  }

  private record Entry(Path path, String name, Footprint footprint, boolean complete) {
    Instant newest() {
      return footprint.newest();
    }
  }

  /** Lists the policy's entries, measures each once, and sorts them into candidates and held. */
  public Selection select(PolicyConfig config) {
    List<Held> held = new ArrayList<>();
    Optional<Path> folder = folder(config, held);
    if (folder.isEmpty()) {
      return new Selection(config.name(), List.of(), held);
    }
    Map<String, List<Entry>> groups = new LinkedHashMap<>();
    Optional<PathMatcher> match = config.match().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g));
    Optional<Pattern> groupBy = config.groupBy().map(Pattern::compile);
    try (DirectoryStream<Path> children = Files.newDirectoryStream(folder.get())) {
      for (Path child : children) {
        if (match.isPresent() && !match.get().matches(child.getFileName())) {
          continue;
        }
        String name = child.getFileName().toString();
        String group = "";
        if (groupBy.isPresent()) {
          Matcher m = groupBy.get().matcher(name);
          if (!m.find() || m.group(1) == null) {
            held.add(new Held(child, config.name(), "name does not match group_by"));
            continue;
          }
          group = m.group(1);
        }
        Footprint footprint = FootprintWalk.measure(child, protection, blockSize, !unfinished.contains(child));
        boolean complete = config.completeMarker().map(marker -> holds(child, marker)).orElse(true);
        groups.computeIfAbsent(group, g -> new ArrayList<>()).add(new Entry(child, name, footprint, complete));
      }
    } catch (IOException e) {
      held.add(new Held(folder.get(), config.name(), "cannot list the folder: " + e.getMessage()));
      return new Selection(config.name(), List.of(), held);
    }

    Policy rule = Policy.of(config);
    Comparator<Entry> oldestFirst = order(config.orderBy());
    List<Entry> partial = new ArrayList<>();
    List<Entry> released = new ArrayList<>();
    Map<Path, String> reasons = new LinkedHashMap<>();
    long nextSave = 0;
    for (List<Entry> group : groups.values()) {
      List<Entry> settled = new ArrayList<>();
      for (Entry e : group) {
        if (e.newest().isAfter(now.minus(minAge))) {
          held.add(new Held(e.path(), config.name(), "modified within min_age " + Durations.format(minAge)
              + " (being written?)"));
        } else if (!e.complete()) {
          partial.add(e);
          reasons.put(e.path(), "abandoned partial save (no " + config.completeMarker().orElseThrow() + ")");
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
          held.add(new Held(e.path(), config.name(), "kept by rule (" + keptBecause(config, rank) + ")"));
        } else {
          released.add(e);
          reasons.put(e.path(), rule.reason());
        }
      }
    }
    partial.sort(oldestFirst);
    released.sort(oldestFirst);
    List<Candidate> candidates = new ArrayList<>();
    for (List<Entry> list : List.of(partial, released)) {
      for (Entry e : list) {
        Optional<String> stop = stopper(e);
        if (stop.isPresent()) {
          held.add(new Held(e.path(), config.name(), stop.get()));
        } else {
          candidates.add(new Candidate(e.path(), config.name(), config.noun(), e.footprint().bytes(),
              e.newest(), reasons.get(e.path())));
        }
      }
    }
    return new Selection(config.name(), candidates, held, nextSave);
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
        held.add(new Held(folder, config.name(), "the policy's folder leads outside base_dir to " + real));
        return Optional.empty();
      }
      return Optional.of(real);
    } catch (IOException e) {
      held.add(new Held(folder, config.name(), "cannot resolve the folder: " + e.getMessage()));
      return Optional.empty();
    }
  }

  private Optional<String> stopper(Entry e) {
    Optional<String> rule = protection.protectedBy(e.path());
    if (rule.isPresent()) {
      return rule;
    }
    if (e.footprint().problem().isPresent()) {
      return Optional.of("skipped: " + e.footprint().problem().get());
    }
    return openFiles.openUnder(e.path()).map(file -> "in use: " + file + " is open");
  }

  private static String keptBecause(PolicyConfig config, int rank) {
    if (config.hasKeepLatest() && rank < config.keepLatest()) {
      return "among the newest " + config.keepLatest();
    }
    return "younger than " + Durations.format(config.maxAge());
  }

  private static boolean holds(Path entry, String marker) {
    if (!Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + marker);
    try (DirectoryStream<Path> inside = Files.newDirectoryStream(entry)) {
      for (Path p : inside) {
        if (matcher.matches(p.getFileName())) {
          return true;
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  private static Comparator<Entry> order(OrderBy by) {
    Comparator<Entry> byName = Comparator.comparing(Entry::name, NaturalOrder.INSTANCE);
    return by == OrderBy.NAME ? byName : Comparator.comparing(Entry::newest).thenComparing(byName);
  }
}
