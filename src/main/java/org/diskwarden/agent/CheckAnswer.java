package org.diskwarden.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What {@code check} would print now, as the running agent found it at its last check: the line, the
 * warnings, the exit code, and what makes it the answer for a given command line (the config file and
 * the digest of the text in force; valid for two check intervals). bin/diskwarden check reads it from
 * the run directory instead of starting a JVM.
 *
 * @param configFile the config file the agent was started from (absolute)
 * @param configDigest SHA-256 of that file's text when it was put in force; empty when a runtime
 *     change (JMX) made the settings differ from the file: then no command line's config matches
 */
public record CheckAnswer(Instant at, Duration validFor, Optional<Path> configFile, Optional<String> configDigest,
    String line, int exitCode, List<String> warnings) {
  public CheckAnswer {
    warnings = List.copyOf(warnings);
  }
}
