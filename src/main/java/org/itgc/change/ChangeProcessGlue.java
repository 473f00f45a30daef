package org.itgc.change;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.VariableScope;
import org.itgc.change.ChangeProcess.Data;
import org.itgc.change.ChangeProcess.Fields;
import org.itgc.platform.ModelProperties;
import org.itgc.platform.TaskInputs;
import org.springframework.stereotype.Component;

/**
 * The bean that {@code change-request.bpmn} calls as {@code ${changeProcess.<step>(execution|task)}}. The glue reads
 * the process's data through its typed declarations ({@link ChangeProcess.Data}) and the forms' fields as submitted
 * ({@link ChangeProcess.Fields}), calls {@link ChangeService} with plain values and records, and writes what it
 * answers back to the process. Which change a step works on is the one registered for the process instance (the
 * service finds it by the instance's id), never a variable.
 */
@Component("changeProcess")
public class ChangeProcessGlue {

  private final ChangeService changes;
  private final ChangeValidation validation;
  private final TaskInputs inputs;
  private final ChangeDisplay display;

  ChangeProcessGlue(ChangeService changes, ChangeValidation validation, TaskInputs inputs, ChangeDisplay display) {
    this.display = display;
    this.changes = changes;
    this.validation = validation;
    this.inputs = inputs;
  }

  public void register(DelegateExecution execution) {
    ChangeRequestInput input = validation.fromVariables(execution.getVariables());
    ChangeService.Registered registered = changes.register(execution.getProcessInstanceId(), input,
        Data.REQUESTER.read(execution).orElse(null), Data.FOLLOW_UP_OF.read(execution).orElse(null));
    if (registered.first()) {
      execution.setProcessBusinessKey(registered.changeId());
      Data.CHANGE_ID.write(execution, registered.changeId());
    }
    Data.SYSTEM_TIER.write(execution, registered.systemTier());
    Data.OUTSIDE_MAINTENANCE_WINDOW.write(execution, registered.outsideMaintenanceWindow());
    Data.SCHEDULE_CONFLICT.write(execution, registered.scheduleConflict());
    Data.SCHEDULE_FINDINGS.write(execution, registered.scheduleFindings());
    // what the forms show (display only, from the server's records)
    display.of(execution.getProcessInstanceId()).forEach(execution::setVariable);
  }

  public void recordAssessment(DelegateExecution execution) {
    // the decision's inputs as it was given them: the request's flags as submitted, the rest as register wrote them
    Map<String, String> decisionInputs = Map.of(
        Data.SYSTEM_TIER.name(), String.valueOf(Data.SYSTEM_TIER.read(execution).orElse(null)),
        Data.CHANGE_TYPE.name(), String.valueOf(Data.CHANGE_TYPE.read(execution).orElse(null)),
        Fields.TOUCHES_FINANCIAL_DATA, String.valueOf(submitted(execution, Fields.TOUCHES_FINANCIAL_DATA)),
        Fields.HAS_TESTED_ROLLBACK, String.valueOf(submitted(execution, Fields.HAS_TESTED_ROLLBACK)),
        Data.OUTSIDE_MAINTENANCE_WINDOW.name(),
        String.valueOf(Data.OUTSIDE_MAINTENANCE_WINDOW.read(execution).orElse(null)));
    String decisionDefinitionId = changes.recordAssessment(execution.getProcessInstanceId(), new ChangeService.Assessed(
        Data.ASSESSMENT.require(execution), decisionInputs, Data.CHANGE_TYPE.read(execution).orElse(null),
        submitted(execution, Fields.TEST_EVIDENCE)));
    // the same inputs, typed as the decision was given them, for the forms' explanation (display only)
    Map<String, Object> given = new HashMap<>();
    for (String name : List.of(Data.SYSTEM_TIER.name(), Data.CHANGE_TYPE.name(), Fields.TOUCHES_FINANCIAL_DATA,
        Fields.HAS_TESTED_ROLLBACK, Data.OUTSIDE_MAINTENANCE_WINDOW.name())) {
      given.put(name, execution.getVariable(name));
    }
    execution.setVariable(ChangeProcess.Display.CRITICALITY_EXPLANATION, display.criticalityExplanation(
        decisionDefinitionId, given, Data.ASSESSMENT.require(execution)));
  }

  public void decide(DelegateTask task) {
    ChangeProcess.ApprovalStep step = ModelProperties.of(task, ChangeProcess.APPROVAL_STEP_PROPERTY)
        .flatMap(ChangeProcess.ApprovalStep::of)
        .orElseThrow(() -> new IllegalStateException("task " + task.getTaskDefinitionKey() + " has no approvalStep"));
    // the task's own answers (the decision and comment are local to the task), as submitted: not stripped
    changes.decide(task.getProcessInstanceId(), new ChangeService.Decision(completion(task), step,
        submitted(task, Fields.DECISION), submitted(task, Fields.COMMENT)));
    // the next task's form shows this decision with the earlier ones (display only, from change_approval)
    task.getExecution().getProcessInstance().setVariable(ChangeProcess.Display.DECISIONS,
        display.decisionsSoFar(task.getProcessInstanceId()));
  }

  public void readyForImplementation(DelegateTask task) {
    changes.readyForImplementation(task.getProcessInstanceId());
  }

  public void implement(DelegateTask task) {
    changes.implement(task.getProcessInstanceId(), new ChangeService.Implementation(completion(task),
        TaskInputs.optional(task, Fields.DEPLOYMENT_REFERENCE), TaskInputs.optional(task, Fields.IMPLEMENTATION_NOTES)));
  }

  public void review(DelegateTask task) {
    changes.review(task.getProcessInstanceId(), new ChangeService.Review(completion(task),
        TaskInputs.optional(task, Fields.REVIEW_OUTCOME), TaskInputs.optional(task, Fields.REVIEW_COMMENT),
        TaskInputs.optional(task, Fields.ROLLBACK_DETAILS)));
  }

  public void rollBack(DelegateTask task) {
    changes.rollBack(task.getProcessInstanceId(), new ChangeService.Rollback(inputs.requireActor(task),
        TaskInputs.optional(task, Fields.ROLLBACK_DETAILS),
        Boolean.TRUE.equals(task.getVariable(Fields.ROLLBACK_CONFIRMED))));
  }

  public void reject(DelegateExecution execution) {
    changes.reject(execution.getProcessInstanceId());
  }

  public void close(DelegateExecution execution) {
    changes.close(execution.getProcessInstanceId());
  }

  public void openFollowUp(DelegateExecution execution) {
    // the request's fields as the failed change's process holds them, for the follow-up's rework form
    Map<String, Object> request = new HashMap<>();
    for (String field : Fields.REQUEST) {
      request.put(field, execution.getVariable(field));
    }
    request.put(Data.REQUESTER.name(), Data.REQUESTER.read(execution).orElse(null));
    changes.openFollowUp(execution.getProcessInstanceId(), request);
  }

  public void emergencyApprovalOverdue(DelegateExecution execution) {
    changes.emergencyApprovalOverdue(execution.getProcessInstanceId());
  }

  /** Who completes the task (refused when nobody can be named) and which task it is. */
  private ChangeService.Completion completion(DelegateTask task) {
    return new ChangeService.Completion(inputs.requireActor(task), task.getTaskDefinitionKey(), task.getId());
  }

  /** A form's field as submitted, as text (not stripped), or null when absent. */
  private static String submitted(VariableScope scope, String field) {
    Object value = scope.getVariable(field);
    return value == null ? null : value.toString();
  }
}
