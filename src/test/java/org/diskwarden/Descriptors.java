package org.diskwarden;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The descriptors this JVM holds open ({@code /proc/self/fd}): a leak test counts them before and after. */
public final class Descriptors {
  private Descriptors() {}

  /** How many descriptors are open now. */
  public static long open() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }
}
