package org.diskwarden.policy;

import java.nio.file.Path;
import java.time.Instant;

/**
 * An entry a policy lets go.
 *
 * @param path absolute path of the entry (a direct child of the policy's folder)
 * @param policy name of the policy that released it
 * @param noun what the entry is, for log lines ("version", "backup", "log")
 * @param bytes what removing it frees: allocated bytes, hard-linked inodes only when all links go, links as 0
 * @param newest newest modification time anywhere inside it
 * @param reason why it may go
 */
public record Candidate(Path path, String policy, String noun, long bytes, Instant newest, String reason) {}
