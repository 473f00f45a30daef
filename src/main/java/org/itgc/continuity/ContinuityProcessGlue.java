package org.itgc.continuity;

import java.util.List;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.springframework.stereotype.Component;

/**
 * The bean that {@code dr-test.bpmn} and {@code backup-restore-test.bpmn} call as
 * {@code ${continuityProcess.<step>(...)}}; each step hands over to its service.
 */
@Component("continuityProcess")
public class ContinuityProcessGlue {

  private final DrTestService drTests;
  private final RestoreTestService restoreTests;

  ContinuityProcessGlue(DrTestService drTests, RestoreTestService restoreTests) {
    this.drTests = drTests;
    this.restoreTests = restoreTests;
  }

  public void pickBackups(DelegateExecution execution) {
    restoreTests.pickBackups(execution);
  }

  public List<String> restoreTestsToRun(DelegateExecution execution) {
    return restoreTests.restoreTestsToRun(execution);
  }

  public void startRestore(DelegateExecution execution) {
    restoreTests.startRestore(execution);
  }

  public void recordRestore(DelegateTask task) {
    restoreTests.recordRestore(task);
  }

  public void recordRestoreFailure(DelegateExecution execution) {
    restoreTests.recordRestoreFailure(execution);
  }

  public void restoreRemediated(DelegateTask task) {
    restoreTests.restoreRemediated(task);
  }

  public List<String> systemsInScope(DelegateExecution execution) {
    return drTests.systemsInScope(execution);
  }

  public void selectSystems(DelegateExecution execution) {
    drTests.selectSystems(execution);
  }

  public void startSystemTest(DelegateExecution execution) {
    drTests.startSystemTest(execution);
  }

  public void plan(DelegateTask task) {
    drTests.plan(task);
  }

  public void recordExecution(DelegateTask task) {
    drTests.recordExecution(task);
  }

  public void signOff(DelegateTask task) {
    drTests.signOff(task);
  }

  public void recordFailure(DelegateExecution execution) {
    drTests.recordFailure(execution);
  }

  public void remediated(DelegateTask task) {
    drTests.remediated(task);
  }

  public void escalateSignOff(DelegateExecution execution) {
    drTests.escalateSignOff(execution);
  }
}
