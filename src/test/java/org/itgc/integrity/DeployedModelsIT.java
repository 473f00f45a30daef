package org.itgc.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.model.bpmn.instance.UserTask;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The rules over what is live, not only over the repository: every latest deployed process definition, with the
 * deployed forms its tasks use (whoever deployed them: the release at start or an approved model change). No
 * approver's form declares a control fact, no gateway is steered by an approver, and every user task's completion
 * takes its form's fields and refuses any other variable by name.
 */
@IntegrationTest
class DeployedModelsIT {

  @Autowired RepositoryService repository;
  @Autowired ModelChanges models;
  @Autowired ObjectMapper json;

  @Test
  void everyLiveModelKeepsControlFactsOutOfItsApproversHands() throws Exception {
    List<String> problems = new ArrayList<>();
    int tasks = 0;
    for (ProcessDefinition definition : repository.createProcessDefinitionQuery().latestVersion().list()) {
      var model = repository.getBpmnModelInstance(definition.getId());
      problems.addAll(ControlFactRules.problems(definition.getResourceName(), model, models::deployedFormFields));
      for (UserTask task : ControlFactRules.approverTasks(model)) {
        if (task.getCamundaFormRef() == null) {
          continue; // a test model's task without a form takes no fields at all (the guard's "(none)" form)
        }
        tasks++;
        var declared = new FormFields.Declared(task.getCamundaFormRef(),
            models.deployedFormFields(task.getCamundaFormRef()));
        assertThat(declared.fields()).as("%s %s: its form %s is deployed", definition.getKey(), task.getId(),
            task.getCamundaFormRef()).isNotEmpty();
        Map<String, Object> own = new LinkedHashMap<>();
        declared.fields().forEach(f -> own.put(f, Map.of("value", "x")));
        assertThat(EngineSurfaceGuard.undeclared(EngineOperation.Kind.COMPLETE,
            json.writeValueAsBytes(Map.of("variables", own)), declared, json)).isEmpty();
        for (String fact : ControlFactRules.CONTROL_FACTS) {
          Map<String, Object> with = new LinkedHashMap<>(own);
          with.put(fact, Map.of("value", false));
          assertThat(EngineSurfaceGuard.undeclared(EngineOperation.Kind.COMPLETE,
              json.writeValueAsBytes(Map.of("variables", with)), declared, json))
              .as("%s %s with %s", definition.getKey(), task.getId(), fact)
              .extracting(InvalidInputException.FieldError::field).containsExactly(fact);
        }
      }
    }
    assertThat(tasks).as("approver tasks of the live models").isGreaterThan(15);
    assertThat(problems).isEmpty();
  }
}
