package org.diskwarden.archive;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.io.output.CountingOutputStream;
import org.apache.commons.io.output.NullOutputStream;
import org.diskwarden.fs.Attrs;
import org.diskwarden.fs.Dir;
import org.diskwarden.fs.Handle;

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
  private static final int MAX_DEPTH = 64;
  private final Map<String, Double> memo = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Double> eldest) {
      return size() > 10_000;
    }
  };

  /**
   * The estimated archive size as a fraction of the entry's bytes (0..1, 1 when it cannot be read or
   * holds nothing: no gain is promised that is not likely).
   *
   * @param folder the entry's folder, held open: the entry and what it holds are reached from it a
   *     name at a time without following a link, and only regular files are opened (non-blocking,
   *     checked on the descriptor): a FIFO, socket or device in the entry is never opened
   */
  public double ratio(Dir folder, Path entry, Instant newest, ArchiveFormat format, int level) {
    String key = key(entry, newest, format, level);
    synchronized (memo) {
      Double known = memo.get(key);
      if (known != null) {
        return known;
      }
    }
    double ratio = measure(folder, entry.getFileName().toString(), format, level);
    synchronized (memo) {
      memo.put(key, ratio);
    }
    return ratio;
  }

  /** The same for an entry given by its path (tests): its folder is opened as the path says. */
  double ratio(Path entry, Instant newest, ArchiveFormat format, int level) {
    try (Dir folder = Dir.open(entry.toAbsolutePath().getParent())) {
      return ratio(folder, entry, newest, format, level);
    } catch (IOException e) {
      return 1;
    }
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

  private static double measure(Dir folder, String name, ArchiveFormat format, int level) {
    CountingOutputStream counter = new CountingOutputStream(NullOutputStream.INSTANCE);
    Samples samples;
    try (OutputStream z = format.compress(counter, level)) {
      samples = new Samples(z);
      samples.visit(folder, name, 0);
    } catch (IOException | RuntimeException | LinkageError e) {
      return 1;
    }
    return samples.sampled == 0 ? 1 : Math.min(1, (double) counter.getByteCount() / samples.sampled);
  }

  /** Pieces of the first files of an entry, depth first, fed to the compressor. */
  private static final class Samples {
    private final OutputStream z;
    private final byte[] piece = new byte[PIECE];
    private long sampled;
    private int files;

    Samples(OutputStream z) {
      this.z = z;
    }

    private boolean enough() {
      return files >= MAX_FILES || sampled >= SAMPLE_BYTES;
    }

    void visit(Dir d, String name, int depth) throws IOException {
      Optional<Attrs> found;
      try {
        found = d.stat(name);
      } catch (IOException e) {
        return;
      }
      if (found.isEmpty()) {
        return;
      }
      Attrs a = found.get();
      if (a.isRegularFile() && a.size() > 0) {
        sample(d, name, a.size());
      } else if (a.isDirectory() && depth < MAX_DEPTH) {
        try (Dir sub = d.dir(name)) {
          for (String child : sub.list()) {
            if (enough()) {
              return;
            }
            visit(sub, child, depth + 1);
          }
        } catch (java.nio.file.FileSystemException e) {
          // gone, swapped for a link, or unreadable since it was seen: not sampled
        }
      }
    }

    /** Up to three pieces (start, middle, end); a file that is no longer a regular file is not read. */
    private void sample(Dir d, String name, long size) throws IOException {
      try (Handle h = d.openFile(name)) {
        for (long at : new long[] {0, size / 2, Math.max(0, size - PIECE)}) {
          int n = h.readAt(piece, PIECE, at);
          if (n > 0) {
            z.write(piece, 0, n);
            sampled += n;
          }
          if (size <= PIECE) {
            break;
          }
        }
        files++;
      } catch (java.nio.file.FileSystemException e) {
        // gone, or swapped for a FIFO, a socket or a link since it was seen: not sampled
      }
    }
  }
}
