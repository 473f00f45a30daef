package org.itgc.change;

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

  public ChangeDeadlines(BusinessCalendar calendar,
      @Value("${itgc.change.approval-business-days:2}") int approvalBusinessDays,
      @Value("${itgc.change.emergency-approval-business-days:2}") int emergencyApprovalBusinessDays) {
    this.calendar = calendar;
    this.approvalBusinessDays = approvalBusinessDays;
    this.emergencyApprovalBusinessDays = emergencyApprovalBusinessDays;
  }

  /** Due date of an approval task created now. */
  public Date approvalDue() {
    return calendar.addBusinessDays(now(), approvalBusinessDays);
  }

  /** Deadline (CM-04) of the retrospective approval of an emergency change implemented now. */
  public Date emergencyApprovalDue() {
    return calendar.addBusinessDays(now(), emergencyApprovalBusinessDays);
  }

  public int emergencyApprovalBusinessDays() {
    return emergencyApprovalBusinessDays;
  }

  /** The engine's clock, so that process tests that move it move the deadlines too. */
  private static Date now() {
    return org.camunda.bpm.engine.impl.util.ClockUtil.getCurrentTime();
  }
}
