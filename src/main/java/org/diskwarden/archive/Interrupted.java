package org.diskwarden.archive;

import java.io.InterruptedIOException;

/** Thrown between two chunks when the agent shuts down: the partial result is discarded, the original stays. */
public final class Interrupted extends InterruptedIOException {
  private static final long serialVersionUID = 1L;

  Interrupted() {
    super("interrupted: the agent is stopping");
  }
}
