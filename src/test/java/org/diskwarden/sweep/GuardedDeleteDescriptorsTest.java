package org.diskwarden.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.diskwarden.Descriptors;
import org.diskwarden.Configs;
import org.diskwarden.Tree;
import org.diskwarden.config.CleanupMode;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.policy.Candidate;
import org.diskwarden.policy.Sighting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent runs for months: each removal, and each one the guard or the anchor refuses, closes every
 * descriptor it opened (a leak of one per sweep ends in EMFILE, and removal stops for good).
 */
class GuardedDeleteDescriptorsTest {
  @TempDir
  Path dir;

  @Test
  void removalsAndRefusals_leaveNoDescriptorOpen() throws Exception {
    Path base = Files.createDirectory(dir.resolve("base")).toRealPath();
    Path versions = Files.createDirectories(base.resolve("models/versions"));
    for (String v : new String[] {"v000", "v001", "v002", "v003", "v004"}) {
      Files.createDirectories(versions.resolve(v + "/shards/a/b/c/d/e"));
      Files.writeString(versions.resolve(v + "/shards/a/b/c/d/e/weights.bin"), "old " + v);
    }
    Files.createSymbolicLink(base.resolve("current_model"), versions.resolve("v004"));
    new Tree(base).age(versions, Duration.ofDays(3));
    WardenConfig config = Configs.parse(Configs.alwaysLow(base, "min_age: 1s", """
        - name: model-versions
          path: models/versions
          keep_latest: 1
        """));
    Instant old = Instant.now().minus(Duration.ofDays(3));
    // v002 as planned, then swapped for another directory under its name: the anchor refuses it
    Sighting planned = new Sighting(java.util.List.of(key(base.resolve("models")), key(versions)),
        key(versions.resolve("v002")));
    Files.move(versions.resolve("v002"), base.resolve("v002.aside"));
    Files.createDirectories(versions.resolve("v002/shards"));
    // once, what the JVM and JNA open for good the first time (libffi's trampoline file, the random devices)
    try (GuardedDelete delete = GuardedDelete.of(config, Set.of(), new AuditLog(dir.resolve("audit.jsonl"),
        Clock.systemUTC()), Clock.systemUTC())) {
      assertThat(delete.delete(new Candidate(versions.resolve("v000"), "model-versions", "version", 8, old,
          "beyond the newest 1"), CleanupMode.FULL, false).error()).isEmpty();
    }
    long before = Descriptors.open();

    try (GuardedDelete delete = GuardedDelete.of(config, Set.of(), new AuditLog(dir.resolve("audit.jsonl"),
        Clock.systemUTC()), Clock.systemUTC())) {
      assertThat(delete.delete(new Candidate(versions.resolve("v001"), "model-versions", "version", 8, old,
          "beyond the newest 1"), CleanupMode.FULL, false).error()).isEmpty();
      assertThat(delete.delete(new Candidate(versions.resolve("v002"), "model-versions", "version", 8, old,
          "beyond the newest 1").seen(planned), CleanupMode.FULL, false).error()).hasValueSatisfying(
              e -> assertThat(e).contains("replaced since it was planned"));
      assertThat(delete.delete(new Candidate(versions.resolve("v004"), "model-versions", "version", 8, old,
          "beyond the newest 1"), CleanupMode.FULL, false).error()).hasValueSatisfying(
              e -> assertThat(e).contains("protected link"));
      assertThat(delete.delete(new Candidate(versions.resolve("v009"), "model-versions", "version", 8, old,
          "beyond the newest 1"), CleanupMode.FULL, false).error()).isPresent();
    }

    assertThat(versions.resolve("v001")).doesNotExist();
    assertThat(versions.resolve("v002/shards")).isDirectory();
    assertThat(versions.resolve("v004/shards/a/b/c/d/e/weights.bin")).hasContent("old v004");
    assertThat(Descriptors.open()).isEqualTo(before);
  }

  private static Object key(Path p) throws Exception {
    return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
  }
}
