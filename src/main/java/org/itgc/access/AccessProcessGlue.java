package org.itgc.access;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.itgc.access.AccessRequestProcess.Data;
import org.itgc.access.AccessRequestProcess.Fields;
import org.itgc.platform.TaskInputs;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.platform.web.InvalidInputException.FieldError;
import org.springframework.stereotype.Component;

/**
 * The bean that {@code access-request.bpmn} and {@code access-revocation.bpmn} call as
 * {@code ${accessProcess.<step>(...)}}. The glue reads each process's data through its typed declarations
 * ({@link AccessRequestProcess.Data}, {@link AccessRevocationProcess.Data}) and the forms' fields, calls the service of
 * the step with plain values and records, and writes back what it answers. For {@code access-request} the phases are
 * {@link AccessRequestSubmission}, {@link AccessRequestRouting}, {@link AccessRequestDecisions} and
 * {@link AccessRequestFulfilment}; for {@code access-revocation}, {@link Revocations}. Which request an instance is,
 * and who requested it for whom, the services read from the request's table by process instance, never from a
 * variable.
 */
@Component("accessProcess")
public class AccessProcessGlue {

  private final AccessRequestSubmission submission;
  private final AccessRequestRouting routing;
  private final AccessRequestDecisions decisions;
  private final AccessRequestFulfilment fulfilment;
  private final Revocations revocations;
  private final TaskInputs inputs;
  private final AccessDisplay display;

  AccessProcessGlue(AccessRequestSubmission submission, AccessRequestRouting routing,
      AccessRequestDecisions decisions, AccessRequestFulfilment fulfilment, Revocations revocations,
      TaskInputs inputs, AccessDisplay display) {
    this.display = display;
    this.submission = submission;
    this.routing = routing;
    this.decisions = decisions;
    this.fulfilment = fulfilment;
    this.revocations = revocations;
    this.inputs = inputs;
  }

  // access-request: the process's data and the forms' fields read here, the phases behind

  public void register(DelegateExecution execution) {
    AccessRequestSubmission.Registered registered = submission.register(new AccessRequestSubmission.Registration(
        execution.getProcessInstanceId(), Data.REQUESTER.read(execution).orElse(null),
        startField(execution, Fields.BENEFICIARY_ID), startField(execution, Fields.ENTITLEMENTS),
        Arrays.asList(startField(execution, Fields.ENTITLEMENT_1), startField(execution, Fields.ENTITLEMENT_2),
            startField(execution, Fields.ENTITLEMENT_3)),
        startField(execution, Fields.JUSTIFICATION)));
    Data.REQUEST_ID.write(execution, registered.requestId());
    Data.BENEFICIARY_ID.write(execution, registered.beneficiaryId());
    Data.SOD_CONFLICT.write(execution, registered.sodConflict());
    Data.SOD_CONFLICTS.write(execution, registered.sodConflicts());
    Data.PRIVILEGED.write(execution, registered.privileged());
    Data.REJECTED.write(execution, false);
    Data.EXCEPTION_GRANTED.write(execution, false);
    if (Data.EXCEPTION_REQUESTED.read(execution).isEmpty()) {
      Data.EXCEPTION_REQUESTED.write(execution, false);
    }
    Data.SUMMARY.write(execution, registered.summary());
    // what the forms show (display only, from the request's items, the inventory and the catalogue)
    execution.setVariable(AccessRequestProcess.Display.REQUESTED_ACCESS,
        display.requestedAccess(execution.getProcessInstanceId()));
  }

  /**
   * A system owner's task, as it is created: the system it approves by name and tier, local to the task (display
   * only). The system is the engine's loop variable on the task's execution.
   */
  public void showOwnerSystem(DelegateTask task) {
    task.setVariableLocal(AccessRequestProcess.Display.OWNER_SYSTEM,
        display.system(Data.SYSTEM.readLocal(task.getExecution()).orElse(null)));
  }

  public String lineManagerOf(DelegateExecution execution) {
    return routing.lineManagerOf(execution.getProcessInstanceId());
  }

  public String lineManagerGroupOf(DelegateExecution execution) {
    return routing.lineManagerGroupOf(execution.getProcessInstanceId());
  }

  public String privilegedApproverGroupsOf(DelegateExecution execution) {
    return routing.privilegedApproverGroupsOf(execution.getProcessInstanceId());
  }

  /** The system of one owner's task is the engine's own loop variable, local to the loop instance's execution. */
  public List<String> systemOwnersOf(DelegateExecution execution) {
    return routing.systemOwnersOf(Data.SYSTEM.readLocal(execution).orElse(null));
  }

  public List<String> systemsOf(DelegateExecution execution) {
    return routing.systemsOf(execution.getProcessInstanceId());
  }

  public void decide(DelegateTask task) {
    String actor = inputs.requireActor(task);
    // the system of an owner's task: the loop variable on the task's execution, never a task-local variable that a
    // client could have set
    String system = AccessRequestProcess.Elements.SYSTEM_OWNER_APPROVAL.equals(task.getTaskDefinitionKey())
        ? Data.SYSTEM.readLocal(task.getExecution()).orElse(null) : null;
    AccessRequestDecisions.Decided decided = decisions.decide(new AccessRequestDecisions.Decision(
        task.getProcessInstanceId(), task.getTaskDefinitionKey(), task.getId(), system, actor,
        TaskInputs.optional(task, Fields.DECISION), TaskInputs.optional(task, Fields.COMMENT),
        TaskInputs.optional(task, Fields.MITIGATING_CONTROL), TaskInputs.optional(task, Fields.EXCEPTION_EXPIRES)));
    // the form's answers stay with its task; the process keeps what the server accepted
    DelegateExecution instance = task.getExecution().getProcessInstance();
    if (decided.rejected()) {
      Data.REJECTED.write(instance, true);
    }
    if (decided.mitigatingControl() != null) {
      Data.MITIGATING_CONTROL.write(instance, decided.mitigatingControl());
    }
    if (decided.exceptionExpiresAt() != null) {
      Data.EXCEPTION_EXPIRES_AT.write(instance, decided.exceptionExpiresAt());
    }
  }

