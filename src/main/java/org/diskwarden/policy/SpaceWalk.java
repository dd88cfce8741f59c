package org.diskwarden.policy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import org.diskwarden.config.Durations;
import org.diskwarden.fs.Attrs;
import org.diskwarden.fs.Dir;
import org.diskwarden.fs.Names;

/**
 * Finds what holds the space under base_dir, for an alert (critical, cleanup), as {@code du | sort -h}
 * or ncdu would show it to a person: the policies' entries as the plan measured them (never walked
 * again), and everything else measured once, read-only, from a descriptor of base_dir down one name at
 * a time ({@link Dir}: no link followed, a directory swapped after its stat refused, no other
 * filesystem entered). The walk stops at its time budget and says so; what it did not reach is then
 * told as not measured, never as nothing.
 *
 * <p>Which places are listed ({@link SpaceRanking}): the largest, at most {@value #LISTED}; a
 * directory no policy covers is descended into while one child holds most of it, or when its few
 * largest children hold most of it and the list has room; a policy's entry is never descended into.
 */
public final class SpaceWalk {
  /** How many places an alert lists. */
  public static final int LISTED = 8;
  /** The walk's time budget in the agent: it runs in the check, once per critical or cleanup event. */
  public static final Duration BUDGET = Duration.ofSeconds(2);
  private static final int MAX_DEPTH = 64;
  /** Nodes kept for ranking at most; past that, directories keep their size only. */
  private static final int RETAINED = 20_000;
  private static final long SECTOR = 512;

  private final Path baseDir;
  private final Protection protection;
  private final Duration budget;
  private final long deadline;
  private final Map<Path, Holder> known = new HashMap<>();
  private final Set<Path> ancestors = new HashSet<>();
  private final Map<Path, String> folders = new HashMap<>();
  private final Set<Path> seen = new HashSet<>();
  private final Set<Path> listedFully = new HashSet<>();
  private final Set<Long> linkedInodes = new HashSet<>();
  private final List<Node> regions = new ArrayList<>();
  private long device;
  private long visited;
  private int retained;
  private long ownBytes;
  private String gap;

  private SpaceWalk(Path baseDir, Protection protection, List<Holder> entries, Duration budget) {
    this.baseDir = baseDir;
    this.protection = protection;
    this.budget = budget;
    this.deadline = System.nanoTime() + budget.toNanos();
    for (Holder h : entries) {
      Path abs = h.path().toAbsolutePath().normalize();
      if (abs.startsWith(baseDir) && !abs.equals(baseDir)) {
        known.put(baseDir.relativize(abs), h);
      }
    }
    // an entry inside another (a hub cache's blob under its repository) is counted in the outer one
    known.keySet().removeIf(p -> {
      for (Path up = p.getParent(); up != null; up = up.getParent()) {
        if (known.containsKey(up)) {
          return true;
        }
      }
      return false;
    });
    ancestors.add(Path.of(""));
    for (Path p : known.keySet()) {
      Path parent = p.getParent();
      if (parent != null) {
        folders.putIfAbsent(parent, known.get(p).policy());
      }
      for (Path up = parent; up != null; up = up.getParent()) {
        ancestors.add(up);
      }
    }
  }

  /**
   * Surveys {@code baseDir} (its real path).
   *
   * @param entries what the plan and its sweep measured: policies' entries, with sizes and why they stay
   * @param budget how long the walk may take; past it, what is not reached is not measured
   */
  public static SpaceHolders survey(Path baseDir, Protection protection, List<Holder> entries, Duration budget) {
    SpaceWalk walk = new SpaceWalk(baseDir, protection, entries, budget);
    walk.walk();
    return walk.rank();
  }

  private void walk() {
    try (Dir base = Dir.open(baseDir)) {
      Attrs self = base.self();
      device = self.device();
      ownBytes += self.blocks() * SECTOR;
      walkAncestor(base, Path.of(""), 0);
    } catch (IOException | RuntimeException e) {
      missed("cannot read " + Names.raw(baseDir) + ": " + e.getMessage());
    }
  }

  /** A directory holding policy entries: its entries are known; everything else in it is a region. */
  private void walkAncestor(Dir dir, Path rel, int depth) {
    List<byte[]> names;
    try {
      names = dir.rawListOnce();
    } catch (IOException e) {
      missed("cannot list " + shown(rel) + ": " + e.getMessage());
      return;
    }
    for (byte[] name : names) {
      if (outOfTime()) {
        return;
      }
      Path child = Names.child(rel, name);
      if (known.containsKey(child)) {
        seen.add(child);
        continue;
      }
      Optional<Attrs> a = stat(dir, name, child);
      if (a.isEmpty() || (a.get().isDirectory() && a.get().device() != device)) {
        continue;
      }
      if (a.get().isDirectory() && ancestors.contains(child)) {
        Dir sub = open(dir, name, a.get(), child);
        if (sub != null) {
          try (sub) {
            ownBytes += a.get().blocks() * SECTOR;
            walkAncestor(sub, child, depth + 1);
          } catch (IOException e) {
            missed("cannot close " + shown(child) + ": " + e.getMessage());
          }
        }
      } else {
        regions.add(measure(dir, name, a.get(), child, depth + 1));
      }
    }
    if (!outOfTime()) {
      listedFully.add(rel);
    }
  }

