package org.diskwarden.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What earlier archives really saved is shown instead of a guess, for the 10,000 entries used last. */
class CompressibilityMemoryTest {
  private static final Instant NEWEST = Instant.parse("2026-12-01T00:00:00Z");

  @TempDir
  Path dir;

  @Test
  void aLearntRatio_replacesTheGuess_untilTenThousandOthersWereLearntSince() throws Exception {
    Path text = Files.writeString(dir.resolve("train.log"), "step 1 loss 0.25 lr 0.001\n".repeat(50_000));
    Compressibility estimates = new Compressibility();
    estimates.learn(text, NEWEST, ArchiveFormat.ZSTD, 3, 0.5);
    for (int i = 1; i < 10_000; i++) {
      estimates.learn(dir.resolve("other-" + i), NEWEST, ArchiveFormat.ZSTD, 3, 0.9);
    }
    assertThat(estimates.ratio(text, NEWEST, ArchiveFormat.ZSTD, 3)).as("10,000 remembered").isEqualTo(0.5);

    Compressibility fresh = new Compressibility();
    fresh.learn(text, NEWEST, ArchiveFormat.ZSTD, 3, 0.5);
    for (int i = 0; i < 10_000; i++) {
      fresh.learn(dir.resolve("other-" + i), NEWEST, ArchiveFormat.ZSTD, 3, 0.9);
    }
    assertThat(fresh.ratio(text, NEWEST, ArchiveFormat.ZSTD, 3)).as("the least recently used went: measured again")
        .isLessThan(0.1);
  }

  @Test
  void theMiddleOfABigFile_isSampledToo() throws Exception {
    // zeros at both ends, random bytes in the middle: an estimate from the ends alone would promise ~100 % gain
    byte[] bytes = new byte[3 << 20];
    byte[] noise = new byte[1 << 20];
    new Random(7).nextBytes(noise);
    System.arraycopy(noise, 0, bytes, 1 << 20, noise.length);
    Path file = Files.write(dir.resolve("weights.bin"), bytes);

    double ratio = new Compressibility().ratio(file, NEWEST, ArchiveFormat.ZSTD, 3);

    assertThat(ratio).isCloseTo(1 / 3.0, within(0.05));
  }
}
