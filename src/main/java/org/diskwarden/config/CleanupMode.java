package org.diskwarden.config;

import java.util.Locale;

/** How far a sweep goes. */
public enum CleanupMode implements Keyed {
  /** Remove candidates in plan order until free space meets the target. */
  UNTIL_TARGET,
  /** Apply every policy completely, as the first script did. */
  FULL;

  /** The name used in the config file and over JMX. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @throws IllegalArgumentException when {@code key} is not until_target or full
   */
  public static CleanupMode fromKey(String key) {
    return Keyed.parse(CleanupMode.class, key);
  }
}
