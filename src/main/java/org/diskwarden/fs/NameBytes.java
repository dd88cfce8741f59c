package org.diskwarden.fs;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * File names as the kernel takes and gives them: one name checked (no slash, no NUL, not a dot
 * name), as a C string in the JDK's file name charset, decoded back exactly or refused, and read from a
 * directory one {@code readdir} call each.
 */
final class NameBytes {
  /** The JDK's file name charset ({@code sun.jnu.encoding}): what a name given as text becomes. */
  static final Charset NAMES = names();

  private NameBytes() {}

  /** The names in the directory {@code fd}, one {@code readdir} call each, without {@code .} and {@code ..}. */
  static List<byte[]> readdir(int fd, String where) throws IOException {
    Libc libc = Errors.libc();
    Pointer stream;
    try {
      stream = libc.fdopendir(libc.dup(fd));
    } catch (LastErrorException e) {
      throw Errors.of(e, where);
    }
    List<byte[]> names = new ArrayList<>();
    try {
      libc.rewinddir(stream);
      while (true) {
        Pointer entry;
        try {
          entry = libc.readdir(stream);
        } catch (LastErrorException e) {
          throw Errors.of(e, where);
        }
        if (entry == null) {
          return names;
        }
        // struct dirent on 64-bit Linux: d_ino, d_off (8 bytes each), d_reclen (2), d_type (1), d_name
        byte[] raw = entry.getString(19, "ISO-8859-1").getBytes(StandardCharsets.ISO_8859_1);
        if ((raw.length == 1 && raw[0] == '.') || (raw.length == 2 && raw[0] == '.' && raw[1] == '.')) {
          continue;
        }
        names.add(raw);
      }
    } finally {
      try {
        libc.closedir(stream);
      } catch (LastErrorException e) {
        // a descriptor only read from
      }
    }
  }

  /** One name: not empty, no slash, not {@code .} or {@code ..}, no NUL. */
  static String check(String name) {
    if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
        || name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("not a single file name: \"" + name + "\"");
    }
    return name;
  }

  /** One name as bytes: as {@link #check(String)}. */
  static byte[] check(byte[] name) {
    boolean dots = (name.length == 1 && name[0] == '.') || (name.length == 2 && name[0] == '.' && name[1] == '.');
    for (byte b : name) {
      if (b == '/' || b == 0) {
        dots = true;
      }
    }
    if (name.length == 0 || dots) {
      throw new IllegalArgumentException("not a single file name: " + Names.escape(new String(name,
          StandardCharsets.ISO_8859_1)));
    }
    return name;
  }

  static byte[] c(byte[] b) {
    return Arrays.copyOf(b, b.length + 1);
  }

  static byte[] c(String s) {
    byte[] b = s.getBytes(NAMES);
    return Arrays.copyOf(b, b.length + 1);
  }

  static String decode(byte[] raw, String where) throws IOException {
    String name = new String(raw, NAMES);
    if (!Arrays.equals(name.getBytes(NAMES), raw)) {
      throw new FileSystemException(where, null, "holds a name that is not valid " + NAMES + " text");
    }
    return name;
  }

  private static Charset names() {
    try {
      return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
    } catch (RuntimeException e) {
      return StandardCharsets.UTF_8;
    }
  }
}
