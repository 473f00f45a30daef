package org.itgc.continuity;

import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.complete;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.managementService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.taskService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.withVariables;
import static org.itgc.continuity.DrTestProcess.Elements.*;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.itgc.support.DateSensitive;

/** Every path of processes/dr-test.bpmn on the in-memory engine; the glue is mocked, the judgement is a variable. */
@Deployment(resources = {"processes/dr-test.bpmn", "processes/dr-test-schedule.bpmn", "forms/dr-test-start.form", "forms/dr-test-plan.form",
    "forms/dr-test-execution.form", "forms/dr-test-sign-off.form", "forms/dr-test-remediation.form"})
@DateSensitive
class DrTestProcessTest {

  @RegisterExtension
  static ProcessEngineExtension engine = ProcessEngineExtension.builder().configurationResource("camunda-unit.cfg.xml").build();

  private final ContinuityProcessGlue glue = mock(ContinuityProcessGlue.class);

  @BeforeEach
  void beans() {
    ContinuityMocks.register(glue);
    when(glue.systemsInScope(any())).thenReturn(List.of("ERP-GL"));
  }

  @AfterEach
  void reset() {
    Mocks.reset();
  }

  /** The judgement the real glue would make, as the mocked glue's answer. */
  private void judgeAs(boolean passed) {
    doAnswer(call -> {
      DelegateTask task = call.getArgument(0);
      task.setVariable("drPassed", passed);
      task.setVariable("judgement", passed ? "PASSED" : "FAILED");
      return null;
    }).when(glue).recordExecution(any());
  }

  private Task task(ProcessInstance instance, String key) {
    return taskService().createTaskQuery().processInstanceId(instance.getId()).taskDefinitionKey(key).singleResult();
  }

  private ProcessInstance startByHand() {
    return runtimeService().startProcessInstanceByKey(DrTestProcess.KEY, Map.of("systemId", "ERP-GL"));
  }

  private void planAndRecord(ProcessInstance instance) {
    complete(task(instance, PLAN), withVariables("scenario", "data centre loss", "participants", "ops",
        "plannedDate", "2027-01-20"));
    complete(task(instance, RECORD), withVariables("outageDeclared", "2027-01-20T10:00:00Z",
        "serviceRestored", "2027-01-20T12:00:00Z", "lastRecoveredPoint", "2027-01-20T09:55:00Z"));
  }

  @Test
  void aPassedTestIsSignedOffByTheOwnerAndItAndEnds() {
    judgeAs(true);
    ProcessInstance instance = startByHand();
    assertThat(instance).isWaitingAt(PLAN);
    assertThat(task(instance, PLAN)).hasCandidateGroup("system-owner");
    planAndRecord(instance);
    assertThat(instance).isWaitingAt(OWNER_SIGN_OFF, IT_SIGN_OFF);
    assertThat(task(instance, IT_SIGN_OFF)).hasCandidateGroup("it-approver");
    complete(task(instance, OWNER_SIGN_OFF), withVariables("signOffConfirmed", true, "signOffComment", "ok"));
    complete(task(instance, IT_SIGN_OFF), withVariables("signOffConfirmed", true, "signOffComment", "ok"));
    assertThat(instance).isEnded().hasPassed(END_PASSED, END_ALL_TESTED).hasNotPassed(RECORD_FAILURE);
    verify(glue).plan(any(DelegateTask.class));
    verify(glue, org.mockito.Mockito.times(2)).signOff(any(DelegateTask.class));
  }

  @Test
  void aFailedTestRecordsTheExceptionOpensRemediationAndIsTestedAgainAfterTheWait() {
    judgeAs(false);
    ProcessInstance instance = startByHand();
    planAndRecord(instance);
    complete(task(instance, OWNER_SIGN_OFF), withVariables("signOffConfirmed", true, "signOffComment", "ok"));
    complete(task(instance, IT_SIGN_OFF), withVariables("signOffConfirmed", true, "signOffComment", "ok"));
    assertThat(instance).hasPassed(RECORD_FAILURE).isWaitingAt(REMEDIATE);
    verify(glue).recordFailure(any(DelegateExecution.class));
    org.assertj.core.api.Assertions.assertThat(task(instance, REMEDIATE).getDueDate()).isNotNull();
    complete(task(instance, REMEDIATE), withVariables("remediation", "faster restore scripts"));
    assertThat(instance).isWaitingAt(WAIT_FOR_RETEST);
    execute(managementService().createJobQuery().processInstanceId(instance.getId()).activityId(WAIT_FOR_RETEST)
        .singleResult());
    assertThat(instance).isWaitingAt(PLAN);
  }

  @Test
  void aMissingSignOffIsEscalatedWhenItsDeadlinePasses() {
    judgeAs(true);
    ProcessInstance instance = startByHand();
    planAndRecord(instance);
    complete(task(instance, OWNER_SIGN_OFF), withVariables("signOffConfirmed", true, "signOffComment", "ok"));
    execute(managementService().createJobQuery().processInstanceId(instance.getId()).activityId(SIGN_OFF_OVERDUE)
        .singleResult());
    assertThat(instance).hasPassed(ESCALATE_SIGN_OFF).isWaitingAt(IT_SIGN_OFF);
    verify(glue).escalateSignOff(any(DelegateExecution.class));
  }

  @Test
  void theAnnualTimerStartsOneTestPerSystemInScope() {
    when(glue.systemsInScope(any())).thenReturn(List.of("ERP-GL", "AP-PAY", "PAYROLL"));
    var timer = managementService().createJobQuery().processDefinitionKey("dr-test-schedule").timers().singleResult();
    org.assertj.core.api.Assertions.assertThat(timer).as("the annual campaign is scheduled at deployment").isNotNull();
    execute(timer);
    var instance = runtimeService().createProcessInstanceQuery().processDefinitionKey(DrTestProcess.KEY).singleResult();
    org.assertj.core.api.Assertions.assertThat(taskService().createTaskQuery().processInstanceId(instance.getId())
        .taskDefinitionKey(PLAN).count()).isEqualTo(3);
    verify(glue).selectSystems(any(DelegateExecution.class));
  }
}
