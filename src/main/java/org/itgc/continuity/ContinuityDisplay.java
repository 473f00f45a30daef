package org.itgc.continuity;

import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.itgc.platform.web.Dates;
import org.itgc.systems.FinancialSystem;
import org.itgc.systems.SystemsInventory;
import org.springframework.stereotype.Component;

/**
 * What the DR test's and the restore test's task forms show and nobody decides on: texts the server writes from its
 * own records (the inventory, the test's row), with moments in the business calendar's time zone. Display only: no
 * gateway, listener or service reads them back ({@link DrTestProcess.Display}, {@link RestoreTestProcess.Display}).
 */
@Component
class ContinuityDisplay {

  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEE d MMM uuuu", Locale.ENGLISH);

  private final SystemsInventory systems;
  private final ContinuityStore store;
  private final Dates dates;

  ContinuityDisplay(SystemsInventory systems, ContinuityStore store, Dates dates) {
    this.systems = systems;
    this.store = store;
    this.dates = dates;
  }

  /** "ERP General Ledger (ERP-GL), tier 1; RTO 4 hours, RPO 15 minutes"; the id alone for a system not in the inventory. */
  String system(String systemId) {
    if (systemId == null) {
      return "";
    }
    return systems.find(systemId).map(s -> s.name() + " (" + s.id() + "), tier "
        + s.tier().value().substring("tier".length()) + "; RTO " + duration(s.rto()) + ", RPO " + duration(s.rpo()))
        .orElse(systemId);
  }

  /** A DR test's moments as recorded, by variable name ({@link DrTestProcess.Display}); a moment not yet recorded is empty. */
  Map<String, String> drTimes(String testId) {
    ContinuityStore.DrTimes times = store.drTimes(testId);
    Map<String, String> texts = new LinkedHashMap<>();
    texts.put(DrTestProcess.Display.PLANNED_DATE, day(times.plannedDate()));
    texts.put(DrTestProcess.Display.OUTAGE_DECLARED, dates.time(times.outageDeclared()));
    texts.put(DrTestProcess.Display.SERVICE_RESTORED, dates.time(times.serviceRestored()));
    texts.put(DrTestProcess.Display.LAST_RECOVERED_POINT, dates.time(times.lastRecoveredPoint()));
    return texts;
  }

  static String day(LocalDate day) {
    return day == null ? "" : DAY.format(day);
  }

  /** A duration in words: "4 hours", "15 minutes", "1 day 2 hours", "30 seconds". */
  static String duration(Duration duration) {
    List<String> parts = new ArrayList<>();
    part(parts, duration.toDaysPart(), "day");
    part(parts, duration.toHoursPart(), "hour");
    part(parts, duration.toMinutesPart(), "minute");
    part(parts, duration.toSecondsPart(), "second");
    return parts.isEmpty() ? "0 minutes" : String.join(" ", parts);
  }

  private static void part(List<String> parts, long count, String unit) {
    if (count > 0) {
      parts.add(count + " " + unit + (count == 1 ? "" : "s"));
    }
  }
}
