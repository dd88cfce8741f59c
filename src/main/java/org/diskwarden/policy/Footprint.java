package org.diskwarden.policy;

import java.time.Instant;
import java.util.Optional;

/**
 * What one walk of an entry found.
 *
 * @param bytes what removing the entry frees
 * @param newest newest modification time anywhere inside (the entry's own for a file or link)
 * @param entries files, links and directories inside, the entry included
 * @param problem why the entry must not be removed whole (unreadable part, protected path or mount
 *     point inside), or empty
 */
public record Footprint(long bytes, Instant newest, long entries, Optional<String> problem) {}
