package org.diskwarden.sweep;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.FileVisitor;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import org.diskwarden.policy.Protection;

/**
 * Removes one entry with a walk that never follows a link (a link goes as a link, its target stays),
 * never crosses into another filesystem, leaves anything protected or freshly written in place, and
 * goes on past a failure instead of stopping half-way with no account of what is left.
 */
final class Remover implements FileVisitor<Path> {
  private final Protection protection;
  private final Instant youngerIsAlive;
  private Object rootDevice;
  private long failures;
  private String firstError;

  private Remover(Protection protection, Instant youngerIsAlive) {
    this.protection = protection;
    this.youngerIsAlive = youngerIsAlive;
  }

  /**
   * Removes {@code entry}.
   *
   * @param youngerIsAlive anything modified after this is being written and stays
   * @return the first error when anything is left behind, empty when the entry is gone
   */
  static Optional<String> remove(Path entry, Protection protection, Instant youngerIsAlive) {
    Remover remover = new Remover(protection, youngerIsAlive);
    try {
      remover.rootDevice = Files.getAttribute(entry, "unix:dev", LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return Optional.of("vanished before removal");
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      remover.rootDevice = null;
    }
    try {
      Files.walkFileTree(entry, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE, remover);
    } catch (IOException e) {
      remover.fail(entry, e);
    }
    if (remover.failures == 0) {
      return Optional.empty();
    }
    return Optional.of(remover.failures + " item(s) left, first: " + remover.firstError);
  }

  @Override
  public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
    if (protection.protectedBy(dir).isPresent()) {
      fail(dir, "protected");
      return FileVisitResult.SKIP_SUBTREE;
    }
    if (rootDevice != null && !rootDevice.equals(device(dir))) {
      fail(dir, "a mount point of another filesystem");
      return FileVisitResult.SKIP_SUBTREE;
    }
    return FileVisitResult.CONTINUE;
  }

  @Override
  public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
    if (protection.protectedBy(file).isPresent()) {
      fail(file, "protected");
    } else if (!attrs.isSymbolicLink() && attrs.lastModifiedTime().toInstant().isAfter(youngerIsAlive)) {
      fail(file, "modified during the sweep (being written)");
    } else {
      delete(file);
    }
    return FileVisitResult.CONTINUE;
  }

  @Override
  public FileVisitResult visitFileFailed(Path file, IOException exc) {
    if (!(exc instanceof NoSuchFileException)) {
      fail(file, exc);
    }
    return FileVisitResult.CONTINUE;
  }

  @Override
  public FileVisitResult postVisitDirectory(Path dir, IOException exc) {
    if (exc != null) {
      fail(dir, exc);
    }
    delete(dir);
    return FileVisitResult.CONTINUE;
  }

  private void delete(Path path) {
    try {
      // Files.delete removes a link itself, never its target.
      Files.delete(path);
    } catch (NoSuchFileException e) {
      // someone else removed it: the space is free all the same
    } catch (IOException e) {
      fail(path, e);
    }
  }

  private void fail(Path path, Object why) {
    failures++;
    if (firstError == null) {
      firstError = path + ": " + (why instanceof IOException e ? e.toString() : why);
    }
  }

  private static Object device(Path dir) {
    try {
      return Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS);
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return null;
    }
  }
}
