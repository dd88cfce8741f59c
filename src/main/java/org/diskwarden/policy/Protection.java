package org.diskwarden.policy;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.diskwarden.fs.Attrs;

/**
 * What may never be removed: anything outside base_dir, and anything matched by a {@code protect}
 * glob, everything under it, and (for a protected symlink such as {@code current_model -> versions/v5})
 * what it points at. Links are found once (literal patterns, and links a glob matches); their targets
 * are resolved again by {@link #targets()} each time a removal asks, so a link re-pointed during a
 * sweep protects its new target.
 */
public final class Protection {
  private static final int GLOB_DEPTH_LIMIT = 32;

  private final Path baseDir;
  private final List<PathMatcher> globs = new ArrayList<>();
  private final List<String> patterns;
  private final Set<Path> links = new LinkedHashSet<>();
  private final List<Path> protectedTargets = new ArrayList<>();

  /**
   * @param baseDir the real path of base_dir
   * @param patterns globs relative to base_dir
   */
  public Protection(Path baseDir, List<String> patterns) {
    this(baseDir, patterns, List.of());
  }

  /**
   * @param keepingLinks further links whose targets are as alive as a protected link's (a link in a
   *     policy folder pointing at one of its entries, such as Lightning's {@code last.ckpt})
   */
  public Protection(Path baseDir, List<String> patterns, Collection<Path> keepingLinks) {
    this(baseDir, patterns, keepingLinks, true);
  }

