package org.itgc.platform.calendar;

import jakarta.validation.constraints.NotBlank;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One holiday of {@code config/calendar.yaml}, as a rule that gives its date in any year. Exactly one of three forms:
 * <ul>
 *   <li>a fixed date: {@code month} and {@code day} (New Year's Day: month 1, day 1);</li>
 *   <li>the n-th weekday of a month: {@code month}, {@code weekday} and {@code nth} (1 to 5, or -1 for the last),
 *       optionally {@code plusDays} after it (the day after Thanksgiving: November, THURSDAY, 4, plusDays 1);</li>
 *   <li>days from Easter Sunday (Gregorian): {@code easterOffset} (Good Friday: -2).</li>
 * </ul>
 * {@code observed} says what happens when the date falls on a weekend day: {@code none} (nothing, the default),
 * {@code nearest-weekday} (the nearest working weekday, the earlier one on a tie: US federal practice, Saturday to
 * Friday and Sunday to Monday) or {@code next-weekday} (the next day that is neither a weekend day nor another
 * holiday: UK substitute days). {@code fromYear} and {@code untilYear} bound the years the rule applies to.
 */
public record HolidayRule(@NotBlank String name, Integer month, Integer day, DayOfWeek weekday, Integer nth,
    Integer plusDays, Integer easterOffset, String observed, Integer fromYear, Integer untilYear) {

  static final List<String> OBSERVED = List.of("none", "nearest-weekday", "next-weekday");

  public HolidayRule {
    observed = observed == null ? "none" : observed;
    plusDays = plusDays == null ? 0 : plusDays;
  }

  /** What is wrong with the rule, in words; empty when it is usable. */
  List<String> problems() {
    List<String> problems = new ArrayList<>();
    boolean fixed = day != null;
    boolean nthWeekday = weekday != null || nth != null;
    boolean easter = easterOffset != null;
    int forms = (fixed ? 1 : 0) + (nthWeekday ? 1 : 0) + (easter ? 1 : 0);
    if (forms != 1) {
      problems.add("give exactly one of: month and day; month, weekday and nth; easterOffset");
      return problems;
    }
    if (!easter && (month == null || month < 1 || month > 12)) {
      problems.add("month: " + month + " is not a month from 1 to 12");
    } else if (fixed) {
      try {
        LocalDate.of(2024, month, day); // a leap year: 29 February is a date, if a rare one
      } catch (DateTimeException e) {
        problems.add("day: " + month + "/" + day + " is not a date");
      }
    } else if (nthWeekday && (weekday == null || nth == null || nth == 0 || nth < -1 || nth > 5)) {
      problems.add("weekday and nth: the n-th weekday needs a weekday and nth from 1 to 5, or -1 for the last");
    }
    if (easter && Math.abs(easterOffset) > 100) {
      problems.add("easterOffset: " + easterOffset + " is more than 100 days from Easter");
    }
    if (Math.abs(plusDays) > 31) {
      problems.add("plusDays: " + plusDays + " is more than a month");
    }
    if (!OBSERVED.contains(observed)) {
      problems.add("observed: '" + observed + "' is not one of " + OBSERVED);
    }
    if (fromYear != null && untilYear != null && untilYear < fromYear) {
      problems.add("untilYear (" + untilYear + ") is before fromYear (" + fromYear + ")");
    }
    return problems;
  }

  /** The rule's date in {@code year} before any weekend shift, or empty when the rule does not apply that year. */
  Optional<LocalDate> actualDate(int year) {
    if ((fromYear != null && year < fromYear) || (untilYear != null && year > untilYear)) {
      return Optional.empty();
    }
    if (easterOffset != null) {
      return Optional.of(easterSunday(year).plusDays(easterOffset));
    }
    if (day != null) {
      if (month == 2 && day == 29 && !java.time.Year.isLeap(year)) {
        return Optional.empty();
      }
      return Optional.of(LocalDate.of(year, month, day));
    }
    LocalDate first = LocalDate.of(year, month, 1);
    LocalDate date = nth == -1
        ? first.with(TemporalAdjusters.lastInMonth(weekday))
        : first.with(TemporalAdjusters.dayOfWeekInMonth(nth, weekday));
    if (date.getMonthValue() != month) {
      return Optional.empty(); // a fifth weekday that this month does not have
    }
    return Optional.of(date.plusDays(plusDays));
  }

  /** Easter Sunday of the Gregorian calendar (the anonymous Gregorian algorithm of Meeus, Jones and Butcher). */
  static LocalDate easterSunday(int year) {
    int a = year % 19;
    int b = year / 100;
    int c = year % 100;
    int d = b / 4;
    int e = b % 4;
    int f = (b + 8) / 25;
    int g = (b - f + 1) / 3;
    int h = (19 * a + b - d - g + 15) % 30;
    int i = c / 4;
    int k = c % 4;
    int l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    int month = (h + l - 7 * m + 114) / 31;
    int day = ((h + l - 7 * m + 114) % 31) + 1;
    return LocalDate.of(year, month, day);
  }
}
