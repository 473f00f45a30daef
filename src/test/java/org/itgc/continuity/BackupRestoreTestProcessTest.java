package org.itgc.continuity;

import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.complete;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.managementService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.taskService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.withVariables;
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
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.itgc.support.DateSensitive;

/** Every path of processes/backup-restore-test.bpmn and its quarterly schedule, on the in-memory engine. */
@Deployment(resources = {"processes/backup-restore-test.bpmn", "processes/backup-restore-test-schedule.bpmn",
    "forms/backup-restore-test-start.form", "forms/backup-restore-test-restore.form",
    "forms/backup-restore-test-remediation.form"})
@DateSensitive
class BackupRestoreTestProcessTest {

  @RegisterExtension
  static ProcessEngineExtension engine = ProcessEngineExtension.builder().configurationResource("camunda-unit.cfg.xml").build();

  private final ContinuityProcessGlue glue = mock(ContinuityProcessGlue.class);

  @BeforeEach
  void beans() {
    ContinuityMocks.register(glue);
    when(glue.restoreTestsToRun(any())).thenReturn(List.of("RT-1"));
  }

  @AfterEach
  void reset() {
    Mocks.reset();
  }

  private void judgeAs(boolean passed) {
    doAnswer(call -> {
      DelegateTask task = call.getArgument(0);
      task.setVariable("restorePassed", passed);
      return null;
    }).when(glue).recordRestore(any());
  }

  private ProcessInstance start() {
    return runtimeService().startProcessInstanceByKey("backup-restore-test", Map.of("systemId", "PAYROLL"));
  }

  private org.camunda.bpm.engine.task.Task task(ProcessInstance instance) {
    return taskService().createTaskQuery().processInstanceId(instance.getId()).singleResult();
  }

  @Test
  void anIntactRestoreInTimePasses() {
    judgeAs(true);
    ProcessInstance instance = start();
    verify(glue).pickBackups(any(DelegateExecution.class));
    assertThat(instance).isWaitingAt("Task_RestoreBackup");
    assertThat(task(instance)).hasCandidateGroup("system-owner");
    complete(task(instance), withVariables("restoreStarted", "x"));
    assertThat(instance).isEnded().hasPassed("EndEvent_RestorePassed").hasNotPassed("Task_RecordRestoreFailure");
  }

  @Test
  void aFailedRestoreRecordsTheExceptionAndOpensRemediation() {
    judgeAs(false);
    ProcessInstance instance = start();
    complete(task(instance), withVariables("restoreStarted", "x"));
    assertThat(instance).hasPassed("Task_RecordRestoreFailure").isWaitingAt("Task_RemediateRestoreFailure");
    verify(glue).recordRestoreFailure(any(DelegateExecution.class));
    complete(task(instance), withVariables("remediation", "new backup job"));
    assertThat(instance).isEnded().hasPassed("EndEvent_RestoreRemediated");
  }

  @Test
  void noBackupToRestoreEndsAfterThePickWhichRecordedTheException() {
    when(glue.restoreTestsToRun(any())).thenReturn(List.of());
    ProcessInstance instance = start();
    assertThat(instance).isEnded().hasPassed("EndEvent_QuarterTested").hasNotPassed("Task_RestoreBackup");
  }

  @Test
  void theQuarterlyTimerStartsTheRestoreTests() {
    judgeAs(true);
    var timer = managementService().createJobQuery().processDefinitionKey("backup-restore-test-schedule").timers()
        .singleResult();
    org.assertj.core.api.Assertions.assertThat(timer).isNotNull();
    execute(timer);
    org.assertj.core.api.Assertions.assertThat(runtimeService().createProcessInstanceQuery()
        .processDefinitionKey("backup-restore-test").count()).isEqualTo(1);
  }
}