  private Protection(Path baseDir, List<String> patterns, Collection<Path> keepingLinks, boolean walkGlobs) {
    this.baseDir = baseDir;
    // The agent's own lock is as alive as the agent.
    this.patterns = new ArrayList<>(patterns);
    this.patterns.add(".diskwarden.lock");
    for (String pattern : this.patterns) {
      globs.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern));
      if (walkGlobs || !isGlob(pattern)) {
        collectLinks(pattern);
      }
    }
    links.addAll(keepingLinks);
    for (Path link : links) {
      // The active model is often a link to a version folder: that folder is just as alive. What the
      // link's text names is protected too: resolving it fails while a folder on its way is renamed
      // for a moment (a user's mv, an attacker's swap), and a protection that lapsed then would let
      // the sweep take the active model once the folder is back.
      for (Path target : targetsOf(link)) {
        if (target.startsWith(baseDir) && !protectedTargets.contains(target)) {
          protectedTargets.add(target);
        }
      }
    }
  }

  /**
   * What {@code link} points at: its real path when it resolves now, and every hop its text names,
   * read link by link without resolving the folders on the way (at most 40 hops, as the kernel).
   */
  private static List<Path> targetsOf(Path link) {
    List<Path> targets = new ArrayList<>();
    try {
      targets.add(link.toRealPath());
    } catch (IOException e) {
      // dangling, or a folder on the way is being renamed: the hops below still say what it names
    }
    Path hop = link;
    for (int i = 0; i < 40 && Files.isSymbolicLink(hop); i++) {
      try {
        Path parent = hop.getParent();
        Path next = Files.readSymbolicLink(hop);
        hop = (parent == null ? next : parent.resolve(next)).normalize();
      } catch (IOException e) {
        break;
      }
      if (!targets.contains(hop)) {
        targets.add(hop);
      }
    }
    return targets;
  }

  /**
   * For telling people what is protected (an alert), never for deciding: globs are matched by name,
   * and only literal protected links are followed to their targets, so making it walks no tree (a
   * link a glob matches does not make its target protected here).
   */
  public static Protection forMessages(Path baseDir, List<String> patterns) {
    return new Protection(baseDir, patterns, List.of(), false);
  }

  public Path baseDir() {
    return baseDir;
  }

  /** Links matched by a pattern: a literal one directly, a glob by walking as deep as it reaches. */
  private void collectLinks(String pattern) {
    if (!isGlob(pattern)) {
      Path literal = baseDir.resolve(pattern).normalize();
      if (Files.isSymbolicLink(literal)) {
        links.add(literal);
      }
      return;
    }
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
    int depth = pattern.contains("**") ? GLOB_DEPTH_LIMIT : Path.of(pattern).getNameCount();
    try {
      Files.walkFileTree(baseDir, EnumSet.noneOf(java.nio.file.FileVisitOption.class), depth,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (attrs.isSymbolicLink() && matcher.matches(baseDir.relativize(file))) {
                links.add(file);
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      // base_dir unreadable: nothing is planned in it either
    }
  }

  /**
   * The configured patterns that match nothing in base_dir now (a typo protects nothing, and says so):
   * a literal one names no existing path, a glob matches no path as deep as it reaches.
   */
  public List<String> unmatched() {
    List<String> none = new ArrayList<>();
    for (String pattern : patterns.subList(0, patterns.size() - 1)) {
      if (!isGlob(pattern)) {
        if (!Files.exists(baseDir.resolve(pattern), LinkOption.NOFOLLOW_LINKS)) {
          none.add(pattern);
        }
        continue;
      }
      PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
      int depth = pattern.contains("**") ? GLOB_DEPTH_LIMIT : Path.of(pattern).getNameCount();
      try (java.util.stream.Stream<Path> all = Files.walk(baseDir, depth)) {
        if (all.noneMatch(p -> !p.equals(baseDir) && matcher.matches(baseDir.relativize(p)))) {
          none.add(pattern);
        }
      } catch (IOException | java.io.UncheckedIOException e) {
        // unreadable somewhere: do not claim it matches nothing
      }
    }
    return none;
  }

  private static boolean isGlob(String pattern) {
    return pattern.chars().anyMatch(ch -> "*?[]{}\\".indexOf(ch) >= 0);
  }

  /** True when {@code path} is base_dir itself or lies strictly inside it, compared without following links. */
  public boolean isInside(Path path) {
    Path normal = path.toAbsolutePath().normalize();
    return normal.startsWith(baseDir) && !normal.equals(baseDir);
  }

  /**
   * Whether a protect rule could cover anything strictly inside {@code entry}: a glob with a
   * wildcard, a literal path below the entry, or a protected link's target in it. When not, walks
   * and removals inside the entry need not match every path (the entry itself is checked apart).
   */
  public boolean mayProtectInside(Path entry) {
    Path normal = entry.toAbsolutePath().normalize();
    if (!normal.startsWith(baseDir)) {
      return true;
    }
    for (Path target : protectedTargets) {
      if (target.startsWith(normal)) {
        return true;
      }
    }
    Path rel = baseDir.relativize(normal);
    if (rel.toString().isEmpty()) {
      return true;
    }
    for (String pattern : patterns) {
      if (isGlob(pattern) || Path.of(pattern).normalize().startsWith(rel)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The protect rule that covers {@code path} (the path, an ancestor, or a protected link target as
   * it was when this was made), or empty when none does. By name only: the removal also asks
   * {@link #targets()}.
   */
  public Optional<String> protectedBy(Path path) {
    Path normal = path.toAbsolutePath().normalize();
    if (!normal.startsWith(baseDir)) {
      return Optional.of("outside base_dir");
    }
    for (Path target : protectedTargets) {
      if (normal.startsWith(target)) {
        return Optional.of("target of a protected link: " + baseDir.relativize(target));
      }
    }
    for (Path rel = baseDir.relativize(normal); rel != null && !rel.toString().isEmpty(); rel = rel.getParent()) {
      for (int i = 0; i < globs.size(); i++) {
        if (globs.get(i).matches(rel)) {
          return Optional.of("protected by '" + patterns.get(i) + "'");
        }
      }
    }
    return Optional.empty();
  }

  /**
   * What the protected links point at now: the identity of each target and of every directory
   * between base_dir and it. An entry (or a directory inside one) with one of these identities is,
   * or holds, a protected target. Resolved anew on each call.
   */
  public Targets targets() {
    Set<Inode> inodes = new HashSet<>();
    for (Path link : links) {
      for (Path target : targetsOf(link)) {
        holdWayTo(target, inodes);
      }
    }
    return new Targets(inodes);
  }

  /** Adds the identity of {@code target} and of each folder between base_dir and it, as they are now. */
  private void holdWayTo(Path target, Set<Inode> inodes) {
    for (Path p = target; p != null && p.startsWith(baseDir) && !p.equals(baseDir); p = p.getParent()) {
      try {
        // one lstat: the (st_dev, st_ino) a statx through a held descriptor is compared with
        Map<String, Object> a = Files.readAttributes(p, "unix:dev,ino", LinkOption.NOFOLLOW_LINKS);
        inodes.add(new Inode((Long) a.get("dev"), (Long) a.get("ino")));
      } catch (IOException e) {
        // gone meanwhile: what is gone needs no protection
      }
    }
  }

  /** A file's identity as {@code stat(2)} gives it: {@code st_dev} and {@code st_ino}. */
  private record Inode(long device, long inode) {
  }

  /** Identities of protected link targets and the folders that hold them, as resolved at one moment. */
  public static final class Targets {
    private final Set<Inode> inodes;

    private Targets(Set<Inode> inodes) {
      this.inodes = Set.copyOf(inodes);
    }

    /**
     * Whether the file or directory of this {@code statx} (through a held descriptor: no path is
     * resolved) is, or holds, a protected target.
     */
    public boolean holds(Attrs attrs) {
      return !inodes.isEmpty() && inodes.contains(new Inode(attrs.statDevice(), attrs.inode()));
    }
  }
}
