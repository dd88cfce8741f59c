package org.diskwarden.policy;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.diskwarden.fs.Attrs;
import org.diskwarden.fs.Dir;

/**
 * Reads the revisions of one hub cache repository through the repository held open: each snapshot
 * walked one no-follow name at a time (every directory checked to be the one its stat showed), the
 * links in it read as text, and the blobs they name stat'ed in the held {@code blobs/} folder, never
 * through the link. A revision whose walk meets anything it cannot read is left out.
 */
final class HubRevisions {
  /** One snapshot: the blobs its links name, its last use and its newest time. */
  record Revision(Path snapshot, String rev, Instant lastUse, Instant newest, boolean named, Set<Path> blobs,
      List<Path> links) {}

  private final Path repo;
  private final Path blobsPath;
  private final Dir blobs;

  private HubRevisions(Path repo, Dir blobs) {
    this.repo = repo;
    this.blobsPath = repo.resolve("blobs").normalize();
    this.blobs = blobs;
  }

  /**
   * The revisions under {@code snapshots/} of {@code repo} (held open as {@code repoDir}); {@code named}
   * are the revisions a ref names.
   *
   * @throws IOException when {@code snapshots/} cannot be listed
   */
  static List<Revision> read(Path repo, Dir repoDir, Set<String> named) throws IOException {
    Dir blobs;
    try {
      blobs = repoDir.dir("blobs");
    } catch (NoSuchFileException e) {
      blobs = null;
    }
    try (Dir snapshots = repoDir.dir("snapshots")) {
      HubRevisions reader = new HubRevisions(repo, blobs);
      List<Revision> revisions = new ArrayList<>();
      for (String rev : snapshots.list()) {
        reader.revision(snapshots, rev, named.contains(rev)).ifPresent(revisions::add);
      }
      return reader.lastUseOfOwnBlobs(revisions);
    } finally {
      if (blobs != null) {
        blobs.close();
      }
    }
  }

  private Optional<Revision> revision(Dir snapshots, String rev, boolean named) {
    Path snapshot = repo.resolve("snapshots").resolve(rev);
    Walk walk = new Walk();
    try {
      Optional<Attrs> attrs = snapshots.stat(rev);
      if (attrs.isEmpty() || !attrs.get().isDirectory()) {
        return Optional.empty();
      }
      walk.newest = attrs.get().mtime();
      walk.tree(opened(snapshots, rev, attrs.get()), snapshot);
      Instant lastUse = walk.lastUse.equals(Instant.EPOCH) ? attrs.get().mtime() : walk.lastUse;
      return Optional.of(new Revision(snapshot, rev, lastUse, walk.newest, named, walk.blobs, walk.links));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** What one snapshot's walk found. */
  private final class Walk {
    final Set<Path> blobs = new LinkedHashSet<>();
    final List<Path> links = new ArrayList<>();
    Instant lastUse = Instant.EPOCH;
    Instant newest;

    /** Walks {@code top} (held open; closed here) from an explicit stack: no depth overflows it. */
    void tree(Dir top, Path topPath) throws IOException {
      record Open(Dir dir, Path path) {}
      Deque<Open> pending = new ArrayDeque<>();
      pending.push(new Open(top, topPath));
      try {
        while (!pending.isEmpty()) {
          Open at = pending.pop();
          try (Dir dir = at.dir()) {
            for (String name : dir.list()) {
              Attrs a = dir.stat(name).orElseThrow(() -> new NoSuchFileException(at.path().resolve(name).toString()));
              newest = max(newest, a.mtime());
              if (a.isDirectory()) {
                pending.push(new Open(opened(dir, name, a), at.path().resolve(name)));
              } else if (a.isSymbolicLink()) {
                link(dir, name, at.path().resolve(name));
              }
            }
          }
        }
      } finally {
        for (Open left : pending) {
          left.dir().close();
        }
      }
    }

    private void link(Dir dir, String name, Path path) throws IOException {
      links.add(path);
      Path target = path.getParent().resolve(dir.readLink(name)).normalize();
      if (target.getParent() == null || !target.getParent().equals(blobsPath)) {
        return;
      }
      blobs.add(target);
      // a dangling link frees nothing and tells no use
      blob(target).ifPresent(b -> {
        lastUse = max(lastUse, b.atime());
        newest = max(newest, b.mtime());
      });
    }
  }

  /** The blob {@code path} as the held blobs folder has it; empty when it is not there. */
  private Optional<Attrs> blob(Path path) {
    if (blobs == null) {
      return Optional.empty();
    }
    try {
      return blobs.stat(path.getFileName().toString());
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The directory {@code name} in {@code parent}, opened no-follow and checked to be the one stat'ed. */
  private static Dir opened(Dir parent, String name, Attrs seen) throws IOException {
    Dir dir = parent.dir(name);
    if (!dir.self().sameFileAs(seen)) {
      dir.close();
      throw new IOException(name + " was replaced while it was read");
    }
    return dir;
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
          Optional<Attrs> a = blob(b);
          if (a.isPresent()) {
            own = max(own, a.get().atime());
          }
        }
      }
      out.add(own.equals(Instant.EPOCH) ? r
          : new Revision(r.snapshot(), r.rev(), own, r.newest(), r.named(), r.blobs(), r.links()));
    }
    return out;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
