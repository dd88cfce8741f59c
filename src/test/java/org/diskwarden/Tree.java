package org.diskwarden;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;

/** Builds real directory trees for tests, dated with setLastModifiedTime. */
public final class Tree {
  private final Path root;
  private final Instant now = Instant.now();

  public Tree(Path root) {
    this.root = root;
  }

  public Path root() {
    return root;
  }

  /** A file of {@code bytes} random bytes (incompressible, fully allocated), aged {@code age}. */
  public Path file(String rel, int bytes, Duration age) {
    Path p = root.resolve(rel);
    try {
      Files.createDirectories(p.getParent());
      byte[] data = new byte[bytes];
      new Random(rel.hashCode()).nextBytes(data);
      Files.write(p, data);
      age(p, age);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A directory entry holding a data file and a config.json, everything aged {@code age}. */
  public Path version(String rel, int bytes, Duration age) {
    file(rel + "/weights.bin", bytes, age);
    file(rel + "/config.json", 10, age);
    return age(root.resolve(rel), age);
  }

  /** Sets the mtime of {@code p} and everything under it. */
  public Path age(Path p, Duration age) {
    FileTime t = FileTime.from(now.minus(age));
    try {
      Files.walkFileTree(p, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
          setNoFollow(f, t);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
          Files.setLastModifiedTime(d, t);
          return FileVisitResult.CONTINUE;
        }
      });
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sets the mtime of a file or of a link itself (never of a link's target). */
  public static void setNoFollow(Path p, FileTime t) throws IOException {
    Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(t, null, null);
  }

  public static Duration days(long n) {
    return Duration.ofDays(n);
  }

  public static Duration hours(long n) {
    return Duration.ofHours(n);
  }
}
