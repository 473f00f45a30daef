package org.itgc.platform.calendar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.validation.Validation;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.itgc.platform.config.ConfigFiles;
import org.junit.jupiter.api.Test;

/** Business-day deadlines on the shipped calendar (America/New_York, US federal holidays, end of business 17:00). */
class BusinessCalendarTest {

  private final BusinessCalendar calendar = new BusinessCalendar(
      new ConfigFiles(Path.of("config"), Validation.buildDefaultValidatorFactory().getValidator()));

  private static Instant newYork(String localDateTime) {
    return ZonedDateTime.parse(localDateTime + "-05:00[America/New_York]").toInstant();
  }

  private ZonedDateTime local(Instant instant) {
    return instant.atZone(calendar.zone());
  }

  @Test
  void aFridayTerminationWithAOneDaySlaIsDueMondayEndOfBusiness() {
    Instant friday = newYork("2026-11-06T10:15:00");
    Instant due = calendar.addBusinessDays(friday, 1);
    assertThat(local(due).toLocalDate()).isEqualTo(LocalDate.of(2026, 11, 9));
    assertThat(local(due).getHour()).isEqualTo(17);
    assertThat(calendar.businessDaysBetween(friday, due)).isEqualTo(1);
  }

  @Test
  void aHolidayPushesTheDeadlineFurther() {
    // Wednesday before Thanksgiving (Thursday 2026-11-26): one business day lands on Friday, two on Monday
    Instant wednesday = newYork("2026-11-25T09:00:00");
    assertThat(local(calendar.addBusinessDays(wednesday, 1)).toLocalDate()).isEqualTo(LocalDate.of(2026, 11, 27));
    assertThat(local(calendar.addBusinessDays(wednesday, 2)).toLocalDate()).isEqualTo(LocalDate.of(2026, 11, 30));
    assertThat(calendar.holiday(LocalDate.of(2026, 11, 26))).isEqualTo("Thanksgiving Day");
    assertThat(calendar.isBusinessDay(LocalDate.of(2026, 11, 26))).isFalse();
  }

  @Test
  void theYearEndSkipsChristmasAndNewYear() {
    // Thursday 2026-12-24: Christmas Friday 25th, weekend, then 28-31 Dec, New Year's Day Friday 1 Jan 2027
    Instant christmasEve = newYork("2026-12-24T16:00:00");
    assertThat(local(calendar.addBusinessDays(christmasEve, 1)).toLocalDate()).isEqualTo(LocalDate.of(2026, 12, 28));
    assertThat(local(calendar.addBusinessDays(christmasEve, 5)).toLocalDate()).isEqualTo(LocalDate.of(2027, 1, 4));
    assertThat(calendar.businessDaysBetween(christmasEve, newYork("2027-01-04T09:00:00"))).isEqualTo(5);
  }

  @Test
  void endOfBusinessStaysAtFivePmLocalAcrossDaylightSavingChanges() {
    // DST starts Sunday 2027-03-14 in New York: Friday 17:00 is 22:00 UTC, Monday 17:00 is 21:00 UTC
    Instant friday = ZonedDateTime.parse("2027-03-12T12:00:00-05:00[America/New_York]").toInstant();
    Instant due = calendar.addBusinessDays(friday, 1);
    assertThat(due).isEqualTo(Instant.parse("2027-03-15T21:00:00Z"));
    assertThat(calendar.endOfBusiness(LocalDate.of(2027, 3, 12))).isEqualTo(Instant.parse("2027-03-12T22:00:00Z"));
    // and back in November (DST ends Sunday 2026-11-01)
    Instant octoberFriday = ZonedDateTime.parse("2026-10-30T12:00:00-04:00[America/New_York]").toInstant();
    assertThat(calendar.addBusinessDays(octoberFriday, 1)).isEqualTo(Instant.parse("2026-11-02T22:00:00Z"));
  }

  @Test
  void zeroDaysMeansEndOfTheSameBusinessDayOrTheNextOne() {
    assertThat(local(calendar.addBusinessDays(newYork("2026-11-04T08:00:00"), 0)).toLocalDate())
        .isEqualTo(LocalDate.of(2026, 11, 4));
    assertThat(local(calendar.addBusinessDays(newYork("2026-11-07T08:00:00"), 0)).toLocalDate())
        .as("Saturday").isEqualTo(LocalDate.of(2026, 11, 9));
  }

  @Test
  void bpmnExpressionsGetADateBackAndMayPassALong() {
    Date start = Date.from(newYork("2026-11-06T10:15:00"));
    Date due = calendar.addBusinessDays(start, Long.valueOf(1));
    assertThat(local(due.toInstant()).toLocalDate()).isEqualTo(LocalDate.of(2026, 11, 9));
  }

