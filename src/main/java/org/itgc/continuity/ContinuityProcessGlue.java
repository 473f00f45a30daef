package org.itgc.continuity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.itgc.continuity.DrTestProcess.Data;
import org.itgc.continuity.DrTestProcess.Fields;
import org.itgc.platform.ModelProperties;
import org.itgc.platform.TaskInputs;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.platform.web.InvalidInputException.FieldError;
import org.itgc.systems.FinancialSystem;
import org.springframework.stereotype.Component;

/**
 * The bean that {@code dr-test.bpmn} and {@code backup-restore-test.bpmn} call as
 * {@code ${continuityProcess.<step>(...)}}. For {@code dr-test} the glue reads the process's data through its typed
 * declarations ({@link DrTestProcess.Data}) and the forms' fields, calls {@link DrTestService} with plain values and
 * records, and writes what it answers back to the process.
 */
@Component("continuityProcess")
public class ContinuityProcessGlue {

  private final DrTestService drTests;
  private final RestoreTestService restoreTests;
  private final TaskInputs inputs;
  private final ContinuityDisplay display;

  ContinuityProcessGlue(DrTestService drTests, RestoreTestService restoreTests, TaskInputs inputs,
      ContinuityDisplay display) {
    this.display = display;
    this.drTests = drTests;
    this.restoreTests = restoreTests;
    this.inputs = inputs;
  }

  // backup-restore-test

  public void pickBackups(DelegateExecution execution) {
    restoreTests.pickBackups(execution.getProcessInstanceId(), RestoreTestProcess.Data.SYSTEM.read(execution).orElse(null),
        RestoreTestProcess.Data.PERIOD_FROM.read(execution).orElse(null), RestoreTestProcess.Data.PERIOD_TO.read(execution).orElse(null));
  }

  public List<String> restoreTestsToRun(DelegateExecution execution) {
    return restoreTests.restoreTestsToRun(execution.getProcessInstanceId());
  }

  public void startRestore(DelegateExecution execution) {
    RestoreTestService.Restore restore = restoreTests.restore(RestoreTestProcess.Data.TEST.require(execution));
    RestoreTestProcess.Data.SYSTEM.write(execution, restore.systemId());
    RestoreTestProcess.Data.BACKUP_LOCATION.write(execution, restore.backupLocation());
    RestoreTestProcess.Data.CHECKSUM_EXPECTED.write(execution, restore.checksumExpected());
    RestoreTestProcess.Data.ROWS_EXPECTED.write(execution, restore.rowsExpected());
    RestoreTestProcess.Data.RTO_OBJECTIVE.write(execution, restore.rto().toString());
    // what the forms show (display only, from the inventory)
    execution.setVariable(RestoreTestProcess.Display.SYSTEM, display.system(restore.systemId()));
  }

  public void recordRestore(DelegateTask task) {
    List<FieldError> errors = new ArrayList<>();
    Instant started = inputs.instant(task, RestoreTestProcess.Fields.RESTORE_STARTED, errors);
    Instant finished = inputs.instant(task, RestoreTestProcess.Fields.RESTORE_FINISHED, errors);
    Long rows = TaskInputs.wholeNumber(task, RestoreTestProcess.Fields.RESTORED_ROW_COUNT, errors);
    InvalidInputException.ifAny(errors);
    RestoreTestService.Judgement judgement = restoreTests.recordRestore(new RestoreTestService.Restored(
        RestoreTestProcess.Data.TEST.require(task), started, finished,
        TaskInputs.optional(task, RestoreTestProcess.Fields.CHECKSUM_AFTER_RESTORE), rows, inputs.actor(task)));
    RestoreTestProcess.Data.PASSED.write(task, judgement.passed());
    RestoreTestProcess.Data.JUDGEMENT.write(task, judgement.text());
  }

