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
import java.util.stream.Collectors;
import org.itgc.platform.config.ConfigFiles;
import org.springframework.stereotype.Component;

/**
 * Business days of {@code config/calendar.yaml}: weekends and holidays are not business days, and a deadline of N
 * business days falls at the end of business (local time of the calendar's zone) of the N-th business day after
 * the start day. A termination recorded on Friday with a one-day SLA is due Monday at end of business, or Tuesday
 * when Monday is a holiday.
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
  private final Map<LocalDate, String> holidays;
  private final int firstYear;
  private final int lastYear;

  @org.springframework.beans.factory.annotation.Autowired
  public BusinessCalendar(ConfigFiles configFiles) {
    this(configFiles.read(FILE, CalendarFile.class));
  }

  BusinessCalendar(CalendarFile file) {
    this.zone = ZoneId.of(file.timeZone());
    this.weekend = Set.copyOf(file.weekendDays());
    this.endOfBusinessDay = file.endOfBusinessDay();
    this.holidays = new TreeMap<>(file.holidays().stream()
        .collect(Collectors.toMap(CalendarFile.Holiday::date, CalendarFile.Holiday::name)));
    this.firstYear = file.firstYear();
    this.lastYear = file.lastYear();
  }

  public ZoneId zone() {
    return zone;
  }

  public boolean isBusinessDay(LocalDate date) {
    requireCovered(date);
    return !weekend.contains(date.getDayOfWeek()) && !holidays.containsKey(date);
  }

  /** The holiday's name, or null when the date is not a holiday. */
  public String holiday(LocalDate date) {
    return holidays.get(date);
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

  private void requireCovered(LocalDate date) {
    if (date.getYear() < firstYear || date.getYear() > lastYear) {
      throw new IllegalStateException("The business calendar (config/" + FILE + ") covers " + firstYear + " to "
          + lastYear + "; " + date + " is outside it. Add that year's holidays and extend lastYear.");
    }
  }
}
