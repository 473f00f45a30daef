package org.itgc.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** A singleton job's slot is its schedule's time, however late the job starts on a node. */
class ScheduledOnceTest {

  @Test
  void theSlotIsTheCronsLatestFiringNotTheMomentTheJobStarts() {
    // a quarterly restore test that starts seven minutes late behind a long backup on the same scheduler
    assertThat(ScheduledOnce.slotOf("0 0 4 3 1,4,7,10 *", Instant.parse("2027-01-03T04:07:30Z"), ZoneOffset.UTC))
        .isEqualTo(Instant.parse("2027-01-03T04:00:00Z"));
    // a monthly archive, asked two weeks later
    assertThat(ScheduledOnce.slotOf("0 0 3 2 * *", Instant.parse("2027-03-15T10:00:00Z"), ZoneOffset.UTC))
        .isEqualTo(Instant.parse("2027-03-02T03:00:00Z"));
    // firings more often than once a minute are slots of their own
    assertThat(ScheduledOnce.slotOf("*/30 * * * * *", Instant.parse("2027-03-15T12:34:45.5Z"), ZoneOffset.UTC))
        .isEqualTo(Instant.parse("2027-03-15T12:34:30Z"));
    assertThat(ScheduledOnce.slotOf("0 * * * * *", Instant.parse("2027-03-15T12:34:56Z"), ZoneOffset.UTC))
        .isEqualTo(Instant.parse("2027-03-15T12:34:00Z"));
    // a firing exactly now is its own slot
    assertThat(ScheduledOnce.slotOf("0 0 2 * * *", Instant.parse("2027-03-15T02:00:00Z"), ZoneOffset.UTC))
        .isEqualTo(Instant.parse("2027-03-15T02:00:00Z"));
  }
}
