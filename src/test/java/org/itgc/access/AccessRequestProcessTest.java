package org.itgc.access;

import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.complete;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.job;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.taskService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.withVariables;
import static org.itgc.access.AccessRequestProcess.Elements.*;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.BpmnError;
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

/**
 * Every path of processes/access-request.bpmn on the in-memory engine. The glue is mocked: what it decides (conflict,
 * privileged, rejection) is set as the real glue would set it; who may decide is tested against the real glue in
 * AccessLifecycleIT.
 */
@Deployment(resources = {"processes/access-request.bpmn", "forms/access-request-start.form",
    "forms/access-request-approval.form", "forms/access-request-exception.form", "forms/access-request-fulfilment.form"})
@DateSensitive
class AccessRequestProcessTest {

  @RegisterExtension
  static ProcessEngineExtension engine = ProcessEngineExtension.builder().configurationResource("camunda-unit.cfg.xml").build();

  private final AccessProcessGlue glue = mock(AccessProcessGlue.class);

  @BeforeEach
  void beans() {
    Mocks.register("accessProcess", glue);
    when(glue.systemsOf(any())).thenReturn(List.of("ERP-GL"));
    when(glue.lineManagerOf(any())).thenReturn("lucas");
    when(glue.lineManagerGroupOf(any())).thenReturn("line-manager");
    when(glue.systemOwnersOf(any())).thenReturn(List.of());
    when(glue.privilegedApproverGroupsOf(any())).thenReturn("security-admin");
    // an approver's decision: a rejection is what the gateways read
    doAnswer(call -> {
      DelegateTask task = call.getArgument(0);
      if ("reject".equals(task.getVariable("decision"))) {
        task.getExecution().getProcessInstance().setVariable("rejected", true);
      }
      if (SECURITY_EXCEPTION_APPROVAL.equals(task.getTaskDefinitionKey()) && "approve".equals(task.getVariable("decision"))) {
        task.getExecution().getProcessInstance().setVariable("sodExceptionExpiresAt", Date.from(Instant.parse("2027-03-01T05:00:00Z")));
      }
      return null;
    }).when(glue).decide(any());
    doAnswer(call -> {
      DelegateExecution execution = call.getArgument(0);
      execution.setVariable("sodExceptionGranted", true);
      return null;
    }).when(glue).recordException(any());
  }

  @AfterEach
  void reset() {
    Mocks.reset();
  }

  private void registerAs(boolean conflict, boolean privileged) {
    doAnswer(call -> {
      DelegateExecution execution = call.getArgument(0);
      execution.setVariable("accessRequestId", "AR-2026-00001");
      execution.setVariable("sodConflict", conflict);
      execution.setVariable("privileged", privileged);
      execution.setVariable("rejected", false);
      execution.setVariable("sodExceptionGranted", false);
      return null;
    }).when(glue).register(any());
  }

  private ProcessInstance start(boolean exceptionRequested) {
    return runtimeService().startProcessInstanceByKey(AccessRequestProcess.KEY, Map.of("requester", "rachel",
        "entitlement1", "ERP-GL/GL_READ_ONLY", "justification", "month-end reporting", "exceptionRequested", exceptionRequested));
  }

  private Task task(ProcessInstance instance, String key) {
    return taskService().createTaskQuery().processInstanceId(instance.getId()).taskDefinitionKey(key).singleResult();
  }

  private static Map<String, Object> approve() {
    return withVariables("decision", "approve");
  }

  private static Map<String, Object> reject() {
    return withVariables("decision", "reject", "comment", "not needed for the job");
  }

  @Test
  void aRequestWithoutConflictIsApprovedByLineManagerAndOwnerThenFulfilledByAPerson() {
    registerAs(false, false);
    ProcessInstance instance = start(false);
    assertThat(instance).isWaitingAt(LINE_MANAGER_APPROVAL);
    assertThat(task(instance, LINE_MANAGER_APPROVAL)).isAssignedTo("lucas");
    complete(task(instance, LINE_MANAGER_APPROVAL), approve());
    assertThat(instance).isWaitingAt(SYSTEM_OWNER_APPROVAL);
    assertThat(task(instance, SYSTEM_OWNER_APPROVAL)).hasCandidateGroup("system-owner");
    complete(task(instance, SYSTEM_OWNER_APPROVAL), approve());
    assertThat(instance).isWaitingAt(FULFIL);
    assertThat(task(instance, FULFIL)).hasCandidateGroup("security-admin");
    complete(task(instance, FULFIL), withVariables("fulfilmentMethod", "system-console", "fulfilmentReference", "CHG-1"));
    assertThat(instance).hasPassed(END_GRANTED).isEnded();
    assertThat(instance).hasNotPassed(SECURITY_ADMIN_APPROVAL, SECURITY_EXCEPTION_APPROVAL);
    verify(glue).fulfil(any());
  }

