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
import org.diskwarden.archive.ArchiveFormat;
import org.diskwarden.archive.Partial;
import org.diskwarden.archive.Compressibility;
import org.diskwarden.config.Action;
import org.diskwarden.config.ActionConfig;
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
    boolean compress = config.action().action() == Action.COMPRESS;
    try (DirectoryStream<Path> children = Files.newDirectoryStream(folder.get())) {
      for (Path child : children) {
        // Work in progress (or left by a crash, cleaned up from the audit log) and the policy's own
        // archives are never entries of the policy.
        if (Partial.is(child) || (compress && ArchiveFormat.of(child).isPresent())) {
          continue;
        }
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
          candidates.add(disposed(new Candidate(e.path(), config.name(), config.noun(), e.footprint().bytes(),
              e.newest(), reasons.get(e.path())), config.action()));
        }
      }
    }
    if (compress && config.action().archivesExpire()) {
      candidates.addAll(expiredArchives(config, folder.get(), held));
    }
    return new Selection(config.name(), candidates, held, nextSave);
  }

  /** The candidate under its policy's action, with what that action is expected to free here. */
  private static Candidate disposed(Candidate c, ActionConfig action) {
    return switch (action.action()) {
      case DELETE -> c;
      case MOVE -> c.as(Action.MOVE, c.bytes());
      case COMPRESS -> {
        double ratio = Compressibility.ratio(c.path(), c.newest(), ArchiveFormat.best(), action.compressLevel());
        yield c.as(Action.COMPRESS, c.bytes() - (long) Math.ceil(c.bytes() * ratio));
      }
    };
  }

  /** The policy's archives older than archives_max_age, oldest first; they are deleted. */
  private List<Candidate> expiredArchives(PolicyConfig config, Path folder, List<Held> held) {
    Path archives = config.action().compressTo().map(protection.baseDir()::resolve).orElse(folder).normalize();
    Duration maxAge = config.action().archivesMaxAge();
    List<Candidate> expired = new ArrayList<>();
    if (!Files.isDirectory(archives, LinkOption.NOFOLLOW_LINKS)) {
      return expired;
    }
    try (DirectoryStream<Path> children = Files.newDirectoryStream(archives)) {
      for (Path archive : children) {
        if (ArchiveFormat.of(archive).isEmpty() || Partial.is(archive)
            || !Files.isRegularFile(archive, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        Footprint footprint = FootprintWalk.measure(archive, protection, blockSize, true);
        Optional<String> stop = protection.protectedBy(archive);
        if (stop.isPresent()) {
          held.add(new Held(archive, config.name(), stop.get()));
        } else if (footprint.newest().isBefore(now.minus(maxAge)) && footprint.newest().isBefore(now.minus(minAge))) {
          expired.add(new Candidate(archive, config.name(), "archive", footprint.bytes(), footprint.newest(),
              "archive older than " + Durations.format(maxAge)));
        }
      }
    } catch (IOException e) {
      held.add(new Held(archives, config.name(), "cannot list the archives: " + e.getMessage()));
    }
    expired.sort(Comparator.comparing(Candidate::newest));
    return expired;
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
