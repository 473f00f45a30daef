package org.itgc.change;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.springframework.stereotype.Component;

/**
 * The bean that {@code change-request.bpmn} calls as {@code ${changeProcess.<step>(execution|task)}}: one method per
 * step, each handing over to {@link ChangeService}. Nothing else happens here.
 */
@Component("changeProcess")
public class ChangeProcessGlue {

  private final ChangeService changes;

  ChangeProcessGlue(ChangeService changes) {
    this.changes = changes;
  }

  public void register(DelegateExecution execution) {
    changes.register(execution);
  }

  public void recordAssessment(DelegateExecution execution) {
    changes.recordAssessment(execution);
  }

  public void decide(DelegateTask task) {
    changes.decide(task);
  }

  public void readyForImplementation(DelegateTask task) {
    changes.readyForImplementation(task);
  }

  public void implement(DelegateTask task) {
    changes.implement(task);
  }

  public void review(DelegateTask task) {
    changes.review(task);
  }

  public void rollBack(DelegateTask task) {
    changes.rollBack(task);
  }

  public void reject(DelegateExecution execution) {
    changes.reject(execution);
  }

  public void close(DelegateExecution execution) {
    changes.close(execution);
  }

  public void openFollowUp(DelegateExecution execution) {
    changes.openFollowUp(execution);
  }

  public void emergencyApprovalOverdue(DelegateExecution execution) {
    changes.emergencyApprovalOverdue(execution);
  }
}
