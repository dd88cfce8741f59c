package org.diskwarden.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.function.LongUnaryOperator;
import org.diskwarden.Tmpfs;
import org.diskwarden.archive.ArchiveFormat;
import org.diskwarden.config.Action;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The room a keep asks for before writing, to the byte, on real small filesystems: an archive needs its
 * estimate, a tenth more and a mebibyte; a copy its bytes, a hundredth more and a mebibyte.
 */
class KeeperRoomTest {
  @TempDir
  Path dir;

  private static final long MIB = 1L << 20;

  /**
   * A claim for which {@code needed} asks exactly {@code free + extra} bytes, filling {@code fs} a page at
   * a time until one exists (not every number is some {@code x + x/10}).
   */
  private static long claimNeeding(Path fs, LongUnaryOperator needed, long extra) throws IOException {
    for (int page = 0; page < 16; page++) {
      long free = Volume.of(fs, Clock.systemUTC()).read().free();
      for (long x = (free - MIB) * 100 / 111 - 200; x < free; x++) {
        long n = needed.applyAsLong(x);
        if (n == free + extra) {
          return x;
        }
        if (n > free + extra) {
          break;
        }
      }
      Files.write(fs.resolve("page" + page), new byte[4096]);
    }
    throw new AssertionError("no claim fits");
  }

  @Test
  void anArchiveIsWritten_whenFreeSpaceIsExactlyItsEstimateATenthAndAMebibyte_andNotWithOneByteLess()
      throws Exception {
    try (Tmpfs fs = Tmpfs.mount(dir.resolve("small"), 16)) {
      KeepFixture f = new KeepFixture(fs.root(), dir.resolve("logs/audit.jsonl"));
      Path a = f.textBackup("a_20251101", 9);
      Path b = f.textBackup("b_20251101", 9);
      WardenConfig config = f.config("action: compress");
      LongUnaryOperator needed = est -> est + est / 10 + MIB;

      long tooMuch = claimNeeding(fs.root(), needed, 1);
      Keeper.Result skipped = f.keep(config, f.candidate(a, Action.COMPRESS, 2 * tooMuch, tooMuch));
      long fits = claimNeeding(fs.root(), needed, 0);
      Keeper.Result done = f.keep(config, f.candidate(b, Action.COMPRESS, 2 * fits, fits));

      assertThat(skipped.kind()).isEqualTo(Keeper.Kind.SKIPPED);
      assertThat(skipped.removal().error()).get().asString().startsWith("no room for the archive");
      assertThat(a.resolve("train.log")).exists();
      assertThat(done.kind()).as("%s", done.removal().error()).isEqualTo(Keeper.Kind.DONE);
      assertThat(b.resolveSibling("b_20251101" + ArchiveFormat.best().suffix())).isRegularFile();
    }
  }

  @Test
  void aCopyIsMade_whenTheTargetHasExactlyItsBytesAHundredthAndAMebibyte_andNotWithOneByteLess() throws Exception {
    try (Tmpfs first = Tmpfs.mount(dir.resolve("first"), 16); Tmpfs second = Tmpfs.mount(dir.resolve("second"), 16)) {
      KeepFixture f = new KeepFixture(first.root(), dir.resolve("logs/audit.jsonl"));
      Path a = f.textBackup("a_20251101", 9);
      Path b = f.textBackup("b_20251101", 9);
      WardenConfig config = f.config("action: move\nmove_to: " + second.root());
      LongUnaryOperator needed = bytes -> bytes + bytes / 100 + MIB;

      long tooMuch = claimNeeding(second.root(), needed, 1);
      Keeper.Result skipped = f.keep(config, f.candidate(a, Action.MOVE, tooMuch, tooMuch));
      long fits = claimNeeding(second.root(), needed, 0);
      Keeper.Result done = f.keep(config, f.candidate(b, Action.MOVE, fits, fits));

      assertThat(skipped.kind()).isEqualTo(Keeper.Kind.SKIPPED);
      assertThat(skipped.removal().error()).get().asString().contains("is short of space");
      assertThat(a.resolve("train.log")).exists();
      assertThat(done.kind()).as("%s", done.removal().error()).isEqualTo(Keeper.Kind.DONE);
      assertThat(second.root().resolve("b_20251101/train.log")).isRegularFile();
      assertThat(b).doesNotExist();
    }
  }

  @Test
  void aMoveTargetGoneSinceTheConfigWasRead_orACopyChangedBeforeItIsReadBack_failsTheMove_andKeepsTheEntry()
      throws Exception {
    try (Tmpfs first = Tmpfs.mount(dir.resolve("first"), 16); Tmpfs second = Tmpfs.mount(dir.resolve("second"), 16)) {
      KeepFixture f = new KeepFixture(first.root(), dir.resolve("logs/audit.jsonl"));
      Path a = f.textBackup("a_20251101", 9);
      Path target = Files.createDirectory(second.root().resolve("archive"));
      WardenConfig config = f.config("action: move\nmove_to: " + target);
      Files.delete(target);

      Keeper.Result gone = f.keep(config, f.candidate(a, Action.MOVE, 1000, 1000));
      assertThat(gone.kind()).isEqualTo(Keeper.Kind.FAILED);
      assertThat(gone.removal().error()).get().asString().startsWith("cannot prepare the copy: ");

      Files.createDirectory(target);
      f.beforeVerify(copy -> {
        try {
          Files.writeString(copy.resolve("train.log"), "changed", StandardOpenOption.APPEND);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      Keeper.Result changed = f.keep(config, f.candidate(a, Action.MOVE, 1000, 1000));
      assertThat(changed.kind()).isEqualTo(Keeper.Kind.FAILED);
      assertThat(changed.removal().error()).get().asString().startsWith("the copy failed verification, original kept");
      assertThat(a.resolve("train.log")).exists();
      assertThat(target).isEmptyDirectory();
    }
  }
}