  public void recordRestoreFailure(DelegateExecution execution) {
    restoreTests.recordRestoreFailure(RestoreTestProcess.Data.TEST.require(execution), RestoreTestProcess.Data.SYSTEM.require(execution),
        RestoreTestProcess.Data.JUDGEMENT.read(execution).orElse(null));
  }

  public void restoreRemediated(DelegateTask task) {
    restoreTests.restoreRemediated(RestoreTestProcess.Data.TEST.require(task),
        TaskInputs.optional(task, RestoreTestProcess.Fields.REMEDIATION), inputs.actor(task));
  }

  // dr-test: the process's data and the forms' fields read here, the rules in DrTestService

  public List<String> systemsInScope(DelegateExecution execution) {
    return drTests.systemsInScope(Data.SYSTEM.read(execution).orElse(null));
  }

  public void selectSystems(DelegateExecution execution) {
    drTests.selectSystems(execution.getProcessInstanceId(), Data.SYSTEM.read(execution).orElse(null));
  }

  public void startSystemTest(DelegateExecution execution) {
    FinancialSystem system = drTests.objectives(Data.SYSTEM.require(execution));
    Data.RTO_OBJECTIVE.write(execution, system.rto().toString());
    Data.RPO_OBJECTIVE.write(execution, system.rpo().toString());
    // what the forms show (display only, from the inventory)
    execution.setVariable(DrTestProcess.Display.SYSTEM, display.system(system.id()));
  }

  public void plan(DelegateTask task) {
    String id = drTests.plan(new DrTestService.Plan(Data.SYSTEM.require(task), task.getProcessInstanceId(),
        Data.TEST.read(task).orElse(null), TaskInputs.optional(task, Fields.SCENARIO),
        TaskInputs.optional(task, Fields.PARTICIPANTS), TaskInputs.optional(task, Fields.PLANNED_DATE),
        inputs.actor(task)));
    Data.TEST.write(task, id);
    // the plan as recorded, readable (display only, from the test's row)
    display.drTimes(id).forEach(task::setVariable);
  }

  public void recordExecution(DelegateTask task) {
    List<FieldError> errors = new ArrayList<>();
    Instant declared = inputs.instant(task, Fields.OUTAGE_DECLARED, errors);
    Instant restored = inputs.instant(task, Fields.SERVICE_RESTORED, errors);
    Instant lastPoint = inputs.instant(task, Fields.LAST_RECOVERED_POINT, errors);
    InvalidInputException.ifAny(errors);
    RecoveryJudgement judgement = drTests.recordExecution(new DrTestService.Execution(Data.TEST.require(task),
        Data.SYSTEM.require(task), declared, restored, lastPoint, TaskInputs.optional(task, Fields.EXECUTION_NOTES),
        inputs.actor(task)));
    Data.PASSED.write(task, judgement.passed());
    Data.JUDGEMENT.write(task, DrTestService.describe(judgement));
    // the moments as recorded, in the business calendar's zone (display only, from the test's row)
    display.drTimes(Data.TEST.require(task)).forEach(task::setVariable);
  }

  public void signOff(DelegateTask task) {
    drTests.signOff(Data.TEST.require(task), ModelProperties.of(task, "signOff").orElseThrow(), inputs.actor(task),
        Boolean.TRUE.equals(task.getVariable(Fields.SIGN_OFF_CONFIRMED)),
        TaskInputs.optional(task, Fields.SIGN_OFF_COMMENT));
  }

  public void recordFailure(DelegateExecution execution) {
    drTests.recordFailure(Data.TEST.require(execution), Data.SYSTEM.require(execution),
        Data.JUDGEMENT.read(execution).orElse(null));
  }

  public void remediated(DelegateTask task) {
    drTests.remediated(Data.TEST.require(task), TaskInputs.optional(task, Fields.REMEDIATION), inputs.actor(task));
  }

  public void escalateSignOff(DelegateExecution execution) {
    drTests.escalateSignOff(Data.TEST.require(execution), Data.SYSTEM.require(execution),
        Data.JUDGEMENT.read(execution).orElse(null));
  }
}
