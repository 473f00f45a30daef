package org.itgc.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link IsoInstant} writes what {@link DateTimeFormatter#ISO_INSTANT} and {@link Instant#toString()} write, byte for
 * byte (its text goes into Merkle leaves, whose hashes are sealed evidence): for seeded random instants over the
 * years 0000 to 9999 with each kind of fraction (none, milli-, micro-, nanoseconds), for every day boundary around
 * the epoch, leap days, month ends, and the first and last instants of the range; and outside it, where it hands over
 * to the formatter.
 */
class IsoInstantTest {

  private static final long YEAR_0 = LocalDate.of(0, 1, 1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
  private static final long YEAR_10000 = LocalDate.of(10000, 1, 1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();

  @Test
  void randomInstantsOverTheYears0To9999() {
    Random random = new Random(20261204L);
    for (int i = 0; i < 400_000; i++) {
      long second = YEAR_0 + Math.floorMod(random.nextLong(), YEAR_10000 - YEAR_0);
      check(Instant.ofEpochSecond(second, nano(random, i % 5)));
    }
  }

  @Test
  void randomInstantsNearNow() {
    Random random = new Random(7L);
    long from = LocalDate.of(1999, 1, 1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    for (int i = 0; i < 200_000; i++) {
      check(Instant.ofEpochSecond(from + random.nextInt(40 * 366 * 86_400), nano(random, i % 5)));
    }
  }

  @Test
  void dayBoundariesLeapDaysAndMonthEnds() {
    List<LocalDate> days = new ArrayList<>();
    for (int year : new int[] {0, 1, 4, 99, 100, 400, 1582, 1600, 1700, 1899, 1900, 1969, 1970, 1971, 1972, 1999, 2000,
        2001, 2004, 2024, 2026, 2100, 2400, 9996, 9999}) {
      for (LocalDate d = LocalDate.of(year, 1, 1); d.getYear() == year; d = d.plusDays(1)) {
        if (d.getDayOfMonth() <= 2 || d.plusDays(2).getMonthValue() != d.getMonthValue()) {
          days.add(d);
        }
      }
    }
    Random random = new Random(3L);
    for (LocalDate day : days) {
      long start = day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
      for (long second : new long[] {start - 1, start, start + 1, start + 59, start + 60, start + 3599, start + 3600,
          start + 43_200, start + 86_399}) {
        for (int kind = 0; kind < 5; kind++) {
          check(Instant.ofEpochSecond(second, nano(random, kind)));
        }
      }
    }
    for (long second = -3 * 86_400; second <= 3 * 86_400; second += 997) {
      check(Instant.ofEpochSecond(second));
      check(Instant.ofEpochSecond(second, 1));
    }
    check(Instant.EPOCH);
    check(Instant.ofEpochSecond(0, 999_999_999));
    check(Instant.ofEpochSecond(-1, 999_999_999));
    check(Instant.ofEpochSecond(YEAR_0));
    check(Instant.ofEpochSecond(YEAR_10000 - 1, 999_999_999));
    check(Instant.parse("2000-02-29T23:59:59.999999Z"));
    check(Instant.parse("9999-12-31T23:59:59.001Z"));
  }

  @Test
  void fractionsOfEachLength() {
    assertThat(IsoInstant.format(Instant.parse("2026-12-04T10:15:30Z"))).isEqualTo("2026-12-04T10:15:30Z");
    assertThat(IsoInstant.format(Instant.parse("2026-12-04T10:00:00Z"))).isEqualTo("2026-12-04T10:00:00Z");
    assertThat(IsoInstant.format(Instant.parse("2026-12-04T10:15:30.100Z"))).isEqualTo("2026-12-04T10:15:30.100Z");
    assertThat(IsoInstant.format(Instant.parse("2026-12-04T10:15:30.000120Z")))
        .isEqualTo("2026-12-04T10:15:30.000120Z");
    assertThat(IsoInstant.format(Instant.parse("2026-12-04T10:15:30.000000001Z")))
        .isEqualTo("2026-12-04T10:15:30.000000001Z");
    assertThat(IsoInstant.format(Instant.parse("0000-01-01T00:00:00Z"))).isEqualTo("0000-01-01T00:00:00Z");
  }

  @Test
  void outsideTheRangeTheFormatterWrites() {
    Random random = new Random(11L);
    for (Instant i : new Instant[] {Instant.MIN, Instant.MAX, Instant.ofEpochSecond(YEAR_0 - 1),
        Instant.ofEpochSecond(YEAR_10000), Instant.ofEpochSecond(YEAR_10000, 5_000),
        Instant.ofEpochSecond(YEAR_0 - 86_400 * 400L, 120_000_000)}) {
      check(i);
    }
    for (int i = 0; i < 10_000; i++) {
      long second = Instant.MIN.getEpochSecond()
          + Math.floorMod(random.nextLong(), Instant.MAX.getEpochSecond() - Instant.MIN.getEpochSecond());
      check(Instant.ofEpochSecond(second, nano(random, i % 5)));
    }
  }

  /** None, whole milliseconds, whole microseconds, any nanoseconds, and the largest of all. */
  private static int nano(Random random, int kind) {
    return switch (kind) {
      case 0 -> 0;
      case 1 -> random.nextInt(1000) * 1_000_000;
      case 2 -> random.nextInt(1_000_000) * 1_000;
      case 3 -> random.nextInt(1_000_000_000);
      default -> 999_999_999;
    };
  }

  private static void check(Instant instant) {
    String expected = DateTimeFormatter.ISO_INSTANT.format(instant);
    assertThat(instant.toString()).isEqualTo(expected);
    assertThat(IsoInstant.format(instant)).as("%s.%09d", instant.getEpochSecond(), instant.getNano())
        .isEqualTo(expected);
    assertThat(IsoInstant.length(instant)).isEqualTo(expected.length());
    byte[] out = new byte[expected.length() + 4];
    assertThat(IsoInstant.write(instant, out, 2)).isEqualTo(2 + expected.length());
    assertThat(new String(out, 2, expected.length(), StandardCharsets.UTF_8)).isEqualTo(expected);
    assertThat(out[0] | out[1] | out[out.length - 2] | out[out.length - 1]).isZero();
  }
}
