package org.itgc.platform.calendar;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.itgc.platform.config.ConfigFiles;
import org.springframework.stereotype.Component;

/**
 * Business days of {@code config/calendar.yaml}: weekends and holidays are not business days, and a deadline of N
 * business days falls at the end of business (local time of the calendar's zone) of the N-th business day after
 * the start day. A termination recorded on Friday with a one-day SLA is due Monday at end of business, or Tuesday
 * when Monday is a holiday.
 *
 * <p>Every year has holidays: they are computed from the file's rules, with the company's additions and removals
 * applied, so no deadline is ever refused for its year. A year that the company has not confirmed is still computed
 * (and flagged to the governance leads before it starts, see {@link #unconfirmedYears}).
 *
 * <p>Usable from BPMN, for example a timer's {@code timeDate} of
 * {@code ${businessCalendar.addBusinessDays(now(), slaBusinessDays)}}.
 */
@Component("businessCalendar")
public class BusinessCalendar {

  public static final String FILE = "calendar.yaml";

  private final ZoneId zone;
  private final Set<DayOfWeek> weekend;
  private final LocalTime endOfBusinessDay;
  private final HolidayRules rules;
  private final Map<LocalDate, String> added;
  private final Map<LocalDate, String> removed;
  private final SortedSet<Integer> confirmedYears;
  private final int confirmationNoticeDays;
  private final Map<Integer, Map<LocalDate, String>> holidaysByYear = new ConcurrentHashMap<>();

  @org.springframework.beans.factory.annotation.Autowired
  public BusinessCalendar(ConfigFiles configFiles) {
    this(configFiles.read(FILE, CalendarFile.class));
  }

  BusinessCalendar(CalendarFile file) {
    this.zone = ZoneId.of(file.timeZone());
    this.weekend = Set.copyOf(file.weekendDays());
    this.endOfBusinessDay = file.endOfBusinessDay();
    this.rules = new HolidayRules(file.holidayRules(), weekend);
    this.added = new TreeMap<>();
    file.added().forEach(day -> added.put(day.date(), day.name()));
    this.removed = new TreeMap<>();
    file.removed().forEach(day -> removed.put(day.date(), day.reason()));
    this.confirmedYears = new TreeSet<>(file.confirmedYears());
    this.confirmationNoticeDays = file.confirmationNoticeDays();
  }

  public ZoneId zone() {
    return zone;
  }

  public LocalTime endOfBusinessDay() {
    return endOfBusinessDay;
  }

  public boolean isBusinessDay(LocalDate date) {
    return !weekend.contains(date.getDayOfWeek()) && !holidaysOf(date.getYear()).containsKey(date);
  }

  /** The holiday's name, or null when the date is not a holiday. */
  public String holiday(LocalDate date) {
    return holidaysOf(date.getYear()).get(date);
  }

  /** The year's holidays by date: the rules' (weekend shifts applied) and the company's additions, less its removals. */
  public Map<LocalDate, String> holidaysOf(int year) {
    return holidaysByYear.computeIfAbsent(year, y -> {
      Map<LocalDate, String> holidays = new TreeMap<>(rules.holidaysOf(y));
      removed.keySet().forEach(holidays::remove);
      added.forEach((date, name) -> {
        if (date.getYear() == y) {
          holidays.merge(date, name, (a, b) -> a + " / " + b);
        }
      });
      return java.util.Collections.unmodifiableMap(holidays);
    });
  }

  /** Dates on which a rule's holiday is worked, with the company's reason. */
  public Map<LocalDate, String> removedDays() {
    return java.util.Collections.unmodifiableMap(removed);
  }

  public boolean isConfirmed(int year) {
    return confirmedYears.contains(year);
  }

  public SortedSet<Integer> confirmedYears() {
    return java.util.Collections.unmodifiableSortedSet(confirmedYears);
  }

  /**
   * The years that a governance lead should confirm by {@code today}: the current year if it is not confirmed, and
   * the next one once it is no more than the file's {@code confirmationNoticeDays} away and not confirmed.
   */
  public SortedSet<Integer> unconfirmedYears(LocalDate today) {
    SortedSet<Integer> years = new TreeSet<>();
    if (!isConfirmed(today.getYear())) {
      years.add(today.getYear());
    }
    int next = today.getYear() + 1;
    if (!isConfirmed(next) && !today.plusDays(confirmationNoticeDays).isBefore(LocalDate.of(next, 1, 1))) {
      years.add(next);
    }
    return years;
  }

  /** End of business on the N-th business day after the start's local date (N = 0: the start day or the next business day). */
  public Instant addBusinessDays(Instant start, int businessDays) {
    if (businessDays < 0) {
      throw new IllegalArgumentException("businessDays must not be negative: " + businessDays);
    }
    LocalDate day = start.atZone(zone).toLocalDate();
    if (businessDays == 0) {
      while (!isBusinessDay(day)) {
        day = day.plusDays(1);
      }
    }
    int counted = 0;
    while (counted < businessDays) {
      day = day.plusDays(1);
      if (isBusinessDay(day)) {
        counted++;
      }
    }
    return endOfBusiness(day);
  }

  /** For BPMN expressions, whose {@code now()} is a {@link Date}. */
  public Date addBusinessDays(Date start, int businessDays) {
    return Date.from(addBusinessDays(start.toInstant(), businessDays));
  }

  /** For BPMN expressions, where numbers arrive as {@link Long} or {@link Integer}. */
  public Date addBusinessDays(Date start, Number businessDays) {
    return addBusinessDays(start, businessDays.intValue());
  }

  /**
   * The business days used between two instants: the number of business days after {@code from}'s local date up to
   * and including {@code to}'s local date. Removal on the same day counts 0, on the next business day 1.
   */
  public int businessDaysBetween(Instant from, Instant to) {
    if (to.isBefore(from)) {
      return -businessDaysBetween(to, from);
    }
    LocalDate day = from.atZone(zone).toLocalDate();
    LocalDate last = to.atZone(zone).toLocalDate();
    int count = 0;
    while (day.isBefore(last)) {
      day = day.plusDays(1);
      if (isBusinessDay(day)) {
        count++;
      }
    }
    return count;
  }

  /**
   * Parses a date-time as forms and clients send it: ISO-8601 with an offset, or without one, read in the calendar's
   * zone, or a date alone (its start, in the calendar's zone). Throws {@link java.time.format.DateTimeParseException}
   * when it is none of these.
   */
  public Instant parseInstant(String value) {
    try {
      return java.time.OffsetDateTime.parse(value).toInstant();
    } catch (java.time.format.DateTimeParseException e) {
      if (value.length() == 10) {
        return LocalDate.parse(value).atStartOfDay(zone).toInstant();
      }
      return java.time.LocalDateTime.parse(value).atZone(zone).toInstant();
    }
  }

  /** End of business on a given local date, in the calendar's zone (daylight saving changes included). */
  public Instant endOfBusiness(LocalDate date) {
    return ZonedDateTime.of(date, endOfBusinessDay, zone).toInstant();
  }
}
