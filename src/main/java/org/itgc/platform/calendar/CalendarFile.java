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
import java.util.Set;
import org.itgc.platform.config.ConfigFiles;

/**
 * The shape of {@code config/calendar.yaml}: holiday rules that give every year's holidays, the company's own
 * additions and removals, and the years whose calendar the company has confirmed.
 *
 * @param endOfBusinessDay the local time at which a business day ends; deadlines fall on it
 * @param holidayRules holidays of every year, each computed from its rule
 * @param added company days off on given dates, beside the rules
 * @param removed dates on which a rule's holiday is a working day for the company
 * @param confirmedYears years whose company calendar a governance lead has confirmed; any other year is still
 *     computed from the rules, and flagged to the governance leads before it starts
 * @param confirmationNoticeDays how many days before a year starts its missing confirmation is flagged
 */
record CalendarFile(@NotBlank String timeZone, @NotNull List<@NotNull DayOfWeek> weekendDays,
    @NotNull LocalTime endOfBusinessDay, @NotNull List<@Valid HolidayRule> holidayRules,
    List<@Valid CompanyDay> added, List<@Valid RemovedDay> removed, @NotNull List<@NotNull Integer> confirmedYears,
    Integer confirmationNoticeDays) implements ConfigFiles.SelfValidating {

  /** A company day off on one date. */
  record CompanyDay(@NotNull LocalDate date, @NotBlank String name) {}

  /** A date on which a rule's holiday is worked, with the reason. */
  record RemovedDay(@NotNull LocalDate date, @NotBlank String reason) {}

  CalendarFile {
    added = added == null ? List.of() : added;
    removed = removed == null ? List.of() : removed;
    confirmationNoticeDays = confirmationNoticeDays == null ? 60 : confirmationNoticeDays;
  }

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
    if (weekendDays != null && Set.copyOf(weekendDays).size() >= 7) {
      problems.add("weekendDays: every day of the week is a weekend day");
    }
    if (confirmationNoticeDays < 0 || confirmationNoticeDays > 366) {
      problems.add("confirmationNoticeDays: " + confirmationNoticeDays + " is not between 0 and 366");
    }
    var names = new HashSet<String>();
    for (int i = 0; holidayRules != null && i < holidayRules.size(); i++) {
      HolidayRule rule = holidayRules.get(i);
      if (rule == null) {
        continue;
      }
      String entry = "holidayRules[" + i + "] (" + rule.name() + "): ";
      rule.problems().forEach(p -> problems.add(entry + p));
      if (rule.name() != null && !names.add(rule.name())) {
        problems.add(entry + "the name is used twice");
      }
    }
    var seen = new HashSet<LocalDate>();
    for (int i = 0; i < added.size(); i++) {
      LocalDate date = added.get(i) == null ? null : added.get(i).date();
      if (date != null && !seen.add(date)) {
        problems.add("added[" + i + "] (" + date + "): the date is listed twice");
      }
    }
    if (problems.isEmpty() && weekendDays != null && holidayRules != null) {
      // a removal must name a date on which a rule gives a holiday: otherwise it is a typing error
      var rules = new HolidayRules(holidayRules, Set.copyOf(weekendDays));
      for (int i = 0; i < removed.size(); i++) {
        LocalDate date = removed.get(i) == null ? null : removed.get(i).date();
        if (date != null && rules.holidaysOf(date.getYear()).get(date) == null) {
          problems.add("removed[" + i + "] (" + date + "): no holiday rule falls on that date");
        }
      }
    }
    return problems;
  }
}
