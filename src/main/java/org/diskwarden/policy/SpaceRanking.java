package org.diskwarden.policy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which places an alert lists, from what {@link SpaceWalk} found: the largest first, at most
 * {@value SpaceWalk#LISTED}, none under 1% of what was found (those are "other"). A directory no
 * policy covers is replaced by its parts (and "the rest of" it) while one part holds more than half
 * of it, or when its few largest parts hold three quarters of it and the list has room for them; a
 * policy's entry and a protected place are listed whole. What is not listed is told as a count and a size by why it stays.
 */
final class SpaceRanking {
  private static final int ROUNDS = 64;

  private final Path baseDir;
  private final Protection protection;
  private final Map<Path, String> folders;

  /**
   * @param folders the policies' folders (relative to base_dir), to say of a file in one that it is
   *     not one of the policy's entries
   */
  SpaceRanking(Path baseDir, Protection protection, Map<Path, String> folders) {
    this.baseDir = baseDir;
    this.protection = protection;
    this.folders = folders;
  }

  /** One candidate line: a known entry, a place the walk measured, or the rest of a directory. */
  record Piece(Optional<Holder> known, Optional<SpaceWalk.Node> node, Path rel, long bytes, boolean rest) {
    static Piece of(Holder h) {
      return new Piece(Optional.of(h), Optional.empty(), h.path(), h.bytes(), false);
    }

    static Piece of(SpaceWalk.Node n) {
      return new Piece(Optional.empty(), Optional.of(n), n.rel, n.bytes, false);
    }

    boolean expandable() {
      return !rest && node.isPresent() && !node.get().parts.isEmpty();
    }
  }

  /**
   * @param loose bytes of the directories that hold policy entries themselves (counted as other)
   * @param cut why the walk did not see everything, if so
   */
  SpaceHolders rank(List<Piece> pieces, long loose, Optional<String> cut) {
    List<Piece> frontier = new ArrayList<>(pieces);
    long found = loose + frontier.stream().mapToLong(Piece::bytes).sum();
    long floor = Math.max(1, found / 100);
    Comparator<Piece> largestFirst = Comparator.comparingLong(Piece::bytes).reversed();
    for (int round = 0; round < ROUNDS && expandOne(frontier, floor, largestFirst); round++) {
      // each round replaces one directory by its parts
    }
    frontier.sort(largestFirst);
    List<Holder> listed = new ArrayList<>();
    Map<Holder.Stays, Long> other = new EnumMap<>(Holder.Stays.class);
    other.merge(Holder.Stays.NO_POLICY, loose, Long::sum);
    long otherBytes = loose;
    long otherPlaces = 0;
    for (Piece p : frontier) {
      Holder h = holder(p);
      if (listed.size() < SpaceWalk.LISTED && p.bytes() >= floor) {
        listed.add(h);
      } else if (p.bytes() > 0 || !p.rest()) {
        otherBytes += p.bytes();
        otherPlaces++;
        other.merge(h.stays(), p.bytes(), Long::sum);
      }
    }
    other.values().removeIf(b -> b == 0);
    return new SpaceHolders(listed, otherBytes, otherPlaces, other, cut);
  }

  /** Replaces the first directory among the listed that is better told by its parts; false when none is. */
  private boolean expandOne(List<Piece> frontier, long floor, Comparator<Piece> largestFirst) {
    frontier.sort(largestFirst);
    long significant = frontier.stream().filter(p -> p.bytes() >= floor).count();
    for (int i = 0; i < Math.min(SpaceWalk.LISTED, frontier.size()); i++) {
      Piece p = frontier.get(i);
      // a protected place stays whole, as a policy's entry does: nothing inside it is anyone's to remove
      if (!p.expandable() || protection.protectedBy(baseDir.resolve(p.rel())).isPresent()) {
        continue;
      }
      SpaceWalk.Node n = p.node().orElseThrow();
      List<SpaceWalk.Node> parts;
      SpaceWalk.Node largest = n.parts.get(0);
      if (largest.bytes * 2 > n.bytes) {
        // one part holds most of it: name that part, and the rest of the directory beside it
        parts = List.of(largest);
      } else {
        parts = n.parts.stream().filter(c -> c.bytes >= floor).toList();
        long held = parts.stream().mapToLong(c -> c.bytes).sum();
        long rest = n.bytes - held;
        long lines = significant - 1 + parts.size() + (rest >= floor ? 1 : 0);
        if (parts.size() < 2 || held * 4 < n.bytes * 3 || lines > SpaceWalk.LISTED) {
          continue;
        }
      }
      frontier.remove(i);
      long rest = n.bytes;
      for (SpaceWalk.Node c : parts) {
        frontier.add(Piece.of(c));
        rest -= c.bytes;
      }
      frontier.add(new Piece(Optional.empty(), Optional.of(n), n.rel, rest, true));
      return true;
    }
    return false;
  }

  private Holder holder(Piece p) {
    if (p.known().isPresent()) {
      return p.known().get();
    }
    Path path = baseDir.resolve(p.rel());
    boolean partial = p.node().map(n -> n.partial).orElse(false);
    String atLeast = partial ? "; at least: not all of it was measured" : "";
    Optional<String> rule = protection.protectedBy(path);
    Holder.Stays stays = rule.isPresent() ? Holder.Stays.PROTECTED : Holder.Stays.NO_POLICY;
    String detail = rule.orElseGet(() -> Optional.ofNullable(folders.get(p.rel().getParent()))
        .map(policy -> "in the folder of policy " + policy + ", not one of its entries").orElse(""));
    detail += atLeast;
    Holder h = Holder.of(path, p.bytes(), stays, "", detail.startsWith("; ") ? detail.substring(2) : detail);
    return p.rest() ? new Holder(h.path(), h.bytes(), h.stays(), h.policy(), h.reason(), true) : h;
  }
}
