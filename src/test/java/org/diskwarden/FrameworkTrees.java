package org.diskwarden;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.WatchSetup;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A base_dir for framework trees ({@link FrameworkFixtures}) and an agent always below its trigger. */
abstract class FrameworkTrees {
  @TempDir
  Path dir;

  Path base;
  Tree tree;
  FrameworkFixtures fx;

  @BeforeEach
  void setUpTree() throws Exception {
    base = Files.createDirectory(dir.resolve("base"));
    tree = new Tree(base);
    fx = new FrameworkFixtures(tree);
  }

  /** min_age 30m, full cleanup, these policies. */
  DiskWarden warden(String policy) throws Exception {
    return new DiskWarden(WatchSetup.of(Configs.parse(Configs.alwaysLow(base, "min_age: 30m", policy)),
        dir.resolve("logs"),
        Clock.systemUTC()));
  }

  static List<String> names(Path folder) throws Exception {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
