package org.itgc.support;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Change requests as a requester sends them to {@code POST /api/changes}, planned ahead of the test clock's today. */
public final class ChangeRequests {

  public static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  private ChangeRequests() {}

  /**
   * The {@code index}-th Saturday from a month after today's clock, never in the year-end freeze: changes are planned
   * ahead of the date the suite runs at, whatever that date is; different indexes never share a Saturday.
   */
  public static LocalDate plannedSaturday(int index) {
    var day = TestClock.today(NEW_YORK).plusDays(30).with(TemporalAdjusters.nextOrSame(DayOfWeek.SATURDAY));
    int counted = 0;
    while (true) {
      boolean yearEnd = (day.getMonthValue() == 12 && day.getDayOfMonth() >= 20)
          || (day.getMonthValue() == 1 && day.getDayOfMonth() <= 10);
      if (!yearEnd && counted++ == index) {
        return day;
      }
      day = day.plusWeeks(1);
    }
  }

  /** A complete request of a type for a system, planned on a Saturday evening (inside ERP-GL's maintenance window). */
  public static Map<String, Object> body(String type, String system, String commit, LocalDate saturday) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("title", "Raise posting limit " + type);
    body.put("systemId", system);
    body.put("changeType", type);
    if (type.equals("standard")) {
      body.put("standardChangeType", "STD-CONFIG-PARAMETER");
    }
    body.put("description", "Change the journal posting limit parameter");
    body.put("justification", "Finance asked for higher limits at quarter end");
    body.put("touchesFinancialData", true);
    body.put("implementationPlan", "Apply configuration through the pipeline");
    body.put("hasTestedRollback", true);
    body.put("rollbackPlan", "Re-apply the previous configuration");
    body.put("plannedStart", saturday + "T22:30:00");
    body.put("plannedEnd", saturday + "T23:30:00");
    body.put("repository", "acme/erp-gl");
    body.put("commits", commit == null ? List.of() : List.of(commit));
    body.put("testEvidence", "Regression suite run 4711 passed in QA");
    body.put("testEvidenceLinks", List.of("https://ci.example.com/runs/4711"));
    return body;
  }
}
