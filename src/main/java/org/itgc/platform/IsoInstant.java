package org.itgc.platform;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * {@link DateTimeFormatter#ISO_INSTANT} (the same text as {@link Instant#toString()}) without the formatter's
 * machinery: every log record is written in this form twice for its Merkle leaf and again for COPY, and the
 * formatter (a LocalDateTime, a StringBuilder and its printer chain per call) was a tenth of ingestion's CPU. The
 * text is exactly the formatter's: {@code yyyy-MM-ddTHH:mm:ss}, then a fraction only when the nanoseconds are not
 * zero, of 3, 6 or 9 digits (the fewest of those that hold them), then {@code Z}. Instants outside the years 0000 to
 * 9999 (which the formatter writes with a sign) are handed to the formatter itself.
 */
public final class IsoInstant {

  /** 0000-01-01T00:00:00Z. */
  private static final long MIN_SECOND = -62_167_219_200L;
  /** 10000-01-01T00:00:00Z. */
  private static final long END_SECOND = 253_402_300_800L;
  private static final int BASE = 20;

  private IsoInstant() {}

  /** The instant as {@link DateTimeFormatter#ISO_INSTANT} writes it. */
  public static String format(Instant instant) {
    if (!fast(instant)) {
      return DateTimeFormatter.ISO_INSTANT.format(instant);
    }
    byte[] text = new byte[length(instant)];
    write(instant, text, 0);
    return new String(text, StandardCharsets.ISO_8859_1);
  }

  /** The length of {@link #format}'s text (all of it ASCII, so also its length in UTF-8 bytes). */
  public static int length(Instant instant) {
    if (!fast(instant)) {
      return DateTimeFormatter.ISO_INSTANT.format(instant).length();
    }
    int nano = instant.getNano();
    return BASE + (nano == 0 ? 0 : nano % 1_000_000 == 0 ? 4 : nano % 1_000 == 0 ? 7 : 10);
  }

  /**
   * Writes {@link #format}'s text as ASCII bytes into {@code out} from {@code offset} (there must be
   * {@link #length} bytes of room); returns the offset after it.
   */
  public static int write(Instant instant, byte[] out, int offset) {
    if (!fast(instant)) {
      byte[] text = DateTimeFormatter.ISO_INSTANT.format(instant).getBytes(StandardCharsets.UTF_8);
      System.arraycopy(text, 0, out, offset, text.length);
      return offset + text.length;
    }
    long seconds = instant.getEpochSecond();
    long days = Math.floorDiv(seconds, 86_400L);
    int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
    // days to a civil date (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms", civil_from_days)
    long z = days + 719_468L;
    long era = Math.floorDiv(z, 146_097L);
    int dayOfEra = (int) (z - era * 146_097L);
    int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    int mp = (5 * dayOfYear + 2) / 153;
    int day = dayOfYear - (153 * mp + 2) / 5 + 1;
    int month = mp < 10 ? mp + 3 : mp - 9;
    int year = (int) (yearOfEra + era * 400) + (month <= 2 ? 1 : 0);
    int o = offset;
    o = digits(year, 4, out, o);
    out[o++] = '-';
    o = digits(month, 2, out, o);
    out[o++] = '-';
    o = digits(day, 2, out, o);
    out[o++] = 'T';
    o = digits(secondOfDay / 3600, 2, out, o);
    out[o++] = ':';
    o = digits(secondOfDay / 60 % 60, 2, out, o);
    out[o++] = ':';
    o = digits(secondOfDay % 60, 2, out, o);
    int nano = instant.getNano();
    if (nano != 0) {
      out[o++] = '.';
      if (nano % 1_000_000 == 0) {
        o = digits(nano / 1_000_000, 3, out, o);
      } else if (nano % 1_000 == 0) {
        o = digits(nano / 1_000, 6, out, o);
      } else {
        o = digits(nano, 9, out, o);
      }
    }
    out[o++] = 'Z';
    return o;
  }

  private static boolean fast(Instant instant) {
    long seconds = instant.getEpochSecond();
    return seconds >= MIN_SECOND && seconds < END_SECOND;
  }

  /** {@code value} (not negative, below 10^width) in exactly {@code width} decimal digits. */
  private static int digits(int value, int width, byte[] out, int offset) {
    int v = value;
    for (int i = offset + width - 1; i >= offset; i--) {
      out[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    return offset + width;
  }
}
