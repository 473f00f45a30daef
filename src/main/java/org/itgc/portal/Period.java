package org.itgc.portal;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.IsoFields;
import org.itgc.platform.web.BadRequestException;

/**
 * The period a governance page reports on, [from, to). Given as request parameters of type {@link Instant} (so a plain
 * date such as 2026-12-01 is its start in the business calendar's zone, and an instant is itself:
 * {@code platform.web.InstantParameters}); a missing bound is that of the other's calendar quarter in that zone, and
 * without either the period is the current quarter.
 *
 * @param fromText and toText what the period picker shows: the date when the bound is a day's start, else the instant
 */
record Period(Instant from, Instant to, String fromText, String toText) {

  /** The longest period a page reports on: its lists are read whole and paged in memory (see docs/governance-pages.md). */
  static final java.time.Period LONGEST = java.time.Period.ofYears(5);
  private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-01-01T00:00:00Z");

  static Period of(Instant from, Instant to, Clock clock, ZoneId zone) {
    within("from", from);
    within("to", to);
    // the quarter of the one bound given, else of today
    Instant anchor = from != null ? from : to != null ? to.minusNanos(1) : clock.instant();
    LocalDate quarterStart = LocalDate.ofInstant(anchor, zone).with(IsoFields.DAY_OF_QUARTER, 1);
    Instant start = from != null ? from : quarterStart.atStartOfDay(zone).toInstant();
    Instant end = to != null ? to : quarterStart.plusMonths(3).atStartOfDay(zone).toInstant();
    if (!end.isAfter(start)) {
      throw new BadRequestException("to", "must be after from");
    }
    if (start.atZone(zone).plus(LONGEST).toInstant().isBefore(end)) {
      throw new BadRequestException("to", "is more than " + LONGEST.getYears() + " years after from: ask for a shorter period");
    }
    return new Period(start, end, text(start, zone), text(end, zone));
  }

  private static void within(String field, Instant value) {
    if (value != null && (value.isBefore(EARLIEST) || value.isAfter(LATEST))) {
      throw new BadRequestException(field, "'" + value + "' is outside the years 1970 to 9998");
    }
  }

  private static String text(Instant instant, ZoneId zone) {
    var local = instant.atZone(zone);
    return local.toLocalTime().equals(java.time.LocalTime.MIDNIGHT) ? local.toLocalDate().toString() : instant.toString();
  }
}
