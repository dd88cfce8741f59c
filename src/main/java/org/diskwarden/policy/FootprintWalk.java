package org.diskwarden.policy;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.FileVisitor;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Sizes an entry as its removal will free it, in one walk that never follows a link: allocated blocks
 * (like {@code du}), a hard-linked inode only when every one of its links is inside the entry, a link
 * as 0, and nothing behind a mount point (another filesystem frees nothing here).
 */
public final class FootprintWalk implements FileVisitor<Path> {
  private final Protection protection;
  private final long blockSize;
  private final Map<Object, long[]> linked = new HashMap<>();
  private final boolean directoryTimes;
  private Object rootDevice;
  private long bytes;
  private long entries;
  private Instant newest = Instant.EPOCH;
  private String problem;

  private FootprintWalk(Protection protection, long blockSize, boolean directoryTimes) {
    this.protection = protection;
    this.blockSize = blockSize;
    this.directoryTimes = directoryTimes;
  }

  /** Walks {@code entry} and reports what removing it would free. */
  public static Footprint measure(Path entry, Protection protection, long blockSize) {
    return measure(entry, protection, blockSize, true);
  }

  /**
   * As {@link #measure(Path, Protection, long)}; with {@code directoryTimes} false the newest time is
   * taken from files and links only: for an entry whose removal a crashed agent began, the directory
   * mtimes record our own unlinks, not a save.
   */
  public static Footprint measure(Path entry, Protection protection, long blockSize, boolean directoryTimes) {
    FootprintWalk walk = new FootprintWalk(protection, blockSize, directoryTimes);
    try {
      walk.rootDevice = Files.getAttribute(entry, "unix:dev", LinkOption.NOFOLLOW_LINKS);
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      walk.rootDevice = null;
    }
    try {
      Files.walkFileTree(entry, EnumSet.noneOf(java.nio.file.FileVisitOption.class), Integer.MAX_VALUE, walk);
    } catch (IOException e) {
      walk.fail("cannot read " + entry + ": " + e.getMessage());
    }
    for (long[] sizeSeenLinks : walk.linked.values()) {
      if (sizeSeenLinks[1] >= sizeSeenLinks[2]) {
        walk.bytes += sizeSeenLinks[0];
      }
    }
    return new Footprint(walk.bytes, walk.newest, walk.entries, Optional.ofNullable(walk.problem));
  }

  @Override
  public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
    // A protected part is still walked (reading only): its mtimes say whether the entry is being
    // written, and a young protected entry must not count as a settled one.
    guarded(dir);
    if (rootDevice != null && !rootDevice.equals(attribute(dir, "unix:dev"))) {
      fail("a mount point is inside: " + dir);
      return FileVisitResult.SKIP_SUBTREE;
    }
    if (directoryTimes) {
      seen(attrs);
    } else {
      entries++;
    }
    bytes += allocated(attrs.size());
    return FileVisitResult.CONTINUE;
  }

  @Override
  public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
    guarded(file);
    seen(attrs);
    if (attrs.isSymbolicLink() || !attrs.isRegularFile()) {
      return FileVisitResult.CONTINUE;
    }
    Object nlink = attribute(file, "unix:nlink");
    int links = nlink instanceof Integer n ? n : 1;
    if (links > 1 && attrs.fileKey() != null) {
      long[] sizeSeenLinks = linked.computeIfAbsent(attrs.fileKey(), k -> new long[] {allocated(attrs.size()), 0, links});
      sizeSeenLinks[1]++;
    } else {
      bytes += allocated(attrs.size());
    }
    return FileVisitResult.CONTINUE;
  }

  @Override
  public FileVisitResult visitFileFailed(Path file, IOException exc) {
    fail("cannot read " + file + ": " + exc.getMessage());
    return FileVisitResult.CONTINUE;
  }

  @Override
  public FileVisitResult postVisitDirectory(Path dir, IOException exc) {
    if (exc != null) {
      fail("cannot list " + dir + ": " + exc.getMessage());
    }
    return FileVisitResult.CONTINUE;
  }

  private boolean guarded(Path path) {
    Optional<String> rule = protection.protectedBy(path);
    rule.ifPresent(r -> fail("holds a protected path " + path + " (" + r + ")"));
    return rule.isPresent();
  }

  private void seen(BasicFileAttributes attrs) {
    entries++;
    Instant mtime = attrs.lastModifiedTime().toInstant();
    if (mtime.isAfter(newest)) {
      newest = mtime;
    }
  }

  private long allocated(long size) {
    return (size + blockSize - 1) / blockSize * blockSize;
  }

  private void fail(String why) {
    if (problem == null) {
      problem = why;
    }
  }

  private static Object attribute(Path path, String name) {
    try {
      return Files.getAttribute(path, name, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return null;
    }
  }
}
