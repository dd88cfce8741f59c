package org.diskwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which reasons to hold an entry the guard enforces again at removal time ({@link Held.Why#keptByRule()}). */
class HeldTest {

  @Test
  void theGuardRefusesEveryEntryARetentionRuleKeeps_andOnlyThose() {
    Set<Held.Why> byRule = EnumSet.of(Held.Why.KEPT_BY_RULE, Held.Why.LINK_TARGET, Held.Why.IN_PROGRESS,
        Held.Why.PARTIAL_NEWEST, Held.Why.BEST, Held.Why.NAMED_BY_LATEST, Held.Why.SHARED);

    for (Held.Why why : Held.Why.values()) {
      // protected, young, in use and unreadable entries the guard judges itself, on the held descriptors
      assertThat(why.keptByRule()).as(why.name()).isEqualTo(byRule.contains(why));
    }
  }
}
