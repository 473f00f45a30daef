package org.itgc.change;

import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.complete;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.job;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.task;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.taskService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.withVariables;
import static org.itgc.change.ChangeProcess.Elements.*;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import jakarta.validation.Validation;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.itgc.platform.calendar.BusinessCalendar;
import org.itgc.platform.config.ConfigFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.itgc.support.DateSensitive;

/**
 * Every path of processes/change-request.bpmn on the in-memory engine, with the real change-criticality decision
 * and business calendar, and the process glue mocked (its behaviour is tested over HTTP in ChangeManagementIT).
 */
@Deployment(resources = {"processes/change-request.bpmn", "dmn/change-criticality.dmn", "forms/change-request-start.form",
    "forms/change-request-rework.form", "forms/change-review.form", "forms/change-approval.form",
    "forms/change-implementation.form", "forms/change-post-implementation-review.form", "forms/change-rollback.form"})
@DateSensitive
class ChangeRequestProcessTest {

  @RegisterExtension
  static ProcessEngineExtension engine = ProcessEngineExtension.builder().configurationResource("camunda-unit.cfg.xml").build();

  private final ChangeProcessGlue glue = mock(ChangeProcessGlue.class);

  @BeforeEach
  void registerBeans() {
    Mocks.register("changeProcess", glue);
    Mocks.register("changeDeadlines", new ChangeDeadlines(new BusinessCalendar(
        new ConfigFiles(Path.of("config"), Validation.buildDefaultValidatorFactory().getValidator())), new org.itgc.platform.EngineClock(), 2, 2));
  }

  @AfterEach
  void reset() {
    Mocks.reset();
  }

  private ProcessInstance start(String type, String tier, boolean financial, boolean outsideWindow) {
    Map<String, Object> variables = new HashMap<>();
    variables.put("changeId", "CHG-TEST-1");
    variables.put("requester", "rachel");
    variables.put("changeType", type);
    variables.put("systemTier", tier);
    variables.put("touchesFinancialData", financial);
    variables.put("hasTestedRollback", true);
    variables.put("outsideMaintenanceWindow", outsideWindow);
    variables.put("scheduleConflict", false);
    return runtimeService().startProcessInstanceByKey(ChangeProcess.KEY, variables);
  }

  private static Map<String, Object> decision(String decision) {
    return withVariables("decision", decision, "comment", "reasons for " + decision);
  }

  @Test
  void aPreApprovedStandardChangeSkipsReviewsAndIsImplementedReviewedAndClosed() {
    ProcessInstance instance = start("standard", "tier3", false, false);
    assertThat(instance).isWaitingAt(IMPLEMENT).variables().containsEntry("criticality", "low");
    assertThat(task(instance)).hasCandidateGroup("deployer");
    complete(task(instance), withVariables("deploymentReference", "pipeline #1", "implementationNotes", "done"));
    assertThat(instance).isWaitingAt(POST_IMPLEMENTATION_REVIEW);
    complete(task(instance), withVariables("reviewOutcome", "success", "reviewComment", "fine"));
    assertThat(instance).isEnded().hasPassed(END_CLOSED).hasNotPassed(TECHNICAL_REVIEW, CAB_REVIEW, IT_APPROVAL);
    verify(glue).register(any(DelegateExecution.class));
    verify(glue).recordAssessment(any(DelegateExecution.class));
    verify(glue).implement(any(DelegateTask.class));
    verify(glue).close(any(DelegateExecution.class));
  }

  @Test
  void aNormalChangeOnTier1NeedsTechnicalCabItAndFinanceApprovalBeforeImplementation() {
    ProcessInstance instance = start("normal", "tier1", true, false);
    assertThat(instance).isWaitingAt(TECHNICAL_REVIEW);
    assertThat(task(instance)).hasCandidateGroup("system-owner");
    org.assertj.core.api.Assertions.assertThat(task(instance).getDueDate()).as("approval tasks have a business-day due date").isNotNull();
    complete(task(instance), decision("approve"));
    assertThat(instance).isWaitingAt(CAB_REVIEW);
    assertThat(task(instance)).hasCandidateGroup("cab");
    complete(task(instance), decision("approve"));
    assertThat(instance).isWaitingAt(IT_APPROVAL);
    assertThat(task(instance)).hasCandidateGroup("it-approver");
    complete(task(instance), decision("approve"));
    assertThat(instance).isWaitingAt(FINANCE_APPROVAL);
    assertThat(task(instance)).hasCandidateGroup("finance-approver");
    complete(task(instance), decision("approve"));
    assertThat(instance).isWaitingAt(IMPLEMENT).variables().containsEntry("cabDecision", "approve")
        .containsEntry("financeComment", "reasons for approve");
    complete(task(instance), withVariables("deploymentReference", "r", "implementationNotes", "n"));
    complete(task(instance), withVariables("reviewOutcome", "success", "reviewComment", "fine"));
    assertThat(instance).isEnded().hasPassed(END_CLOSED);
    verify(glue, times(4)).decide(any(DelegateTask.class));
    verify(glue).readyForImplementation(any(DelegateTask.class));
  }

  @Test
  void aLowRiskNormalChangeOnTier3GoesFromTechnicalReviewToItApprovalWithoutCabOrFinance() {
    ProcessInstance instance = start("normal", "tier3", false, false);
    complete(task(instance), decision("approve"));
    assertThat(instance).isWaitingAt(IT_APPROVAL);
    complete(task(instance), decision("approve"));
    assertThat(instance).isWaitingAt(IMPLEMENT).hasNotPassed(CAB_REVIEW, FINANCE_APPROVAL);
  }

