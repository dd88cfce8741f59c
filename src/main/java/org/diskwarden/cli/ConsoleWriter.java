package org.diskwarden.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * What a command prints, in the charset of its console. A character that charset cannot show (any
 * non-ASCII under {@code LANG=C}, where {@code café} would print as {@code caf?}, like a file really
 * named so) is written as the octal of its UTF-8 bytes, {@code caf\303\251}, as {@code ls -b} does in
 * that locale. Names are already escaped ({@code fs.Names}), so such a sequence can mean one thing only.
 */
final class ConsoleWriter extends Writer {
  private final OutputStream out;
  private final CharsetEncoder encoder;

  ConsoleWriter(OutputStream out, Charset charset) {
    this.out = out;
    this.encoder = charset.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  @Override
  public synchronized void write(char[] text, int offset, int length) throws IOException {
    StringBuilder shown = new StringBuilder(length);
    for (int i = offset; i < offset + length; i++) {
      char c = text[i];
      boolean pair = Character.isHighSurrogate(c) && i + 1 < offset + length && Character.isLowSurrogate(text[i + 1]);
      String one = pair ? new String(text, i++, 2) : String.valueOf(c);
      if (encoder.canEncode(one)) {
        shown.append(one);
      } else {
        for (byte b : one.getBytes(StandardCharsets.UTF_8)) {
          int u = b & 0xff;
          shown.append('\\').append(u >> 6).append(u >> 3 & 7).append(u & 7);
        }
      }
    }
    ByteBuffer bytes = encoder.reset().encode(CharBuffer.wrap(shown));
    out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    flush();
  }
}
