package org.diskwarden.init;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.diskwarden.InitTrees;
import org.diskwarden.config.Size;
import org.diskwarden.volume.Usage;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * What init proposes for each fixture tree, compared with its golden file in
 * {@code src/test/resources/init/}: a change of wording or of a choice is a reviewed change. The
 * volume (100 GB, 42 GB free) and the time are fixed; the tree's own path reads as /data/training.
 * {@code -Dgolden.update=true} rewrites the files (then review the diff).
 */
class ProposalGoldenTest {
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  static final java.util.List<String> NAMES = InitTrees.NAMES;

  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0}")
  @FieldSource("NAMES")
  void proposal_matchesItsGoldenFile(String tree) throws Exception {
    Path base = Files.createDirectory(dir.resolve("training"));
    InitTrees.build(tree, base, NOW);
    Usage volume = new Usage(100 * Size.GB, 42 * Size.GB, NOW);

    String text = Proposal.of(base, Optional.empty(), volume, NOW).text()
        .replace(base.toRealPath().toString(), "/data/training");

    Path golden = Path.of("src/test/resources/init", tree + ".yml");
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(golden, text, StandardCharsets.UTF_8);
    }
    assertThat(text).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
  }
}
