package org.diskwarden.config;

import java.util.Locale;

/** How a policy ranks its entries from newest to oldest. */
public enum OrderBy implements Keyed {
  /** By the newest modification time anywhere inside the entry. */
  MTIME,
  /** By name in natural order, so that v2 sorts before v10. */
  NAME,
  /**
   * By the training step in the name ({@code checkpoint-N}, {@code step=N}, {@code global_stepN}), then
   * by modification time: a layout's default.
   */
  STEP;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @throws IllegalArgumentException when {@code key} is not mtime, name or step
   */
  public static OrderBy fromKey(String key) {
    return Keyed.parse(OrderBy.class, key);
  }
}
