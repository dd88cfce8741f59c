package org.diskwarden.policy;

import java.util.List;

/**
 * What one policy found in its folder: the candidates in removal order (abandoned partial saves first,
 * then oldest first) and every entry it did not release, with the reason.
 */
public record Selection(String policy, List<Candidate> candidates, List<Held> held) {
  public Selection {
    candidates = List.copyOf(candidates);
    held = List.copyOf(held);
  }
}
