package org.itgc.platform.calendar;

import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.itgc.platform.web.BadRequestException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The business calendar as the engine computes it, for any logged-in user: which years are confirmed, and any year's
 * holidays (what a governance lead checks before confirming a year, and what an auditor re-performs a deadline with).
 */
@RestController
class CalendarController {

  private final BusinessCalendar calendar;
  private final Clock clock;

  CalendarController(BusinessCalendar calendar, Clock clock) {
    this.calendar = calendar;
    this.clock = clock;
  }

  record Holiday(LocalDate date, String name) {}

  record Year(int year, boolean confirmed, String timeZone, String endOfBusinessDay, List<Holiday> holidays,
      List<Holiday> removed) {}

  record Summary(String timeZone, List<Integer> confirmedYears, List<Integer> awaitingConfirmation) {}

  @GetMapping("/api/calendar")
  Summary summary() {
    LocalDate today = clock.instant().atZone(calendar.zone()).toLocalDate();
    return new Summary(calendar.zone().getId(), List.copyOf(calendar.confirmedYears()),
        List.copyOf(calendar.unconfirmedYears(today)));
  }

  @GetMapping("/api/calendar/{year}")
  Year year(@PathVariable String year) {
    int number;
    try {
      number = Integer.parseInt(year);
    } catch (NumberFormatException e) {
      throw new BadRequestException("year", "'" + year + "' is not a year such as 2027");
    }
    if (number < 1900 || number > 9999) {
      throw new BadRequestException("year", number + " is outside 1900 to 9999");
    }
    return new Year(number, calendar.isConfirmed(number), calendar.zone().getId(),
        calendar.endOfBusinessDay().toString(),
        holidays(calendar.holidaysOf(number)),
        holidays(calendar.removedDays().entrySet().stream().filter(e -> e.getKey().getYear() == number)
            .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue))));
  }

  private static List<Holiday> holidays(Map<LocalDate, String> byDate) {
    return byDate.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> new Holiday(e.getKey(), e.getValue())).toList();
  }
}
