package org.itgc.platform;

import java.util.Optional;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.model.bpmn.instance.BaseElement;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperties;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperty;

/** Reads the {@code camunda:properties} that a model puts on its elements (such as the control a task operates). */
public final class ModelProperties {

  private ModelProperties() {}

  public static Optional<String> of(DelegateTask task, String name) {
    return of(task.getBpmnModelElementInstance(), name);
  }

  public static Optional<String> of(BaseElement element, String name) {
    if (element == null || element.getExtensionElements() == null) {
      return Optional.empty();
    }
    return element.getExtensionElements().getElementsQuery().filterByType(CamundaProperties.class).list().stream()
        .flatMap(p -> p.getCamundaProperties().stream())
        .filter(p -> name.equals(p.getCamundaName()))
        .map(CamundaProperty::getCamundaValue)
        .findFirst();
  }
}
