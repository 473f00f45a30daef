package org.itgc.access;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.itgc.platform.TaskInputs;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.platform.web.InvalidInputException.FieldError;
import org.springframework.stereotype.Component;

/**
 * The bean that {@code access-request.bpmn} and {@code access-revocation.bpmn} call as
 * {@code ${accessProcess.<step>(...)}}. For {@code access-revocation} the glue reads the process's data through its
 * typed declarations ({@link AccessRevocationProcess.Data}) and the form's fields, and calls {@link Revocations} with
 * plain values; the access request's steps still hand the execution to {@link AccessRequests} (issue #21).
 */
@Component("accessProcess")
public class AccessProcessGlue {

  private final AccessRequests requests;
  private final Revocations revocations;
  private final TaskInputs inputs;

  AccessProcessGlue(AccessRequests requests, Revocations revocations, TaskInputs inputs) {
    this.requests = requests;
    this.revocations = revocations;
    this.inputs = inputs;
  }

  // access-request

  public void register(DelegateExecution execution) {
    requests.register(execution);
  }

  public String lineManagerOf(DelegateExecution execution) {
    return requests.lineManagerOf(execution);
  }

  public String lineManagerGroupOf(DelegateExecution execution) {
    return requests.lineManagerGroupOf(execution);
  }

  public String privilegedApproverGroupsOf(DelegateExecution execution) {
    return requests.privilegedApproverGroupsOf(execution);
  }

  public List<String> systemOwnersOf(DelegateExecution execution) {
    return requests.systemOwnersOf(execution);
  }

  public List<String> systemsOf(DelegateExecution execution) {
    return requests.systemsOf(execution);
  }

  public void decide(DelegateTask task) {
    requests.decide(task);
  }

  public void recordException(DelegateExecution execution) {
    requests.recordException(execution);
  }

  public boolean provisionedByConnector(DelegateExecution execution) {
    return requests.provisionedByConnector(execution);
  }

  public void provisionByConnector(DelegateExecution execution) {
    requests.provisionByConnector(execution);
  }

  public void fulfil(DelegateTask task) {
    requests.fulfil(task);
  }

  public void reject(DelegateExecution execution) {
    requests.reject(execution);
  }

  public void rejectForConflict(DelegateExecution execution) {
    requests.rejectForConflict(execution);
  }

  public void reopenExpiredException(DelegateExecution execution) {
    requests.reopenExpiredException(execution);
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
  }

  public void scheduleRemoval(DelegateExecution execution) {
    Revocations.Schedule schedule = revocations.schedule(item(execution),
        AccessRevocationProcess.Data.SLA_BUSINESS_DAYS.read(execution).orElse(null));
    AccessRevocationProcess.Data.DEADLINE.write(execution, schedule.deadline());
    AccessRevocationProcess.Data.REMINDER_AT.write(execution, schedule.reminderAt());
    AccessRevocationProcess.Data.SUMMARY.write(execution, schedule.summary(AccessRevocationProcess.Data.SUMMARY.read(execution).orElse("")));
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
