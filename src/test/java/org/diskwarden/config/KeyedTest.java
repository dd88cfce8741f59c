package org.diskwarden.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** One lookup and one "what is allowed" for every enum the config writes by key. */
class KeyedTest {
  @Test
  void everyKeyedEnum_roundTripsItsKeys_andRefusesOthersNamingEveryKey() {
    assertThat(Keyed.parse(CleanupMode.class, "until_target")).isEqualTo(CleanupMode.UNTIL_TARGET);
    assertThat(Keyed.find(EventType.class, "filling_up")).contains(EventType.FILLING_UP);
    assertThat(Keyed.find(EventType.class, "party")).isEmpty();
    for (Class<? extends Enum<?>> type : java.util.List.<Class<? extends Enum<?>>>of(Action.class, CleanupMode.class,
        EventType.class, Layout.class, OrderBy.class, GitConfig.Gc.class)) {
      for (Enum<?> e : type.getEnumConstants()) {
        String key = ((Keyed) e).key();
        assertThat(java.util.Arrays.stream(type.getEnumConstants()).filter(o -> ((Keyed) o).key().equals(key)))
            .as("%s keys are distinct", type).hasSize(1);
      }
    }
    assertThatThrownBy(() -> CleanupMode.fromKey("everything")).hasMessage("must be until_target or full");
    assertThatThrownBy(() -> Action.fromKey("shred")).hasMessage("must be delete, compress or move");
    assertThatThrownBy(() -> Layout.fromKey("x")).hasMessageStartingWith("must be plain, ").hasMessageContaining(" or ");
  }
}
