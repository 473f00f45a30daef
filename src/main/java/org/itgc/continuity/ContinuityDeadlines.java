package org.itgc.continuity;

import java.util.Date;
import java.time.Clock;
import org.itgc.platform.calendar.BusinessCalendar;
import org.springframework.stereotype.Component;

/** Business-day deadlines of the continuity processes, for the models' due dates and timers. */
@Component("continuityDeadlines")
public class ContinuityDeadlines {

  private final BusinessCalendar calendar;
  private final ContinuitySettings settings;
  private final Clock clock;

  public ContinuityDeadlines(BusinessCalendar calendar, ContinuitySettings settings, Clock clock) {
    this.calendar = calendar;
    this.settings = settings;
    this.clock = clock;
  }

  public Date signOffDue() {
    return Date.from(calendar.addBusinessDays(clock.instant(), settings.signOffBusinessDays()));
  }

  public Date restoreRemediationDue() {
    return Date.from(calendar.addBusinessDays(clock.instant(), settings.restoreRemediationBusinessDays()));
  }

  public Date remediationDue() {
    return Date.from(calendar.addBusinessDays(clock.instant(), settings.drRemediationBusinessDays()));
  }
}
