package org.diskwarden;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The files bin/diskwarden reads about a running agent ({@code -Ddiskwarden.rundir}, usually
 * {@code run/}): {@code diskwarden.ready} once the agent is up, {@code diskwarden.state} with the
 * status line of the last check. Nothing is written when no run dir is given.
 */
final class RunDir {
  private static final Logger LOG = LogManager.getLogger(RunDir.class);
  private final Optional<Path> dir;

  private RunDir(Optional<Path> dir) {
    this.dir = dir;
  }

  static RunDir fromSystemProperty() {
    return new RunDir(Optional.ofNullable(System.getProperty("diskwarden.rundir")).map(Path::of));
  }

  void writeReady() {
    write("diskwarden.ready", ProcessHandle.current().pid() + "\n");
  }

  void writeState(String statusLine) {
    write("diskwarden.state", statusLine + "\n");
  }

  void clear() {
    dir.ifPresent(d -> {
      try {
        Files.deleteIfExists(d.resolve("diskwarden.ready"));
      } catch (IOException e) {
        LOG.warn("Cannot remove {}: {}", d.resolve("diskwarden.ready"), e.getMessage());
      }
    });
  }

  private void write(String name, String content) {
    dir.ifPresent(d -> {
      try {
        Files.createDirectories(d);
        // Written beside and moved, so a reader never sees half a line.
        Path tmp = Files.writeString(d.resolve(name + ".tmp"), content);
        Files.move(tmp, d.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        // A full disk must not stop the agent that frees it; status is a convenience.
        LOG.warn("Cannot write {} in {}: {}", name, d, e.getMessage());
      }
    });
  }
}
