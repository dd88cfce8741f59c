package org.diskwarden.policy;

import java.nio.file.Path;

/**
 * An entry a policy looked at and did not release, with the reason: kept by its rule, protected, too
 * young, in use, or unmeasurable.
 */
public record Held(Path path, String policy, String reason) {}
