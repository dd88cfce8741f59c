package org.diskwarden;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A real small filesystem that truly fills up: a tmpfs mounted for one test (root only). */
public final class Tmpfs implements AutoCloseable {
  private final Path mountPoint;

  private Tmpfs(Path mountPoint) {
    this.mountPoint = mountPoint;
  }

  /** Mounts a tmpfs of {@code megabytes} at {@code dir}; skips the test, saying why, when not root. */
  public static Tmpfs mount(Path dir, int megabytes) throws IOException, InterruptedException {
    assumeTrue("root".equals(System.getProperty("user.name")),
        "SKIPPED: mounting a tmpfs needs root (CI runs as root); this test fills a real filesystem");
    Files.createDirectories(dir);
    run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "diskwarden-test", dir.toString());
    return new Tmpfs(dir);
  }

  public Path root() {
    return mountPoint;
  }

  public long free() throws IOException {
    return Files.getFileStore(mountPoint).getUsableSpace();
  }

  @Override
  public void close() throws IOException, InterruptedException {
    run("umount", "-l", mountPoint.toString());
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + output);
    }
  }
}