  /** One place no policy entry is in: its size, and its largest parts for the ranking. */
  private Node measure(Dir parent, byte[] name, Attrs a, Path rel, int depth) {
    Node node = new Node(rel, a.isDirectory() && retained < RETAINED);
    retained++;
    node.size = 1;
    if (!a.isDirectory()) {
      node.bytes = fileBytes(a);
      return node;
    }
    node.bytes = a.blocks() * SECTOR;
    if (depth >= MAX_DEPTH) {
      missed("deeper than " + MAX_DEPTH + " levels: " + shown(rel) + " not measured inside");
      node.partial = true;
      return node;
    }
    try (Dir dir = open(parent, name, a, rel)) {
      if (dir == null) {
        node.partial = true;
        return node;
      }
      for (byte[] childName : dir.rawListOnce()) {
        if (outOfTime()) {
          node.partial = true;
          break;
        }
        Path childRel = Names.child(rel, childName);
        Optional<Attrs> c = stat(dir, childName, childRel);
        if (c.isEmpty() || (c.get().isDirectory() && c.get().device() != device)) {
          continue;
        }
        Node child = measure(dir, childName, c.get(), childRel, depth + 1);
        node.bytes += child.bytes;
        node.partial |= child.partial;
        retained -= node.offer(child);
      }
    } catch (IOException e) {
      missed("cannot list " + shown(rel) + ": " + e.getMessage());
      node.partial = true;
    }
    node.finish();
    return node;
  }

  private Optional<Attrs> stat(Dir dir, byte[] name, Path rel) {
    visited++;
    try {
      return dir.stat(name);
    } catch (IOException e) {
      missed("cannot read " + shown(rel) + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  /** The directory {@code name}, no link followed, and the one that was stat'ed; null (and said) when not. */
  private Dir open(Dir parent, byte[] name, Attrs a, Path rel) {
    try {
      Dir dir = parent.dir(name);
      if (!dir.self().sameFileAs(a)) {
        dir.close();
        missed(shown(rel) + " was replaced while it was measured");
        return null;
      }
      return dir;
    } catch (IOException e) {
      missed("cannot open " + shown(rel) + ": " + e.getMessage());
      return null;
    }
  }

  /** Allocated bytes; a file with several links once (as du counts it). */
  private long fileBytes(Attrs a) {
    if (a.isRegularFile() && a.links() > 1 && !linkedInodes.add(a.inode())) {
      return 0;
    }
    return a.blocks() * SECTOR;
  }

  private boolean outOfTime() {
    if (System.nanoTime() - deadline > 0) {
      missed("the walk stopped at its time limit of " + Durations.format(budget) + " after " + visited
          + " entries: what it did not reach is not measured");
      return true;
    }
    return false;
  }

  /** A place for a message: its bytes kept, escaped where it is shown. */
  private String shown(Path rel) {
    return Names.raw(baseDir.resolve(rel));
  }

  private void missed(String why) {
    if (gap == null) {
      gap = why;
    }
  }

  private SpaceHolders rank() {
    // a known entry its folder's full listing no longer shows is gone since the plan
    known.keySet().removeIf(p -> !seen.contains(p) && listedFully.contains(parentOf(p)));
    List<SpaceRanking.Piece> pieces = new ArrayList<>();
    known.values().forEach(h -> pieces.add(SpaceRanking.Piece.of(h)));
    regions.forEach(n -> pieces.add(SpaceRanking.Piece.of(n)));
    return new SpaceRanking(baseDir, protection, folders).rank(pieces, ownBytes, Optional.ofNullable(gap));
  }

  private static Path parentOf(Path rel) {
    return rel.getParent() == null ? Path.of("") : rel.getParent();
  }

  /** A place no policy entry is in, with its largest parts (while the walk keeps them). */
  static final class Node {
    final Path rel;
    private final PriorityQueue<Node> top;
    long bytes;
    boolean partial;
    /** Nodes kept in this one's parts, itself included. */
    int size;
    List<Node> parts = List.of();

    Node(Path rel, boolean keepsParts) {
      this.rel = rel;
      this.top = keepsParts ? new PriorityQueue<>(Comparator.comparingLong((Node n) -> n.bytes)) : null;
    }

    /** Keeps {@code child} among the largest parts; returns how many nodes that let go. */
    int offer(Node child) {
      if (top == null) {
        return child.size;
      }
      top.add(child);
      size += child.size;
      if (top.size() > LISTED) {
        Node smallest = top.poll();
        size -= smallest.size;
        return smallest.size;
      }
      return 0;
    }

    void finish() {
      if (top != null) {
        parts = new ArrayList<>(top);
        parts.sort(Comparator.comparingLong((Node n) -> n.bytes).reversed());
      }
    }
  }
}
