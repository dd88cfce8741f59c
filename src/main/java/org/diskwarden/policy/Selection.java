package org.diskwarden.policy;

import java.util.List;

/**
 * What one policy found in its folder: the candidates in removal order (abandoned partial saves first,
 * then oldest first) and every entry it did not release, with the reason.
 *
 * @param nextSave for a keep_latest policy, the size of its newest finished entry (the size of the
 *     next save); 0 otherwise
 */
public record Selection(String policy, List<Candidate> candidates, List<Held> held, long nextSave) {
  public Selection {
    candidates = List.copyOf(candidates);
    held = List.copyOf(held);
  }

  public Selection(String policy, List<Candidate> candidates, List<Held> held) {
    this(policy, candidates, held, 0);
  }
}
