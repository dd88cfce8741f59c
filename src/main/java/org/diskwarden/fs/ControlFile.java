package org.diskwarden.fs;

import java.nio.charset.StandardCharsets;

/**
 * What reading a small control file from a user's tree gave: its bytes, or why it could not be read.
 * A FIFO, socket, device, link, directory or a file over the cap is {@link Unreadable}: reported,
 * never blocked on, never followed.
 */
public sealed interface ControlFile {
  /** The file's whole content. */
  record Content(byte[] bytes) implements ControlFile {
    public String text() {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /** Absent: no file of that name. */
  record Missing() implements ControlFile {}

  /** There, but not something the agent reads: {@code why} says what it is. */
  record Unreadable(String why) implements ControlFile {}
}
