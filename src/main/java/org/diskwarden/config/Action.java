package org.diskwarden.config;

import java.util.Locale;

/** What a sweep does with an entry its policy lets go. */
public enum Action implements Keyed {
  /** Remove it. */
  DELETE,
  /** Replace it by a verified {@code <entry>.tar.zst} (or .tar.gz where zstd cannot load). */
  COMPRESS,
  /** Copy it to another filesystem, verify the copy, then remove it here. */
  MOVE;

  /** The name used in the config file, the plan, the report and the audit log. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @throws IllegalArgumentException when {@code key} is not delete, compress or move
   */
  public static Action fromKey(String key) {
    return Keyed.parse(Action.class, key);
  }
}
