package org.diskwarden.sweep;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One candidate a sweep acted on.
 *
 * @param path the entry
 * @param policy the policy that released it
 * @param bytes what it was planned to free
 * @param reason why it could go
 * @param error why it failed or was refused; empty when it was removed (or would be, in dry run)
 */
public record Removal(Path path, String policy, long bytes, String reason, Optional<String> error) {

  public boolean succeeded() {
    return error.isEmpty();
  }
}
