package org.itgc.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.itgc.platform.web.BadRequestException;
import org.junit.jupiter.api.Test;

class PeriodTest {

  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  @Test
  void withoutBoundsItIsTheCurrentQuarterInTheCalendarsZone() {
    // 2027-01-01T03:00Z is still 31 December 2026 in New York: the fourth quarter
    var clock = Clock.fixed(Instant.parse("2027-01-01T03:00:00Z"), ZoneOffset.UTC);
    var period = Period.of(null, null, clock, NEW_YORK);
    assertThat(period.from()).isEqualTo(Instant.parse("2026-10-01T04:00:00Z"));
    assertThat(period.to()).isEqualTo(Instant.parse("2027-01-01T05:00:00Z"));
    assertThat(period.fromText()).isEqualTo("2026-10-01");
    assertThat(period.toText()).isEqualTo("2027-01-01");
  }

  @Test
  void aBoundThatIsNoDaysStartIsShownAsTheInstantItIs() {
    var clock = Clock.fixed(Instant.parse("2026-12-04T12:00:00Z"), ZoneOffset.UTC);
    var period = Period.of(Instant.parse("2026-12-01T00:00:00Z"), Instant.parse("2026-12-02T05:00:00Z"), clock, NEW_YORK);
    assertThat(period.fromText()).isEqualTo("2026-12-01T00:00:00Z");
    assertThat(period.toText()).isEqualTo("2026-12-02");
  }

  @Test
  void oneBoundAloneTakesTheOtherFromItsQuarter() {
    var clock = Clock.fixed(Instant.parse("2026-12-04T12:00:00Z"), ZoneOffset.UTC);
    var fromOnly = Period.of(Instant.parse("2026-02-10T05:00:00Z"), null, clock, NEW_YORK);
    assertThat(fromOnly.toText()).isEqualTo("2026-04-01");
    var toOnly = Period.of(null, Instant.parse("2026-07-01T04:00:00Z"), clock, NEW_YORK);
    assertThat(toOnly.fromText()).isEqualTo("2026-04-01");
  }

  @Test
  void toMustBeAfterFrom() {
    var clock = Clock.systemUTC();
    Instant at = Instant.parse("2026-12-01T05:00:00Z");
    assertThatThrownBy(() -> Period.of(at, at, clock, NEW_YORK)).isInstanceOf(BadRequestException.class)
        .hasMessageContaining("to");
  }
}