  @Test
  void whenHrNamesNoManagerTheLineManagersStepGoesToSecurityAdminsNotToAnyLineManager() {
    registerAs(false, false);
    when(glue.lineManagerOf(any())).thenReturn(null);
    when(glue.lineManagerGroupOf(any())).thenReturn("security-admin");
    ProcessInstance instance = start(false);
    assertThat(instance).isWaitingAt(LINE_MANAGER_APPROVAL);
    assertThat(task(instance, LINE_MANAGER_APPROVAL)).isNotAssigned().hasCandidateGroup("security-admin");
    org.assertj.core.api.Assertions.assertThat(taskService().createTaskQuery().processInstanceId(instance.getId())
        .taskCandidateGroup("line-manager").count()).as("no line manager sees the task").isZero();
  }

  @Test
  void eachSystemOwnerApprovesTheirSystem() {
    registerAs(false, false);
    when(glue.systemsOf(any())).thenReturn(List.of("ERP-GL", "AP-PAY"));
    ProcessInstance instance = start(false);
    complete(task(instance, LINE_MANAGER_APPROVAL), approve());
    List<Task> owners = taskService().createTaskQuery().processInstanceId(instance.getId())
        .taskDefinitionKey(SYSTEM_OWNER_APPROVAL).list();
    org.assertj.core.api.Assertions.assertThat(owners).hasSize(2);
    org.assertj.core.api.Assertions.assertThat(owners.stream().map(t -> taskService().getVariable(t.getId(), "systemId")).toList())
        .containsExactlyInAnyOrder("ERP-GL", "AP-PAY");
    complete(owners.get(0), approve());
    assertThat(instance).isWaitingAt(SYSTEM_OWNER_APPROVAL);
    complete(owners.get(1), approve());
    assertThat(instance).isWaitingAt(FULFIL);
  }

  @Test
  void privilegedAccessNeedsASecurityAdminAndAConnectorProvisionsIt() {
    registerAs(false, true);
    when(glue.provisionedByConnector(any())).thenReturn(true);
    ProcessInstance instance = start(false);
    complete(task(instance, LINE_MANAGER_APPROVAL), approve());
    complete(task(instance, SYSTEM_OWNER_APPROVAL), approve());
    assertThat(instance).isWaitingAt(SECURITY_ADMIN_APPROVAL);
    assertThat(task(instance, SECURITY_ADMIN_APPROVAL)).hasCandidateGroup("security-admin");
    complete(task(instance, SECURITY_ADMIN_APPROVAL), approve());
    assertThat(instance).isWaitingAt(PROVISION_BY_CONNECTOR);
    execute(job(instance));
    verify(glue).provisionByConnector(any());
    assertThat(instance).hasPassed(END_GRANTED).hasNotPassed(FULFIL).isEnded();
  }

  @Test
  void aRequestForThisEnginesOwnRolesGoesToTheEnginesOwnersAndASecondSecurityAdminOrAGovernanceLead() {
    registerAs(false, true);
    when(glue.systemsOf(any())).thenReturn(List.of("ITGC-ENGINE"));
    when(glue.systemOwnersOf(any())).thenReturn(List.of("grace", "admin"));
    when(glue.privilegedApproverGroupsOf(any())).thenReturn("security-admin,governance-lead");
    when(glue.provisionedByConnector(any())).thenReturn(true);
    ProcessInstance instance = start(false);
    complete(task(instance, LINE_MANAGER_APPROVAL), approve());
    assertThat(task(instance, SYSTEM_OWNER_APPROVAL)).hasCandidateUser("grace").hasCandidateUser("admin")
        .hasCandidateGroup("system-owner");
    complete(task(instance, SYSTEM_OWNER_APPROVAL), approve());
    assertThat(task(instance, SECURITY_ADMIN_APPROVAL)).hasCandidateGroup("security-admin")
        .hasCandidateGroup("governance-lead");
    complete(task(instance, SECURITY_ADMIN_APPROVAL), approve());
    execute(job(instance));
    assertThat(instance).hasPassed(END_GRANTED).isEnded();
  }

  @Test
  void aConnectorThatFailsOnItsLastAttemptHandsTheWorkToAPerson() {
    registerAs(false, false);
    when(glue.provisionedByConnector(any())).thenReturn(true);
    doThrow(new BpmnError(Provisioning.FAILED, "connector down")).when(glue).provisionByConnector(any());
    ProcessInstance instance = start(false);
    complete(task(instance, LINE_MANAGER_APPROVAL), approve());
    complete(task(instance, SYSTEM_OWNER_APPROVAL), approve());
    execute(job(instance));
    assertThat(instance).isWaitingAt(FULFIL);
    complete(task(instance, FULFIL), withVariables("fulfilmentMethod", "script", "fulfilmentReference", "run 7"));
    assertThat(instance).hasPassed("BoundaryEvent_ProvisioningFailed", END_GRANTED).isEnded();
  }

