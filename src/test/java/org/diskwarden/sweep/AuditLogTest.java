package org.diskwarden.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.diskwarden.config.AuditConfig;
import org.diskwarden.config.CleanupMode;
import org.diskwarden.policy.Candidate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Months of history: the audit log rotates, keeps every finished line and carries what is in flight. */
class AuditLogTest {
  @TempDir
  Path dir;

  private static List<String> lines(Path p) throws IOException {
    if (p.getFileName().toString().endsWith(".gz")) {
      try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      }
    }
    return Files.readAllLines(p);
  }

  private List<String> allLines(Path file) throws IOException {
    List<String> all = new ArrayList<>();
    try (Stream<Path> s = Files.list(file.getParent())) {
      for (Path p : s.filter(f -> f.getFileName().toString().startsWith("audit.jsonl")).toList()) {
        all.addAll(lines(p));
      }
    }
    return all;
  }

  @Test
  void rotationUnderLoad_keepsEveryFinishedLine_andCarriesWhatIsInFlight() throws Exception {
    Path file = dir.resolve("logs/audit.jsonl");
    AuditLog audit = new AuditLog(file, Clock.systemUTC(), new AuditConfig(64 << 10, 1000));
    Set<Path> open = new HashSet<>();
    for (int i = 0; i < 3000; i++) {
      Path p = dir.resolve("base/models/versions/v" + i);
      Candidate c = new Candidate(p, "versions", "version", 4096, Instant.EPOCH, "older than the newest 2");
      audit.intent(c, CleanupMode.FULL, false);
      if (i % 100 == 7) {
        open.add(p);
      } else {
        audit.outcome(new Removal(p, "versions", 4096, c.reason(), java.util.Optional.empty()), "removed");
      }
    }

    List<String> all = allLines(file);
    assertThat(AuditRotation.rolled(file, 1)).exists();
    assertThat(Files.size(file)).isLessThanOrEqualTo(64 << 10);
    assertThat(all.stream().filter(l -> l.contains("\"event\":\"outcome\"")).count()).isEqualTo(3000 - open.size());
    assertThat(all.stream().filter(l -> l.contains("\"event\":\"remove\"")).map(l -> l.replaceAll(".*\"path\":\"([^\"]*)\".*", "$1"))
        .distinct().count()).isEqualTo(3000);
    // a fresh reader (the next start) finds everything in flight in the current file alone
    assertThat(new AuditLog(file, Clock.systemUTC()).unfinished()).isEqualTo(open);
    assertThat(Files.readString(file)).contains(open.stream().map(p -> "\"path\":\"" + p + "\"").toList()
        .toArray(String[]::new));
  }

  @Test
  void onlyKeepRotatedFilesStay() throws Exception {
    Path file = dir.resolve("logs/audit.jsonl");
    AuditLog audit = new AuditLog(file, Clock.systemUTC(), new AuditConfig(64 << 10, 3));
    for (int i = 0; i < 5000; i++) {
      Path p = dir.resolve("base/v" + i);
      audit.intent(new Candidate(p, "v", "v", 1, Instant.EPOCH, "x"), CleanupMode.FULL, false);
      audit.outcome(new Removal(p, "v", 1, "x", java.util.Optional.empty()), "removed");
    }
    try (Stream<Path> s = Files.list(file.getParent())) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("audit.jsonl",
          "audit.jsonl.1.gz", "audit.jsonl.2.gz", "audit.jsonl.3.gz", "audit.quiet");
    }
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(
        AuditRotation.rolled(file, 1)))).isEqualTo("rw-r-----");
  }

  /** History as an upgrade leaves it: a 64 MB current file of finished removals (and rotated files). */
  private static void history(Path file, long bytes) throws IOException {
    Files.createDirectories(file.getParent());
    StringBuilder chunk = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      String path = "/data/base/models/versions/v" + i;
      chunk.append("{\"time\":\"2026-11-01T00:00:00Z\",\"event\":\"remove\",\"path\":\"").append(path)
          .append("\",\"policy\":\"versions\",\"bytes\":4096,\"reason\":\"older than the newest 2\",\"mode\":\"full\","
              + "\"dry_run\":false}\n");
      chunk.append("{\"time\":\"2026-11-01T00:00:01Z\",\"event\":\"outcome\",\"path\":\"").append(path)
          .append("\",\"policy\":\"versions\",\"outcome\":\"removed\"}\n");
    }
    byte[] block = chunk.toString().getBytes(StandardCharsets.UTF_8);
    try (var out = Files.newOutputStream(file)) {
      for (long written = 0; written < bytes; written += block.length) {
        out.write(block);
      }
    }
    Files.write(file.resolveSibling("audit.jsonl.1.gz"), new byte[0]);
  }

  @Test
  void aPlanWithSixtyFourMegabytesOfHistory_readsABoundedAmount_onceTheAgentHasWritten() throws Exception {
    Path file = dir.resolve("logs/audit.jsonl");
    history(file, 64L << 20);
    Path p = dir.resolve("base/models/versions/v1");
    Candidate c = new Candidate(p, "versions", "version", 4096, Instant.EPOCH, "older than the newest 2");
    // the agent: its first removal reads the history once (an upgrade), then marks where nothing is in flight
    AuditLog agent = new AuditLog(file, Clock.systemUTC());
    agent.intent(c, CleanupMode.FULL, false);
    agent.outcome(new Removal(p, "versions", 4096, c.reason(), java.util.Optional.empty()), "removed");
    assertThat(agent.bytesRead()).isGreaterThanOrEqualTo(64L << 20);

    AuditLog plan = new AuditLog(file, Clock.systemUTC());
    assertThat(plan.unfinished()).isEmpty();
    assertThat(plan.bytesRead()).as("bytes a plan reads").isLessThan(4096);

    // an unfinished removal is still found, whatever came after it
    Path killed = dir.resolve("base/models/versions/v2");
    agent.intent(new Candidate(killed, "versions", "version", 4096, Instant.EPOCH, "x"), CleanupMode.FULL, false);
    for (int i = 3; i < 50; i++) {
      Path q = dir.resolve("base/models/versions/v" + i);
      agent.intent(new Candidate(q, "versions", "version", 4096, Instant.EPOCH, "x"), CleanupMode.FULL, false);
      agent.outcome(new Removal(q, "versions", 4096, "x", java.util.Optional.empty()), "removed");
    }
    AuditLog restarted = new AuditLog(file, Clock.systemUTC());
    assertThat(restarted.unfinished()).containsExactly(killed);
    assertThat(restarted.bytesRead()).isLessThan(64 << 10);
  }

  @Test
  void anotherProcessesIntent_keepsTheMarkBeforeIt() throws Exception {
    Path file = dir.resolve("logs/audit.jsonl");
    history(file, 1L << 20);
    AuditLog agent = new AuditLog(file, Clock.systemUTC());
    AuditLog clean = new AuditLog(file, Clock.systemUTC());
    Path theirs = dir.resolve("base/a");
    Path ours = dir.resolve("base/b");
    agent.unfinished();
    clean.intent(new Candidate(theirs, "versions", "version", 1, Instant.EPOCH, "x"), CleanupMode.FULL, false);
    agent.intent(new Candidate(ours, "versions", "version", 1, Instant.EPOCH, "x"), CleanupMode.FULL, false);
    agent.outcome(new Removal(ours, "versions", 1, "x", java.util.Optional.empty()), "removed");

    assertThat(new AuditLog(file, Clock.systemUTC()).unfinished()).containsExactly(theirs);
  }

  @Test
  void eachWatchSeesOnlyItsOwnUnfinishedRemovals_andTheSingleDirectoryLogOnlyLinesWithoutAWatch() throws Exception {
    Path file = dir.resolve("logs/audit.jsonl");
    AuditLog shared = new AuditLog(file, Clock.systemUTC());
    AuditLog data = shared.forWatch("data");
    AuditLog scratch = shared.forWatch("scratch");
    Path a = dir.resolve("data/v1");
    Path b = dir.resolve("scratch/v1");
    Path c = dir.resolve("single/v1");
    data.intent(new Candidate(a, "versions", "version", 1, Instant.EPOCH, "x"), CleanupMode.FULL, false);
    scratch.intent(new Candidate(b, "versions", "version", 1, Instant.EPOCH, "x"), CleanupMode.FULL, false);
    shared.intent(new Candidate(c, "versions", "version", 1, Instant.EPOCH, "x"), CleanupMode.FULL, false);

    assertThat(data.file()).isEqualTo(file);
    assertThat(data.unfinished()).containsExactly(a);
    assertThat(scratch.unfinished()).containsExactly(b);
    assertThat(shared.unfinished()).containsExactly(c);
    assertThat(new AuditLog(file, Clock.systemUTC()).forWatch("data").unfinished()).containsExactly(a);
    assertThat(lines(file)).filteredOn(l -> l.contains("/data/v1")).singleElement().asString()
        .contains("\"watch\":\"data\"");
  }

  @Test
  void aReplacedLineNamesWhatWasUnlinked_andAFailedOutcomeCarriesItsError() throws Exception {
    Path file = dir.resolve("logs/audit.jsonl");
    AuditLog audit = new AuditLog(file, Clock.systemUTC());
    Path p = dir.resolve("base/v1");
    audit.replaced(dir.resolve("run/diskwarden.lock"), "a symbolic link");
    audit.outcome(new Removal(p, "versions", 1, "x", java.util.Optional.of("permission denied")), "failed");

    assertThat(lines(file)).satisfiesExactly(
        l -> assertThat(l).contains("\"event\":\"replaced\"").contains("diskwarden.lock")
            .contains("\"was\":\"a symbolic link\""),
        l -> assertThat(l).contains("\"outcome\":\"failed\"").contains("\"error\":\"permission denied\""));
    assertThat(audit.unfinished()).isEmpty();
  }

  @Test
  void onAFullDisk_linesWaitInMemory_inOrder_untilARemovalMadeRoom() throws Exception {
    try (org.diskwarden.Tmpfs fs = org.diskwarden.Tmpfs.mount(dir.resolve("small"), 1)) {
      Path file = fs.root().resolve("logs/audit.jsonl");
      Files.createDirectories(file.getParent());
      Path filler = fs.root().resolve("filler");
      try (var out = Files.newOutputStream(filler)) {
        byte[] block = new byte[4096];
        while (true) {
          out.write(block);
          out.flush();
        }
      } catch (IOException full) {
        assertThat(full).hasMessageContaining("No space left on device");
      }
      AuditLog audit = new AuditLog(file, Clock.systemUTC());
      Path p = dir.resolve("base/v1");
      Candidate c = new Candidate(p, "versions", "version", 1, Instant.EPOCH, "x");

      audit.intent(c, CleanupMode.FULL, false);
      audit.outcome(new Removal(p, "versions", 1, "x", java.util.Optional.empty()), "removed");
      audit.flush();
      assertThat(Files.exists(file) ? Files.size(file) : 0).as("nothing fits yet").isZero();

      Files.delete(filler);
      audit.flush();
      assertThat(lines(file)).satisfiesExactly(l -> assertThat(l).contains("\"event\":\"remove\""),
          l -> assertThat(l).contains("\"event\":\"outcome\""));
    }
  }
}
