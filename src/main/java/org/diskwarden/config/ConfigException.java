package org.diskwarden.config;

import java.util.List;

/**
 * Every problem found in one configuration, so the operator fixes them all in one pass. Each problem
 * names the key, repeats the bad value and says what is allowed.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;
  private final List<String> problems;

  public ConfigException(String source, List<String> problems) {
    super("invalid configuration " + source + ":\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