  @Test
  void aConnectorFailureBeforeTheLastAttemptIsRetriedNotLost() {
    registerAs(false, false);
    when(glue.provisionedByConnector(any())).thenReturn(true);
    doThrow(new IllegalStateException("timeout")).when(glue).provisionByConnector(any());
    ProcessInstance instance = start(false);
    complete(task(instance, LINE_MANAGER_APPROVAL), approve());
    complete(task(instance, SYSTEM_OWNER_APPROVAL), approve());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> execute(job(instance))).hasMessageContaining("timeout");
    assertThat(instance).isWaitingAt(PROVISION_BY_CONNECTOR);
    org.assertj.core.api.Assertions.assertThat(job(instance).getRetries()).isEqualTo(2);
  }

  @Test
  void aLineManagerRejectionEndsTheRequest() {
    registerAs(false, false);
    ProcessInstance instance = start(false);
    complete(task(instance, LINE_MANAGER_APPROVAL), reject());
    assertThat(instance).hasPassed("Task_RecordRejection", END_REJECTED).hasNotPassed(SYSTEM_OWNER_APPROVAL).isEnded();
    verify(glue).reject(any());
  }

  @Test
  void oneOwnerRejectingEndsTheOtherOwnersTasks() {
    registerAs(false, false);
    when(glue.systemsOf(any())).thenReturn(List.of("ERP-GL", "AP-PAY"));
    ProcessInstance instance = start(false);
    complete(task(instance, LINE_MANAGER_APPROVAL), approve());
    Task first = taskService().createTaskQuery().processInstanceId(instance.getId()).taskDefinitionKey(SYSTEM_OWNER_APPROVAL).list().get(0);
    complete(first, reject());
    assertThat(instance).hasPassed(END_REJECTED).isEnded();
  }

  @Test
  void aSecurityAdminRejectingPrivilegedAccessEndsTheRequest() {
    registerAs(false, true);
    ProcessInstance instance = start(false);
    complete(task(instance, LINE_MANAGER_APPROVAL), approve());
    complete(task(instance, SYSTEM_OWNER_APPROVAL), approve());
    complete(task(instance, SECURITY_ADMIN_APPROVAL), reject());
    assertThat(instance).hasPassed(END_REJECTED).hasNotPassed(FULFIL).isEnded();
  }

  @Test
  void aConflictingRequestIsStoppedBeforeAnyApproval() {
    registerAs(true, false);
    ProcessInstance instance = start(false);
    assertThat(instance).hasPassed("Task_RejectForConflict", END_REJECTED_FOR_CONFLICT).isEnded();
    assertThat(instance).hasNotPassed(LINE_MANAGER_APPROVAL, SECURITY_EXCEPTION_APPROVAL);
    verify(glue).rejectForConflict(any());
  }

  @Test
  void anExceptionApprovedBySecurityAndFinanceIsGrantedAndReopensAsAFindingWhenItExpires() {
    registerAs(true, false);
    ProcessInstance instance = start(true);
    assertThat(instance).isWaitingAt(SECURITY_EXCEPTION_APPROVAL);
    assertThat(task(instance, SECURITY_EXCEPTION_APPROVAL)).hasCandidateGroup("security-admin");
    complete(task(instance, SECURITY_EXCEPTION_APPROVAL), withVariables("decision", "approve",
        "mitigatingControl", "weekly review of payments by the controller", "exceptionExpires", "2027-03-01"));
    assertThat(task(instance, FINANCE_EXCEPTION_APPROVAL)).hasCandidateGroup("finance-approver");
    complete(task(instance, FINANCE_EXCEPTION_APPROVAL), approve());
    verify(glue).recordException(any());
    complete(task(instance, LINE_MANAGER_APPROVAL), approve());
    complete(task(instance, SYSTEM_OWNER_APPROVAL), approve());
    complete(task(instance, FULFIL), withVariables("fulfilmentMethod", "ticket", "fulfilmentReference", "T-1"));
    assertThat(instance).isWaitingAt(EXCEPTION_EXPIRES);
    org.assertj.core.api.Assertions.assertThat(job(instance).getDuedate()).isEqualTo(Date.from(Instant.parse("2027-03-01T05:00:00Z")));
    verify(glue, never()).reopenExpiredException(any());
    execute(job(instance));
    verify(glue, times(1)).reopenExpiredException(any());
    assertThat(instance).hasPassed(REOPEN_EXCEPTION, END_EXCEPTION_EXPIRED).isEnded();
  }

  @Test
  void anExceptionRejectedBySecurityOrFinanceEndsTheRequest() {
    registerAs(true, false);
    ProcessInstance bySecurity = start(true);
    complete(task(bySecurity, SECURITY_EXCEPTION_APPROVAL), reject());
    assertThat(bySecurity).hasPassed(END_REJECTED).hasNotPassed(FINANCE_EXCEPTION_APPROVAL).isEnded();

    ProcessInstance byFinance = start(true);
    complete(task(byFinance, SECURITY_EXCEPTION_APPROVAL), withVariables("decision", "approve",
        "mitigatingControl", "weekly review of payments by the controller", "exceptionExpires", "2027-03-01"));
    complete(task(byFinance, FINANCE_EXCEPTION_APPROVAL), reject());
    assertThat(byFinance).hasPassed(END_REJECTED).hasNotPassed(LINE_MANAGER_APPROVAL).isEnded();
  }
}
