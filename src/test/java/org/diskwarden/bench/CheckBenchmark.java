package org.diskwarden.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.commons.io.file.PathUtils;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.WatchSetup;
import org.diskwarden.cli.Main;
import org.diskwarden.config.ConfigException;
import org.diskwarden.config.ConfigLoader;
import org.diskwarden.volume.State;
import org.diskwarden.volume.Usage;
import org.diskwarden.volume.Volume;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One check as the scheduled job makes it when space is fine: a statvfs of the volume and the state
 * decision against the thresholds in force (with foresight). Goal: under 50 microseconds.
 * Run by {@code bench/run.sh}: {@code java -cp ... org.openjdk.jmh.Main CheckBenchmark}.
 */
@org.openjdk.jmh.annotations.State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CheckBenchmark {
  private Path base;
  private Path logs;
  private Volume volume;
  private DiskWarden warden;

  @Setup
  public void setUp() throws IOException, ConfigException {
    base = Files.createTempDirectory("diskwarden-jmh-check");
    logs = Files.createDirectories(base.resolve("logs"));
    volume = Volume.of(base, Clock.systemUTC());
    // save_headroom 0: the scheduled check learns the next save from a plan once an hour, not per check;
    // with it on, assess() (the one-shot command) plans every time, which is not what a check costs
    warden = new DiskWarden(WatchSetup.of(ConfigLoader.parse("base_dir: " + base + "\nmin_free: 0B\nmin_free_percent: 0\n"
        + "save_headroom: 0\n",
        "bench.yml", Optional.empty()), logs, Clock.systemUTC()));
  }

  @TearDown
  public void tearDown() throws IOException {
    PathUtils.deleteDirectory(base);
  }

  /** statvfs alone. */
  @Benchmark
  public Usage volumeRead() {
    return volume.read();
  }

  /** statvfs and the decision, as a check makes it above the trigger (no tree walked). */
  @Benchmark
  public State check() {
    return warden.assess();
  }
}
