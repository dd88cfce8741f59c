package org.diskwarden.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The files bin/diskwarden reads about a running agent ({@code -Ddiskwarden.rundir}, usually
 * {@code run/}): {@code diskwarden.ready} once the agent is up, {@code diskwarden.state} with the
 * status line of the last check. Nothing is written when no run dir is given.
 */
public final class RunDir {
  private static final Logger LOG = LogManager.getLogger(RunDir.class);
  private final Optional<Path> dir;

  private RunDir(Optional<Path> dir) {
    this.dir = dir;
  }

  public static RunDir fromSystemProperty() {
    return new RunDir(Optional.ofNullable(System.getProperty("diskwarden.rundir")).map(Path::of));
  }

  public void writeReady() {
    write("diskwarden.ready", ProcessHandle.current().pid() + "\n");
  }

  public void writeState(String statusLine) {
    write("diskwarden.state", statusLine + "\n");
  }

  /**
   * Where the alerts of the agent on {@code baseDir} ({@code watch} of several, or empty) keep what
   * they told: {@code alerts.state} (or {@code alerts-WATCH.state}) here. A file written for another
   * base_dir, unreadable or malformed is not used (and said so): the agent then starts from OK, as
   * before there was a memory. Without a run dir nothing is kept.
   */
  public org.diskwarden.notify.AlertMemory alertMemory(String watch, Path baseDir) {
    if (dir.isEmpty()) {
      return org.diskwarden.notify.AlertMemory.none();
    }
    String name = watch.isEmpty() ? "alerts.state" : "alerts-" + watch.replaceAll("[^A-Za-z0-9._-]", "_") + ".state";
    return new org.diskwarden.notify.AlertMemory() {
      @Override
      public Optional<Told> recall() {
        Path file = dir.get().resolve(name);
        java.util.Map<String, String> kept = new java.util.HashMap<>();
        try (var in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
          String text = new String(in.readNBytes(4096), java.nio.charset.StandardCharsets.UTF_8);
          for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
              kept.put(line.substring(0, eq), line.substring(eq + 1));
            }
          }
        } catch (java.nio.file.NoSuchFileException e) {
          return Optional.empty();
        } catch (IOException e) {
          LOG.warn("Cannot read {}: {}; alerts start from OK", file, e.getMessage());
          return Optional.empty();
        }
        if (!baseDir.toString().equals(kept.get("base_dir"))) {
          LOG.info("{} was written for base_dir {}, not {}: not used", file, kept.get("base_dir"), baseDir);
          return Optional.empty();
        }
        try {
          return Optional.of(new Told(org.diskwarden.volume.State.valueOf(kept.get("state")),
              java.time.Instant.parse(kept.get("last_critical_notice")),
              Boolean.parseBoolean(kept.get("filling_up_sent"))));
        } catch (RuntimeException e) {
          LOG.warn("{} is malformed ({}); alerts start from OK", file, e.toString());
          return Optional.empty();
        }
      }

      @Override
      public void remember(Told told) {
        write(name, "base_dir=" + baseDir + "\nstate=" + told.state() + "\nlast_critical_notice="
            + told.lastCriticalNotice() + "\nfilling_up_sent=" + told.fillingUpSent() + "\n");
      }
    };
  }

  /**
   * What check would answer for {@code watch} (empty: a config without watch:), written after every check
   * to {@code check.state} or {@code check-WATCH.state}: key=value lines (data, never code) that
   * bin/diskwarden check prints without a JVM while they are fresh and for the same config.
   */
  public void writeCheck(String watch, CheckAnswer a) {
    StringBuilder b = new StringBuilder();
    b.append("pid=").append(ProcessHandle.current().pid()).append('\n');
    b.append("time=").append(a.at().getEpochSecond()).append('\n');
    b.append("valid_until=").append(a.at().plus(a.validFor()).getEpochSecond()).append('\n');
    b.append("config=").append(a.configFile().map(Path::toString).orElse("")).append('\n');
    b.append("config_sha256=").append(a.configDigest().orElse("")).append('\n');
    b.append("watch=").append(watch).append('\n');
    b.append("exit=").append(a.exitCode()).append('\n');
    b.append("line=").append(oneLine(a.line())).append('\n');
    for (String w : a.warnings()) {
      b.append("warning=").append(oneLine(w)).append('\n');
    }
    write(checkFile(watch), b.toString());
  }

  static String checkFile(String watch) {
    return watch.isEmpty() ? "check.state" : "check-" + watch.replaceAll("[^A-Za-z0-9._-]", "_") + ".state";
  }

  /** A value on one line: a name with a line break in it must not start a key of its own. */
  private static String oneLine(String s) {
    return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
  }

  public void clear() {
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
        Files.createDirectories(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
        org.diskwarden.fs.Replace.with(d.resolve(name), content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      } catch (IOException e) {
        // A full disk must not stop the agent that frees it; status is a convenience.
        LOG.warn("Cannot write {} in {}: {}", name, d, e.getMessage());
      }
    });
  }
}
