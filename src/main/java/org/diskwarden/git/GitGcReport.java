package org.diskwarden.git;

import java.time.Duration;
import java.time.Instant;

/**
 * What one git gc did to one repository.
 *
 * @param repo the repository's path
 * @param outcome what came of it
 * @param reason why it was refused or failed; empty when done
 * @param start when it started
 * @param took how long it took
 * @param looseBefore bytes of loose objects before (JGit's repository statistics)
 * @param looseAfter ... after
 * @param packedBefore bytes of packed objects before
 * @param packedAfter ... after
 * @param gitDirBefore bytes of the whole git directory before (indexes, bitmaps, reflogs too)
 * @param gitDirAfter ... after
 * @param tempPacksRemoved bytes of leftover temporary packs of an earlier failed run, removed first
 * @param volumeFreed free bytes on the volume after minus before
 */
public record GitGcReport(String repo, Outcome outcome, String reason, Instant start, Duration took, long looseBefore,
    long looseAfter, long packedBefore, long packedAfter, long gitDirBefore, long gitDirAfter, long tempPacksRemoved,
    long volumeFreed) {

  /** What came of one gc; {@link #key()} is the word logs, JMX and the audit show. */
  public enum Outcome {
    /** gc ran to the end. */
    DONE,
    /** left alone (a guard said no, see the reason). */
    REFUSED,
    /** gc started and failed. */
    FAILED;

    public String key() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  static GitGcReport refused(String repo, Instant at, String why) {
    return new GitGcReport(repo, Outcome.REFUSED, why, at, Duration.ZERO, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  public boolean done() {
    return outcome == Outcome.DONE;
  }

  /** One line for logs, the JMX operation and the command line. */
  public String summary() {
    if (!done()) {
      return "git gc " + repo + ": " + outcome.key() + ": " + reason;
    }
    return String.format(java.util.Locale.ROOT,
        "git gc %s: done in %.1f s; .git %s -> %s, loose %s -> %s, packed %s -> %s, volume freed %s%s", repo,
        took.toMillis() / 1000.0, mb(gitDirBefore), mb(gitDirAfter), mb(looseBefore), mb(looseAfter),
        mb(packedBefore), mb(packedAfter), mb(volumeFreed),
        tempPacksRemoved > 0 ? " (incl. " + mb(tempPacksRemoved) + " of leftover temporary packs)" : "");
  }

  private static String mb(long bytes) {
    return org.diskwarden.config.Size.human(bytes, 1);
  }
}
