package org.itgc.access;

import java.util.Date;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.itgc.platform.TaskInputs;
import org.springframework.stereotype.Component;

/**
 * The bean that {@code service-account-rotation.bpmn} calls as {@code serviceAccountProcess}: it reads the instance's
 * business key (which only the server sets) and the form's two fields, and leaves every rule to
 * {@link ServiceAccountRotationTasks}.
 */
@Component("serviceAccountProcess")
public class ServiceAccountRotationProcessGlue {

  private final ServiceAccountRotationTasks tasks;
  private final TaskInputs inputs;
  private final AccessDisplay display;

  ServiceAccountRotationProcessGlue(ServiceAccountRotationTasks tasks, TaskInputs inputs, AccessDisplay display) {
    this.tasks = tasks;
    this.inputs = inputs;
    this.display = display;
  }

  /** StartEvent_RotationDue: binds the instance to the server's task row (a forged start is refused here). */
  public void open(DelegateExecution execution) {
    ServiceAccountRotationTasks.Opened opened = tasks.open(execution.getProcessBusinessKey(),
        execution.getProcessInstanceId());
    execution.setVariable(ServiceAccountRotationProcess.Display.ACCOUNT, opened.account());
    execution.setVariable(ServiceAccountRotationProcess.Display.WHY, opened.reason());
    execution.setVariable(ServiceAccountRotationProcess.Display.DUE, display.time(opened.dueAt()));
  }

  /** The due date of Task_RotateCredentialByHand, from the server's row. */
  public Date dueAt(DelegateExecution execution) {
    return Date.from(tasks.dueAt(execution.getProcessBusinessKey()));
  }

  /** Task_RotateCredentialByHand completed. */
  public void complete(DelegateTask task) {
    String actor = inputs.requireActor(task);
    tasks.complete(task.getExecution().getProcessBusinessKey(),
        TaskInputs.optional(task, ServiceAccountRotationProcess.Fields.METHOD),
        TaskInputs.optional(task, ServiceAccountRotationProcess.Fields.REFERENCE), actor);
  }
}
