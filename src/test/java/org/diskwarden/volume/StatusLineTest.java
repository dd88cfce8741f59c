package org.diskwarden.volume;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.diskwarden.config.Thresholds;
import org.junit.jupiter.api.Test;

/** What {@code bin/diskwarden check} prints and exits with: a Nagios plugin's line and status. */
class StatusLineTest {
  private static final long GB = 1L << 30;
  private static final Instant AT = Instant.parse("2026-12-01T00:00:00Z");
  private final Thresholds tenGb = new Thresholds(10 * GB, 5.0, 12 * GB, 6.0);

  @Test
  void exitCodes_followTheNagiosConvention() {
    assertThat(State.OK.exitCode()).isZero();
    assertThat(State.LOW.exitCode()).isEqualTo(1);
    assertThat(State.CRITICAL.exitCode()).isEqualTo(2);
  }

  @Test
  void quietVolume_freeSpacePercentAndPerfdata() {
    Usage u = new Usage(100 * GB, 25 * GB, AT);

    assertThat(StatusLine.format(State.OK, u, tenGb)).isEqualTo(
        "DISKWARDEN OK - 25.0 GB free (25.0%) | free=" + 25 * GB + "B;" + 10 * GB + ";" + 10 * GB + ";0;"
            + 100 * GB + " free_percent=25.00%;5.00;;0;100 fill_rate=0B/s");
  }

  @Test
  void raisedTrigger_isNamedWithTheConfiguredOne_andIsTheWarnLevel() {
    Usage u = new Usage(100 * GB, 25 * GB, AT);

    String line = StatusLine.format(State.LOW, u, tenGb.withFloor(30 * GB));

    assertThat(line).startsWith("DISKWARDEN LOW - 25.0 GB free (25.0%), trigger 30.0GB (configured 10.0GB,"
        + " raised by save_headroom and the fill rate) | free=" + 25 * GB + "B;" + 30 * GB + ";" + 10 * GB + ";");
  }

  @Test
  void floorAtTheConfiguredTrigger_isNotCalledRaised() {
    Usage u = new Usage(100 * GB, 25 * GB, AT);

    assertThat(StatusLine.format(State.OK, u, tenGb.withFloor(10 * GB))).doesNotContain("raised");
  }

  @Test
  void fillingVolume_saysHowFastAndWhen() {
    Usage u = new Usage(100 * GB, 20 * GB, AT);
    // 1 GB an hour: the trigger (10 GB) in 10 h, full in 20 h
    Forecast f = Forecast.of(GB / 3600.0, u.free(), 10 * GB);

    assertThat(StatusLine.format(State.OK, u, tenGb, f)).isEqualTo(
        "DISKWARDEN OK - 20.0 GB free (20.0%), filling 1.00 GB/h, trigger in 10.0 h, full in 20.0 h | free="
            + 20 * GB + "B;" + 10 * GB + ";" + 10 * GB + ";0;" + 100 * GB
            + " free_percent=20.00%;5.00;;0;100 fill_rate=298262B/s");
  }

  @Test
  void usage_usedAndPercent_andAPlanNeverFreesMoreThanTheVolume() {
    Usage u = new Usage(100 * GB, 25 * GB, AT);

    assertThat(u.used()).isEqualTo(75 * GB);
    assertThat(u.freePercent()).isEqualTo(25.0);
    assertThat(new Usage(0, 0, AT).freePercent()).as("an empty volume (a fresh tmpfs) is 0 %, not NaN").isZero();
    assertThat(u.plus(5 * GB)).isEqualTo(new Usage(100 * GB, 30 * GB, AT));
    assertThat(u.plus(500 * GB).free()).isEqualTo(100 * GB);
  }
}
