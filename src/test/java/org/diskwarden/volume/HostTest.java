package org.diskwarden.volume;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The host name events and git's gc.pid carry. */
class HostTest {

  @Test
  void hostName_isNeverEmpty_andIsTheResolvedOneWhenThereIsOne() {
    assertThat(Host.name()).isNotBlank();
    Host.resolvedName().ifPresent(resolved -> assertThat(Host.name()).isEqualTo(resolved));
    assertThat(Host.resolvedName()).isPresent();
  }
}
