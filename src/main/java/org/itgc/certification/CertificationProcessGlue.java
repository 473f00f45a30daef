package org.itgc.certification;

import java.util.List;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.itgc.certification.CertificationProcess.Data;
import org.itgc.certification.CertificationProcess.Fields;
import org.itgc.platform.TaskInputs;
import org.springframework.stereotype.Component;

/**
 * The bean that {@code access-certification.bpmn} calls as {@code ${certificationProcess.<step>(...)}}. The glue reads
 * the process's data through its typed declarations ({@link CertificationProcess.Data}) and the start's fields, calls
 * the phase of the step with plain values and records ({@link CampaignLaunch}, {@link CampaignReviews},
 * {@link CampaignDeadlines}, {@link CampaignClosure}) and writes back what it answers. Which campaign an instance is
 * the phases read from {@code cert_campaign} by process instance, never from a variable; the reviewer of a review, its
 * reminder and its deadlines is the engine's loop variable.
 */
@Component("certificationProcess")
public class CertificationProcessGlue {

  private final CampaignLaunch launch;
  private final CampaignReviews reviews;
  private final CampaignDeadlines deadlines;
  private final CampaignClosure closure;
  private final TaskInputs inputs;

  CertificationProcessGlue(CampaignLaunch launch, CampaignReviews reviews, CampaignDeadlines deadlines,
      CampaignClosure closure, TaskInputs inputs) {
    this.launch = launch;
    this.reviews = reviews;
    this.deadlines = deadlines;
    this.closure = closure;
    this.inputs = inputs;
  }

  public void register(DelegateExecution execution) {
    CampaignLaunch.Registered registered = launch.register(new CampaignLaunch.Registration(
        execution.getProcessInstanceId(), Data.INITIATOR.read(execution).orElse(null),
        startField(execution, Fields.NAME), startField(execution, Fields.TIERS), startField(execution, Fields.SYSTEMS),
        !Boolean.FALSE.equals(execution.getVariable(Fields.INCLUDE_PRIVILEGED)),
        !Boolean.FALSE.equals(execution.getVariable(Fields.INCLUDE_SERVICE_ACCOUNTS)),
        asSent(execution, Fields.DUE_BUSINESS_DAYS)));
    Data.CAMPAIGN_ID.write(execution, registered.campaignId());
    Data.NAME.write(execution, registered.name());
    Data.REVIEW_DUE.write(execution, registered.reviewDue());
    Data.REMINDER_AT.write(execution, registered.reminderAt());
    Data.FINAL_DEADLINE.write(execution, registered.finalDeadline());
    Data.WORKLIST_URL.write(execution, registered.worklistUrl());
  }

  public void launch(DelegateExecution execution) {
    Data.SUMMARY.write(execution, launch.launch(execution.getProcessInstanceId()));
  }

  public List<String> reviewers(DelegateExecution execution) {
    return launch.reviewers(execution.getProcessInstanceId());
  }

  /** Task_ReviewAccess created: what the form shows of the reviewer's own items, written local to the task. */
  public void reviewOpened(DelegateTask task) {
    task.setVariableLocal(Data.REVIEW_SUMMARY.name(), reviews.reviewSummary(task.getProcessInstanceId(),
        Data.REVIEWER.require(task.getExecution())));
  }

  public void reviewDone(DelegateTask task) {
    String actor = inputs.requireActor(task);
    reviews.completeReview(task.getProcessInstanceId(), Data.REVIEWER.read(task.getExecution()).orElse(null), actor);
  }

  public void remind(DelegateExecution execution) {
    deadlines.remind(execution.getProcessInstanceId(), Data.REVIEWER.require(execution));
  }

  public void escalate(DelegateExecution execution) {
    deadlines.escalate(execution.getProcessInstanceId(), Data.REVIEWER.require(execution));
  }

  public void applyNonResponse(DelegateExecution execution) {
    deadlines.applyNonResponse(execution.getProcessInstanceId(), Data.REVIEWER.require(execution));
  }

  public boolean revocationsRemoved(DelegateExecution execution) {
    return closure.revocationsRemoved(execution.getProcessInstanceId());
  }

  public void close(DelegateExecution execution) {
    closure.close(execution.getProcessInstanceId());
  }

  /**
   * A field of the start (the form's or the API's) as a text, stripped, null when empty: the start's fields become
   * process variables as the client sent them, of any type.
   */
  private static String startField(DelegateExecution execution, String name) {
    Object value = execution.getVariable(name);
    return value == null || value.toString().isBlank() ? null : value.toString().strip();
  }

  /** A field of the start as the client sent it, as a text; null when empty. */
  private static String asSent(DelegateExecution execution, String name) {
    Object value = execution.getVariable(name);
    return value == null || value.toString().isBlank() ? null : value.toString();
  }
}
