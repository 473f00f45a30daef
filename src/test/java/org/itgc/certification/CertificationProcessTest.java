package org.itgc.certification;

import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.complete;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.managementService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.taskService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.withVariables;
import static org.itgc.certification.CertificationProcess.Elements.*;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import jakarta.validation.Validation;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.itgc.platform.config.ConfigFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.itgc.support.DateSensitive;

/**
 * Every path of processes/access-certification.bpmn (and its quarterly schedule) on the in-memory engine: launch,
 * one task per reviewer, reminder, escalation and final deadline fired, the wait for revocations, closing by itself
 * and by hand. The glue is mocked; the campaign logic is tested in CertificationIT.
 */
@Deployment(resources = {"processes/access-certification.bpmn", "processes/access-certification-schedule.bpmn",
    "forms/certification-start.form", "forms/certification-review.form"})
@DateSensitive
class CertificationProcessTest {

  @RegisterExtension
  static ProcessEngineExtension engine = ProcessEngineExtension.builder().configurationResource("camunda-unit.cfg.xml").build();

  private final CertificationProcessGlue glue = mock(CertificationProcessGlue.class);
  static final Date REMINDER_AT = Date.from(Instant.parse("2027-01-15T22:00:00Z"));
  static final Date DUE_AT = Date.from(Instant.parse("2027-01-19T22:00:00Z"));
  static final Date FINAL_AT = Date.from(Instant.parse("2027-01-22T22:00:00Z"));

  @BeforeEach
  void beans() {
    var config = new ConfigFiles(Path.of("config"), Validation.buildDefaultValidatorFactory().getValidator());
    Mocks.register("certificationProcess", glue);
    Mocks.register("certificationSettings", new CertificationSettings(config));
    doAnswer(call -> {
      DelegateExecution execution = call.getArgument(0);
      execution.setVariable("campaignId", "CERT-2027-00001");
      execution.setVariable("reminderAt", REMINDER_AT);
      execution.setVariable("reviewDue", DUE_AT);
      execution.setVariable("finalDeadline", FINAL_AT);
      return null;
    }).when(glue).register(any());
    when(glue.reviewers(any())).thenReturn(List.of("fiona", "lucas"));
  }

  @AfterEach
  void reset() {
    Mocks.reset();
  }

  private ProcessInstance launched() {
    ProcessInstance instance = runtimeService().startProcessInstanceByKey(CertificationProcess.KEY,
        Map.of("initiator", "grace", "systems", "AP-PAY"));
    // the launch is asynchronous: the request that starts a large campaign does not wait for it
    assertThat(instance).isWaitingAt(LAUNCH);
    verify(glue, never()).launch(any());
    execute(managementService().createJobQuery().processInstanceId(instance.getId()).activityId(LAUNCH).singleResult());
    verify(glue).launch(any());
    return instance;
  }

  private Task reviewOf(ProcessInstance instance, String reviewer) {
    return taskService().createTaskQuery().processInstanceId(instance.getId()).taskAssignee(reviewer).singleResult();
  }

  private Job timer(ProcessInstance instance, String activity, String reviewer) {
    return managementService().createJobQuery().processInstanceId(instance.getId()).activityId(activity).list().stream()
        .filter(j -> reviewer.equals(runtimeService().getVariable(j.getExecutionId(), "reviewer"))).findFirst().orElseThrow();
  }

  @Test
  void eachReviewerGetsOneTaskAndTheCampaignClosesWhenRevocationsAreRemoved() {
    when(glue.revocationsRemoved(any())).thenReturn(true);
    ProcessInstance instance = launched();
    Task fiona = reviewOf(instance, "fiona");
    Task lucas = reviewOf(instance, "lucas");
    assertThat(fiona).isAssignedTo("fiona");
    org.assertj.core.api.Assertions.assertThat(fiona.getDueDate()).isEqualTo(DUE_AT);
    complete(fiona, withVariables("confirmDecided", true));
    assertThat(instance).isWaitingAt(REVIEW);
    complete(lucas, withVariables("confirmDecided", true));
    verify(glue, times(2)).reviewDone(any());
    assertThat(instance).hasPassed(CLOSE, END_CLOSED).isEnded();
    verify(glue, never()).applyNonResponse(any());
  }

  @Test
  void theReminderAndTheEscalationFireAndTheReviewerMayStillDecide() {
    when(glue.revocationsRemoved(any())).thenReturn(true);
    ProcessInstance instance = launched();
    Job reminder = timer(instance, REMINDER, "lucas");
    org.assertj.core.api.Assertions.assertThat(reminder.getDuedate()).isEqualTo(REMINDER_AT);
    execute(reminder);
    verify(glue).remind(any());
    Job due = timer(instance, ESCALATION, "lucas");
    org.assertj.core.api.Assertions.assertThat(due.getDuedate()).isEqualTo(DUE_AT);
    execute(due);
    verify(glue).escalate(any());
    assertThat(instance).hasPassed(REMIND, ESCALATE).isWaitingAt(REVIEW);
    complete(reviewOf(instance, "lucas"), withVariables("confirmDecided", true));
    complete(reviewOf(instance, "fiona"), withVariables("confirmDecided", true));
    assertThat(instance).isEnded();
  }

