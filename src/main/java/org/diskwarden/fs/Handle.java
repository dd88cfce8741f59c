package org.diskwarden.fs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * An open regular file in a user's tree (or the agent's workroom), reached through a held directory
 * without following a link. Attributes, mode, owner and times are read and set on this descriptor,
 * never on a path.
 */
public final class Handle extends Descriptor {
  private final String what;

  Handle(int fd, String what) {
    super(fd);
    this.what = what;
  }

  @Override
  String what() {
    return what;
  }

  /** {@code fstat} of the open file. */
  public Attrs attrs() throws IOException {
    return stat();
  }

  /** Reads up to {@code length} bytes; -1 at the end. */
  public int read(byte[] buffer, int length) throws IOException {
    long n = Errors.retrying(what, l -> l.read(fd, buffer, length));
    return n == 0 ? -1 : (int) n;
  }

  /**
   * Reads up to {@code length} bytes from {@code position} on (the file's offset stays where it was);
   * -1 at or past the end.
   */
  public int readAt(byte[] buffer, int length, long position) throws IOException {
    long n = Errors.retrying(what, l -> l.pread(fd, buffer, length, position));
    return n == 0 ? -1 : (int) n;
  }

  /** Writes {@code length} bytes from {@code buffer}, all of them. */
  public void write(byte[] buffer, int offset, int length) throws IOException {
    byte[] chunk = offset == 0 ? buffer : java.util.Arrays.copyOfRange(buffer, offset, offset + length);
    int done = 0;
    while (done < length) {
      byte[] rest = done == 0 ? chunk : java.util.Arrays.copyOfRange(chunk, done, length);
      int left = length - done;
      done += (int) Errors.retrying(what, l -> l.write(fd, rest, left));
    }
  }

  /** The file's bytes as a stream; closing the stream does not close the handle. */
  public InputStream in() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return Handle.this.read(one, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        if (off == 0) {
          return Handle.this.read(b, len);
        }
        byte[] tmp = new byte[len];
        int n = Handle.this.read(tmp, len);
        if (n > 0) {
          System.arraycopy(tmp, 0, b, off, n);
        }
        return n;
      }
    };
  }

  /** A stream writing to the file; closing the stream does not close the handle. */
  public OutputStream out() {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        Handle.this.write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        Handle.this.write(b, off, len);
      }
    };
  }
}
