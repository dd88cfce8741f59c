package org.diskwarden.policy;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.Predicate;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The files that processes hold open, read once per plan from {@code /proc/*}{@code /fd}: a file a
 * trainer is still writing or reading must not vanish under it.
 *
 * <p>The read starts when the snapshot is taken and runs beside the plan's walk of the tree (a box with
 * 2,000 processes holding 50 files each has 100,000 links to read); the first question waits for it.
 */
public final class OpenFiles {
  private static final Logger LOG = LogManager.getLogger(OpenFiles.class);
  private final CompletableFuture<NavigableSet<String>> paths;

  private OpenFiles(CompletableFuture<NavigableSet<String>> paths) {
    this.paths = paths;
  }

  /** Reads every process's open files; where /proc is unreadable, says so once and knows none. */
  public static OpenFiles snapshot() {
    return snapshot(Path.of("/proc"));
  }

  static OpenFiles snapshot(Path proc) {
    CompletableFuture<NavigableSet<String>> paths = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try {
        paths.complete(read(proc));
      } catch (RuntimeException | Error e) {
        paths.completeExceptionally(e);
      }
    }, "diskwarden-open-files");
    reader.setDaemon(true);
    reader.start();
    return new OpenFiles(paths);
  }

  private static NavigableSet<String> read(Path proc) {
    List<Path> pids = new ArrayList<>();
    Path self = proc.resolve(Long.toString(ProcessHandle.current().pid()));
    try (DirectoryStream<Path> listing = Files.newDirectoryStream(proc, "[0-9]*")) {
      listing.forEach(pid -> {
        if (!pid.equals(self)) {
          pids.add(pid);
        }
      });
    } catch (IOException | SecurityException e) {
      LOG.warn("Cannot read {} ({}); open files are not detected, in-use entries may be planned", proc, e.toString());
      return new TreeSet<>();
    }
    // half of the processes on a second thread: reading the links is the kernel's work, per process
    NavigableSet<String> found = new ConcurrentSkipListSet<>();
    // Our own open files, but not our directories: the walk running beside this read holds the
    // directories it is sizing open, and they are not in use by anyone. Judged by what the link names,
    // not by the descriptor: the walk closes and opens descriptors all the time, and a number read as
    // a file may be a directory of the walk a moment later.
    readFds(List.of(self), found, target -> !Files.isDirectory(Path.of(target), LinkOption.NOFOLLOW_LINKS));
    int half = pids.size() / 2;
    Thread second = new Thread(() -> readFds(pids.subList(half, pids.size()), found, target -> true),
        "diskwarden-open-files-2");
    second.setDaemon(true);
    second.start();
    readFds(pids.subList(0, half), found, target -> true);
    try {
      second.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading open files", e);
    }
    return found;
  }

  /** The targets of the open descriptors of {@code pids} that {@code keep} accepts, into {@code into}. */
  private static void readFds(List<Path> pids, NavigableSet<String> into, Predicate<String> keep) {
    for (Path pid : pids) {
      try (DirectoryStream<Path> fds = Files.newDirectoryStream(pid.resolve("fd"))) {
        for (Path fd : fds) {
          readLink(fd).filter(keep).ifPresent(into::add);
        }
      } catch (IOException | SecurityException e) {
        // processes come and go, and some are not ours to read
      }
    }
  }

  private static Optional<String> readLink(Path fd) {
    try {
      String target = Files.readSymbolicLink(fd).toString();
      return target.startsWith("/") ? Optional.of(target) : Optional.empty();
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return Optional.empty();
    }
  }

  /** An open file at or under {@code entry}, if any. */
  public Optional<String> openUnder(Path entry) {
    NavigableSet<String> paths = this.paths.join();
    String root = entry.toString();
    if (paths.contains(root)) {
      return Optional.of(root);
    }
    String under = paths.ceiling(root + "/");
    return under != null && under.startsWith(root + "/") ? Optional.of(under) : Optional.empty();
  }
}
