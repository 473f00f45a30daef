package org.itgc.change;

import java.time.Clock;
import java.util.Date;
import org.itgc.platform.calendar.BusinessCalendar;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Deadlines of the change process in business days, for the model's due dates and timer:
 * {@code ${changeDeadlines.approvalDue()}} and {@code ${changeDeadlines.emergencyApprovalDue()}}.
 */
@Component("changeDeadlines")
public class ChangeDeadlines {

  private final BusinessCalendar calendar;
  private final int approvalBusinessDays;
  private final int emergencyApprovalBusinessDays;
  private final Clock clock;

  public ChangeDeadlines(BusinessCalendar calendar, Clock clock,
      @Value("${itgc.change.approval-business-days:2}") int approvalBusinessDays,
      @Value("${itgc.change.emergency-approval-business-days:2}") int emergencyApprovalBusinessDays) {
    this.calendar = calendar;
    this.clock = clock;
    this.approvalBusinessDays = approvalBusinessDays;
    this.emergencyApprovalBusinessDays = emergencyApprovalBusinessDays;
  }

  /** Due date of an approval task created now. */
  public Date approvalDue() {
    return Date.from(calendar.addBusinessDays(clock.instant(), approvalBusinessDays));
  }

  /** Deadline (CM-04) of the retrospective approval of an emergency change implemented now. */
  public Date emergencyApprovalDue() {
    return Date.from(calendar.addBusinessDays(clock.instant(), emergencyApprovalBusinessDays));
  }

  public int emergencyApprovalBusinessDays() {
    return emergencyApprovalBusinessDays;
  }
}
