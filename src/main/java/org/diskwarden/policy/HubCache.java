package org.diskwarden.policy;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.diskwarden.config.Durations;
import org.diskwarden.config.PolicyConfig;
import org.diskwarden.config.Retention;
import org.diskwarden.fs.Dir;

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

  private HubCache(Selector.Context ctx, PolicyConfig config, Path cache, Dir cacheDir) {
    this.ctx = ctx;
    this.config = config;
    this.cache = cache;
    this.cacheDir = cacheDir;
  }

  private record Revision(Path snapshot, String rev, Instant lastUse, Instant newest, boolean named,
      Set<Path> blobs, List<Path> links, Object key) {}

  /** @param cacheDir the cache held open: refs/ and blobs/ of each repository are read through it */
  static Selection select(Selector.Context ctx, PolicyConfig config, Path cache, Dir cacheDir) {
    return new HubCache(ctx, config, cache, cacheDir).select();
  }

  private Selection select() {
    List<Candidate> candidates = new ArrayList<>();
    List<Held> held = new ArrayList<>();
    List<Path> keeping = new ArrayList<>();
    Set<Long> lockedInodes = HubFiles.lockedInodes();
    try (DirectoryStream<Path> repos = Files.newDirectoryStream(cache)) {
      for (Path repo : repos) {
        if (REPO.matcher(repo.getFileName().toString()).matches()
            && Files.isDirectory(repo, LinkOption.NOFOLLOW_LINKS)) {
          repository(repo, lockedInodes, candidates, held, keeping);
        }
      }
    } catch (IOException e) {
      held.add(new Held(cache, config.name(), Held.Why.FOLDER, "cannot list the cache: " + e.getMessage()));
    }
    return new Selection(config.name(), candidates, held, 0, keeping);
  }

  private void repository(Path repo, Set<Long> lockedInodes, List<Candidate> candidates, List<Held> held,
      List<Path> keeping) {
    Map<String, List<String>> refs = new HashMap<>();
    Set<String> named = refs.keySet();
    List<String> stale = new ArrayList<>();
    Optional<Held> skipped;
    try (Dir repoDir = cacheDir.dir(repo.getFileName().toString())) {
      HubFiles files = new HubFiles(repo, repoDir, config.name());
      skipped = files.downloading(cache, lockedInodes, ctx.now().minus(ctx.minAge()), stale)
          .or(() -> files.refs(refs));
    } catch (IOException e) {
      skipped = Optional.of(new Held(repo, config.name(), Held.Why.UNREADABLE, "skipped: cannot be opened without "
          + "following a link: " + e.getMessage()));
    }
    if (skipped.isPresent()) {
      held.add(skipped.get());
      return;
    }
    List<Revision> revisions = new ArrayList<>();
    try (DirectoryStream<Path> snapshots = Files.newDirectoryStream(repo.resolve("snapshots"))) {
      for (Path s : snapshots) {
        revision(repo, s, named).ifPresent(revisions::add);
      }
    } catch (IOException e) {
      held.add(new Held(repo, config.name(), Held.Why.FOLDER, "cannot list its snapshots: " + e.getMessage()));
      return;
    }
    // newest first: a revision a ref names, then by last use
    revisions = lastUseOfOwnBlobs(revisions);
    // refs/main first: what from_pretrained(repo) resolves when it runs offline
    Set<String> main = new HashSet<>();
    refs.forEach((rev, names) -> {
      if (names.contains("refs/main")) {
        main.add(rev);
      }
    });
    revisions.sort(Comparator.comparing((Revision r) -> main.contains(r.rev())).thenComparing(Revision::named)
        .thenComparing(Revision::lastUse).reversed());
    Retention rule = config.retention();
    // the thinning keys look at the settled revisions' last use (a young one takes no period's place)
    Instant youngFrom = ctx.now().minus(ctx.minAge());
    List<Revision> settled = revisions.stream().filter(r -> !r.newest().isAfter(youngFrom)).toList();
    List<List<String>> periods = rule.thinning().map(t -> t.keep(settled.stream()
        .map(r -> new Retention.Settled(r.lastUse(), java.util.OptionalLong.empty())).toList())).orElse(List.of());
    List<Revision> kept = new ArrayList<>();
    List<Revision> released = new ArrayList<>();
    for (int rank = 0; rank < revisions.size(); rank++) {
      Revision r = revisions.get(rank);
      if (r.newest().isAfter(youngFrom)) {
        held.add(new Held(r.snapshot(), config.name(), Held.Why.YOUNG, "modified within min_age "
            + Durations.format(ctx.minAge())));
        kept.add(r);
      } else if (rule.keeps(rank, r.lastUse(), ctx.now())) {
        held.add(new Held(r.snapshot(), config.name(), Held.Why.KEPT_BY_RULE, "kept by rule ("
            + (r.named() ? "named by refs/, " : "") + "last used " + r.lastUse() + ")"));
        kept.add(r);
      } else if (!periods.isEmpty() && !periods.get(settled.indexOf(r)).isEmpty()) {
        held.add(new Held(r.snapshot(), config.name(), Held.Why.KEPT_BY_RULE, "kept: "
            + String.join(", ", periods.get(settled.indexOf(r))) + " (last used " + r.lastUse() + ")"));
        kept.add(r);
      } else {
        released.add(r);
      }
    }
    if (released.isEmpty() && stale.isEmpty()) {
      return;
    }
    Optional<String> open = ctx.openFiles().openUnder(repo);
    if (open.isPresent()) {
      held.add(new Held(repo, config.name(), Held.Why.IN_USE, "in use: " + open.get() + " is open"));
      return;
    }
    if (kept.isEmpty()) {
      // the last revision goes: refs/, blobs/ and .no_exist/ with it, no folder left behind
      candidate(repo, "repository", "every revision released (" + rule.reason() + ")", true)
          .ifPresent(candidates::add);
      return;
    }
    for (String name : stale) {
      candidate(repo.resolve("blobs").resolve(name), "blob", "leftover: a download that never finished (older than"
          + " min_age, and no process holds its lock)", false).ifPresent(candidates::add);
    }
    Set<Path> stillLinked = new HashSet<>();
    kept.forEach(r -> {
      stillLinked.addAll(r.blobs());
      keeping.addAll(r.links());
    });
    released.sort(Comparator.comparing(Revision::lastUse));
    Set<Path> planned = new HashSet<>();
    for (Revision r : released) {
      // as delete_revisions leaves it: first the refs naming it (a ref to a missing commit makes the
      // hub's scan drop the whole repository), then what the hub cached for it, then the revision
      for (String ref : refs.getOrDefault(r.rev(), List.of())) {
        candidate(repo.resolve(ref), "ref", ref + " names revision " + r.rev() + ", which goes", false)
            .ifPresent(candidates::add);
      }
      Path noExist = repo.resolve(".no_exist").resolve(r.rev());
      if (Files.isDirectory(noExist, LinkOption.NOFOLLOW_LINKS)) {
        candidate(noExist, "revision", ".no_exist of revision " + r.rev() + ", which goes", true)
            .ifPresent(candidates::add);
      }
      candidate(r.snapshot(), "revision", "revision " + r.rev() + " not kept (" + rule.reason() + ")", true)
          .ifPresent(candidates::add);
      List<String> shared = new ArrayList<>();
      for (Path blob : r.blobs()) {
        if (stillLinked.contains(blob)) {
          shared.add(blob.getFileName().toString().substring(0, Math.min(12, blob.getFileName().toString().length())));
        } else if (planned.add(blob)) {
          candidate(blob, "blob", "blob only released revisions link to (" + r.rev() + ")", false)
              .ifPresent(candidates::add);
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
  }

  private Optional<Candidate> candidate(Path path, String noun, String reason, boolean directoryTimes) {
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

  /** One snapshot: the blobs its links resolve to, its last use and newest time. */
  private Optional<Revision> revision(Path repo, Path snapshot, Set<String> named) {
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(snapshot, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (!attrs.isDirectory()) {
      return Optional.empty();
    }
    Path blobsDir = repo.resolve("blobs").normalize();
    Set<Path> blobs = new LinkedHashSet<>();
    List<Path> links = new ArrayList<>();
    Instant lastUse = Instant.EPOCH;
    Instant newest = attrs.lastModifiedTime().toInstant();
    try (Stream<Path> walk = Files.walk(snapshot)) {
      for (Path p : walk.toList()) {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        newest = max(newest, a.lastModifiedTime().toInstant());
        if (!a.isSymbolicLink()) {
          continue;
        }
        links.add(p);
        Path target = p.getParent().resolve(Files.readSymbolicLink(p)).normalize();
        if (target.getParent() != null && target.getParent().equals(blobsDir)) {
          blobs.add(target);
          try {
            BasicFileAttributes b = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            lastUse = max(lastUse, b.lastAccessTime().toInstant());
            newest = max(newest, b.lastModifiedTime().toInstant());
          } catch (IOException e) {
            // a dangling link: nothing to free for it
          }
        }
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      return Optional.empty();
    }
    if (lastUse.equals(Instant.EPOCH)) {
      lastUse = attrs.lastModifiedTime().toInstant();
    }
    String rev = snapshot.getFileName().toString();
    return Optional.of(new Revision(snapshot, rev, lastUse, newest, named.contains(rev), blobs, links,
        attrs.fileKey()));
  }

  /**
   * A blob every revision links to (a tokenizer, a config) is read whichever revision is used: a
   * revision's last use is the newest access of the blobs only it links to, when it has any.
   */
  private List<Revision> lastUseOfOwnBlobs(List<Revision> revisions) {
    Map<Path, Integer> linkedBy = new HashMap<>();
    revisions.forEach(r -> r.blobs().forEach(b -> linkedBy.merge(b, 1, Integer::sum)));
    List<Revision> out = new ArrayList<>();
    for (Revision r : revisions) {
      Instant own = Instant.EPOCH;
      for (Path b : r.blobs()) {
        if (linkedBy.get(b) == 1) {
          try {
            own = max(own, Files.readAttributes(b, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                .lastAccessTime().toInstant());
          } catch (IOException e) {
            // gone: not a use
          }
        }
      }
      out.add(own.equals(Instant.EPOCH) ? r
          : new Revision(r.snapshot(), r.rev(), own, r.newest(), r.named(), r.blobs(), r.links(), r.key()));
    }
    return out;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
