package org.diskwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a survey found under base_dir, and what it tells of the volume beyond ({@link SpaceHolders}). */
class SpaceHoldersTest {
  private static final Holder DATA = Holder.of(Path.of("/base/data"), 700, Holder.Stays.NO_POLICY, "", "");

  private final SpaceHolders found =
      new SpaceHolders(List.of(DATA), 300, 4, Map.of(Holder.Stays.NO_POLICY, 300L), Optional.empty());

  @Test
  void underBase_isTheListedPlacesAndTheOthers() {
    assertThat(found.underBase()).isEqualTo(1000);
  }

  @Test
  void outside_isWhatTheVolumeUsesBeyondWhatWasFound_neverBelowZero() {
    assertThat(found.outside(1500)).isEqualTo(500);
    assertThat(found.outside(1000)).isZero();
    // the volume's count was taken before the walk, which found more: nothing is outside, not "-200"
    assertThat(found.outside(800)).isZero();
  }

  @Test
  void aSurveyIsEmpty_onlyWhenItListsNothingAndCountsNoOtherPlace() {
    assertThat(SpaceHolders.none().isEmpty()).isTrue();
    assertThat(found.isEmpty()).isFalse();
    assertThat(new SpaceHolders(List.of(DATA), 0, 0, Map.of(), Optional.empty()).isEmpty()).isFalse();
    assertThat(new SpaceHolders(List.of(), 0, 1, Map.of(), Optional.empty()).isEmpty()).isFalse();
  }
}
