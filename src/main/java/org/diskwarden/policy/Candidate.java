package org.diskwarden.policy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.diskwarden.config.Action;

/**
 * An entry a policy lets go.
 *
 * @param path absolute path of the entry (a direct child of the policy's folder)
 * @param policy name of the policy that released it
 * @param noun what the entry is, for log lines ("version", "backup", "log")
 * @param bytes what removing it frees: allocated bytes, hard-linked inodes only when all links go, links as 0
 * @param newest newest modification time anywhere inside it
 * @param reason why it may go
 * @param action what the sweep does with it: delete, compress or move
 * @param gain what the action is expected to free on this volume: {@code bytes} for delete and move,
 *     {@code bytes} minus the estimated archive for compress
 * @param seen the identities of the entry and its folders when it was planned; the removal refuses
 *     anything else found under its name. Empty for what the agent names itself (git's stale files,
 *     its own partial archives): those are still reached only through no-follow opens from base_dir
 */
public record Candidate(Path path, String policy, String noun, long bytes, Instant newest, String reason,
    Action action, long gain, Optional<Sighting> seen) {

  /** A candidate that is deleted. */
  public Candidate(Path path, String policy, String noun, long bytes, Instant newest, String reason) {
    this(path, policy, noun, bytes, newest, reason, Action.DELETE, bytes, Optional.empty());
  }

  /** The same entry under another action, expected to free {@code expected}. */
  public Candidate as(Action other, long expected) {
    return new Candidate(path, policy, noun, bytes, newest, reason, other, expected, seen);
  }

  /** The same entry, as the plan saw it. */
  public Candidate seen(Sighting sighting) {
    return new Candidate(path, policy, noun, bytes, newest, reason, action, gain, Optional.of(sighting));
  }
}
