package org.itgc.access;

import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.complete;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.managementService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.taskService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.withVariables;
import static org.itgc.access.PrivilegedElevationProcess.Elements.*;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.IdentityLink;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.itgc.support.DateSensitive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every path of processes/privileged-elevation.bpmn on the in-memory engine, the glue mocked: what it answers stands
 * for access_elevation (kind, approval by rule, rejection, expiry, review due). Just in time approved by a person,
 * rejected, approved by a rule; break-glass reviewed in time and late; a connector that keeps failing at provisioning
 * and at removal.
 */
@Deployment(resources = {"processes/privileged-elevation.bpmn", "forms/privileged-elevation-approval.form",
    "forms/privileged-elevation-provisioning.form",
    "forms/privileged-elevation-removal.form", "forms/privileged-elevation-review.form"})
@DateSensitive
class PrivilegedElevationProcessTest {

  @RegisterExtension
  static ProcessEngineExtension engine = ProcessEngineExtension.builder().configurationResource("camunda-unit.cfg.xml").build();

  static final Date APPROVAL_DUE = Date.from(Instant.parse("2026-12-07T22:00:00Z"));
  static final Date EXPIRES = Date.from(Instant.parse("2026-12-04T18:00:00Z"));
  static final Date REVIEW_DUE = Date.from(Instant.parse("2026-12-08T22:00:00Z"));

  private final ElevationProcessGlue glue = mock(ElevationProcessGlue.class);

  @BeforeEach
  void beans() {
    Mocks.register("elevationProcess", glue);
    when(glue.approverGroupsOf(any())).thenReturn("security-admin,system-owner");
    when(glue.approvalDue(any())).thenReturn(APPROVAL_DUE);
    when(glue.expiresAt(any())).thenReturn(EXPIRES);
    when(glue.reviewDue(any())).thenReturn(REVIEW_DUE);
  }

  @AfterEach
  void reset() {
    Mocks.reset();
  }

  private ProcessInstance start() {
    return runtimeService().createProcessInstanceByKey(PrivilegedElevationProcess.KEY).businessKey("ELV-2026-00001")
        .setVariable("elevationId", "ELV-2026-00001").execute();
  }

  private Task task(ProcessInstance instance, String key) {
    return taskService().createTaskQuery().processInstanceId(instance.getId()).taskDefinitionKey(key).singleResult();
  }

  private Job job(ProcessInstance instance) {
    return managementService().createJobQuery().processInstanceId(instance.getId()).singleResult();
  }

  private Job timer(ProcessInstance instance, String activity) {
    return managementService().createJobQuery().processInstanceId(instance.getId()).activityId(activity).timers()
        .singleResult();
  }

  private static List<String> candidateGroups(Task task) {
    return taskService().getIdentityLinksForTask(task.getId()).stream().map(IdentityLink::getGroupId)
        .filter(java.util.Objects::nonNull).sorted().toList();
  }

  /** Provisioning runs as a job (retries), then the timer waits until the elevation expires, then removal (a job). */
  private void provisionExpireRemove(ProcessInstance instance) {
    assertThat(instance).isWaitingAt(PROVISION);
    execute(job(instance));
    verify(glue).provision(any());
    assertThat(instance).isWaitingAt(UNTIL_EXPIRY);
    Job expiry = timer(instance, UNTIL_EXPIRY);
    org.assertj.core.api.Assertions.assertThat(expiry.getDuedate()).isEqualTo(EXPIRES);
    verify(glue, never()).remove(any());
    execute(expiry);
    assertThat(instance).isWaitingAt(REMOVE);
    execute(job(instance));
    verify(glue).remove(any());
  }

  @Test
  void aJustInTimeElevationApprovedByAPersonIsProvisionedAndRemovedAtExpiry() {
    ProcessInstance instance = start();
    verify(glue).register(any());
    Task approval = task(instance, APPROVE);
    org.assertj.core.api.Assertions.assertThat(candidateGroups(approval)).containsExactly("security-admin", "system-owner");
    org.assertj.core.api.Assertions.assertThat(approval.getDueDate()).isEqualTo(APPROVAL_DUE);
    complete(approval, withVariables("decision", "approve"));
    verify(glue).decide(any());
    provisionExpireRemove(instance);
    assertThat(instance).hasPassed(END_ENDED).hasNotPassed(ALERT_BREAK_GLASS, RECORD_AUTO_APPROVAL, REVIEW).isEnded();
    var order = inOrder(glue);
    order.verify(glue).register(any());
    order.verify(glue).decide(any());
    order.verify(glue).provision(any());
    order.verify(glue).remove(any());
  }

