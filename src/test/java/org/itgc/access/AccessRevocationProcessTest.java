package org.itgc.access;

import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.complete;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.managementService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.taskService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.withVariables;
import static org.itgc.access.AccessRevocationProcess.Elements.*;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.runtime.Job;
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
 * Every path of processes/access-revocation.bpmn on the in-memory engine, with the real revocation-sla decision: the
 * SLA each grant gets, the reminder and the deadline timers fired, removal by a person or a connector.
 */
@Deployment(resources = {"processes/access-revocation.bpmn", "dmn/revocation-sla.dmn", "forms/access-revocation-removal.form"})
@DateSensitive
class AccessRevocationProcessTest {

  @RegisterExtension
  static ProcessEngineExtension engine = ProcessEngineExtension.builder().configurationResource("camunda-unit.cfg.xml").build();

  private final AccessProcessGlue glue = mock(AccessProcessGlue.class);
  private final List<Integer> slas = new ArrayList<>();
  private static final Map<String, Object[]> GRANTS = Map.of(
      "1", new Object[] {"ERP-GL", "tier1", false},
      "2", new Object[] {"BI-REPORTING", "tier3", false},
      "3", new Object[] {"PAYROLL", "tier2", true});

  @BeforeEach
  void beans() {
    Mocks.register("accessProcess", glue);
    doAnswer(call -> {
      DelegateExecution execution = call.getArgument(0);
      Object[] grant = GRANTS.get(execution.getVariable("revocationItemId"));
      execution.setVariable("systemId", grant[0]);
      execution.setVariable("systemTier", grant[1]);
      execution.setVariable("privileged", grant[2]);
      return null;
    }).when(glue).startRemoval(any());
    doAnswer(call -> {
      DelegateExecution execution = call.getArgument(0);
      slas.add(((Number) execution.getVariable("slaBusinessDays")).intValue());
      execution.setVariable("removalReminderAt", Date.from(Instant.parse("2026-12-01T14:00:00Z")));
      execution.setVariable("removalDeadline", Date.from(Instant.parse("2026-12-01T22:00:00Z")));
      return null;
    }).when(glue).scheduleRemoval(any());
  }

  @AfterEach
  void reset() {
    Mocks.reset();
  }

  private ProcessInstance start(String reason, String... items) {
    when(glue.revocationItems(any())).thenReturn(List.of(items));
    return runtimeService().startProcessInstanceByKey(AccessRevocationProcess.KEY, Map.of("revocationId", "RV-2026-00001",
        "identityId", "E2006", "reason", reason));
  }

  private List<Task> removals(ProcessInstance instance) {
    return taskService().createTaskQuery().processInstanceId(instance.getId()).taskDefinitionKey(REMOVE).list();
  }

  private static Map<String, Object> removed() {
    return withVariables("removedAt", "2026-11-30T15:00:00Z", "removalMethod", "account-disabled", "removalReference", "AD-77");
  }

  @Test
  void aLeaverLosesEveryGrantEachWithTheSlaOfItsSystem() {
    ProcessInstance instance = start("termination", "1", "2", "3");
    // tier-1: 1 business day; tier-3: 3; privileged on tier 2: 1
    org.assertj.core.api.Assertions.assertThat(slas).containsExactlyInAnyOrder(1, 3, 1);
    List<Task> tasks = removals(instance);
    org.assertj.core.api.Assertions.assertThat(tasks).hasSize(3);
    assertThat(tasks.get(0)).hasCandidateGroup("security-admin");
    org.assertj.core.api.Assertions.assertThat(tasks.get(0).getDueDate()).isEqualTo(Date.from(Instant.parse("2026-12-01T22:00:00Z")));
    tasks.forEach(t -> complete(t, removed()));
    verify(glue, times(3)).remove(any());
    assertThat(instance).hasPassed(END_REMOVED, END_ALL_REMOVED).isEnded();
  }

  @Test
  void aMoverOnATier1SystemGetsThreeBusinessDays() {
    start("role-change", "1");
    org.assertj.core.api.Assertions.assertThat(slas).containsExactly(3);
  }

  @Test
  void theReminderAndTheDeadlineFireWhileTheRemovalStaysOpen() {
    ProcessInstance instance = start("termination", "1");
    List<Job> timers = managementService().createJobQuery().processInstanceId(instance.getId()).timers()
        .orderByJobDuedate().asc().list();
    org.assertj.core.api.Assertions.assertThat(timers).extracting(Job::getDuedate).containsExactly(
        Date.from(Instant.parse("2026-12-01T14:00:00Z")), Date.from(Instant.parse("2026-12-01T22:00:00Z")));
    verify(glue, never()).remindRemoval(any());
    execute(timers.get(0));
    verify(glue).remindRemoval(any());
    assertThat(instance).hasPassed(SEND_REMINDER).isWaitingAt(REMOVE);
    verify(glue, never()).escalateRemoval(any());
    execute(timers.get(1));
    verify(glue).escalateRemoval(any());
    assertThat(instance).hasPassed(ESCALATE, "EndEvent_Escalated").isWaitingAt(REMOVE);
    complete(removals(instance).get(0), removed());
    assertThat(instance).hasPassed(END_ALL_REMOVED).isEnded();
  }

  @Test
  void aConnectorRemovesAccessByItself() {
    when(glue.removedByConnector(any())).thenReturn(true);
    ProcessInstance instance = start("certification-revoke", "2");
    assertThat(instance).isWaitingAt(REMOVE_BY_CONNECTOR);
    execute(managementService().createJobQuery().processInstanceId(instance.getId()).singleResult());
    verify(glue).removeByConnector(any());
    assertThat(instance).hasPassed(END_REMOVED).hasNotPassed(REMOVE).isEnded();
  }

  @Test
  void aConnectorThatKeepsFailingHandsTheRemovalToAPerson() {
    when(glue.removedByConnector(any())).thenReturn(true);
    doThrow(new BpmnError(Provisioning.FAILED, "no login")).when(glue).removeByConnector(any());
    ProcessInstance instance = start("sod-remediation", "2");
    execute(managementService().createJobQuery().processInstanceId(instance.getId()).singleResult());
    assertThat(instance).isWaitingAt(REMOVE);
    complete(removals(instance).get(0), removed());
    assertThat(instance).hasPassed("BoundaryEvent_RemovalConnectorFailed", END_ALL_REMOVED).isEnded();
    org.assertj.core.api.Assertions.assertThat(slas).containsExactly(2);
  }
}
