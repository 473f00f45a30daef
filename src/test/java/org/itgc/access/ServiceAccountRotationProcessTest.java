package org.itgc.access;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.complete;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.task;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.taskService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.withVariables;
import static org.itgc.access.ServiceAccountRotationProcess.Elements.END;
import static org.itgc.access.ServiceAccountRotationProcess.Elements.ROTATE;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.itgc.platform.web.InvalidInputException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mockito.ArgumentCaptor;

/**
 * Every path of processes/service-account-rotation.bpmn on the in-memory engine: a task the server opened reaches a
 * security admin with its due date and is recorded on completion; a start the server did not record ends nowhere; a
 * refused completion (the account's owner, a field at fault) leaves the task open for someone else.
 */
@Deployment(resources = {"processes/service-account-rotation.bpmn", "forms/service-account-rotation.form"})
class ServiceAccountRotationProcessTest {

  @RegisterExtension
  static ProcessEngineExtension engine = ProcessEngineExtension.builder().configurationResource("camunda-unit.cfg.xml").build();

  static final Date DUE = Date.from(Instant.parse("2026-12-09T17:00:00Z"));
  private final ServiceAccountRotationProcessGlue glue = mock(ServiceAccountRotationProcessGlue.class);

  @BeforeEach
  void beans() {
    Mocks.register("serviceAccountProcess", glue);
    when(glue.dueAt(any())).thenReturn(DUE);
  }

  @AfterEach
  void reset() {
    Mocks.reset();
  }

  private ProcessInstance start(String businessKey) {
    return runtimeService().startProcessInstanceByKey(ServiceAccountRotationProcess.KEY, businessKey);
  }

  @Test
  void aDueRotationBecomesASecurityAdminsTaskAndItsCompletionIsRecorded() {
    ArgumentCaptor<DelegateExecution> opened = ArgumentCaptor.forClass(DelegateExecution.class);
    ProcessInstance instance = start("SAR-1");
    verify(glue).open(opened.capture());
    assertThat(instance).isWaitingAt(ROTATE);
    assertThat(task(instance)).hasCandidateGroup("security-admin");
    org.assertj.core.api.Assertions.assertThat(task(instance).getDueDate()).isEqualTo(DUE);
    var form = taskService().createTaskQuery().processInstanceId(instance.getId()).initializeFormKeys().singleResult();
    org.assertj.core.api.Assertions.assertThat(form.getCamundaFormRef().getKey()).isEqualTo("service-account-rotation");
    verify(glue, never()).complete(any());

    ArgumentCaptor<DelegateTask> completed = ArgumentCaptor.forClass(DelegateTask.class);
    doAnswer(call -> {
      DelegateTask t = call.getArgument(0);
      org.assertj.core.api.Assertions.assertThat(t.getVariable("rotationMethod")).isEqualTo("password-vault");
      org.assertj.core.api.Assertions.assertThat(t.getExecution().getProcessBusinessKey()).isEqualTo("SAR-1");
      return null;
    }).when(glue).complete(completed.capture());
    complete(task(instance), withVariables("rotationMethod", "password-vault", "rotationReference", "VAULT-123"));
    verify(glue).complete(any());
    assertThat(instance).hasPassed(ROTATE, END).isEnded();
  }

  @Test
  void aStartTheServerDidNotRecordIsRefusedAndLeavesNoInstance() {
    doThrow(new AuthorizationException("started by the server only")).when(glue).open(any());
    assertThatThrownBy(() -> start("SAR-999")).satisfies(e -> org.assertj.core.api.Assertions.assertThat(
        org.itgc.platform.EngineRefusals.refusal(e)).isInstanceOf(AuthorizationException.class)
        .hasMessageContaining("server only"));
    org.assertj.core.api.Assertions.assertThat(runtimeService().createProcessInstanceQuery()
        .processDefinitionKey(ServiceAccountRotationProcess.KEY).count()).isZero();
    org.assertj.core.api.Assertions.assertThat(taskService().createTaskQuery().count()).isZero();
  }

  @Test
  void aRefusedCompletionLeavesTheTaskOpenForAnotherSecurityAdmin() {
    ProcessInstance instance = start("SAR-2");
    doThrow(new AuthorizationException("the owner does not record the rotation")).when(glue).complete(any());
    assertThatThrownBy(() -> complete(task(instance), withVariables("rotationMethod", "script",
        "rotationReference", "RUN-9"))).satisfies(e -> org.assertj.core.api.Assertions.assertThat(
        org.itgc.platform.EngineRefusals.refusal(e)).isInstanceOf(AuthorizationException.class));
    assertThat(instance).isWaitingAt(ROTATE);

    doThrow(InvalidInputException.of("rotationReference", "is required")).when(glue).complete(any());
    assertThatThrownBy(() -> complete(task(instance), withVariables("rotationMethod", "script")))
        .satisfies(e -> org.assertj.core.api.Assertions.assertThat(org.itgc.platform.EngineRefusals.refusal(e))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("rotationReference"));
    assertThat(instance).isWaitingAt(ROTATE).hasNotPassed(END);

    org.mockito.Mockito.doNothing().when(glue).complete(any());
    complete(task(instance), withVariables("rotationMethod", "script", "rotationReference", "RUN-9"));
    assertThat(instance).hasPassed(END).isEnded();
    org.assertj.core.api.Assertions.assertThat(List.of(instance.getBusinessKey())).containsExactly("SAR-2");
  }
}
