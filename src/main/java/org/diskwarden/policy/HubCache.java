package org.diskwarden.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.diskwarden.config.Durations;
import org.diskwarden.config.PolicyConfig;
import org.diskwarden.config.Retention;
import org.diskwarden.fs.Attrs;
import org.diskwarden.fs.Dir;
import org.diskwarden.fs.Names;
import org.diskwarden.policy.HubRevisions.Revision;

/**
 * The Hugging Face hub cache ({@code layout: hf_cache}): repositories {@code models--org--name} (and
 * {@code datasets--}, {@code spaces--}) hold {@code snapshots/<rev>/...} links into shared
 * {@code blobs/<sha>}. An entry is a revision, ranked per repository by last use (the newest access
 * time of the blobs only it links to, else of all it links to, else its mtime; a revision a
 * {@code refs/} file names counts as the newest). A released revision goes as huggingface_hub's
 * {@code delete_revisions} ({@code utils/_cache_manager.py}) leaves the cache: first the refs naming
 * it (a ref to a missing commit makes the hub's scan drop the whole repository), then its
 * {@code .no_exist/<rev>}, its snapshot folder, and each blob no kept revision links to; a repository
 * whose every revision goes, goes whole. An {@code .incomplete} blob older than min_age whose lock
 * nobody holds is a leftover of a killed download and goes; a younger one, or a held lock, skips the
 * repository (a download in progress). Every path is a plain candidate through the one guard, and
 * every link of a kept revision is a keeping link the guard resolves again, so no kept revision is
 * ever left with a dangling link.
 */
final class HubCache {
  private static final Pattern REPO = Pattern.compile("(models|datasets|spaces)--.+");

  private final Selector.Context ctx;
  private final PolicyConfig config;
  private final Path cache;
  private final Dir cacheDir;
  private final List<Candidate> candidates = new ArrayList<>();
  private final List<Held> held = new ArrayList<>();
  private final List<Path> keeping = new ArrayList<>();

  private HubCache(Selector.Context ctx, PolicyConfig config, Path cache, Dir cacheDir) {
    this.ctx = ctx;
    this.config = config;
    this.cache = cache;
    this.cacheDir = cacheDir;
  }

  /** @param cacheDir the cache held open: refs/ and blobs/ of each repository are read through it */
  static Selection select(Selector.Context ctx, PolicyConfig config, Path cache, Dir cacheDir) {
    return new HubCache(ctx, config, cache, cacheDir).select();
  }

  private Selection select() {
    Set<Long> lockedInodes = HubFiles.lockedInodes();
    try {
      for (byte[] raw : cacheDir.rawList()) {
        Path repo = Names.child(cache, raw);
        Optional<Attrs> a = cacheDir.stat(raw);
        if (REPO.matcher(repo.getFileName().toString()).matches() && a.isPresent() && a.get().isDirectory()) {
          repository(repo, lockedInodes);
        }
      }
    } catch (IOException e) {
      held.add(new Held(cache, config.name(), Held.Why.FOLDER, "cannot list the cache: " + e.getMessage()));
    }
    return new Selection(config.name(), candidates, held, 0, keeping);
  }

  /** One repository: its own files, its revisions ranked, then what goes of the released ones. */
  private void repository(Path repo, Set<Long> lockedInodes) {
    try (Dir repoDir = cacheDir.dir(repo.getFileName().toString())) {
      Map<String, List<String>> refs = new HashMap<>();
      List<String> stale = new ArrayList<>();
      HubFiles files = new HubFiles(repo, repoDir, config.name());
      Optional<Held> skipped = files.downloading(cache, lockedInodes, ctx.now().minus(ctx.minAge()), stale)
          .or(() -> files.refs(refs));
      if (skipped.isPresent()) {
        held.add(skipped.get());
        return;
      }
      List<Revision> revisions;
      try {
        revisions = HubRevisions.read(repo, repoDir, refs.keySet());
      } catch (IOException e) {
        held.add(new Held(repo, config.name(), Held.Why.FOLDER, "cannot list its snapshots: " + e.getMessage()));
        return;
      }
      Ranked ranked = rank(newestFirst(revisions, refs));
      if (!ranked.released().isEmpty() || !stale.isEmpty()) {
        offer(repo, repoDir, refs, stale, ranked);
      }
    } catch (IOException e) {
      held.add(new Held(repo, config.name(), Held.Why.UNREADABLE, "skipped: cannot be opened without "
          + "following a link: " + e.getMessage()));
    }
  }

  /** Newest first: refs/main's revision (what from_pretrained resolves offline), then named ones, then by last use. */
  private static List<Revision> newestFirst(List<Revision> revisions, Map<String, List<String>> refs) {
    Set<String> main = new HashSet<>();
    refs.forEach((rev, names) -> {
      if (names.contains("refs/main")) {
        main.add(rev);
      }
    });
    List<Revision> sorted = new ArrayList<>(revisions);
    sorted.sort(Comparator.comparing((Revision r) -> main.contains(r.rev())).thenComparing(Revision::named)
        .thenComparing(Revision::lastUse).reversed());
    return sorted;
  }

  /** The revisions a rule keeps (young ones too) and the ones it releases. */
  private record Ranked(List<Revision> kept, List<Revision> released) {}

