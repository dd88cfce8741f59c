package org.diskwarden.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.diskwarden.Configs;
import org.diskwarden.Incident;
import org.diskwarden.agent.DiskWarden;
import org.diskwarden.agent.WatchSetup;
import org.diskwarden.config.WardenConfig;
import org.diskwarden.policy.Candidate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepTest {
  @TempDir
  Path base;

  @TempDir
  Path logs;

  private DiskWarden warden(String mode) throws Exception {
    Incident.build(base);
    WardenConfig config = Configs.parse(Configs.incident(base, "1000TB", "1000TB", mode));
    return new DiskWarden(WatchSetup.of(config, logs, Clock.systemUTC()));
  }

  private List<String> remaining(String rel) throws IOException {
    try (var s = Files.list(base.resolve(rel))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void fullMode_leavesNewestTwoVersions_newestBackupPerType_youngLogs_currentModel() throws Exception {
    DiskWarden warden = warden("full");

    SweepReport report = warden.clean(false, false).orElseThrow();

    assertThat(remaining("models/versions")).containsExactly("v004", "v005");
    assertThat(remaining("models/backups")).containsExactly("ckpt_20251104.tar", "db_20251108");
    assertThat(remaining("logs")).containsExactly("notes.txt", "train-new.log");
    assertThat(base.resolve("current_model/weights.bin")).exists();
    assertThat(report.removed()).hasSize(8);
    assertThat(report.failed()).isEmpty();
    assertThat(report.bytesFreed()).isGreaterThanOrEqualTo(8L * Incident.MB);
  }

  @Test
  void planOrder_isPolicyByPolicy_oldestFirst() throws Exception {
    DiskWarden warden = warden("full");

    List<String> order = warden.plan().candidates().stream()
        .map(c -> base.relativize(c.path()).toString()).toList();

    assertThat(order).containsExactly(
        "models/versions/v001", "models/versions/v002", "models/versions/v003",
        "models/backups/db_20251101", "models/backups/ckpt_20251102.tar", "models/backups/ckpt_20251103.tar",
        "logs/train-old.log", "logs/eval-old.log");
  }

  @Test
  void dryRun_removesNothing_butReportsAndAuditsWhatWouldGo() throws Exception {
    DiskWarden warden = warden("full");

    SweepReport report = warden.clean(false, true).orElseThrow();

    assertThat(report.dryRun()).isTrue();
    assertThat(report.removed()).hasSize(8);
    assertThat(remaining("models/versions")).containsExactly("v001", "v002", "v003", "v004", "v005");
    assertThat(remaining("logs")).hasSize(4);
    assertThat(auditLines("remove")).allSatisfy(l -> assertThat(l.get("dry_run").asBoolean()).isTrue());
  }

  @Test
  void planThenClean_removesExactlyWhatThePlanListed() throws Exception {
    DiskWarden warden = warden("full");
    List<Path> planned = warden.plan().candidates().stream().map(Candidate::path).toList();
    assertThat(planned).allSatisfy(p -> assertThat(p).exists());

    SweepReport report = warden.clean(false, false).orElseThrow();

    assertThat(report.removed()).extracting(Removal::path).containsExactlyElementsOf(planned);
    assertThat(planned).allSatisfy(p -> assertThat(p).doesNotExist());
  }

  @Test
  void auditLog_hasOneRemoveLinePerRemoval_withTheDocumentedFields() throws Exception {
    DiskWarden warden = warden("full");

    SweepReport report = warden.clean(false, false).orElseThrow();

    List<JsonNode> lines = auditLines("remove");
    assertThat(lines).extracting(l -> l.get("path").asText())
        .containsExactlyElementsOf(report.removed().stream().map(r -> r.path().toString()).toList());
    assertThat(lines).allSatisfy(l -> {
      assertThat(l.get("time").asText()).isNotBlank();
      assertThat(l.get("bytes").asLong()).isPositive();
      assertThat(l.get("policy").asText()).isIn("model-versions", "backups", "logs");
      assertThat(l.get("reason").asText()).isNotBlank();
      assertThat(l.get("mode").asText()).isEqualTo("full");
      assertThat(l.get("dry_run").asBoolean()).isFalse();
    });
    assertThat(auditLines("outcome")).extracting(l -> l.get("outcome").asText()).containsOnly("removed");
  }

  @Test
  void unwritableAuditLog_meansNoRemoval() throws Exception {
    Incident.build(base);
    WardenConfig config = Configs.parse(Configs.incident(base, "1000TB", "1000TB", "full"));
    Path blocked = logs.resolve("blocked");
    Files.createDirectories(blocked.resolve("audit.jsonl"));   // a directory where the audit file must go
    DiskWarden warden = new DiskWarden(WatchSetup.of(config, blocked, Clock.systemUTC()));

    SweepReport report = warden.clean(false, false).orElseThrow();

    assertThat(report.removed()).isEmpty();
    assertThat(report.failed()).hasSize(8).allSatisfy(f -> assertThat(f.error().orElseThrow()).contains("audit"));
    assertThat(remaining("models/versions")).hasSize(5);
  }

  private List<JsonNode> auditLines(String event) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(logs.resolve("audit.jsonl"))) {
      JsonNode node = json.readTree(line);
      if (node.get("event").asText().equals(event)) {
        out.add(node);
      }
    }
    return out;
  }
}
