package org.itgc.access;

import java.util.List;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.springframework.stereotype.Component;

/**
 * The bean that {@code access-request.bpmn} and {@code access-revocation.bpmn} call as
 * {@code ${accessProcess.<step>(...)}}; each step hands over to its service.
 */
@Component("accessProcess")
public class AccessProcessGlue {

  private final AccessRequests requests;
  private final Revocations revocations;

  AccessProcessGlue(AccessRequests requests, Revocations revocations) {
    this.requests = requests;
    this.revocations = revocations;
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

  // access-revocation

  public List<String> revocationItems(DelegateExecution execution) {
    return revocations.itemsOf(execution);
  }

  public void startRemoval(DelegateExecution execution) {
    revocations.startItem(execution);
  }

  public void scheduleRemoval(DelegateExecution execution) {
    revocations.schedule(execution);
  }

  public boolean removedByConnector(DelegateExecution execution) {
    return revocations.removedByConnector(execution);
  }

  public void removeByConnector(DelegateExecution execution) {
    revocations.removeByConnector(execution);
  }

  public void remove(DelegateTask task) {
    revocations.remove(task);
  }

  public void remindRemoval(DelegateExecution execution) {
    revocations.remind(execution);
  }

  public void escalateRemoval(DelegateExecution execution) {
    revocations.escalate(execution);
  }
}
