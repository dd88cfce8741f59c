package org.diskwarden.fs;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.Optional;

/** How {@link Dir#read} reads a small control file through a held directory. */
final class ControlFileRead {
  private ControlFileRead() {}

  /**
   * Reads {@code name} in {@code dir}: opened no-follow and non-blocking, checked to be a regular file of
   * at most {@code cap} bytes on the open descriptor, then read. Anything else is {@link ControlFile.Unreadable}.
   */
  static ControlFile read(Dir dir, String name, long cap) {
    Handle h;
    try {
      h = dir.openFile(name);
    } catch (NoSuchFileException e) {
      return new ControlFile.Missing();
    } catch (IOException e) {
      return new ControlFile.Unreadable(whatIs(dir, name).orElse(e.getMessage()));
    }
    try (h) {
      Attrs a = h.attrs();
      if (a.size() > cap) {
        return new ControlFile.Unreadable(dir.where(name) + " holds " + a.size() + " bytes, more than the " + cap
            + " a control file may have");
      }
      byte[] bytes = new byte[(int) a.size()];
      // in pieces: JNA copies the whole array it is given to native memory and back on every call
      byte[] chunk = new byte[(int) Math.min(bytes.length, 1 << 16)];
      int at = 0;
      while (at < bytes.length) {
        int n = h.read(chunk, Math.min(chunk.length, bytes.length - at));
        if (n < 0) {
          break;
        }
        System.arraycopy(chunk, 0, bytes, at, n);
        at += n;
      }
      byte[] extra = new byte[1];
      if (h.read(extra, 1) > 0) {
        return new ControlFile.Unreadable(dir.where(name) + " grew while it was read");
      }
      return new ControlFile.Content(at == bytes.length ? bytes : Arrays.copyOf(bytes, at));
    } catch (IOException e) {
      return new ControlFile.Unreadable(e.getMessage());
    }
  }

  /** Why {@code name} is not a file to read, when a stat says so (a socket refuses open with ENXIO). */
  private static Optional<String> whatIs(Dir dir, String name) {
    try {
      return dir.stat(name).filter(a -> !a.isRegularFile())
          .map(a -> dir.where(name) + ": a " + a.kind() + ", not a regular file");
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
