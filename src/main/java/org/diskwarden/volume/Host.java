package org.diskwarden.volume;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Optional;

/** This machine, as events and git's gc.pid name it. */
public final class Host {
  private Host() {}

  /** The resolved host name; empty when it cannot be resolved. */
  public static Optional<String> resolvedName() {
    try {
      return Optional.of(InetAddress.getLocalHost().getHostName());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The host name, else $HOSTNAME, else {@code localhost}: never empty, for messages. */
  public static String name() {
    return resolvedName().or(() -> Optional.ofNullable(System.getenv("HOSTNAME"))).orElse("localhost");
  }
}
