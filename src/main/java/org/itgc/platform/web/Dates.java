package org.itgc.platform.web;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.itgc.platform.calendar.BusinessCalendar;
import org.springframework.stereotype.Component;

/**
 * Dates as the pages show them: in the business calendar's time zone, named, never raw ISO text. Templates call it
 * as {@code ${@dates.time(instant)}}.
 */
@Component("dates")
public class Dates {

  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEE d MMM uuuu", Locale.ENGLISH);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("EEE d MMM uuuu, HH:mm zzz", Locale.ENGLISH);

  private final BusinessCalendar calendar;

  public Dates(BusinessCalendar calendar) {
    this.calendar = calendar;
  }

  /** A day, such as "Fri 4 Dec 2026"; empty for none. */
  public String day(Instant instant) {
    return instant == null ? "" : DAY.format(instant.atZone(calendar.zone()));
  }

  /** A moment, such as "Fri 4 Dec 2026, 09:30 CET"; empty for none. */
  public String time(Instant instant) {
    return instant == null ? "" : TIME.format(instant.atZone(calendar.zone()));
  }

  /** The machine-readable form for {@code <time datetime>}. */
  public String iso(Instant instant) {
    return instant == null ? "" : instant.toString();
  }

  public String zone() {
    return calendar.zone().getId();
  }
}
