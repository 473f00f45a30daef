package org.itgc.continuity;

import java.util.Date;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.itgc.platform.calendar.BusinessCalendar;
import org.springframework.stereotype.Component;

/** Business-day deadlines of the continuity processes, for the models' due dates and timers. */
@Component("continuityDeadlines")
public class ContinuityDeadlines {

  private final BusinessCalendar calendar;
  private final ContinuitySettings settings;

  public ContinuityDeadlines(BusinessCalendar calendar, ContinuitySettings settings) {
    this.calendar = calendar;
    this.settings = settings;
  }

  public Date signOffDue() {
    return calendar.addBusinessDays(ClockUtil.getCurrentTime(), settings.signOffBusinessDays());
  }

  public Date restoreRemediationDue() {
    return calendar.addBusinessDays(ClockUtil.getCurrentTime(), settings.restoreRemediationBusinessDays());
  }

  public Date remediationDue() {
    return calendar.addBusinessDays(ClockUtil.getCurrentTime(), settings.drRemediationBusinessDays());
  }
}
