package org.diskwarden.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import org.diskwarden.config.CleanupMode;
import org.diskwarden.Configs;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.policy.Candidate;
import org.diskwarden.policy.Protection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The protected link's target stays protected while a folder on its way is renamed for a moment
 * (InvariantTest's racing renamer, seed 20261577, caught the sweep taking {@code current_model}'s
 * version this way): the link's text names it even when it cannot be resolved.
 */
class ProtectedLinkMidRenameTest {
  @TempDir
  Path dir;

  @Test
  void aGuardMadeWhileTheVersionsFolderWasAside_stillRefusesTheActiveModel() throws Exception {
    Path base = Files.createDirectory(dir.resolve("base")).toRealPath();
    Path active = Files.createDirectories(base.resolve("models/versions/v003"));
    Files.writeString(active.resolve("weights.bin"), "active");
    Files.setLastModifiedTime(active.resolve("weights.bin"),
        java.nio.file.attribute.FileTime.from(Instant.now().minus(3, ChronoUnit.DAYS)));
    Files.setLastModifiedTime(active, java.nio.file.attribute.FileTime.from(Instant.now().minus(3, ChronoUnit.DAYS)));
    Files.createSymbolicLink(base.resolve("current_model"), active);
    WardenConfig config = Configs.parse(Configs.alwaysLow(base, "min_age: 1s", """
        - name: model-versions
          path: models/versions
          keep_latest: 1
        """));

    // the moment a user's mv (or an attacker) has the folder aside: the link does not resolve
    Path aside = base.resolve("models/versions.aside");
    Files.move(base.resolve("models/versions"), aside);
    Protection seenAside = new Protection(base, config.protect());
    Protection.Targets targetsAside = seenAside.targets();
    try (GuardedDelete delete = GuardedDelete.of(config, Set.of(),
        new AuditLog(dir.resolve("audit.jsonl"), Clock.systemUTC()), Clock.systemUTC())) {
      Files.move(aside, base.resolve("models/versions"));

      assertThat(seenAside.protectedBy(active)).as("protected by the link's text").isPresent();
      try (org.diskwarden.fs.Dir root = org.diskwarden.fs.Dir.open(base)) {
        assertThat(targetsAside.holds(root.stat("models").orElseThrow())).as("the folder on its way").isTrue();
      }
      Removal r = delete.delete(new Candidate(active, "model-versions", "version", 6,
          Instant.now().minus(3, ChronoUnit.DAYS), "beyond the newest 1"), CleanupMode.FULL, false);
      assertThat(r.error()).as("the guard's answer").isPresent();
      assertThat(r.error().get()).contains("protected link");
    }
    assertThat(active.resolve("weights.bin")).hasContent("active");
  }
}
