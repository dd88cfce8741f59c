package org.diskwarden.archive;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.io.output.CountingOutputStream;
import org.apache.commons.io.output.NullOutputStream;

/**
 * Estimates what an entry compresses to, for the plan, by compressing samples (up to
 * {@value #SAMPLE_BYTES} bytes from the start, middle and end of its files) at the policy's level.
 * Model weights are mostly incompressible floats, logs compress tenfold: a fixed guess would be wrong
 * for one or the other. Estimates are remembered per entry and its newest modification time, by the
 * one instance the agent owns (at most 10,000; the least recently used go first).
 */
public final class Compressibility {
  static final int SAMPLE_BYTES = 1 << 20;
  private static final int PIECE = 64 << 10;
  private static final int MAX_FILES = 32;
  private final Map<String, Double> memo = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Double> eldest) {
      return size() > 10_000;
    }
  };

  /**
   * The estimated archive size as a fraction of the entry's bytes (0..1, 1 when it cannot be read or
   * holds nothing: no gain is promised that is not likely).
   */
  public double ratio(Path entry, Instant newest, ArchiveFormat format, int level) {
    String key = key(entry, newest, format, level);
    synchronized (memo) {
      Double known = memo.get(key);
      if (known != null) {
        return known;
      }
    }
    double ratio = measure(entry, format, level);
    synchronized (memo) {
      memo.put(key, ratio);
    }
    return ratio;
  }

  /** Remembers the ratio an archive of {@code entry} really had: the next plan shows it instead of a guess. */
  public void learn(Path entry, Instant newest, ArchiveFormat format, int level, double ratio) {
    synchronized (memo) {
      memo.put(key(entry, newest, format, level), Math.min(1, ratio));
    }
  }

  private static String key(Path entry, Instant newest, ArchiveFormat format, int level) {
    return entry + "\0" + newest + "\0" + format + level;
  }

  private static double measure(Path entry, ArchiveFormat format, int level) {
    CountingOutputStream counter = new CountingOutputStream(NullOutputStream.INSTANCE);
    long[] sampled = {0};
    try (OutputStream z = format.compress(counter, level)) {
      byte[] piece = new byte[PIECE];
      Files.walkFileTree(entry, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
        int files;

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          if (!attrs.isRegularFile() || attrs.size() == 0) {
            return FileVisitResult.CONTINUE;
          }
          long size = attrs.size();
          try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            for (long at : new long[] {0, size / 2, Math.max(0, size - PIECE)}) {
              ByteBuffer buffer = ByteBuffer.wrap(piece);
              int n = in.read(buffer, at);
              if (n > 0) {
                z.write(piece, 0, n);
                sampled[0] += n;
              }
              if (size <= PIECE) {
                break;
              }
            }
          }
          return ++files >= MAX_FILES || sampled[0] >= SAMPLE_BYTES ? FileVisitResult.TERMINATE
              : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException exc) {
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException | RuntimeException | LinkageError e) {
      return 1;
    }
    return sampled[0] == 0 ? 1 : Math.min(1, (double) counter.getByteCount() / sampled[0]);
  }
}
