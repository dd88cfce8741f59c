package org.diskwarden.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.diskwarden.config.Thresholds;
import org.diskwarden.policy.Candidate;
import org.diskwarden.volume.Usage;
import org.junit.jupiter.api.Test;

/** After a crash, the plan the agent finishes first: only what a killed run began. */
class PlanTest {
  private static final Path BASE = Path.of("/data/base");

  private static Candidate version(String name) {
    return new Candidate(BASE.resolve(name), "versions", "version", 10, Instant.EPOCH, "older than the newest 2");
  }

  private static Plan plan(List<Candidate> candidates, Set<Path> resumed) {
    return new Plan(new Usage(1000, 100, Instant.EPOCH), new Thresholds(200, 0, 300, 0), candidates, List.of(),
        Set.of(), resumed, 0, List.of(), List.of(), List.of());
  }

  @Test
  void onlyResumed_keepsTheRemovalsAKilledRunBegan_inPlanOrder_andNothingElse() {
    List<Candidate> all = List.of(version("v1"), version("v2"), version("v3"), version("v4"));
    Plan plan = plan(all, Set.of(BASE.resolve("v3"), BASE.resolve("v1"), BASE.resolve("gone")));

    assertThat(plan.onlyResumed().candidates()).extracting(Candidate::path)
        .containsExactly(BASE.resolve("v1"), BASE.resolve("v3"));
    assertThat(plan.onlyResumed().resumed()).isEqualTo(plan.resumed());
  }

  @Test
  void hasResumed_whenAKilledRunLeftARemoval_evenOneWhoseEntryIsGone() {
    assertThat(plan(List.of(version("v1")), Set.of()).hasResumed()).isFalse();
    assertThat(plan(List.of(), Set.of(BASE.resolve("gone"))).hasResumed()).isTrue();
  }
}
