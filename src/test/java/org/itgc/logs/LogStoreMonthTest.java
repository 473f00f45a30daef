package org.itgc.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link LogStore#month} is the UTC month of the instant, at the edges of months, years and before 1970. */
class LogStoreMonthTest {

  @Test
  void theUtcMonthOfTheInstant() {
    Random random = new Random(19);
    for (int i = 0; i < 100_000; i++) {
      Instant at = Instant.ofEpochSecond(random.nextLong() % 4_000_000_000L, random.nextInt(1_000_000_000));
      assertThat(LogStore.month(at)).as(at.toString()).isEqualTo(YearMonth.from(at.atOffset(ZoneOffset.UTC)));
    }
    assertThat(LogStore.month(Instant.parse("2026-12-31T23:59:59.999999Z"))).isEqualTo(YearMonth.of(2026, 12));
    assertThat(LogStore.month(Instant.parse("2027-01-01T00:00:00Z"))).isEqualTo(YearMonth.of(2027, 1));
    assertThat(LogStore.month(Instant.parse("1969-12-31T23:59:59.5Z"))).isEqualTo(YearMonth.of(1969, 12));
    assertThat(LogStore.month(Instant.parse("2028-02-29T12:00:00Z"))).isEqualTo(YearMonth.of(2028, 2));
  }
}