  private Ranked rank(List<Revision> revisions) {
    Retention rule = config.retention();
    // the thinning keys look at the settled revisions' last use (a young one takes no period's place)
    Instant youngFrom = ctx.now().minus(ctx.minAge());
    List<Revision> settled = revisions.stream().filter(r -> !r.newest().isAfter(youngFrom)).toList();
    List<List<String>> periods = rule.thinning().map(t -> t.keep(settled.stream()
        .map(r -> new Retention.Settled(r.lastUse(), java.util.OptionalLong.empty())).toList())).orElse(List.of());
    Ranked ranked = new Ranked(new ArrayList<>(), new ArrayList<>());
    for (int rank = 0; rank < revisions.size(); rank++) {
      Revision r = revisions.get(rank);
      if (r.newest().isAfter(youngFrom)) {
        held.add(new Held(r.snapshot(), config.name(), Held.Why.YOUNG, "modified within min_age "
            + Durations.format(ctx.minAge())));
        ranked.kept().add(r);
      } else if (rule.keeps(rank, r.lastUse(), ctx.now())) {
        held.add(new Held(r.snapshot(), config.name(), Held.Why.KEPT_BY_RULE, "kept by rule ("
            + (r.named() ? "named by refs/, " : "") + "last used " + r.lastUse() + ")"));
        ranked.kept().add(r);
      } else if (!periods.isEmpty() && !periods.get(settled.indexOf(r)).isEmpty()) {
        held.add(new Held(r.snapshot(), config.name(), Held.Why.KEPT_BY_RULE, "kept: "
            + String.join(", ", periods.get(settled.indexOf(r))) + " (last used " + r.lastUse() + ")"));
        ranked.kept().add(r);
      } else {
        ranked.released().add(r);
      }
    }
    return ranked;
  }

  /** The repository whole when every revision goes; else stale downloads, then each released revision. */
  private void offer(Path repo, Dir repoDir, Map<String, List<String>> refs, List<String> stale, Ranked ranked) {
    Optional<String> open = ctx.openFiles().openUnder(repo);
    if (open.isPresent()) {
      held.add(new Held(repo, config.name(), Held.Why.IN_USE, "in use: " + open.get() + " is open"));
      return;
    }
    if (ranked.kept().isEmpty()) {
      // the last revision goes: refs/, blobs/ and .no_exist/ with it, no folder left behind
      candidate(repo, "repository", "every revision released (" + config.retention().reason() + ")", true);
      return;
    }
    for (String name : stale) {
      candidate(repo.resolve("blobs").resolve(name), "blob", "leftover: a download that never finished (older than"
          + " min_age, and no process holds its lock)", false);
    }
    Set<Path> stillLinked = new HashSet<>();
    ranked.kept().forEach(r -> {
      stillLinked.addAll(r.blobs());
      keeping.addAll(r.links());
    });
    List<Revision> released = new ArrayList<>(ranked.released());
    released.sort(Comparator.comparing(Revision::lastUse));
    Set<Path> planned = new HashSet<>();
    for (Revision r : released) {
      released(repo, repoDir, refs, r, stillLinked, planned);
    }
  }

  /**
   * As delete_revisions leaves it: first the refs naming it (a ref to a missing commit makes the hub's
   * scan drop the whole repository), then what the hub cached for it, then the revision, then each
   * blob no kept revision links to.
   */
  private void released(Path repo, Dir repoDir, Map<String, List<String>> refs, Revision r, Set<Path> stillLinked,
      Set<Path> planned) {
    for (String ref : refs.getOrDefault(r.rev(), List.of())) {
      candidate(repo.resolve(ref), "ref", ref + " names revision " + r.rev() + ", which goes", false);
    }
    if (noExist(repoDir, r.rev())) {
      candidate(repo.resolve(".no_exist").resolve(r.rev()), "revision", ".no_exist of revision " + r.rev()
          + ", which goes", true);
    }
    candidate(r.snapshot(), "revision", "revision " + r.rev() + " not kept (" + config.retention().reason() + ")",
        true);
    List<String> shared = new ArrayList<>();
    for (Path blob : r.blobs()) {
      String name = blob.getFileName().toString();
      if (stillLinked.contains(blob)) {
        shared.add(name.substring(0, Math.min(12, name.length())));
      } else if (planned.add(blob)) {
        candidate(blob, "blob", "blob only released revisions link to (" + r.rev() + ")", false);
      }
    }
    if (!shared.isEmpty()) {
      // held on the blobs folder (never a candidate): the revision itself goes
      held.add(new Held(repo.resolve("blobs"), config.name(), Held.Why.SHARED, "kept: shared blobs of revision "
          + r.rev() + " in use by a kept revision (" + shared.size() + ": "
          + String.join(", ", shared.subList(0, Math.min(3, shared.size()))) + (shared.size() > 3 ? ", ..." : "")
          + ")"));
    }
  }

  /** Whether {@code .no_exist/<rev>} is a directory (no link followed). */
  private static boolean noExist(Dir repoDir, String rev) {
    try (Dir noExist = repoDir.dir(".no_exist")) {
      return noExist.stat(rev).map(Attrs::isDirectory).orElse(false);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private void candidate(Path path, String noun, String reason, boolean directoryTimes) {
    measured(path, noun, reason, directoryTimes).ifPresent(candidates::add);
  }

  private Optional<Candidate> measured(Path path, String noun, String reason, boolean directoryTimes) {
    Optional<String> rule = ctx.protection().protectedBy(path);
    if (rule.isPresent()) {
      return Optional.empty();
    }
    Optional<List<Object>> chain = Sighting.folders(ctx.protection().baseDir(), path.getParent());
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (chain.isEmpty()) {
      return Optional.empty();
    }
    Footprint f = FootprintWalk.measure(path, ctx.protection(), ctx.blockSize(), directoryTimes, ctx.sizing());
    if (f.problem().isPresent()) {
      return Optional.empty();
    }
    return Optional.of(new Candidate(path, config.name(), noun, f.bytes(), f.newest(), reason)
        .seen(new Sighting(chain.get(), attrs.fileKey())));
  }
}
