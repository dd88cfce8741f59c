package org.diskwarden.config;

import java.util.Locale;

/** How a policy ranks its entries from newest to oldest. */
public enum OrderBy {
  /** By the newest modification time anywhere inside the entry. */
  MTIME,
  /** By name in natural order, so that v2 sorts before v10. */
  NAME;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @throws IllegalArgumentException when {@code key} is not mtime or name
   */
  public static OrderBy fromKey(String key) {
    for (OrderBy order : values()) {
      if (order.key().equals(key)) {
        return order;
      }
    }
    throw new IllegalArgumentException("must be mtime or name");
  }
}
