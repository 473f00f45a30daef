package org.itgc.integrity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.camunda.bpm.engine.FormService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.task.Task;
import org.springframework.stereotype.Component;

/**
 * The fields a user task's or a start event's deployed Camunda Form declares: the one list of what a person may submit
 * there, whatever the client. Read as the server (the caller's own authorizations are not needed to know a form).
 */
@Component
class FormFields {

  /** A form and its field keys. */
  record Declared(String formId, Set<String> fields) {}

  private final FormService forms;
  private final TaskService tasks;
  private final RepositoryService repository;
  private final IdentityService identity;
  private final ObjectMapper json;

  FormFields(FormService forms, TaskService tasks, RepositoryService repository, IdentityService identity,
      ObjectMapper json) {
    this.forms = forms;
    this.tasks = tasks;
    this.repository = repository;
    this.identity = identity;
    this.json = json;
  }

  /** The task's form, or empty when the task does not exist or has no deployed Camunda Form. */
  Optional<Declared> ofTask(String taskId) {
    return asServer(() -> {
      Task task = tasks.createTaskQuery().taskId(taskId).singleResult();
      if (task == null) {
        return Optional.<Declared>empty();
      }
      try (InputStream form = forms.getDeployedTaskForm(taskId)) {
        return Optional.of(parse(form));
      } catch (RuntimeException | IOException noDeployedForm) {
        return Optional.of(new Declared("(none)", Set.of()));
      }
    });
  }

  /** The start form of the latest definition of a key, or of one definition id; empty when there is none. */
  Optional<Declared> ofStart(String processDefinitionKey, String processDefinitionId) {
    return asServer(() -> {
      var query = repository.createProcessDefinitionQuery();
      var definition = processDefinitionId != null ? query.processDefinitionId(processDefinitionId).singleResult()
          : query.processDefinitionKey(processDefinitionKey).latestVersion().withoutTenantId().singleResult();
      if (definition == null) {
        return Optional.<Declared>empty();
      }
      try (InputStream form = forms.getDeployedStartForm(definition.getId())) {
        return Optional.of(parse(form));
      } catch (RuntimeException | IOException noDeployedForm) {
        return Optional.of(new Declared("(none)", Set.of()));
      }
    });
  }

  Declared parse(InputStream form) throws IOException {
    JsonNode root = json.readTree(form);
    Set<String> keys = new LinkedHashSet<>();
    collect(root, keys);
    return new Declared(root.path("id").asText("(unnamed)"), keys);
  }

  /** The field keys of a parsed Camunda Form (buttons are not fields). */
  static Set<String> keys(JsonNode form) {
    Set<String> keys = new LinkedHashSet<>();
    collect(form, keys);
    return keys;
  }

  private static void collect(JsonNode node, Set<String> keys) {
    for (JsonNode component : node.path("components")) {
      if (component.hasNonNull("key") && !component.path("type").asText().equals("button")) {
        keys.add(component.get("key").asText());
      }
      collect(component, keys);
    }
  }

  private <T> T asServer(java.util.function.Supplier<T> work) {
    return org.itgc.platform.AsServer.call(identity, work);
  }

}
