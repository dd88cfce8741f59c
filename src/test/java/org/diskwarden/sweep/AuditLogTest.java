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
          "audit.jsonl.1.gz", "audit.jsonl.2.gz", "audit.jsonl.3.gz");
    }
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(
        AuditRotation.rolled(file, 1)))).isEqualTo("rw-r-----");
  }
}
