package org.diskwarden.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.diskwarden.config.Action;
import org.diskwarden.config.CleanupMode;
import org.diskwarden.config.Thresholds;
import org.diskwarden.policy.Candidate;
import org.diskwarden.policy.Held;
import org.diskwarden.policy.Held.Why;
import org.diskwarden.volume.State;
import org.diskwarden.volume.Usage;
import org.junit.jupiter.api.Test;

/** What {@code bin/diskwarden plan} prints: free space after each step, where until_target stops, what is held. */
class PlanTextTest {
  private static final long MB = 1L << 20;
  private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
  private static final Path BASE = Path.of("/data");
  private final Thresholds thresholds = new Thresholds(100 * MB, 0, 200 * MB, 0);
  private final Usage usage = new Usage(1000 * MB, 50 * MB, T0);

  private Plan plan() {
    List<Candidate> candidates = List.of(
        candidate("ckpt/v1", 100 * MB),
        candidate("backups/db.sql", 100 * MB).as(Action.COMPRESS, 40 * MB),
        candidate("ckpt/v2", 30 * MB).as(Action.MOVE, 30 * MB),
        candidate("logs/old\nline.log", 10 * MB));
    List<Held> held = List.of(new Held(BASE.resolve("ckpt/v9"), "ckpt", Why.PARTIAL_NEWEST, "no trainer_state.json"),
        new Held(BASE.resolve("ckpt/v8"), "ckpt", Why.KEPT_BY_RULE, "among the newest 1"));
    return new Plan(usage, thresholds, candidates, held, Set.of(), Set.of(), 0, List.of(), List.of("*.kep"),
        List.of("policy tmp: folder /data/tmp does not exist"));
  }

  @Test
  void untilTarget_marksWhereTheSweepStops_andCountsFreeSpaceStepByStep() {
    List<String> lines = PlanText.render(plan(), BASE, CleanupMode.UNTIL_TARGET).lines().toList();

    assertThat(lines.get(0)).isEqualTo(
        "Plan for /data: 50.0MB free of 1000.0MB (5.0%), trigger 100.0MB, target 200.0MB, until_target mode");
    assertThat(lines.get(2)).matches(" +1 +100\\.0MB +150\\.0MB +delete +ckpt +older than 7d +ckpt/v1");
    assertThat(lines.get(3)).matches(" +2 +~40\\.0MB +190\\.0MB +compress +backups +older than 7d +backups/db\\.sql"
        + " \\(100\\.0MB, est\\. 40% saved\\)");
    assertThat(lines.get(4)).matches(" +3 +30\\.0MB +220\\.0MB +move +ckpt +older than 7d +ckpt/v2 \\(30\\.0MB moved off this volume\\)");
    assertThat(lines.get(5)).isEqualTo("      -- target reached: until_target stops here; the rest are kept --");
    assertThat(lines.get(6)).as("a name cannot add a line").matches(" +4 +10\\.0MB +230\\.0MB .*logs/old\\\\nline\\.log");
  }

  @Test
  void heldEntries_warnings_andTyposAreListed_afterTheCandidates() {
    String text = PlanText.render(plan(), BASE, CleanupMode.UNTIL_TARGET);

    assertThat(text).contains("Held:\n"
        + "      ckpt              ckpt/v9: no trainer_state.json\n"
        + "      ckpt              ckpt/v8: among the newest 1\n"
        + "WARNING: ckpt/v9: no trainer_state.json\n"
        + "protect pattern *.kep matches nothing\n"
        + "WARNING: policy tmp: folder /data/tmp does not exist\n"
        + "4 candidate(s), 180.0MB reclaimable; state LOW\n");
    assertThat(text).doesNotContain("WARNING: ckpt/v8");
  }

  @Test
  void fullMode_hasNoStopMark() {
    String text = PlanText.render(plan(), BASE, CleanupMode.FULL);

    assertThat(text).contains(", full mode").doesNotContain("target reached");
  }

  @Test
  void emptyPlan_saysNothingToRemove_andTheState() {
    Plan empty = new Plan(new Usage(1000 * MB, 500 * MB, T0), thresholds, List.of(), List.of(), Set.of());

    assertThat(PlanText.render(empty, BASE, CleanupMode.UNTIL_TARGET)).endsWith(
        "Nothing to remove.\n0 candidate(s), 0.0B reclaimable; state OK\n");
    assertThat(empty.state()).isEqualTo(State.OK);
  }

  private static Candidate candidate(String rel, long bytes) {
    Path p = BASE.resolve(rel);
    return new Candidate(p, p.getParent().getFileName().toString(), "entry", bytes, T0, "older than 7d");
  }
}
