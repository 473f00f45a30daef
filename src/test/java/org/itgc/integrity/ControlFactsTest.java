package org.itgc.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.UserTask;
import org.junit.jupiter.api.Test;

/**
 * Over every model in {@code processes/} (a new model gets this for free), the rules of {@link ControlFactRules}: what a
 * gateway decides on, and the facts the segregation-of-duties listeners rest on, cannot be written by the candidates
 * of a user task; and every task takes exactly its form's fields. A model change from Camunda Modeler is held to the
 * same rules when it is opened ({@code ModelDeploymentIT}).
 */
class ControlFactsTest {

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void noApproverCanWriteWhatAGatewayOrAnSodCheckDecidesOn() throws IOException {
    List<String> problems = new ArrayList<>();
    int[] approverTasks = {0};
    try (Stream<Path> files = Files.list(Path.of("processes"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".bpmn")).sorted().toList()) {
        problems.addAll(problems(file.getFileName().toString(), Bpmn.readModelFromFile(file.toFile()), approverTasks));
      }
    }
    assertThat(approverTasks[0]).as("approver tasks checked").isGreaterThan(15);
    assertThat(problems).isEmpty();
  }

  @Test
  void theCheckFindsAGatewayThatAnApproverCouldSteerAndAFormWithAControlFact() throws IOException {
    // the IT approver's answer steering a gateway that follows another task, and a form that carries the requester
    BpmnModelInstance model = Bpmn.createExecutableProcess("steered").startEvent().userTask("Task_Approve")
        .camundaCandidateGroups("it-approver").camundaFormRef("change-approval").userTask("Task_Other")
        .camundaCandidateGroups("cab").camundaFormRef("change-request-rework")
        .exclusiveGateway("Gateway_Cab").condition("approved", "${decision == 'approve'}").endEvent()
        .moveToLastGateway().condition("not approved", "${decision != 'approve'}").endEvent().done();
    assertThat(problems("steered.bpmn", model, new int[1])).contains(
        "steered.bpmn: gateway Gateway_Cab reads 'decision', which Task_Approve's form lets its candidates write",
        "steered.bpmn: Task_Other's form declares control fact 'systemId'");
  }

  @Test
  void theCheckFindsAFormOutsideItsSightAndAConditionReadByNameOrWithoutAGateway() throws IOException {
    // a form named by formKey or pinned to a version is not the form the check reads; a condition may read a
    // variable through getVariable('...') or #{...}, and a task's conditional flow decides like a gateway does
    BpmnModelInstance model = Bpmn.createExecutableProcess("evasive").startEvent()
        .userTask("Task_Keyed").camundaCandidateGroups("cab").camundaFormKey("camunda-forms:deployment:x.form")
        .userTask("Task_Pinned").camundaCandidateGroups("cab").camundaFormRef("change-approval")
        .camundaFormRefBinding("version").camundaFormRefVersion("1")
        .userTask("Task_Approve").camundaCandidateGroups("it-approver").camundaFormRef("change-approval")
        .userTask("Task_Next").camundaCandidateGroups("cab").camundaFormRef("change-review")
        .condition("by name", "${execution.getVariable('decision') == 'approve'}").endEvent()
        .moveToActivity("Task_Next").condition("deferred", "#{decision != 'approve'}").endEvent().done();
    assertThat(problems("evasive.bpmn", model, new int[1])).contains(
        "evasive.bpmn: Task_Keyed names its form by formKey; a task names a Camunda Form by formRef",
        "evasive.bpmn: Task_Pinned's form is bound to 'version'; only 'latest' or 'deployment' keep the form that is "
            + "checked the form that is used",
        "evasive.bpmn: element Task_Next reads 'decision', which Task_Pinned's form lets its candidates write");
  }

  List<String> problems(String name, BpmnModelInstance model, int[] approverTasks) {
    approverTasks[0] += ControlFactRules.approverTasks(model).size();
    return ControlFactRules.problems(name, model, formId -> {
      try {
        return formFields(formId);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  @Test
  void everyUserTaskOfEveryModelTakesItsFormsFieldsAndRefusesAnythingElse() throws IOException {
    int tasks = 0;
    try (Stream<Path> files = Files.list(Path.of("processes"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".bpmn")).sorted().toList()) {
        for (UserTask task : Bpmn.readModelFromFile(file.toFile()).getModelElementsByType(UserTask.class)) {
          tasks++;
          String formId = task.getCamundaFormRef();
          assertThat(formId).as("%s %s has a form", file.getFileName(), task.getId()).isNotNull();
          Set<String> fields = formFields(formId);
          var declared = new FormFields.Declared(formId, fields);
          // the form's own fields pass
          var own = new java.util.LinkedHashMap<String, Object>();
          fields.forEach(f -> own.put(f, java.util.Map.of("value", "x")));
          assertThat(EngineSurfaceGuard.undeclared(EngineOperation.Kind.COMPLETE,
              json.writeValueAsBytes(java.util.Map.of("variables", own)), declared, json))
              .as("%s %s with its form's fields", file.getFileName(), task.getId()).isEmpty();
          // any other variable, a control fact first of all, is refused by name
          for (String extra : List.of("requester", "changeId", "privileged", "drPassed", "cabReviewRequired",
              "anything")) {
            if (fields.contains(extra)) {
              continue;
            }
            var with = new java.util.LinkedHashMap<>(own);
            with.put(extra, java.util.Map.of("value", false));
            assertThat(EngineSurfaceGuard.undeclared(EngineOperation.Kind.COMPLETE,
                json.writeValueAsBytes(java.util.Map.of("variables", with)), declared, json))
                .as("%s %s with %s", file.getFileName(), task.getId(), extra)
                .extracting(org.itgc.platform.web.InvalidInputException.FieldError::field).containsExactly(extra);
          }
        }
      }
    }
    assertThat(tasks).isGreaterThan(20);
  }

  @Test
  void noFormOpensWithAnotherTasksAnswers() throws IOException {
    // a field that a completion writes to the process reappears in every later form that declares it: two tasks of
    // one process that share a field must each keep it local (an input parameter of the task)
    List<String> problems = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of("processes"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".bpmn")).sorted().toList()) {
        var model = Bpmn.readModelFromFile(file.toFile());
        var tasks = model.getModelElementsByType(UserTask.class);
        for (UserTask task : tasks) {
          for (UserTask other : tasks) {
            if (task == other || isRequestersOwn(task) || isRequestersOwn(other)
                || exclusive(task, other)) {
              continue;
            }
            Set<String> shared = new HashSet<>(formFields(task.getCamundaFormRef()));
            shared.retainAll(formFields(other.getCamundaFormRef()));
            for (String field : shared) {
              if (!localInputs(task).contains(field)) {
                problems.add(file.getFileName() + ": " + task.getId() + " writes '" + field + "' to the process, and "
                    + other.getId() + "'s form would open with it");
              }
            }
          }
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  /** Two implementation tasks of which an instance runs one (normal or emergency) never meet. */
  private static boolean exclusive(UserTask a, UserTask b) {
    return a.getCamundaFormRef() != null && a.getCamundaFormRef().equals(b.getCamundaFormRef())
        && a.getCamundaFormRef().equals("change-implementation");
  }

  private static Set<String> localInputs(UserTask task) {
    Set<String> names = new HashSet<>();
    if (task.getExtensionElements() != null) {
      task.getExtensionElements().getElementsQuery()
          .filterByType(org.camunda.bpm.model.bpmn.instance.camunda.CamundaInputOutput.class).list()
          .forEach(io -> io.getCamundaInputParameters().forEach(p -> names.add(p.getCamundaName())));
    }
    return names;
  }

  static boolean isRequestersOwn(UserTask task) {
    return ControlFactRules.isRequestersOwn(task);
  }

  Set<String> formFields(String formId) throws IOException {
    Set<String> keys = new HashSet<>();
    if (formId == null) {
      return keys;
    }
    try (InputStream in = Files.newInputStream(Path.of("forms", formId + ".form"))) {
      collect(json.readTree(in), keys);
    }
    return keys;
  }

  private static void collect(com.fasterxml.jackson.databind.JsonNode node, Set<String> keys) {
    for (var component : node.path("components")) {
      if (component.hasNonNull("key")) {
        keys.add(component.get("key").asText());
      }
      collect(component, keys);
    }
  }
}
