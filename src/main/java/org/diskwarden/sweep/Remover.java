package org.diskwarden.sweep;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.FileVisitor;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.diskwarden.policy.Protection;

/**
 * Removes one entry without ever following a link (a link goes as a link, its target stays), never
 * crossing into another filesystem, leaving anything protected or freshly written in place, and going
 * on past a failure instead of stopping half-way with no account of what is left.
 *
 * <p>Where the platform gives a {@link SecureDirectoryStream} (Linux), every step is relative to an
 * open directory and opens subdirectories with O_NOFOLLOW: a directory swapped for a symlink between
 * planning and removal (or during it) is refused, not followed. Elsewhere a no-follow file walk is used.
 */
final class Remover implements FileVisitor<Path> {
  private static final Pattern DEV = Pattern.compile("dev=([0-9a-fx]+)");
  private final Protection protection;
  private final Instant youngerIsAlive;
  private final boolean checkInside;
  private Object rootDevice;
  private long failures;
  private String firstError;

  private Remover(Protection protection, Instant youngerIsAlive, boolean checkInside) {
    this.protection = protection;
    this.youngerIsAlive = youngerIsAlive;
    this.checkInside = checkInside;
  }

  /**
   * Removes {@code entry}.
   *
   * @param youngerIsAlive anything modified after this is being written and stays
   * @return the first error when anything is left behind, empty when the entry is gone
   */
  static Optional<String> remove(Path entry, Protection protection, Instant youngerIsAlive) {
    // The entry itself is always matched against the protect globs; what is inside it only when a
    // glob could match there at all (matching every path of a 200,000-file folder is not free).
    if (protection.protectedBy(entry).isPresent()) {
      return Optional.of("1 item(s) left, first: " + entry + ": protected");
    }
    Remover remover = new Remover(protection, youngerIsAlive, protection.mayProtectInside(entry));
    try (DirectoryStream<Path> parent = Files.newDirectoryStream(entry.getParent())) {
      if (parent instanceof SecureDirectoryStream<Path> secure) {
        BasicFileAttributes attrs = attributes(secure, entry.getFileName());
        remover.rootDevice = device(attrs);
        remover.removeIn(secure, entry.getParent(), entry.getFileName(), attrs);
      } else {
        remover.rootDevice = Files.getAttribute(entry, "unix:dev", LinkOption.NOFOLLOW_LINKS);
        Files.walkFileTree(entry, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE, remover);
      }
    } catch (NoSuchFileException e) {
      return Optional.of("vanished before removal");
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      remover.fail(entry, e);
    }
    if (remover.failures == 0) {
      return Optional.empty();
    }
    return Optional.of(remover.failures + " item(s) left, first: " + remover.firstError);
  }

  private static BasicFileAttributes attributes(SecureDirectoryStream<Path> dir, Path name) throws IOException {
    return dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes();
  }

  /** The device of a file from its key, {@code (dev=803,ino=12)} on Linux; null when unknown. */
  private static Object device(BasicFileAttributes attrs) {
    Object key = attrs.fileKey();
    if (key == null) {
      return null;
    }
    Matcher m = DEV.matcher(key.toString());
    return m.find() ? m.group(1) : null;
  }

  private void removeIn(SecureDirectoryStream<Path> dir, Path dirPath, Path name, BasicFileAttributes attrs) {
    Path full = dirPath.resolve(name);
    if (checkInside && protection.protectedBy(full).isPresent()) {
      fail(full, "protected");
      return;
    }
    if (!attrs.isDirectory()) {
      if (!attrs.isSymbolicLink() && attrs.lastModifiedTime().toInstant().isAfter(youngerIsAlive)) {
        fail(full, "modified during the sweep (being written)");
        return;
      }
      try {
        // unlinkat: a link goes as a link, never its target
        dir.deleteFile(name);
      } catch (NoSuchFileException e) {
        // someone else removed it: the space is free all the same
      } catch (IOException e) {
        fail(full, e);
      }
      return;
    }
    Object device = device(attrs);
    if (rootDevice != null && device != null && !rootDevice.equals(device)) {
      fail(full, "a mount point of another filesystem");
      return;
    }
    try (SecureDirectoryStream<Path> child = dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
      List<Path> names = new ArrayList<>();
      for (Path p : child) {
        names.add(p.getFileName());
      }
      for (Path n : names) {
        try {
          removeIn(child, full, n, attributes(child, n));
        } catch (NoSuchFileException e) {
          // gone meanwhile
        } catch (IOException e) {
          fail(full.resolve(n), e);
        }
      }
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException e) {
      // O_NOFOLLOW refuses a directory that became a link: nothing behind it is touched.
      fail(full, e);
      return;
    }
    try {
      dir.deleteDirectory(name);
    } catch (NoSuchFileException e) {
      // gone meanwhile
    } catch (IOException e) {
      fail(full, e);
    }
  }

  @Override
  public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
    if (protection.protectedBy(dir).isPresent()) {
      fail(dir, "protected");
      return FileVisitResult.SKIP_SUBTREE;
    }
    if (rootDevice != null && !rootDevice.equals(unixDevice(dir))) {
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

  private static Object unixDevice(Path dir) {
    try {
      return Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS);
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return null;
    }
  }
}
