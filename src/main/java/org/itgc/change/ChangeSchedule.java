package org.itgc.change;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.itgc.platform.calendar.BusinessCalendar;
import org.itgc.systems.FinancialSystem;
import org.springframework.stereotype.Component;

/**
 * Judges a change's planned window against its system's maintenance windows and freeze periods (in the business
 * calendar's time zone).
 */
@Component
public class ChangeSchedule {

  private final BusinessCalendar calendar;

  public ChangeSchedule(BusinessCalendar calendar) {
    this.calendar = calendar;
  }

  /** True when the planned window does not lie inside one maintenance window; a system without windows has no constraint. */
  public boolean outsideMaintenanceWindow(FinancialSystem system, Instant start, Instant end) {
    if (system.maintenanceWindows().isEmpty()) {
      return false;
    }
    ZonedDateTime localStart = start.atZone(calendar.zone());
    for (LocalDate day : List.of(localStart.toLocalDate().minusDays(1), localStart.toLocalDate())) {
      for (FinancialSystem.MaintenanceWindow window : system.maintenanceWindows()) {
        if (!window.days().contains(day.getDayOfWeek())) {
          continue;
        }
        Instant opens = day.atTime(window.start()).atZone(calendar.zone()).toInstant();
        LocalDate closeDay = window.end().isAfter(window.start()) ? day : day.plusDays(1);
        Instant closes = closeDay.atTime(window.end()).atZone(calendar.zone()).toInstant();
        if (!start.isBefore(opens) && !end.isAfter(closes)) {
          return false;
        }
      }
    }
    return true;
  }

  /** The freeze periods the planned window touches (dates inclusive). */
  public List<FinancialSystem.FreezePeriod> freezesTouched(FinancialSystem system, Instant start, Instant end) {
    LocalDate first = start.atZone(calendar.zone()).toLocalDate();
    LocalDate last = end.atZone(calendar.zone()).toLocalDate();
    List<FinancialSystem.FreezePeriod> touched = new ArrayList<>();
    for (FinancialSystem.FreezePeriod freeze : system.freezePeriods()) {
      touched.addAll(freeze.occurrencesTouching(first, last));
    }
    return touched;
  }
}
