package org.itgc.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Rfc3339#parse} answers what {@code OffsetDateTime.parse(text).toInstant()} answers, and fails where it fails:
 * for seeded random date-times of every year 0000 to 9999 with each kind of fraction and offset as the formatter
 * writes them, and for random mutations of them (a character changed, removed or added), which must either parse to
 * the same instant or be refused by both.
 */
class Rfc3339Test {

  private static final DateTimeFormatter WRITER = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

  @Test
  void sameInstantsAsOffsetDateTime() {
    Random random = new Random(33L);
    for (int i = 0; i < 200_000; i++) {
      String text = sample(random, i);
      assertThat(Rfc3339.fast(text)).as(text).isNotNull();
      check(text);
    }
  }

  @Test
  void sameAnswerOrRefusalForMutations() {
    Random random = new Random(34L);
    String alphabet = "0123456789-:T.Zz+t ";
    for (int i = 0; i < 300_000; i++) {
      StringBuilder text = new StringBuilder(sample(random, i));
      int at = random.nextInt(text.length());
      switch (random.nextInt(3)) {
        case 0 -> text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
        case 1 -> text.deleteCharAt(at);
        default -> text.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
      }
      check(text.toString());
    }
  }

  @Test
  void edges() {
    for (String text : new String[] {"2024-02-29T12:00:00Z", "2023-02-29T12:00:00Z", "2100-02-29T00:00:00Z",
        "2000-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-12-31T23:59:59.999999999Z", "2026-12-31T23:59:60Z",
        "2026-12-31T24:00:00Z", "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00.1234567890Z", "2026-01-01T00:00Z",
        "2026-01-01t00:00:00z", "2026-01-01T00:00:00+18:00", "2026-01-01T00:00:00-18:00", "2026-01-01T00:00:00+18:01",
        "2026-01-01T00:00:00+17:59", "2026-01-01T00:00:00-00:00", "2026-01-01T00:00:00+0530", "2026-01-01T00:00:00+05",
        "2026-01-01T00:00:00+05:30:15", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59-01:00", "+12026-01-01T00:00:00Z",
        "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-01-00T00:00:00Z", "2026-01-01T00:60:00Z",
        "2026-01-01T00:00:00+05:60", "2026-01-01T00:00:00.5+01:00", "１９９９-01-01T00:00:00Z", "2026-01-01T00:00:00 Z",
        "", "2026-01-01T00:00:00"}) {
      check(text);
    }
    assertThat(Rfc3339.parse("2026-12-04T10:15:30.5+01:00")).isEqualTo(Instant.parse("2026-12-04T09:15:30.5Z"));
    assertThatThrownBy(() -> Rfc3339.parse("2023-02-29T12:00:00Z")).isInstanceOf(DateTimeException.class);
  }

  /** A date-time as ISO_OFFSET_DATE_TIME writes it (seconds always, a fraction of 0 to 9 digits, Z or ±HH:MM). */
  private static String sample(Random random, int i) {
    long second = random.nextInt(3) == 0 ? -62_167_219_200L + Math.floorMod(random.nextLong(), 315_537_897_600L)
        : 946_684_800L + random.nextInt(2_000_000_000);
    int nano = switch (i % 5) {
      case 0 -> 0;
      case 1 -> random.nextInt(1000) * 1_000_000;
      case 2 -> random.nextInt(1_000_000) * 1_000;
      case 3 -> random.nextInt(1_000_000_000);
      default -> random.nextInt(10) * 100_000_000;
    };
    ZoneOffset offset = random.nextBoolean() ? ZoneOffset.UTC
        : ZoneOffset.ofTotalSeconds((random.nextInt(18 * 4 * 2 + 1) - 18 * 4) * 15 * 60);
    OffsetDateTime time = Instant.ofEpochSecond(second, nano).atOffset(offset);
    int year = time.getYear();
    if (year < 0 || year > 9999) {
      time = time.withYear(Math.floorMod(year, 10000));
    }
    return WRITER.format(time);
  }

  private static void check(String text) {
    Instant expected;
    try {
      expected = OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeException e) {
      assertThatThrownBy(() -> Rfc3339.parse(text)).as(text).isInstanceOf(DateTimeException.class);
      assertThat(Rfc3339.fast(text)).as(text).isNull();
      return;
    }
    assertThat(Rfc3339.parse(text)).as(text).isEqualTo(expected);
    Instant fast = Rfc3339.fast(text);
    if (fast != null) {
      assertThat(fast).as(text).isEqualTo(expected);
    }
  }
}
