package org.diskwarden.policy;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The files that processes hold open, read once per plan from {@code /proc/*}{@code /fd}: a file a
 * trainer is still writing or reading must not vanish under it.
 */
public final class OpenFiles {
  private static final Logger LOG = LogManager.getLogger(OpenFiles.class);
  private final NavigableSet<String> paths;

  private OpenFiles(NavigableSet<String> paths) {
    this.paths = paths;
  }

  /** Reads every process's open files; where /proc is unreadable, says so once and knows none. */
  public static OpenFiles snapshot() {
    return snapshot(Path.of("/proc"));
  }

  static OpenFiles snapshot(Path proc) {
    NavigableSet<String> paths = new TreeSet<>();
    try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, "[0-9]*")) {
      for (Path pid : pids) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(pid.resolve("fd"))) {
          for (Path fd : fds) {
            readLink(fd).ifPresent(paths::add);
          }
        } catch (IOException | SecurityException e) {
          // processes come and go, and some are not ours to read
        }
      }
    } catch (IOException | SecurityException e) {
      LOG.warn("Cannot read {} ({}); open files are not detected, in-use entries may be planned", proc, e.toString());
      return new OpenFiles(paths);
    }
    return new OpenFiles(paths);
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
    String root = entry.toString();
    if (paths.contains(root)) {
      return Optional.of(root);
    }
    String under = paths.ceiling(root + "/");
    return under != null && under.startsWith(root + "/") ? Optional.of(under) : Optional.empty();
  }
}
