package org.diskwarden.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.diskwarden.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One statvfs of the filesystem that holds base_dir, stamped with the agent's clock. */
class VolumeTest {
  private static final Instant AT = Instant.parse("2026-12-01T00:00:00Z");

  @TempDir
  Path dir;

  @Test
  void read_givesTotalAndWhatAnUnprivilegedWriterCanUse_atTheClocksTime() throws Exception {
    FileStore store = Files.getFileStore(dir);
    Volume volume = Volume.of(dir, new MutableClock(AT));

    Usage u = volume.read();

    assertThat(u.total()).isEqualTo(store.getTotalSpace()).isPositive();
    assertThat(u.free()).isBetween(0L, store.getUnallocatedSpace());
    assertThat(u.at()).isEqualTo(AT);
    assertThat(volume.blockSize()).isEqualTo(store.getBlockSize());
    assertThat(volume).hasToString(store.toString());
  }

  @Test
  void missingDirectory_isAnErrorNamingIt() {
    Path missing = dir.resolve("no-such-dir");

    assertThatThrownBy(() -> Volume.of(missing, new MutableClock(AT)))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(missing.toString());
  }
}
