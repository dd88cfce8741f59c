package org.diskwarden.policy;

import java.nio.file.Path;
import java.util.List;

/**
 * What one policy found in its folder: the candidates in removal order (abandoned partial saves first,
 * then oldest first) and every entry it did not release, with the reason.
 *
 * @param nextSave for a keep_latest policy, the size of its newest finished entry (the size of the
 *     next save); 0 otherwise
 * @param keepingLinks links in the folder that point at (or into) one of its entries: each keeps its
 *     target for as long as it exists, and the removal resolves them again
 */
public record Selection(String policy, List<Candidate> candidates, List<Held> held, long nextSave,
    List<Path> keepingLinks) {
  public Selection {
    candidates = List.copyOf(candidates);
    held = List.copyOf(held);
    keepingLinks = List.copyOf(keepingLinks);
  }

  public Selection(String policy, List<Candidate> candidates, List<Held> held) {
    this(policy, candidates, held, 0, List.of());
  }
}
