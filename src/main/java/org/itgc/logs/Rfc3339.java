package org.itgc.logs;

import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * {@code OffsetDateTime.parse(text).toInstant()} for the shape nearly every sender writes, without the formatter's
 * parser (a parse context, a field map and a resolver per call, for every event whose time is text):
 * {@code yyyy-MM-ddTHH:mm:ss}, an optional fraction of 1 to 9 digits, then {@code Z} or {@code ±HH:MM}. Anything
 * else (lower-case letters, no seconds, an empty fraction, a five-digit year, an impossible date, an offset beyond
 * 18 hours) goes to {@link OffsetDateTime#parse} itself, so that the answer, or the exception, is always the
 * formatter's.
 */
final class Rfc3339 {

  private Rfc3339() {}

  static Instant parse(String text) {
    Instant fast = fast(text);
    return fast != null ? fast : OffsetDateTime.parse(text).toInstant();
  }

  /** The instant, or null when the text is not of the common shape or not a valid date-time in it. */
  static Instant fast(String text) {
    int n = text.length();
    if (n < 20 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':'
        || text.charAt(16) != ':') {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 2);
    int day = digits(text, 8, 2);
    int hour = digits(text, 11, 2);
    int minute = digits(text, 14, 2);
    int second = digits(text, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > monthLength(year, month) || hour < 0 || hour > 23
        || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return null;
    }
    int p = 19;
    int nano = 0;
    if (text.charAt(p) == '.') {
      p++;
      int start = p;
      while (p < n && p - start < 9 && text.charAt(p) >= '0' && text.charAt(p) <= '9') {
        nano = nano * 10 + (text.charAt(p) - '0');
        p++;
      }
      int count = p - start;
      if (count == 0) {
        return null;
      }
      for (int i = count; i < 9; i++) {
        nano *= 10;
      }
    }
    int offset;
    if (p == n - 1 && text.charAt(p) == 'Z') {
      offset = 0;
    } else if (p == n - 6 && (text.charAt(p) == '+' || text.charAt(p) == '-') && text.charAt(p + 3) == ':') {
      int offsetHours = digits(text, p + 1, 2);
      int offsetMinutes = digits(text, p + 4, 2);
      if (offsetHours < 0 || offsetMinutes < 0 || offsetMinutes > 59 || offsetHours * 60 + offsetMinutes > 18 * 60) {
        return null;
      }
      offset = (offsetHours * 3600 + offsetMinutes * 60) * (text.charAt(p) == '-' ? -1 : 1);
    } else {
      return null;
    }
    long seconds = epochDay(year, month, day) * 86_400L + hour * 3600 + minute * 60 + second - offset;
    return Instant.ofEpochSecond(seconds, nano);
  }

  /** The decimal number of {@code count} ASCII digits from {@code from}, or -1 when one of them is not a digit. */
  private static int digits(String text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static int monthLength(int year, int month) {
    return switch (month) {
      case 2 -> year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
  private static long epochDay(int year, int month, int day) {
    int y = month <= 2 ? year - 1 : year;
    int era = Math.floorDiv(y, 400);
    int yearOfEra = y - era * 400;
    int dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146_097L + dayOfEra - 719_468L;
  }
}
