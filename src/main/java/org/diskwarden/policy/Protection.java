package org.diskwarden.policy;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What may never be removed: anything outside base_dir, and anything matched by a {@code protect}
 * glob, everything under it, and (for a protected symlink such as {@code current_model -> versions/v5})
 * the directory it points at.
 */
public final class Protection {
  private final Path baseDir;
  private final List<PathMatcher> globs = new ArrayList<>();
  private final List<String> patterns;
  private final List<Path> protectedTargets = new ArrayList<>();

  /**
   * @param baseDir the real path of base_dir
   * @param patterns globs relative to base_dir
   */
  public Protection(Path baseDir, List<String> patterns) {
    this.baseDir = baseDir;
    // The agent's own lock is as alive as the agent.
    this.patterns = new ArrayList<>(patterns);
    this.patterns.add(".diskwarden.lock");
    for (String pattern : this.patterns) {
      globs.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern));
      Path literal = baseDir.resolve(pattern);
      if (Files.isSymbolicLink(literal)) {
        try {
          // The active model is often a link to a version folder: that folder is just as alive.
          Path target = literal.toRealPath();
          if (target.startsWith(baseDir)) {
            protectedTargets.add(target);
          }
        } catch (IOException e) {
          // a dangling link protects nothing beyond itself
        }
      }
    }
  }

  public Path baseDir() {
    return baseDir;
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
      if (pattern.chars().anyMatch(ch -> "*?[]{}\\".indexOf(ch) >= 0)) {
        return true;
      }
      if (Path.of(pattern).normalize().startsWith(rel)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The protect rule that covers {@code path} (the path, an ancestor, or a protected link target),
   * or empty when none does.
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
}
