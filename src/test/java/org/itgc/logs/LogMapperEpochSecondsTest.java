package org.itgc.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link LogMapper#epochSeconds}'s long arithmetic gives the instant the general BigDecimal way gives, for the shapes
 * shippers send (HEC's {@code <sec>.<ms>}, micro- and nanoseconds, whole seconds, Jackson's doubles) and for the
 * shapes that take the general way (negative scales, more than 9 decimals, more than 18 digits), negatives included.
 */
class LogMapperEpochSecondsTest {

  @Test
  void sameInstantAsTheGeneralWay() {
    Random random = new Random(19);
    for (int i = 0; i < 200_000; i++) {
      BigDecimal seconds = switch (i % 5) {
        case 0 -> BigDecimal.valueOf(random.nextLong() % 10_000_000_000_000_000L, random.nextInt(10));
        case 1 -> BigDecimal.valueOf(1_700_000_000L + random.nextInt(100_000_000), 0)
            .add(BigDecimal.valueOf(random.nextInt(1_000_000_000), 9)).stripTrailingZeros();
        case 2 -> BigDecimal.valueOf(1_700_000_000 + random.nextDouble() * 100_000_000);
        case 3 -> new BigDecimal(new BigInteger(70, random), random.nextInt(14) - 2);
        default -> BigDecimal.valueOf(-random.nextInt(2_000_000_000), random.nextInt(10));
      };
      assertThat(outcome(() -> LogMapper.epochSeconds(seconds))).as(seconds.toString())
          .isEqualTo(outcome(() -> general(seconds)));
    }
    assertThat(LogMapper.epochSeconds(new BigDecimal("1780000000.123")))
        .isEqualTo(Instant.parse("2026-05-28T20:26:40.123Z"));
    assertThat(LogMapper.epochSeconds(new BigDecimal("1E+9"))).isEqualTo(Instant.ofEpochSecond(1_000_000_000L));
    assertThat(LogMapper.epochSeconds(new BigDecimal("1780000000.1234567891"))).isEqualTo(
        Instant.ofEpochSecond(1_780_000_000L, 123_456_789));
  }

  @Test
  void wholeMillisecondsOfADoubleAreTheDecimalsSent() {
    Random random = new Random(1905);
    for (int i = 0; i < 200_000; i++) {
      long millis = 946_684_800_000L + (long) (random.nextDouble() * 3_155_760_000_000L);
      String sent = (millis / 1000) + "." + String.format(java.util.Locale.ROOT, "%03d", millis % 1000);
      double parsed = Double.parseDouble(sent);
      // what the mapper stores: the instant truncated to microseconds, the same by either way
      assertThat(LogMapper.wholeMillis(parsed)).as(sent).isEqualTo(Instant.ofEpochMilli(millis));
      assertThat(general(BigDecimal.valueOf(parsed)).truncatedTo(java.time.temporal.ChronoUnit.MICROS)).as(sent)
          .isEqualTo(Instant.ofEpochMilli(millis));
    }
    // not a whole millisecond, or outside this century: the general way
    assertThat(LogMapper.wholeMillis(1780000000.1234)).isNull();
    assertThat(LogMapper.wholeMillis(1780000000.123456)).isNull();
    assertThat(LogMapper.wholeMillis(12.5)).isNull();
    assertThat(LogMapper.wholeMillis(Double.NaN)).isNull();
    assertThat(LogMapper.wholeMillis(Double.POSITIVE_INFINITY)).isNull();
    assertThat(LogMapper.wholeMillis(5_000_000_000d)).isNull();
  }

  /** The instant, or the class of what was thrown (out of Instant's range: the mapper's caller says unmapped). */
  private static Object outcome(java.util.function.Supplier<Instant> of) {
    try {
      return of.get();
    } catch (RuntimeException e) {
      return e.getClass();
    }
  }

  private static Instant general(BigDecimal seconds) {
    return Instant.ofEpochSecond(seconds.longValue(), seconds.remainder(BigDecimal.ONE).movePointRight(9).intValue());
  }
}
