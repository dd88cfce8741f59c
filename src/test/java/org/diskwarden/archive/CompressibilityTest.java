package org.diskwarden.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.diskwarden.Planted;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sampler reads an entry's files through descriptors: a file swapped for a FIFO is never waited on. */
class CompressibilityTest {
  /** Swaps data.bin between a FIFO and a regular file as fast as it can, until killed. */
  private static final String SWAPPER = """
      import os, sys
      d = sys.argv[1]
      f, t = os.path.join(d, "data.bin"), os.path.join(d, ".swap")
      print("ready", flush=True)
      while True:
          try:
              os.unlink(t)
          except FileNotFoundError:
              pass
          os.mkfifo(t)
          os.rename(t, f)
          with open(t, "wb") as w:
              w.write(b"weights " * 4000)
          os.rename(t, f)
      """;

  @TempDir
  Path dir;

  @Test
  void sampledFileSwappedForAFifo_whileItIsSampled_neverBlocks() throws Exception {
    Path entry = Files.createDirectories(dir.resolve("base/logs/run1"));
    Files.writeString(entry.resolve("train.log"), "step 1 loss 0.5\n".repeat(4000));
    Files.writeString(entry.resolve("data.bin"), "weights ".repeat(4000));
    Planted.attackerOwns(dir, entry);
    Path script = Files.writeString(dir.resolve("swapper.py"), SWAPPER);
    List<String> command = new ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      command.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
    }
    command.addAll(List.of("/usr/bin/python3", script.toString(), entry.toString()));
    Process swapper = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String ready = new BufferedReader(new InputStreamReader(swapper.getInputStream(), StandardCharsets.UTF_8))
          .readLine();
      assertThat(ready).as("the swapper starts").isEqualTo("ready");
      Compressibility estimates = new Compressibility();

      double[] ratios = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
        double[] r = new double[3000];
        for (int round = 0; round < r.length; round++) {
          // a new time each round: the estimate is measured again, not remembered
          r[round] = estimates.ratio(entry, Instant.ofEpochSecond(round), ArchiveFormat.ZSTD, 3);
        }
        return r;
      });

      assertThat(swapper.isAlive()).as("the swapper raced every round").isTrue();
      assertThat(java.util.Arrays.stream(ratios).max().orElseThrow()).as("every estimate sampled the log").isLessThan(0.2);
    } finally {
      swapper.destroyForcibly().waitFor();
    }
  }
}