  @Test
  void atTheFinalDeadlineTheNonResponseActionEndsTheReview() {
    when(glue.revocationsRemoved(any())).thenReturn(true);
    ProcessInstance instance = launched();
    complete(reviewOf(instance, "fiona"), withVariables("confirmDecided", true));
    Job last = timer(instance, FINAL_DEADLINE, "lucas");
    org.assertj.core.api.Assertions.assertThat(last.getDuedate()).isEqualTo(FINAL_AT);
    execute(last);
    verify(glue).applyNonResponse(any());
    org.assertj.core.api.Assertions.assertThat(reviewOf(instance, "lucas")).isNull();
    assertThat(instance).hasPassed(NON_RESPONSE, "EndEvent_NonResponse", CLOSE).isEnded();
  }

  @Test
  void aReviewedCampaignWaitsForItsRevocationsThenClosesByItself() {
    when(glue.revocationsRemoved(any())).thenReturn(false);
    ProcessInstance instance = launched();
    complete(reviewOf(instance, "fiona"), withVariables("confirmDecided", true));
    complete(reviewOf(instance, "lucas"), withVariables("confirmDecided", true));
    assertThat(instance).isWaitingAt("Gateway_WaitOrClose");
    execute(managementService().createJobQuery().processInstanceId(instance.getId()).timers().singleResult());
    assertThat(instance).hasPassed(WAIT_FOR_REVOCATIONS).isWaitingAt("Gateway_WaitOrClose");
    when(glue.revocationsRemoved(any())).thenReturn(true);
    execute(managementService().createJobQuery().processInstanceId(instance.getId()).timers().singleResult());
    assertThat(instance).hasPassed(CLOSE).isEnded();
  }

  @Test
  void aGovernanceLeadClosesAReviewedCampaignByHand() {
    when(glue.revocationsRemoved(any())).thenReturn(false);
    ProcessInstance instance = launched();
    complete(reviewOf(instance, "fiona"), withVariables("confirmDecided", true));
    complete(reviewOf(instance, "lucas"), withVariables("confirmDecided", true));
    runtimeService().createMessageCorrelation(CertificationProcess.CLOSE_MESSAGE).processInstanceId(instance.getId()).correlate();
    verify(glue).close(any());
    assertThat(instance).hasPassed(CLOSE_REQUESTED, CLOSE, END_CLOSED).isEnded();
  }

  @Test
  void aReassignmentToSomeoneWithoutATaskAddsAReviewToTheRunningCampaign() {
    when(glue.revocationsRemoved(any())).thenReturn(true);
    ProcessInstance instance = launched();
    // what Campaigns.reassign does when the new reviewer has no task yet
    var body = java.util.Arrays.stream(runtimeService().getActivityInstance(instance.getId()).getChildActivityInstances())
        .filter(a -> (REVIEWS + "#multiInstanceBody").equals(a.getActivityId())).findFirst().orElseThrow();
    runtimeService().createProcessInstanceModification(instance.getId()).startBeforeActivity(REVIEWS, body.getId())
        .setVariableLocal("reviewer", "rita").execute();
    Task rita = reviewOf(instance, "rita");
    org.assertj.core.api.Assertions.assertThat(rita).isNotNull();
    org.assertj.core.api.Assertions.assertThat(timer(instance, FINAL_DEADLINE, "rita").getDuedate()).isEqualTo(FINAL_AT);
    complete(reviewOf(instance, "fiona"), withVariables("confirmDecided", true));
    complete(reviewOf(instance, "lucas"), withVariables("confirmDecided", true));
    assertThat(instance).isWaitingAt(REVIEW);
    complete(rita, withVariables("confirmDecided", true));
    assertThat(instance).hasPassed(CLOSE).isEnded();
  }

  @Test
  void theQuarterlyScheduleStartsACampaignWithTheScheduledScope() {
    Job schedule = managementService().createJobQuery().processDefinitionKey("access-certification-schedule").singleResult();
    org.assertj.core.api.Assertions.assertThat(schedule).as("the quarterly timer is armed").isNotNull();
    execute(schedule);
    ProcessInstance campaign = runtimeService().createProcessInstanceQuery().processDefinitionKey(CertificationProcess.KEY)
        .singleResult();
    assertThat(campaign).isWaitingAt(LAUNCH);
    org.assertj.core.api.Assertions.assertThat(runtimeService().getVariable(campaign.getId(), "initiator")).isNull();
  }
}