  /** The holidays the calendar listed date by date before it had rules (US federal, as OPM published them). */
  private static final String PUBLISHED_2025_TO_2028 = """
      2025-01-01 New Year's Day
      2025-01-20 Martin Luther King Jr. Day
      2025-02-17 Washington's Birthday
      2025-05-26 Memorial Day
      2025-06-19 Juneteenth
      2025-07-04 Independence Day
      2025-09-01 Labor Day
      2025-10-13 Columbus Day
      2025-11-11 Veterans Day
      2025-11-27 Thanksgiving Day
      2025-12-25 Christmas Day
      2026-01-01 New Year's Day
      2026-01-19 Martin Luther King Jr. Day
      2026-02-16 Washington's Birthday
      2026-05-25 Memorial Day
      2026-06-19 Juneteenth
      2026-07-03 Independence Day (observed)
      2026-09-07 Labor Day
      2026-10-12 Columbus Day
      2026-11-11 Veterans Day
      2026-11-26 Thanksgiving Day
      2026-12-25 Christmas Day
      2027-01-01 New Year's Day
      2027-01-18 Martin Luther King Jr. Day
      2027-02-15 Washington's Birthday
      2027-05-31 Memorial Day
      2027-06-18 Juneteenth (observed)
      2027-07-05 Independence Day (observed)
      2027-09-06 Labor Day
      2027-10-11 Columbus Day
      2027-11-11 Veterans Day
      2027-11-25 Thanksgiving Day
      2027-12-24 Christmas Day (observed)
      2027-12-31 New Year's Day 2028 (observed)
      2028-01-17 Martin Luther King Jr. Day
      2028-02-21 Washington's Birthday
      2028-05-29 Memorial Day
      2028-06-19 Juneteenth
      2028-07-04 Independence Day
      2028-09-04 Labor Day
      2028-10-09 Columbus Day
      2028-11-10 Veterans Day (observed)
      2028-11-23 Thanksgiving Day
      2028-12-25 Christmas Day
      """;

  @Test
  void theRulesGiveExactlyThePublishedFederalHolidaysOf2025To2028() {
    Map<LocalDate, String> published = new TreeMap<>();
    PUBLISHED_2025_TO_2028.lines().map(String::strip).filter(l -> !l.isEmpty())
        .forEach(l -> published.put(LocalDate.parse(l.substring(0, 10)), l.substring(11)));
    Map<LocalDate, String> computed = new TreeMap<>();
    for (int year = 2025; year <= 2028; year++) {
      computed.putAll(calendar.holidaysOf(year));
    }
    assertThat(computed.keySet()).containsExactlyElementsOf(published.keySet());
    // shifted ones say so: Independence Day 2026 fell on a Saturday, New Year's Day 2028 too (observed 31 Dec 2027)
    assertThat(calendar.holiday(LocalDate.of(2026, 7, 3))).isEqualTo("Independence Day (observed)");
    assertThat(calendar.holiday(LocalDate.of(2027, 12, 31))).isEqualTo("New Year's Day (observed)");
    assertThat(calendar.holiday(LocalDate.of(2028, 1, 1))).isNull();
  }

