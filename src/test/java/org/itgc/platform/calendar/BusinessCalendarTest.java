package org.itgc.platform.calendar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.validation.Validation;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.Date;
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

  @Test
  void aDateOutsideTheCalendarsYearsIsRefusedRatherThanGuessed() {
    assertThatThrownBy(() -> calendar.addBusinessDays(newYork("2028-12-29T10:00:00"), 5))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("covers 2025 to 2028");
    assertThatThrownBy(() -> calendar.addBusinessDays(Instant.now(), -1)).isInstanceOf(IllegalArgumentException.class);
  }
}
