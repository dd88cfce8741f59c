package org.diskwarden;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the owner of a tree puts in place of a control file the agent reads (attack 4 of issue 27):
 * a FIFO (an open for reading waits for a writer forever), a socket, or a 2 GB sparse file. Planted
 * as {@code nobody} through setpriv when the tests run as root, as the attacker would.
 */
public enum Planted {
  FIFO("FIFO", "mkfifo \"$1\""),
  SOCKET("socket", "/usr/bin/python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \"$1\""),
  SPARSE_2G("2147483648 bytes", "truncate -s 2G \"$1\"");

  private final String shows;
  private final String make;

  Planted(String shows, String make) {
    this.shows = shows;
    this.make = make;
  }

  /** What the agent's report says of it. */
  public String shows() {
    return shows;
  }

  /** Replaces whatever is at {@code at} (its folder must be the attacker's: {@link #attackerOwns}). */
  public void at(Path at) throws IOException, InterruptedException {
    run("rm -f \"$1\" && " + make, at.toString());
  }

  /**
   * The same, the planted file and its folder dated {@code age} back. Dated by touch: the JDK's
   * setLastModifiedTime opens the file first, and an open of a FIFO for reading waits for a writer.
   */
  public void at(Path at, Duration age) throws IOException, InterruptedException {
    run("rm -f \"$1\" && " + make + " && touch -h -d @$2 \"$1\" \"$(dirname \"$1\")\"", at.toString(),
        Long.toString(Instant.now().minus(age).getEpochSecond()));
  }

  private void run(String script, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    if (root()) {
      command.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
    }
    command.addAll(List.of("sh", "-c", script, "planted"));
    command.addAll(List.of(args));
    Path at = Path.of(args[0]);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("%s at %s: %s", this, at, out).isZero();
  }

  /**
   * Gives {@code tree} to nobody (when root) and lets nobody reach it from {@code from} down: the
   * attacker owns a repository or a training run under base_dir.
   */
  public static void attackerOwns(Path from, Path tree) throws IOException, InterruptedException {
    if (!root()) {
      return;
    }
    for (Path p = tree; p != null && p.startsWith(from); p = p.getParent()) {
      Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Process p = new ProcessBuilder("chown", "-hR", "65534:65534", tree.toString()).redirectErrorStream(true).start();
    assertThat(p.waitFor()).isZero();
  }

  private static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }
}
