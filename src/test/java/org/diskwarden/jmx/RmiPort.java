package org.diskwarden.jmx;

import java.io.IOException;

/** A free TCP port on this machine, for servers a test starts (or leaves closed on purpose). */
public final class RmiPort {
  private RmiPort() {}

  public static int free() throws IOException {
    return RmiConnector.freePort();
  }
}