  public void recordException(DelegateExecution execution) {
    decisions.recordException(execution.getProcessInstanceId(), Data.EXCEPTION_EXPIRES_AT.require(execution),
        Data.MITIGATING_CONTROL.read(execution).orElse(null));
    Data.EXCEPTION_GRANTED.write(execution, true);
  }

  public boolean provisionedByConnector(DelegateExecution execution) {
    return fulfilment.provisionedByConnector(execution.getProcessInstanceId());
  }

  public void provisionByConnector(DelegateExecution execution) {
    fulfilment.provisionByConnector(execution.getProcessInstanceId(), execution.getCurrentActivityId());
  }

  public void fulfil(DelegateTask task) {
    String actor = inputs.requireActor(task);
    fulfilment.fulfil(new AccessRequestFulfilment.Fulfilment(task.getProcessInstanceId(),
        task.getTaskDefinitionKey(), task.getId(), actor, TaskInputs.optional(task, Fields.FULFILMENT_METHOD),
        TaskInputs.optional(task, Fields.FULFILMENT_REFERENCE)));
  }

  public void reject(DelegateExecution execution) {
    fulfilment.reject(execution.getProcessInstanceId());
  }

  public void rejectForConflict(DelegateExecution execution) {
    fulfilment.rejectForConflict(execution.getProcessInstanceId(), Data.SOD_CONFLICTS.read(execution).orElse(null));
  }

  public void reopenExpiredException(DelegateExecution execution) {
    decisions.reopenExpiredException(execution.getProcessInstanceId());
  }

  /**
   * A field of the start (the form's or the API's) as a text, stripped, null when empty: the start's fields become
   * process variables as the client sent them, of any type.
   */
  private static String startField(DelegateExecution execution, String name) {
    Object value = execution.getVariable(name);
    return value == null || value.toString().isBlank() ? null : value.toString().strip();
  }

  // access-revocation: the process's data and the removal form's fields read here, the rules in Revocations

  public List<String> revocationItems(DelegateExecution execution) {
    return revocations.itemIdsOf(AccessRevocationProcess.Data.REVOCATION.require(execution));
  }

  public void startRemoval(DelegateExecution execution) {
    Revocations.Removal removal = revocations.startItem(item(execution));
    AccessRevocationProcess.Data.SYSTEM.write(execution, removal.systemId());
    AccessRevocationProcess.Data.ENTITLEMENT.write(execution, removal.entitlementId());
    AccessRevocationProcess.Data.SYSTEM_TIER.write(execution, removal.systemTier());
    AccessRevocationProcess.Data.PRIVILEGED.write(execution, removal.privileged());
    AccessRevocationProcess.Data.SUMMARY.write(execution, removal.summary());
    // what the removal form shows (display only, from the item, the inventory and the catalogue)
    execution.setVariable(AccessRevocationProcess.Display.ACCESS,
        display.entitlement(removal.systemId(), removal.entitlementId(), removal.privileged()));
  }

  public void scheduleRemoval(DelegateExecution execution) {
    Revocations.Schedule schedule = revocations.schedule(item(execution),
        AccessRevocationProcess.Data.SLA_BUSINESS_DAYS.read(execution).orElse(null));
    AccessRevocationProcess.Data.DEADLINE.write(execution, schedule.deadline());
    AccessRevocationProcess.Data.REMINDER_AT.write(execution, schedule.reminderAt());
    AccessRevocationProcess.Data.SUMMARY.write(execution, schedule.summary(AccessRevocationProcess.Data.SUMMARY.read(execution).orElse("")));
    execution.setVariable(AccessRevocationProcess.Display.DUE, display.time(schedule.deadline()));
  }

  public boolean removedByConnector(DelegateExecution execution) {
    return revocations.removedByConnector(AccessRevocationProcess.Data.SYSTEM.require(execution));
  }

  public void removeByConnector(DelegateExecution execution) {
    revocations.removeByConnector(item(execution), execution.getProcessInstanceId(), execution.getCurrentActivityId());
  }

  public void remove(DelegateTask task) {
    String actor = inputs.requireActor(task);
    List<FieldError> errors = new ArrayList<>();
    Instant removedAt = inputs.instant(task, AccessRevocationProcess.Fields.REMOVED_AT, errors);
    String method = TaskInputs.required(task, AccessRevocationProcess.Fields.METHOD, errors);
    String reference = TaskInputs.required(task, AccessRevocationProcess.Fields.REFERENCE, errors);
    InvalidInputException.ifAny(errors);
    revocations.remove(item(task.getExecution()), new Revocations.ManualRemoval(removedAt, method, reference, actor));
  }

  public void remindRemoval(DelegateExecution execution) {
    revocations.remind(item(execution));
  }

  public void escalateRemoval(DelegateExecution execution) {
    revocations.escalate(item(execution));
  }

  private static long item(DelegateExecution execution) {
    return Long.parseLong(AccessRevocationProcess.Data.ITEM.require(execution));
  }
}
