package org.diskwarden.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.io.file.PathUtils;
import org.diskwarden.policy.Footprint;
import org.diskwarden.policy.FootprintWalk;
import org.diskwarden.policy.Protection;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The sizer the plan and the guard rely on ({@link FootprintWalk}), warm, on a tree of {@code files}
 * small files in directories of ten, caches warm. The whole-process comparison with du is in bench/run.sh.
 */
@org.openjdk.jmh.annotations.State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ScanBenchmark {
  @Param("20000")
  public int files;

  private Path root;
  private Protection protection;

  @Setup
  public void setUp() throws IOException {
    root = Files.createTempDirectory("diskwarden-jmh-scan").toRealPath();
    byte[] data = new byte[1000];
    for (int i = 0; i < files; i++) {
      Path dir = Files.createDirectories(root.resolve("entry/d" + i / 10));
      Files.write(dir.resolve("f" + i), data);
    }
    protection = new Protection(root, List.of("current_model"));
  }

  @TearDown
  public void tearDown() throws IOException {
    PathUtils.deleteDirectory(root);
  }

  @Benchmark
  public Footprint measure() {
    return FootprintWalk.measure(root.resolve("entry"), protection, 4096);
  }
}
