package org.itgc.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.impl.bpmn.behavior.UserTaskActivityBehavior;
import org.camunda.bpm.engine.impl.bpmn.parser.AbstractBpmnParseListener;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.pvm.process.ActivityImpl;
import org.camunda.bpm.engine.impl.pvm.process.ScopeImpl;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Names every user task after its record: when a task is created, its name becomes the model's name of the task
 * followed by the record's number and title as the owning capability reads them from its own tables
 * ({@link RecordLabels}), for example {@code CAB review: CHG-2026-000042 Raise posting limit}. The model keeps the
 * readable name ({@code CAB review}) for Modeler; no variable takes part, so nobody who starts or completes an instance
 * with extra variables changes what Tasklist shows. Attached to every user task when a model is parsed.
 */
@Component
public class TaskTitles extends AbstractProcessEnginePlugin {

  static final String SEPARATOR = ": ";

  private final ObjectProvider<RecordLabels> labels;

  TaskTitles(ObjectProvider<RecordLabels> labels) {
    this.labels = labels;
  }

  @Override
  public void preInit(ProcessEngineConfigurationImpl configuration) {
    if (configuration.getCustomPostBPMNParseListeners() == null) {
      configuration.setCustomPostBPMNParseListeners(new ArrayList<>());
    }
    TaskListener name = this::name;
    configuration.getCustomPostBPMNParseListeners().add(new AbstractBpmnParseListener() {
      @Override
      public void parseUserTask(Element userTaskElement, ScopeImpl scope, ActivityImpl activity) {
        if (activity.getActivityBehavior() instanceof UserTaskActivityBehavior behavior) {
          behavior.getTaskDefinition().addBuiltInTaskListener(TaskListener.EVENTNAME_CREATE, name);
        }
      }
    });
  }

  void name(DelegateTask task) {
    if (task.getProcessInstanceId() == null || task.getProcessDefinitionId() == null) {
      return;
    }
    String key = task.getProcessDefinitionId().split(":", 2)[0];
    labelOf(key, task.getProcessInstanceId(), name -> task.getExecution() == null ? null
        : task.getExecution().getVariable(name))
        .ifPresent(label -> task.setName(title(modelName(task), label)));
  }

  private Optional<String> labelOf(String processKey, String processInstanceId,
      java.util.function.Function<String, Object> engineVariable) {
    List<RecordLabels> sources = labels.orderedStream().filter(l -> l.processKeys().contains(processKey)).toList();
    for (RecordLabels source : sources) {
      Optional<String> label = source.labelOf(processInstanceId, engineVariable).map(String::strip).filter(l -> !l.isEmpty());
      if (label.isPresent()) {
        return label;
      }
    }
    return Optional.empty();
  }

  /** The task's name as the model has it (the name expression's value, before any label was added). */
  private static String modelName(DelegateTask task) {
    String name = task.getName();
    return name == null || name.isBlank() ? task.getTaskDefinitionKey() : name;
  }

  /** The task's title: the model's name, then the record's number and title, within Camunda's 255 characters. */
  static String title(String modelName, String label) {
    String title = modelName + SEPARATOR + label.replaceAll("\\s+", " ");
    return title.length() <= 255 ? title : title.substring(0, 254) + "…";
  }
}