  @Test
  void aChangeRejectedByTheCabEndsRejected() {
    ProcessInstance instance = start("normal", "tier2", false, false);
    complete(task(instance), decision("approve"));
    assertThat(instance).isWaitingAt(CAB_REVIEW);
    complete(task(instance), decision("reject"));
    assertThat(instance).isEnded().hasPassed(END_REJECTED).hasNotPassed(IT_APPROVAL, IMPLEMENT);
    verify(glue).reject(any(DelegateExecution.class));
  }

  @Test
  void reworkLoopsBackToTheRequesterAndThroughRegistrationAndAssessmentAgain() {
    ProcessInstance instance = start("normal", "tier2", false, false);
    complete(task(instance), decision("rework"));
    assertThat(instance).isWaitingAt(REWORK);
    assertThat(task(instance)).isAssignedTo("rachel");
    complete(task(instance), withVariables("justification", "better reasons"));
    assertThat(instance).isWaitingAt(TECHNICAL_REVIEW);
    complete(task(instance), decision("approve"));
    assertThat(instance).isWaitingAt(CAB_REVIEW);
    complete(task(instance), decision("rework"));
    assertThat(instance).isWaitingAt(REWORK);
    verify(glue, times(2)).register(any(DelegateExecution.class));
    verify(glue, times(2)).recordAssessment(any(DelegateExecution.class));
  }

  @Test
  void aStandardChangeOutsideTheMaintenanceWindowGoesToTheCab() {
    ProcessInstance instance = start("standard", "tier2", false, true);
    assertThat(instance).isWaitingAt(TECHNICAL_REVIEW);
    complete(task(instance), decision("approve"));
    assertThat(instance).isWaitingAt(CAB_REVIEW);
  }

  @Test
  void anEmergencyChangeIsImplementedFirstAndApprovedInTimeAfterwards() {
    ProcessInstance instance = start("emergency", "tier1", true, false);
    assertThat(instance).isWaitingAt(IMPLEMENT_EMERGENCY);
    complete(task(instance), withVariables("deploymentReference", "hotfix", "implementationNotes", "n"));
    assertThat(instance).isWaitingAt(RETRO_CAB, RETRO_IT, RETRO_FINANCE);
    assertThat(job(instance)).as("the CM-04 deadline timer").isNotNull();
    for (String taskKey : new String[] {RETRO_CAB, RETRO_IT, RETRO_FINANCE}) {
      complete(taskService().createTaskQuery().processInstanceId(instance.getId()).taskDefinitionKey(taskKey)
          .singleResult(), decision("approve"));
    }
    assertThat(instance).isWaitingAt(POST_IMPLEMENTATION_REVIEW).hasNotPassed(RECORD_EMERGENCY_OVERDUE);
    org.assertj.core.api.Assertions.assertThat(engine.getManagementService().createJobQuery().processInstanceId(instance.getId()).count())
        .as("the deadline timer is gone once approved").isZero();
    complete(task(instance), withVariables("reviewOutcome", "success", "reviewComment", "ok"));
    assertThat(instance).isEnded().hasPassed(END_CLOSED);
  }

  @Test
  void aMissedEmergencyDeadlineRecordsTheExceptionAndTheApprovalsAreStillRequired() {
    ProcessInstance instance = start("emergency", "tier1", true, false);
    complete(task(instance), withVariables("deploymentReference", "hotfix", "implementationNotes", "n"));
    var timer = job(instance);
    org.assertj.core.api.Assertions.assertThat(timer.getDuedate()).as("due in business days").isNotNull();
    execute(timer);
    assertThat(instance).hasPassed(RECORD_EMERGENCY_OVERDUE, END_OVERDUE_RECORDED)
        .isWaitingAt(RETRO_CAB, RETRO_IT, RETRO_FINANCE);
    verify(glue).emergencyApprovalOverdue(any(DelegateExecution.class));
  }

  @Test
  void anEmergencyChangeRejectedAfterTheFactIsRolledBack() {
    ProcessInstance instance = start("emergency", "tier2", false, false);
    complete(task(instance), withVariables("deploymentReference", "hotfix", "implementationNotes", "n"));
    complete(taskService().createTaskQuery().taskDefinitionKey(RETRO_CAB).singleResult(), decision("reject"));
    complete(taskService().createTaskQuery().taskDefinitionKey(RETRO_IT).singleResult(), decision("approve"));
    complete(taskService().createTaskQuery().taskDefinitionKey(RETRO_FINANCE).singleResult(), decision("approve"));
    assertThat(instance).isWaitingAt(ROLL_BACK_EMERGENCY);
    complete(task(instance), withVariables("rollbackDetails", "reverted", "rollbackConfirmed", true));
    assertThat(instance).isEnded().hasPassed(END_REJECTED);
    verify(glue).rollBack(any(DelegateTask.class));
  }

  @Test
  void aFailedImplementationRecordsTheRollbackAndOpensAFollowUp() {
    ProcessInstance instance = start("standard", "tier3", false, false);
    complete(task(instance), withVariables("deploymentReference", "r", "implementationNotes", "n"));
    complete(task(instance), withVariables("reviewOutcome", "failed", "reviewComment", "broke", "rollbackDetails", "reverted"));
    assertThat(instance).isEnded().hasPassed(END_FAILED).hasNotPassed(END_CLOSED);
    verify(glue).openFollowUp(any(DelegateExecution.class));
  }
}
