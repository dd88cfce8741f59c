package org.diskwarden.sweep;

import java.nio.file.Path;
import java.util.Optional;
import org.diskwarden.config.Action;

/**
 * One candidate a sweep acted on.
 *
 * @param path the entry
 * @param policy the policy that released it
 * @param bytes what the entry held (what deleting it frees)
 * @param reason why it could go
 * @param error why it failed, was refused or was skipped; empty when it was done (or would be, in dry run)
 * @param action what was done: delete, compress or move (a compress whose archive saved too little
 *     and fell back to deleting says delete)
 * @param freed what it freed on this volume: {@code bytes} minus the archive for compress
 * @param keptAt the archive or the moved copy; empty for delete
 */
public record Removal(Path path, String policy, long bytes, String reason, Optional<String> error, Action action,
    long freed, Optional<Path> keptAt) {

  /** A deletion. */
  public Removal(Path path, String policy, long bytes, String reason, Optional<String> error) {
    this(path, policy, bytes, reason, error, Action.DELETE, error.isEmpty() ? bytes : 0, Optional.empty());
  }

  public boolean succeeded() {
    return error.isEmpty();
  }

  /** The same outcome for a compress or move that ended in this deletion. */
  Removal as(Action done, long freedHere, Optional<Path> where) {
    return new Removal(path, policy, bytes, reason, error, done, freedHere, where);
  }
}
