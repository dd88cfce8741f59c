package org.diskwarden.notify;

import java.util.Locale;

/** The kinds of outlet, as /metrics labels and delivery counts name them. */
public enum OutletKind {
  EMAIL, WEBHOOK, EXEC;

  /** The label value: {@code email}, {@code webhook}, {@code exec}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** What became of one delivery through an outlet. */
  public enum Outcome {
    SENT, FAILED;

    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
