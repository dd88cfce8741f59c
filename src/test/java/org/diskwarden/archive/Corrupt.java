package org.diskwarden.archive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Damages a file the way a bad disk or a bug would: one byte inverted in place. */
public final class Corrupt {
  private Corrupt() {}

  public static void flipByte(Path file, long at) throws IOException {
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      c.read(b, at);
      b.put(0, (byte) (b.get(0) ^ 0xFF));
      b.rewind();
      c.write(b, at);
    }
  }
}
