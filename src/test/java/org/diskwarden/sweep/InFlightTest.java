package org.diskwarden.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.diskwarden.config.AuditConfig;
import org.diskwarden.config.CleanupMode;
import org.diskwarden.policy.Candidate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is in flight as the agent and a {@code clean} beside it share one audit log: the quiet mark
 * never passes an open removal or write, and a rotation by the other process is read, not assumed.
 */
class InFlightTest {
  @TempDir
  Path dir;

  private Path file() {
    return dir.resolve("logs/audit.jsonl");
  }

  private Candidate candidate(String name) {
    return new Candidate(dir.resolve("base/" + name), "versions", "version", 1, Instant.EPOCH, "x");
  }

  private static void removed(AuditLog log, Candidate c) {
    log.outcome(new Removal(c.path(), c.policy(), 1, "x", Optional.empty()), "removed");
  }

  /** A log of {@code n} finished removals, written by an earlier agent. */
  private void finishedHistory(int n) {
    AuditLog earlier = new AuditLog(file(), Clock.systemUTC());
    for (int i = 0; i < n; i++) {
      earlier.intent(candidate("old" + i), CleanupMode.FULL, false);
      removed(earlier, candidate("old" + i));
    }
  }

  @Test
  void aReaderOfAFinishedHistory_marksItsEnd_andTheNextReadsOnlyWhatCameAfter() throws Exception {
    finishedHistory(20);
    Files.delete(file().resolveSibling("audit.quiet"));
    AuditLog first = new AuditLog(file(), Clock.systemUTC());
    assertThat(first.unfinished()).isEmpty();
    assertThat(first.bytesRead()).isEqualTo(Files.size(file()));
    long end = Files.size(file());

    // a clean beside the agent appends one removal it never finished
    AuditLog clean = new AuditLog(file(), Clock.systemUTC());
    clean.intent(candidate("theirs"), CleanupMode.FULL, false);

    AuditLog next = new AuditLog(file(), Clock.systemUTC());
    assertThat(next.unfinished()).containsExactly(candidate("theirs").path());
    assertThat(next.bytesRead()).as("only the bytes after the mark").isEqualTo(Files.size(file()) - end);
  }

  @Test
  void anOpenRemovalInTheHistory_keepsTheMarkBeforeIt() throws Exception {
    finishedHistory(5);
    new AuditLog(file(), Clock.systemUTC()).intent(candidate("half"), CleanupMode.FULL, false);
    Files.delete(file().resolveSibling("audit.quiet"));

    for (int reader = 0; reader < 2; reader++) {
      assertThat(new AuditLog(file(), Clock.systemUTC()).unfinished()).as("reader " + reader)
          .containsExactly(candidate("half").path());
    }
  }

  @Test
  void anOpenWriteInTheHistory_keepsTheMarkBeforeIt() throws Exception {
    finishedHistory(5);
    Path partial = dir.resolve("base/.half.tar.zst.diskwarden-partial");
    new AuditLog(file(), Clock.systemUTC()).write(partial, candidate("half"));
    Files.delete(file().resolveSibling("audit.quiet"));

    for (int reader = 0; reader < 2; reader++) {
      assertThat(new AuditLog(file(), Clock.systemUTC()).unfinishedWrites()).as("reader " + reader)
          .containsExactly(partial);
    }
  }

  @Test
  void aRotationByAnotherProcess_isReadAgain_whatItClosedIsClosed_andWhatItCarriedIsOpen() throws Exception {
    finishedHistory(1);
    AuditLog agent = new AuditLog(file(), Clock.systemUTC());
    AuditLog clean = new AuditLog(file(), Clock.systemUTC(), new AuditConfig(1, 3));
    agent.intent(candidate("finishedByClean"), CleanupMode.FULL, false);
    Path partial = dir.resolve("base/.a.tar.zst.diskwarden-partial");
    agent.write(partial, candidate("a"));
    assertThat(agent.unfinished()).containsExactly(candidate("finishedByClean").path());
    long inode = (Long) Files.getAttribute(file(), "unix:ino");

    // the clean learns of the agent's removal, ends it, begins its own, and rotates on every line
    removed(clean, candidate("finishedByClean"));
    clean.written(partial, "versions", "discarded");
    clean.intent(candidate("carried"), CleanupMode.FULL, false);
    assertThat(Files.getAttribute(file(), "unix:ino")).as("rotated by the clean").isNotEqualTo(inode);
    agent.intent(candidate("ours"), CleanupMode.FULL, false);

    assertThat(agent.unfinished()).containsExactlyInAnyOrder(candidate("carried").path(), candidate("ours").path());
    assertThat(agent.unfinishedWrites()).as("discarded by the clean before it rotated").isEmpty();
  }

  @Test
  void aFileAnotherProcessMadeAfterTheAgentStarted_isReadFromItsStart() throws Exception {
    AuditLog agent = new AuditLog(file(), Clock.systemUTC());
    assertThat(agent.unfinished()).as("no file yet").isEmpty();
    AuditLog clean = new AuditLog(file(), Clock.systemUTC());
    clean.intent(candidate("theirs"), CleanupMode.FULL, false);

    agent.intent(candidate("ours"), CleanupMode.FULL, false);

    assertThat(agent.unfinished()).containsExactlyInAnyOrder(candidate("theirs").path(), candidate("ours").path());
  }

  @Test
  void theAgentsOwnRotations_neverReadBackWhatItWrote() throws Exception {
    AuditLog agent = new AuditLog(file(), Clock.systemUTC(), new AuditConfig(4096, 3));
    agent.intent(candidate("open"), CleanupMode.FULL, false);
    for (int i = 0; i < 200; i++) {
      agent.intent(candidate("v" + i), CleanupMode.FULL, false);
      removed(agent, candidate("v" + i));
    }

    assertThat(AuditRotation.rolled(file(), 2)).exists();
    assertThat(agent.bytesRead()).isZero();
    assertThat(agent.unfinished()).containsExactly(candidate("open").path());
  }
}
