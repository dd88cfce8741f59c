package org.diskwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.diskwarden.Configs;
import org.diskwarden.config.PolicyConfig;
import org.diskwarden.fs.Dir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Megatron's tracker and Orbax's newest finalized step keep, whatever the retention rule says
 * ({@link TrainerSaves#judge}), and what they let go as a leftover.
 */
class TrainerSavesTest {
  private static final Instant TRACKER_WRITTEN = Instant.parse("2026-01-10T00:00:00Z");

  @TempDir
  Path folder;

  private PolicyConfig policy(String layout) throws Exception {
    return Configs.parse(Configs.alwaysLow(folder, "", "- name: run\n  path: ckpts\n  layout: " + layout
        + "\n  max_age: 1d\n")).policies().get(0);
  }

  /** Judges Megatron iterations, each written at {@code written[name]}, beside a tracker holding {@code tracker}. */
  private TrainerSaves.Judgement megatron(String tracker, Map<String, Instant> written) throws Exception {
    Path t = Files.writeString(folder.resolve(TrainerSaves.TRACKER), tracker);
    Files.setLastModifiedTime(t, java.nio.file.attribute.FileTime.from(TRACKER_WRITTEN));
    Map<String, Path> byName = new LinkedHashMap<>();
    written.keySet().forEach(n -> byName.put(n, folder.resolve(n)));
    try (Dir at = Dir.open(folder)) {
      return TrainerSaves.judge(policy("megatron"), at, byName, written::get, Optional.empty());
    }
  }

  private Map<String, Held.Why> kept(TrainerSaves.Judgement j) {
    Map<String, Held.Why> kept = new LinkedHashMap<>();
    j.kept().forEach((p, h) -> kept.put(p.getFileName().toString(), h.why()));
    return kept;
  }

  private static Map<String, Instant> iterations(Object... nameAndWritten) {
    Map<String, Instant> m = new LinkedHashMap<>();
    for (int i = 0; i < nameAndWritten.length; i += 2) {
      m.put((String) nameAndWritten[i], (Instant) nameAndWritten[i + 1]);
    }
    return m;
  }

  @Test
  void megatron_keepsTheTrackersIteration_andSavesAboveItWrittenAfterIt_andLetsGoRewindLeftovers() throws Exception {
    Instant before = TRACKER_WRITTEN.minusSeconds(3600);
    Instant after = TRACKER_WRITTEN.plusSeconds(60);

    TrainerSaves.Judgement j = megatron("200\n", iterations("iter_0000100", before, "iter_0000200", before,
        "iter_0000250", before, "iter_0000300", after));

    assertThat(kept(j)).isEqualTo(Map.of("iter_0000200", Held.Why.NAMED_BY_LATEST,
        "iter_0000300", Held.Why.IN_PROGRESS));
    assertThat(j.leftovers()).containsOnlyKeys(folder.resolve("iter_0000250"));
    // below the tracker's iteration: the retention rule decides, the layout says nothing
    assertThat(j.kept()).doesNotContainKey(folder.resolve("iter_0000100"));
  }

  @Test
  void megatronAfterRelease_keepsOnlySavesWrittenAfterTheTracker_andCallsNoneALeftover() throws Exception {
    Instant before = TRACKER_WRITTEN.minusSeconds(3600);

    TrainerSaves.Judgement j = megatron("release", iterations("iter_0000100", before,
        "iter_0000300", TRACKER_WRITTEN.plusSeconds(60)));

    assertThat(kept(j)).isEqualTo(Map.of("iter_0000300", Held.Why.IN_PROGRESS));
    assertThat(j.kept().get(folder.resolve("iter_0000300")).reason()).contains("above release");
    assertThat(j.leftovers()).isEmpty();
  }

  @Test
  void aTrackerNamingNeitherAnIterationNorRelease_orANumberPastALong_holdsEveryIteration() throws Exception {
    for (String tracker : new String[] {"latest\n", "9999999999999999999\n"}) {
      TrainerSaves.Judgement j = megatron(tracker, iterations("iter_0000100", TRACKER_WRITTEN.minusSeconds(60)));

      assertThat(j.kept().values()).as(tracker).singleElement().satisfies(h -> {
        assertThat(h.why()).isEqualTo(Held.Why.UNREADABLE);
        assertThat(h.reason()).contains("names neither an iteration nor release");
      });
      assertThat(j.leftovers()).isEmpty();
    }
  }

  @Test
  void orbax_keepsTheNewestFinalizedStep_andLetsGoItsUnfinishedSaves() throws Exception {
    Map<String, Path> byName = new LinkedHashMap<>();
    for (String n : new String[] {"100", "200", "300.orbax-checkpoint-tmp-7"}) {
      byName.put(n, folder.resolve(n));
    }

    TrainerSaves.Judgement j;
    try (Dir at = Dir.open(folder)) {
      j = TrainerSaves.judge(policy("orbax"), at, byName, n -> TRACKER_WRITTEN, Optional.of("200"));
    }

    assertThat(kept(j)).isEqualTo(Map.of("200", Held.Why.NAMED_BY_LATEST));
    assertThat(j.leftovers()).containsOnlyKeys(folder.resolve("300.orbax-checkpoint-tmp-7"));
  }

  @Test
  void aStepPastALong_isNoStep() {
    assertThat(TrainerSaves.step("99999999999999999999")).isEmpty();
    assertThat(TrainerSaves.step("iter_0001200")).hasValue(1200);
    assertThat(TrainerSaves.step("final")).isEmpty();
  }
}