  @Test
  void anyYearHasItsHolidaysAndDeadlinesAreNeverRefusedForTheirYear() {
    // 2029: New Year's Day Monday, Memorial Day 28 May, Juneteenth Tuesday, Thanksgiving 22 November
    assertThat(calendar.holidaysOf(2029).keySet()).contains(LocalDate.of(2029, 1, 1), LocalDate.of(2029, 5, 28),
        LocalDate.of(2029, 6, 19), LocalDate.of(2029, 11, 22), LocalDate.of(2029, 12, 25));
    assertThat(calendar.holidaysOf(2029)).hasSize(11);
    // 2033: Christmas on a Sunday is observed Monday 26 December
    assertThat(calendar.holiday(LocalDate.of(2033, 12, 26))).isEqualTo("Christmas Day (observed)");
    // seven years of evidence ahead and far beyond: a deadline is computed, not refused
    assertThat(local(calendar.addBusinessDays(newYork("2028-12-29T10:00:00"), 5)).toLocalDate())
        .isEqualTo(LocalDate.of(2029, 1, 8));
    assertThat(local(calendar.addBusinessDays(newYork("2099-12-31T10:00:00"), 1)).toLocalDate())
        .as("31 Dec 2099 is a Thursday, 1 Jan 2100 a holiday").isEqualTo(LocalDate.of(2100, 1, 4));
    // Juneteenth only since 2021
    assertThat(calendar.holiday(LocalDate.of(2020, 6, 19))).isNull();
    assertThatThrownBy(() -> calendar.addBusinessDays(Instant.now(), -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void easterRulesNextWeekdaySubstitutesAndTheCompanysOwnDays() {
    var file = new CalendarFile("Europe/London", List.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY), LocalTime.of(17, 30),
        List.of(rule("Good Friday", null, null, null, null, -2, "none"),
            rule("Easter Monday", null, null, null, null, 1, "none"),
            rule("Christmas Day", 12, 25, null, null, null, "next-weekday"),
            rule("Boxing Day", 12, 26, null, null, null, "next-weekday"),
            rule("Early May bank holiday", 5, null, DayOfWeek.MONDAY, 1, null, "none")),
        List.of(new CalendarFile.CompanyDay(LocalDate.of(2027, 12, 31), "Year-end shutdown")),
        List.of(new CalendarFile.RemovedDay(LocalDate.of(2027, 5, 3), "Offices open")), List.of(2027), null);
    assertThat(file.problems()).isEmpty();
    var uk = new BusinessCalendar(file);
    // Easter Sunday 2027 is 28 March; 2038 25 April; 2285 22 March (the extremes of the Gregorian rule)
    assertThat(HolidayRule.easterSunday(2027)).isEqualTo(LocalDate.of(2027, 3, 28));
    assertThat(HolidayRule.easterSunday(2038)).isEqualTo(LocalDate.of(2038, 4, 25));
    assertThat(HolidayRule.easterSunday(2285)).isEqualTo(LocalDate.of(2285, 3, 22));
    assertThat(uk.holiday(LocalDate.of(2027, 3, 26))).isEqualTo("Good Friday");
    assertThat(uk.holiday(LocalDate.of(2027, 3, 29))).isEqualTo("Easter Monday");
    // Christmas 2027 on a Saturday, Boxing Day on a Sunday: substitutes Monday 27 and Tuesday 28
    assertThat(uk.holiday(LocalDate.of(2027, 12, 27))).isEqualTo("Christmas Day (observed)");
    assertThat(uk.holiday(LocalDate.of(2027, 12, 28))).isEqualTo("Boxing Day (observed)");
    assertThat(uk.holiday(LocalDate.of(2027, 12, 31))).isEqualTo("Year-end shutdown");
    assertThat(uk.isBusinessDay(LocalDate.of(2027, 5, 3))).as("removed by the company").isTrue();
    assertThat(uk.holiday(LocalDate.of(2028, 5, 1))).isEqualTo("Early May bank holiday");
  }

  @Test
  void aYearNotConfirmedIsFlaggedBeforeItStartsAndWhileItRuns() {
    // shipped: 2025 to 2028 confirmed, 60 days of notice
    assertThat(calendar.unconfirmedYears(LocalDate.of(2028, 11, 1))).isEmpty();
    assertThat(calendar.unconfirmedYears(LocalDate.of(2028, 11, 2))).containsExactly(2029);
    assertThat(calendar.unconfirmedYears(LocalDate.of(2029, 6, 1))).containsExactly(2029);
    assertThat(calendar.unconfirmedYears(LocalDate.of(2029, 12, 31))).containsExactly(2029, 2030);
    assertThat(calendar.isConfirmed(2027)).isTrue();
  }

  @Test
  void aBrokenRuleIsNamedWithItsEntryAndReason() {
    var file = new CalendarFile("America/New_York", List.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY), LocalTime.of(17, 0),
        List.of(rule("Nonsense", 2, 30, null, null, null, "none"),
            rule("Two forms", 5, 1, DayOfWeek.MONDAY, 1, null, "none"),
            rule("Sixth Monday", 5, null, DayOfWeek.MONDAY, 6, null, "none"),
            rule("Shifty", 7, 4, null, null, null, "sometimes")),
        List.of(), List.of(new CalendarFile.RemovedDay(LocalDate.of(2027, 3, 3), "typo")), List.of(2027), null);
    assertThat(file.problems()).containsExactly(
        "holidayRules[0] (Nonsense): day: 2/30 is not a date",
        "holidayRules[1] (Two forms): give exactly one of: month and day; month, weekday and nth; easterOffset",
        "holidayRules[2] (Sixth Monday): weekday and nth: the n-th weekday needs a weekday and nth from 1 to 5, or -1 for the last",
        "holidayRules[3] (Shifty): observed: 'sometimes' is not one of [none, nearest-weekday, next-weekday]");
    var typo = new CalendarFile("America/New_York", List.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY), LocalTime.of(17, 0),
        List.of(rule("Independence Day", 7, 4, null, null, null, "nearest-weekday")),
        List.of(), List.of(new CalendarFile.RemovedDay(LocalDate.of(2027, 3, 3), "typo")), List.of(2027), null);
    assertThat(typo.problems()).containsExactly("removed[0] (2027-03-03): no holiday rule falls on that date");
  }

  private static HolidayRule rule(String name, Integer month, Integer day, DayOfWeek weekday, Integer nth,
      Integer easterOffset, String observed) {
    return new HolidayRule(name, month, day, weekday, nth, null, easterOffset, observed, null, null);
  }
}
