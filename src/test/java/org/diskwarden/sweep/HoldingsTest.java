package org.diskwarden.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.diskwarden.config.Action;
import org.diskwarden.config.CleanupMode;
import org.diskwarden.config.Thresholds;
import org.diskwarden.policy.Candidate;
import org.diskwarden.policy.Held;
import org.diskwarden.policy.Held.Why;
import org.diskwarden.policy.Holder;
import org.diskwarden.policy.Holder.Stays;
import org.diskwarden.volume.State;
import org.diskwarden.volume.Usage;
import org.junit.jupiter.api.Test;

/** What an alert names as holding the space after a plan and its sweep: each entry once, with why it stays. */
class HoldingsTest {
  private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
  private static final Path BASE = Path.of("/data");
  private final Candidate gone = candidate("v1", 100);
  private final Candidate broken = candidate("v2", 200);
  private final Candidate tooBig = candidate("v3", 300).as(Action.COMPRESS, 10);
  private final Candidate spared = candidate("v4", 400);
  private final Held kept = new Held(BASE.resolve("ckpt/v9"), "ckpt", Why.KEPT_BY_RULE, "among the newest 1", 900);
  private final Held folder = new Held(BASE.resolve("ckpt"), "ckpt", Why.FOLDER, "not a directory");
  private final Plan plan = new Plan(new Usage(10_000, 100, T0), new Thresholds(1000, 0, 2000, 0),
      List.of(gone, broken, tooBig, spared), List.of(kept, folder), Set.of());

  @Test
  void noSweep_everyCandidateIsNamedNotRemoved_andTheHeldWithTheirReason() {
    List<Holder> known = Holdings.known(plan, Optional.empty());

    assertThat(known).extracting(Holder::path, Holder::bytes, Holder::stays).containsExactly(
        org.assertj.core.groups.Tuple.tuple(kept.path(), 900L, Stays.KEPT_BY_RULE),
        org.assertj.core.groups.Tuple.tuple(gone.path(), 100L, Stays.NOT_REMOVED),
        org.assertj.core.groups.Tuple.tuple(broken.path(), 200L, Stays.NOT_REMOVED),
        org.assertj.core.groups.Tuple.tuple(tooBig.path(), 300L, Stays.NOT_REMOVED),
        org.assertj.core.groups.Tuple.tuple(spared.path(), 400L, Stays.NOT_REMOVED));
    assertThat(known.get(1).reason()).isEqualTo("a candidate, not removed (ckpt: older than 7d)");
  }

  @Test
  void afterASweep_whatWentIsNotNamed_andTheRestSayWhatBecameOfThem() {
    SweepReport report = report(false);

    List<Holder> known = Holdings.known(plan, Optional.of(report));

    assertThat(known).extracting(Holder::path, Holder::stays).containsExactly(
        org.assertj.core.groups.Tuple.tuple(kept.path(), Stays.KEPT_BY_RULE),
        org.assertj.core.groups.Tuple.tuple(spared.path(), Stays.TARGET_REACHED),
        org.assertj.core.groups.Tuple.tuple(broken.path(), Stays.REMOVAL_FAILED),
        org.assertj.core.groups.Tuple.tuple(tooBig.path(), Stays.LEFT_IN_PLACE));
    assertThat(known).extracting(Holder::reason).containsExactly(
        "kept by rule (among the newest 1)",
        "left because the target was reached (ckpt: older than 7d)",
        "its removal failed (Permission denied)",
        "left in place (no room for the archive)");
  }

  @Test
  void afterADryRun_whatWouldGoIsStillThere() {
    List<Holder> known = Holdings.known(plan, Optional.of(report(true)));

    assertThat(known).filteredOn(h -> h.path().equals(gone.path())).singleElement()
        .satisfies(h -> {
          assertThat(h.stays()).isEqualTo(Stays.NOT_REMOVED);
          assertThat(h.reason()).isEqualTo("a candidate, not removed (dry run: it would go)");
        });
    assertThat(known).hasSize(5);
  }

  @Test
  void aSurvey_namesWhatHoldsTheSpaceInBaseDir_thatNoPolicyLooksAt(@org.junit.jupiter.api.io.TempDir Path base)
      throws Exception {
    new org.diskwarden.Tree(base).file("stray/dump.bin", 1 << 20, java.time.Duration.ofDays(3));
    org.diskwarden.config.WardenConfig config = org.diskwarden.Configs.parse("""
        base_dir: %s
        min_free: 1KB
        policies:
          - name: logs
            path: logs
            max_age: 7d
        """.formatted(base));
    Plan empty = new Plan(new Usage(10_000, 100, T0), config.thresholds(), List.of(), List.of(), Set.of());

    org.diskwarden.policy.SpaceHolders holders = Holdings.survey(config, empty, Optional.empty(),
        java.time.Duration.ofSeconds(30));

    assertThat(holders.largest()).extracting(Holder::path)
        .anySatisfy(p -> assertThat(p).startsWith(base.resolve("stray")));
  }

  private SweepReport report(boolean dryRun) {
    Removal removed = new Removal(gone.path(), "ckpt", 100, gone.reason(), Optional.empty());
    Removal failed = new Removal(broken.path(), "ckpt", 200, broken.reason(), Optional.of("Permission denied"));
    Removal skipped = new Removal(tooBig.path(), "ckpt", 300, tooBig.reason(), Optional.of("no room for the archive"));
    return new SweepReport(T0, T0, CleanupMode.UNTIL_TARGET, dryRun, 10_000, 100, 200, 100, List.of(removed),
        List.of(failed), List.of(spared), List.of(kept), State.LOW, List.of(), List.of(skipped));
  }

  private static Candidate candidate(String name, long bytes) {
    return new Candidate(BASE.resolve("ckpt").resolve(name), "ckpt", "version", bytes, T0, "older than 7d");
  }
}
