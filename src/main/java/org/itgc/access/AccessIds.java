package org.itgc.access;

import java.time.Clock;
import org.itgc.platform.calendar.BusinessCalendar;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Readable ids of access records, one sequence for all: AR (request), SE (SoD exception), RV (revocation). */
@Component
class AccessIds {

  private final JdbcTemplate jdbc;
  private final BusinessCalendar calendar;
  private final Clock clock;

  AccessIds(JdbcTemplate jdbc, BusinessCalendar calendar, Clock clock) {
    this.jdbc = jdbc;
    this.calendar = calendar;
    this.clock = clock;
  }

  /** For example AR-2026-00042. */
  String next(String prefix) {
    return prefix + "-" + clock.instant().atZone(calendar.zone()).getYear() + "-"
        + String.format(java.util.Locale.ROOT, "%05d", jdbc.queryForObject("select nextval('access_number')", Long.class));
  }
}
