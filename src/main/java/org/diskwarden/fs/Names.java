package org.diskwarden.fs;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Names from users' trees (and any text that may hold one) as people read them in a log line, a
 * mail, a chat message or a command's output: data, never layout. Control characters are escaped as
 * {@code ls -b} does ({@code \n}, {@code \r}, {@code \t}, ESC as {@code \033}, other C0, DEL and C1 as
 * octal bytes), a backslash is doubled, and bytes that are not UTF-8 show as octal
 * ({@code bad\377name}). So a name can never start a line of its own, move the cursor or pass for
 * another name: the escaped text reads back to exactly one name.
 *
 * <p>Beyond {@code ls -b}: the line and paragraph separators (U+2028, U+2029) and the bidirectional
 * overrides and isolates (U+202A..U+202E, U+2066..U+2069), which reorder what a reader sees, are
 * escaped as octal bytes too. A space stays a space: it cannot forge a line, and names with spaces are
 * common.
 *
 * <p>The JDK decodes a file name with {@code sun.jnu.encoding}: a byte that is not valid there becomes
 * U+FFFD and is lost. {@link #of(Path)} and {@link #raw(Path)} read the name's bytes from the path
 * itself when {@code java.base/sun.nio.fs} is opened to us ({@code bin/diskwarden} and the tests do);
 * otherwise they fall back to the JDK's text, where such a byte shows as U+FFFD.
 */
public final class Names {
  /** Bytes that are not UTF-8 ride in a String as U+DC80..U+DCFF (Python's "surrogateescape"). */
  private static final char RAW_BYTE = '\uDC00';
  private static final MethodHandle BYTES = bytes();
  private static final MethodHandle FROM_BYTES = fromBytes();
  private static final char[] C_ESCAPES = new char[' '];

  static {
    C_ESCAPES[7] = 'a';
    C_ESCAPES['\b'] = 'b';
    C_ESCAPES['\t'] = 't';
    C_ESCAPES['\n'] = 'n';
    C_ESCAPES[11] = 'v';
    C_ESCAPES['\f'] = 'f';
    C_ESCAPES['\r'] = 'r';
  }

  private Names() {}

  private static MethodHandle bytes() {
    try {
      Class<?> unixPath = Class.forName("sun.nio.fs.UnixPath");
      return MethodHandles.privateLookupIn(unixPath, MethodHandles.lookup())
          .findVirtual(unixPath, "asByteArray", MethodType.methodType(byte[].class))
          .asType(MethodType.methodType(byte[].class, Path.class));
    } catch (ReflectiveOperationException | RuntimeException e) {
      // not Unix, or the module is not opened to us: names are read as the JDK decoded them
      return null;
    }
  }

  private static MethodHandle fromBytes() {
    try {
      Class<?> unixPath = Class.forName("sun.nio.fs.UnixPath");
      Class<?> unixFs = Class.forName("sun.nio.fs.UnixFileSystem");
      return MethodHandles.privateLookupIn(unixPath, MethodHandles.lookup())
          .findConstructor(unixPath, MethodType.methodType(void.class, unixFs, byte[].class))
          .asType(MethodType.methodType(Path.class, java.nio.file.FileSystem.class, byte[].class));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /**
   * The path of {@code name} (as the kernel listed it) in {@code parent}, holding exactly its bytes,
   * so that a name that is not valid text is still shown as it is ({@link #of}) and equals the path
   * a directory stream gives. Without the opened module: the name as the JDK would decode it.
   */
  public static Path child(Path parent, byte[] name) {
    byte[] up = bytesOf(parent);
    if (up == null || FROM_BYTES == null) {
      return parent.resolve(new String(name, java.nio.charset.Charset.forName(
          System.getProperty("sun.jnu.encoding", "UTF-8"))));
    }
    boolean slash = up.length > 0 && up[up.length - 1] != '/';
    byte[] joined = new byte[up.length + (slash ? 1 : 0) + name.length];
    System.arraycopy(up, 0, joined, 0, up.length);
    if (slash) {
      joined[up.length] = '/';
    }
    System.arraycopy(name, 0, joined, joined.length - name.length, name.length);
    try {
      return (Path) FROM_BYTES.invokeExact(parent.getFileSystem(), joined);
    } catch (Throwable e) {
      throw new IllegalStateException("cannot make the path of a listed name in " + parent, e);
    }
  }

  /**
   * The bytes of the last name of {@code path} as the kernel has them (a name listed by
   * {@link Dir#rawList()} and made a path by {@link #child} gives back the same bytes), for reaching
   * it again through a held directory ({@link Dir#stat(byte[])}, {@link Dir#dir(byte[])}).
   */
  public static byte[] lastName(Path path) {
    Path name = path.getFileName();
    if (name == null) {
      throw new IllegalArgumentException("no last name in " + path);
    }
    byte[] bytes = bytesOf(name);
    return bytes != null ? bytes : name.toString().getBytes(NameBytes.NAMES);
  }

  /** {@code path} as people may read it: {@link #escape} of {@link #raw}. */
  public static String of(Path path) {
    return escape(raw(path));
  }

  /**
   * {@code path} as text that keeps every byte of it: UTF-8 decoded, and each byte that is not UTF-8
   * as U+DC80..U+DCFF, which {@link #escape} shows as that byte in octal. For building messages that
   * are escaped later; never to act on (a file is reached through its {@code Path}, not this text).
   */
  public static String raw(Path path) {
    byte[] bytes = bytesOf(path);
    if (bytes == null) {
      return path.toString();
    }
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    while (in.hasRemaining()) {
      CoderResult result = utf8.decode(in, out, true);
      if (result.isError()) {
        for (int i = 0; i < result.length(); i++) {
          out.put((char) (RAW_BYTE | (in.get() & 0xff)));
        }
      } else if (result.isUnderflow()) {
        break;
      }
    }
    return out.flip().toString();
  }

  private static byte[] bytesOf(Path path) {
    if (BYTES == null || !path.getClass().getName().equals("sun.nio.fs.UnixPath")) {
      return null;
    }
    try {
      return (byte[]) BYTES.invokeExact(path);
    } catch (Throwable e) {
      return null;
    }
  }

  /** {@code text} with every character that could forge a line or hide a name escaped (see above). */
  public static String escape(CharSequence text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    escape(text, out);
    return out.toString();
  }

  /** {@link #escape(CharSequence)} into {@code out}. */
  public static void escape(CharSequence text, StringBuilder out) {
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        out.append("\\\\");
      } else if (c < ' ' && C_ESCAPES[c] != 0) {
        out.append('\\').append(C_ESCAPES[c]);
      } else if (c < ' ' || c == 0x7f) {
        octal(c, out);
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
        out.append(c).append(text.charAt(++i));
      } else if (c >= 0xdc80 && c <= 0xdcff) {
        octal(c & 0xff, out);
      } else if (hidden(c)) {
        utf8(c, out);
      } else {
        out.append(c);
      }
    }
  }

  /** C1 controls, separators and bidi overrides, and a lone surrogate (no name can hold one). */
  private static boolean hidden(char c) {
    return (c >= 0x80 && c <= 0x9f) || c == '\u2028' || c == '\u2029' || (c >= '\u202a' && c <= '\u202e')
        || (c >= '\u2066' && c <= '\u2069') || Character.isSurrogate(c);
  }

  /** The character's UTF-8 bytes in octal (a lone surrogate as the three bytes it would take). */
  private static void utf8(char c, StringBuilder out) {
    if (c < 0x800) {
      octal(0xc0 | c >> 6, out);
    } else {
      octal(0xe0 | c >> 12, out);
      octal(0x80 | (c >> 6 & 0x3f), out);
    }
    octal(0x80 | (c & 0x3f), out);
  }

  private static void octal(int b, StringBuilder out) {
    out.append('\\').append((char) ('0' + (b >> 6 & 7))).append((char) ('0' + (b >> 3 & 7)))
        .append((char) ('0' + (b & 7)));
  }
}
