package org.diskwarden.init;

import java.util.List;

/**
 * What {@link Recognizer} made of a survey.
 *
 * @param rules a policy per recognized folder, in the order they were met (top down, names sorted)
 * @param protect links to keep, each a glob with its comment
 * @param repos git repositories, each a relative path with its comment
 */
record Findings(List<Rule> rules, List<Named> protect, List<Named> repos) {
  /** A protect glob or a repository path with the comment saying what was seen. */
  record Named(String value, String seen) {}

  boolean recognizedNothing() {
    return rules.isEmpty() && protect.isEmpty() && repos.isEmpty();
  }
}
