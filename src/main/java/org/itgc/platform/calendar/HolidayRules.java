package org.itgc.platform.calendar;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The holidays that {@link HolidayRule}s give in a year, weekend shifts applied. A shift may cross a year end (New
 * Year's Day on a Saturday is observed on Friday 31 December of the year before), so a year's holidays are those of
 * the rules for that year and its two neighbours that land in it. Computed once per year and kept.
 */
final class HolidayRules {

  private final List<HolidayRule> rules;
  private final Set<DayOfWeek> weekend;
  private final Map<Integer, Map<LocalDate, String>> byRuleYear = new ConcurrentHashMap<>();

  HolidayRules(List<HolidayRule> rules, Set<DayOfWeek> weekend) {
    this.rules = List.copyOf(rules);
    this.weekend = Set.copyOf(weekend);
  }

  /** Holidays falling in {@code year}, by date, with their names ("(observed)" when shifted). */
  Map<LocalDate, String> holidaysOf(int year) {
    Map<LocalDate, String> inYear = new TreeMap<>();
    for (int ruleYear = year - 1; ruleYear <= year + 1; ruleYear++) {
      ofRuleYear(ruleYear).forEach((date, name) -> {
        if (date.getYear() == year) {
          inYear.merge(date, name, (a, b) -> a + " / " + b);
        }
      });
    }
    return Collections.unmodifiableMap(inYear);
  }

  private Map<LocalDate, String> ofRuleYear(int year) {
    return byRuleYear.computeIfAbsent(year, this::compute);
  }

  private Map<LocalDate, String> compute(int year) {
    Map<LocalDate, String> holidays = new TreeMap<>();
    // unshifted dates first, so that a substitute day can step over another holiday
    for (HolidayRule rule : rules) {
      rule.actualDate(year).filter(d -> !isWeekend(d) || rule.observed().equals("none"))
          .ifPresent(d -> holidays.merge(d, rule.name(), (a, b) -> a + " / " + b));
    }
    for (HolidayRule rule : rules) {
      rule.actualDate(year).filter(d -> isWeekend(d) && !rule.observed().equals("none")).ifPresent(d -> {
        LocalDate observed = rule.observed().equals("nearest-weekday") ? nearestWeekday(d) : nextFreeWeekday(d, holidays);
        holidays.merge(observed, rule.name() + " (observed)", (a, b) -> a + " / " + b);
      });
    }
    return holidays;
  }

  private boolean isWeekend(LocalDate date) {
    return weekend.contains(date.getDayOfWeek());
  }

  private LocalDate nearestWeekday(LocalDate date) {
    for (int distance = 1; distance <= 7; distance++) {
      if (!isWeekend(date.minusDays(distance))) {
        return date.minusDays(distance);
      }
      if (!isWeekend(date.plusDays(distance))) {
        return date.plusDays(distance);
      }
    }
    return date;
  }

  private LocalDate nextFreeWeekday(LocalDate date, Map<LocalDate, String> taken) {
    LocalDate day = date.plusDays(1);
    while (isWeekend(day) || taken.containsKey(day)) {
      day = day.plusDays(1);
    }
    return day;
  }
}
