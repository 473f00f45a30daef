package org.itgc.access;

import java.util.Date;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.itgc.access.PrivilegedElevationProcess.Data;
import org.itgc.access.PrivilegedElevationProcess.Display;
import org.itgc.access.PrivilegedElevationProcess.Fields;
import org.itgc.platform.TaskInputs;
import org.springframework.stereotype.Component;

/**
 * The bean that {@code privileged-elevation.bpmn} calls as {@code ${elevationProcess.<step>(...)}}: thin. Which
 * elevation an instance is, and everything a gateway or timer decides on, {@link Elevations} reads from
 * {@code access_elevation} by process instance; the forms' fields are read from the completed task only.
 */
@Component("elevationProcess")
public class ElevationProcessGlue {

  private final Elevations elevations;
  private final TaskInputs inputs;

  ElevationProcessGlue(Elevations elevations, TaskInputs inputs) {
    this.elevations = elevations;
    this.inputs = inputs;
  }

  public void register(DelegateExecution execution) {
    String text = elevations.register(Data.ELEVATION.read(execution).orElse(null), execution.getProcessInstanceId());
    execution.setVariable(Display.ELEVATION, text);
  }

  public boolean breakGlass(DelegateExecution execution) {
    return elevations.breakGlass(execution.getProcessInstanceId());
  }

  public boolean autoApproved(DelegateExecution execution) {
    return elevations.autoApproved(execution.getProcessInstanceId());
  }

  public boolean rejected(DelegateExecution execution) {
    return elevations.rejected(execution.getProcessInstanceId());
  }

  public String approverGroupsOf(DelegateExecution execution) {
    return elevations.approverGroupsOf(execution.getProcessInstanceId());
  }

  public Date approvalDue(DelegateExecution execution) {
    return elevations.approvalDue(execution.getProcessInstanceId());
  }

  public Date expiresAt(DelegateExecution execution) {
    return elevations.expiresAt(execution.getProcessInstanceId());
  }

  public Date reviewDue(DelegateExecution execution) {
    return elevations.reviewDue(execution.getProcessInstanceId());
  }

  public void alertBreakGlass(DelegateExecution execution) {
    elevations.alertBreakGlass(execution.getProcessInstanceId());
  }

  public void recordAutoApproval(DelegateExecution execution) {
    elevations.recordAutoApproval(execution.getProcessInstanceId());
  }

  public void decide(DelegateTask task) {
    elevations.decide(new Elevations.Decision(task.getProcessInstanceId(), task.getId(), inputs.requireActor(task),
        TaskInputs.optional(task, Fields.DECISION), TaskInputs.optional(task, Fields.COMMENT)));
  }

  public void recordRejection(DelegateExecution execution) {
    elevations.recordRejection(execution.getProcessInstanceId());
  }

  public void provision(DelegateExecution execution) {
    elevations.provision(execution.getProcessInstanceId(), execution.getCurrentActivityId());
    refreshDisplay(execution);
  }

  public void provisionByHand(DelegateTask task) {
    elevations.provisionByHand(byHand(task, Fields.PROVISION_METHOD, Fields.PROVISION_REFERENCE));
    refreshDisplay(task.getExecution());
  }

  public void remove(DelegateExecution execution) {
    elevations.remove(execution.getProcessInstanceId(), execution.getCurrentActivityId());
    refreshDisplay(execution);
  }

  public void removeByHand(DelegateTask task) {
    elevations.removeByHand(byHand(task, Fields.REMOVAL_METHOD, Fields.REMOVAL_REFERENCE));
    refreshDisplay(task.getExecution());
  }

  /** The review task, as it is created: the person's events in the engine during the window, local to the task. */
  public void showWindowActivity(DelegateTask task) {
    task.setVariableLocal(Display.WINDOW_ACTIVITY, elevations.windowActivityText(task.getProcessInstanceId()));
  }

  public void review(DelegateTask task) {
    elevations.review(new Elevations.Review(task.getProcessInstanceId(), task.getId(), inputs.requireActor(task),
        TaskInputs.optional(task, Fields.REVIEW_OUTCOME), TaskInputs.optional(task, Fields.REVIEW_COMMENT)));
  }

  public void raiseReviewException(DelegateExecution execution) {
    elevations.raiseReviewException(execution.getProcessInstanceId());
  }

  private Elevations.ByHand byHand(DelegateTask task, String method, String reference) {
    return new Elevations.ByHand(task.getProcessInstanceId(), task.getId(), inputs.requireActor(task), method,
        reference, TaskInputs.optional(task, method), TaskInputs.optional(task, reference));
  }

  private void refreshDisplay(DelegateExecution execution) {
    execution.getProcessInstance().setVariable(Display.ELEVATION,
        elevations.describe(elevations.ofInstance(execution.getProcessInstanceId())));
  }
}
