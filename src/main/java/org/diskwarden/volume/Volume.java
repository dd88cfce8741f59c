package org.diskwarden.volume;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/** The filesystem that holds base_dir; reading it is one statvfs and walks no tree. */
public final class Volume {
  private final FileStore store;
  private final Clock clock;

  private Volume(FileStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * @throws UncheckedIOException when the filesystem of {@code dir} cannot be found
   */
  public static Volume of(Path dir, Clock clock) {
    try {
      return new Volume(Files.getFileStore(dir), clock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find the filesystem of " + dir, e);
    }
  }

  /**
   * Reads total and usable space now.
   *
   * @throws UncheckedIOException when the filesystem cannot be read
   */
  public Usage read() {
    try {
      // usable, not unallocated: blocks reserved for root are not ours to count on.
      return new Usage(store.getTotalSpace(), store.getUsableSpace(), clock.instant());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read free space of " + store, e);
    }
  }

  /** Allocation unit of the filesystem: a file of one byte still takes a block. */
  public long blockSize() {
    try {
      return Math.max(1, store.getBlockSize());
    } catch (IOException | UnsupportedOperationException e) {
      return 4096;
    }
  }

  @Override
  public String toString() {
    return store.toString();
  }
}
