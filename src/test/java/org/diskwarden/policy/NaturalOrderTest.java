package org.diskwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Entries ranked by name sort as people read them: numbers by value, never v10 before v2. */
class NaturalOrderTest {

  @Test
  void numbersSortByValue_notByCharacter() {
    assertThat(sorted("v10", "v2", "v1", "v100", "v9"))
        .containsExactly("v1", "v2", "v9", "v10", "v100");
    assertThat(sorted("checkpoint-1000", "checkpoint-500", "checkpoint-1500"))
        .containsExactly("checkpoint-500", "checkpoint-1000", "checkpoint-1500");
  }

  @Test
  void numbersBeyondALong_stillSortByValue() {
    assertThat(sorted("run-100000000000000000000", "run-99999999999999999999"))
        .containsExactly("run-99999999999999999999", "run-100000000000000000000");
  }

  @Test
  void textSortsByCharacter_andNumbersInsideAreComparedPartByPart() {
    assertThat(sorted("b1", "a2", "a10b", "a10a")).containsExactly("a2", "a10a", "a10b", "b1");
    assertThat(sorted("2025-12-01_v2", "2025-12-01_v10", "2025-11-30_v99"))
        .containsExactly("2025-11-30_v99", "2025-12-01_v2", "2025-12-01_v10");
  }

  @Test
  void aNameBeforeItsLongerForm() {
    assertThat(sorted("v1-final", "v1", "v")).containsExactly("v", "v1", "v1-final");
    assertThat(NaturalOrder.INSTANCE.compare("v", "v1")).isNegative();
    assertThat(NaturalOrder.INSTANCE.compare("v1", "v")).isPositive();
  }

  @Test
  void namesOfEqualValue_areStillTwoNames_inAFixedOrder() {
    NaturalOrder order = NaturalOrder.INSTANCE;

    assertThat(order.compare("v01", "v1")).isNegative();
    assertThat(order.compare("v1", "v01")).isPositive();
    assertThat(order.compare("v1", "v1")).isZero();
    assertThat(sorted("v1", "v01", "v001")).containsExactly("v001", "v01", "v1");
  }

  private static List<String> sorted(String... names) {
    List<String> list = new ArrayList<>(List.of(names));
    list.sort(NaturalOrder.INSTANCE);
    return list;
  }
}
