package org.diskwarden.policy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.diskwarden.fs.Dir;
import org.diskwarden.fs.Handle;

/**
 * The {@code best_model_path} a Lightning {@code last.ckpt} holds, read without unpickling it. The
 * file is what {@code torch.save} writes (torch {@code serialization.py}, {@code _save}): a zip, its
 * members stored uncompressed, the object graph in {@code <archive>/data.pkl} (pickle protocol 2) and
 * the tensors beside it. ModelCheckpoint's {@code state_dict()} ({@code callbacks/model_checkpoint.py})
 * puts {@code "best_model_path"} in the checkpoint's {@code callbacks} entry. The zip's directory is
 * read at the file's end, {@code data.pkl} at its offset, at most {@link #PICKLE_CAP} bytes, through
 * a descriptor opened no-follow and non-blocking from the held folder; the pickle is only walked
 * ({@link PickleStrings}). A link, a FIFO, a file that is not such a zip: empty, "cannot tell".
 */
final class LastCheckpoint {
  /** data.pkl holds the checkpoint's structure, not its tensors: a few MB even for large models. */
  static final int PICKLE_CAP = 16 << 20;
  private static final int CENTRAL_CAP = 16 << 20;
  private static final int EOCD = 0x06054b50;
  private static final int EOCD64 = 0x06064b50;
  private static final int LOCATOR64 = 0x07064b50;
  private static final int CENTRAL = 0x02014b50;
  private static final int LOCAL = 0x04034b50;

  private LastCheckpoint() {}

  /** Every best_model_path in the file {@code name} of {@code folder} (one per ModelCheckpoint). */
  static Optional<List<String>> bestModelPaths(Dir folder, String name) {
    try (Handle h = folder.openFile(name)) {
      return dataPkl(h).flatMap(pkl -> PickleStrings.valuesOf(pkl, "best_model_path"));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Optional<byte[]> dataPkl(Handle h) throws IOException {
    long size = h.attrs().size();
    int tailLength = (int) Math.min(size, 65_535 + 22);
    ByteBuffer tail = read(h, size - tailLength, tailLength);
    int eocd = -1;
    for (int i = tailLength - 22; i >= 0; i--) {
      if (tail.getInt(i) == EOCD) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) {
      return Optional.empty();
    }
    long entries = Short.toUnsignedInt(tail.getShort(eocd + 10));
    long centralSize = Integer.toUnsignedLong(tail.getInt(eocd + 12));
    long centralAt = Integer.toUnsignedLong(tail.getInt(eocd + 16));
    if (entries == 0xffff || centralSize == 0xffffffffL || centralAt == 0xffffffffL) {
      // zip64 (torch writes it for files past 4 GB): the locator sits right before the end record
      if (eocd < 20 || tail.getInt(eocd - 20) != LOCATOR64) {
        return Optional.empty();
      }
      ByteBuffer end64 = read(h, tail.getLong(eocd - 20 + 8), 56);
      if (end64.getInt(0) != EOCD64) {
        return Optional.empty();
      }
      entries = end64.getLong(32);
      centralSize = end64.getLong(40);
      centralAt = end64.getLong(48);
    }
    if (centralSize > CENTRAL_CAP || centralAt < 0 || centralAt + centralSize > size) {
      return Optional.empty();
    }
    ByteBuffer central = read(h, centralAt, (int) centralSize);
    int at = 0;
    for (long e = 0; e < entries && at + 46 <= centralSize; e++) {
      if (central.getInt(at) != CENTRAL) {
        return Optional.empty();
      }
      int nameLength = Short.toUnsignedInt(central.getShort(at + 28));
      int extraLength = Short.toUnsignedInt(central.getShort(at + 30));
      int commentLength = Short.toUnsignedInt(central.getShort(at + 32));
      String entry = string(central, at + 46, nameLength);
      if (entry.endsWith("/data.pkl") && entry.indexOf('/') == entry.length() - "/data.pkl".length()) {
        if (central.getShort(at + 10) != 0) {
          return Optional.empty(); // torch stores its members; a compressed one is not torch's
        }
        long length = Integer.toUnsignedLong(central.getInt(at + 20));
        long local = Integer.toUnsignedLong(central.getInt(at + 42));
        ByteBuffer extra = central.slice(at + 46 + nameLength, extraLength).order(ByteOrder.LITTLE_ENDIAN);
        long[] sizes = zip64(extra, Integer.toUnsignedLong(central.getInt(at + 24)), length, local);
        return member(h, sizes[1], sizes[2], size);
      }
      at += 46 + nameLength + extraLength + commentLength;
    }
    return Optional.empty();
  }

  /** Sizes and offset from a zip64 extra field where the central record says 0xffffffff. */
  private static long[] zip64(ByteBuffer extra, long uncompressed, long compressed, long local) {
    long[] v = {uncompressed, compressed, local};
    int at = 0;
    while (at + 4 <= extra.limit()) {
      int id = Short.toUnsignedInt(extra.getShort(at));
      int length = Short.toUnsignedInt(extra.getShort(at + 2));
      if (id == 1) {
        int field = at + 4;
        for (int i = 0; i < 3; i++) {
          if (v[i] == 0xffffffffL && field + 8 <= at + 4 + length) {
            v[i] = extra.getLong(field);
            field += 8;
          }
        }
      }
      at += 4 + length;
    }
    return v;
  }

  private static Optional<byte[]> member(Handle h, long length, long local, long size) throws IOException {
    if (length > PICKLE_CAP || local < 0 || local + 30 > size) {
      return Optional.empty();
    }
    ByteBuffer header = read(h, local, 30);
    if (header.getInt(0) != LOCAL) {
      return Optional.empty();
    }
    long data = local + 30 + Short.toUnsignedInt(header.getShort(26)) + Short.toUnsignedInt(header.getShort(28));
    if (data + length > size) {
      return Optional.empty();
    }
    return Optional.of(read(h, data, (int) length).array());
  }

  private static String string(ByteBuffer b, int at, int length) {
    byte[] s = new byte[length];
    b.get(at, s);
    return new String(s, StandardCharsets.UTF_8);
  }

  /** {@code length} bytes at {@code position}, all of them (pread from the held descriptor). */
  private static ByteBuffer read(Handle h, long position, int length) throws IOException {
    byte[] all = new byte[length];
    int done = 0;
    while (done < length) {
      byte[] chunk = new byte[Math.min(length - done, 1 << 16)];
      int n = h.readAt(chunk, chunk.length, position + done);
      if (n < 0) {
        throw new IOException("ends at " + (position + done) + ", before " + (position + length));
      }
      System.arraycopy(chunk, 0, all, done, n);
      done += n;
    }
    return ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
  }
}
