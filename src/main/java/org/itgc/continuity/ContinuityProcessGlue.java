package org.itgc.continuity;

import java.util.List;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.springframework.stereotype.Component;

/** The bean that {@code dr-test.bpmn} calls as {@code ${continuityProcess.<step>(...)}}; each step hands over. */
@Component("continuityProcess")
public class ContinuityProcessGlue {

  private final DrTestService drTests;

  ContinuityProcessGlue(DrTestService drTests) {
    this.drTests = drTests;
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
