package org.itgc.platform.calendar;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.itgc.platform.config.ConfigFiles;

/**
 * The shape of {@code config/calendar.yaml}.
 *
 * @param endOfBusinessDay the local time at which a business day ends; deadlines fall on it
 * @param firstYear first calendar year whose holidays the file lists
 * @param lastYear last calendar year whose holidays the file lists; deadlines beyond it are refused
 */
record CalendarFile(@NotBlank String timeZone, @NotNull List<@NotNull DayOfWeek> weekendDays,
    @NotNull LocalTime endOfBusinessDay, int firstYear, int lastYear, @NotNull List<@Valid Holiday> holidays)
    implements ConfigFiles.SelfValidating {

  record Holiday(@NotNull LocalDate date, @NotBlank String name) {}

  @Override
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    try {
      if (timeZone != null) {
        ZoneId.of(timeZone);
      }
    } catch (DateTimeException e) {
      problems.add("timeZone: '" + timeZone + "' is not a time zone such as America/New_York");
    }
    if (weekendDays != null && weekendDays.size() >= 7) {
      problems.add("weekendDays: every day of the week is a weekend day");
    }
    if (lastYear < firstYear) {
      problems.add("lastYear (" + lastYear + ") is before firstYear (" + firstYear + ")");
    }
    var seen = new HashSet<LocalDate>();
    for (int i = 0; holidays != null && i < holidays.size(); i++) {
      var holiday = holidays.get(i);
      if (holiday.date() == null) {
        continue;
      }
      if (!seen.add(holiday.date())) {
        problems.add("holidays[" + i + "] (" + holiday.date() + "): the date is listed twice");
      }
      if (holiday.date().getYear() < firstYear || holiday.date().getYear() > lastYear) {
        problems.add("holidays[" + i + "] (" + holiday.date() + "): outside firstYear..lastYear");
      }
    }
    return problems;
  }
}
