package org.diskwarden.archive;

/** Who the agent runs as, for what it may give away: only root gives the owner's ids to what it makes. */
final class Modes {
  /** Whether the agent runs as root: only then are owners given to what it makes. */
  static final boolean ROOT = "root".equals(System.getProperty("user.name"));

  private Modes() {}
}