  @Test
  void aRejectedElevationIsRecordedAndNothingIsProvisioned() {
    when(glue.rejected(any())).thenReturn(true);
    ProcessInstance instance = start();
    complete(task(instance, APPROVE), withVariables("decision", "reject", "comment", "no change behind it"));
    verify(glue).recordRejection(any());
    verify(glue, never()).provision(any());
    assertThat(instance).hasPassed(RECORD_REJECTION, END_REJECTED).isEnded();
  }

  @Test
  void anElevationARuleApprovesWaitsForNoOne() {
    when(glue.autoApproved(any())).thenReturn(true);
    ProcessInstance instance = start();
    verify(glue).recordAutoApproval(any());
    assertThat(instance).hasNotPassed(APPROVE);
    provisionExpireRemove(instance);
    assertThat(instance).hasPassed(RECORD_AUTO_APPROVAL, END_ENDED).isEnded();
  }

  @Test
  void breakGlassAlertsAtOnceIsProvisionedWithoutApprovalAndReviewedAfterTheWindow() {
    when(glue.breakGlass(any())).thenReturn(true);
    ProcessInstance instance = start();
    verify(glue).alertBreakGlass(any());
    verify(glue, never()).autoApproved(any());
    assertThat(instance).hasNotPassed(APPROVE);
    verify(glue, never()).showWindowActivity(any());
    provisionExpireRemove(instance);
    Task review = task(instance, REVIEW);
    verify(glue).showWindowActivity(any());
    org.assertj.core.api.Assertions.assertThat(candidateGroups(review)).containsExactly("governance-lead", "security-admin");
    org.assertj.core.api.Assertions.assertThat(review.getDueDate()).isEqualTo(REVIEW_DUE);
    org.assertj.core.api.Assertions.assertThat(timer(instance, REVIEW_OVERDUE).getDuedate()).isEqualTo(REVIEW_DUE);
    complete(review, withVariables("reviewOutcome", "appropriate", "reviewComment", "restart of the payment batch only"));
    verify(glue).review(any());
    verify(glue, never()).raiseReviewException(any());
    assertThat(instance).hasPassed(ALERT_BREAK_GLASS, END_REVIEWED).hasNotPassed(END_ENDED).isEnded();
  }

  @Test
  void aBreakGlassReviewNotDoneInTimeRaisesTheExceptionAndStaysOpen() {
    when(glue.breakGlass(any())).thenReturn(true);
    ProcessInstance instance = start();
    provisionExpireRemove(instance);
    execute(timer(instance, REVIEW_OVERDUE));
    verify(glue).raiseReviewException(any());
    assertThat(instance).hasPassed(RAISE_REVIEW_EXCEPTION, END_REVIEW_OVERDUE).isWaitingAt(REVIEW);
    complete(task(instance, REVIEW), withVariables("reviewOutcome", "inappropriate", "reviewComment", "late, and "
        + "the vendor table was changed"));
    assertThat(instance).hasPassed(END_REVIEWED).isEnded();
  }

  @Test
  void aConnectorThatKeepsFailingHandsProvisioningAndRemovalToASecurityAdmin() {
    doThrow(new BpmnError(Provisioning.FAILED, "target away")).when(glue).provision(any());
    doThrow(new BpmnError(Provisioning.FAILED, "target away")).when(glue).remove(any());
    ProcessInstance instance = start();
    complete(task(instance, APPROVE), withVariables("decision", "approve"));
    execute(job(instance));
    Task byHand = task(instance, PROVISION_BY_HAND);
    org.assertj.core.api.Assertions.assertThat(candidateGroups(byHand)).containsExactly("security-admin");
    complete(byHand, withVariables("provisionMethod", "script", "provisionReference", "RUN-1"));
    verify(glue).provisionByHand(any());
    assertThat(instance).isWaitingAt(UNTIL_EXPIRY);
    execute(timer(instance, UNTIL_EXPIRY));
    execute(job(instance));
    Task removal = task(instance, REMOVE_BY_HAND);
    org.assertj.core.api.Assertions.assertThat(removal.getDueDate()).isEqualTo(EXPIRES);
    complete(removal, withVariables("removalMethod", "script", "removalReference", "RUN-2"));
    verify(glue).removeByHand(any());
    assertThat(instance).hasPassed("BoundaryEvent_ProvisioningFailed", "BoundaryEvent_RemovalFailed", END_ENDED)
        .isEnded();
  }
}
