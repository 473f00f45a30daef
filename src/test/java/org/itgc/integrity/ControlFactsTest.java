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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.ConditionExpression;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.camunda.bpm.model.bpmn.instance.Gateway;
import org.camunda.bpm.model.bpmn.instance.SequenceFlow;
import org.camunda.bpm.model.bpmn.instance.UserTask;
import org.junit.jupiter.api.Test;

/**
 * Over every model in {@code processes/} (a new model gets this for free): what a gateway decides on, and the facts
 * the segregation-of-duties listeners rest on, cannot be written by the candidates of a user task. The engine's
 * guard lets a completion carry exactly its form's fields ({@link EngineSurfaceGuard}), so it is enough that:
 * <ul>
 *   <li>a variable that a gateway condition reads is a field of no approver's form, except the form of the task
 *       the gateway directly follows (that task's own answer, such as the post-implementation review's outcome);</li>
 *   <li>no approver's form declares a control fact (requester, record ids, system, flags, assessment outputs).</li>
 * </ul>
 * The requester's own forms (start form, rework) carry the request itself, which the server validates again when
 * it registers it.
 */
class ControlFactsTest {

  static final Set<String> CONTROL_FACTS = Set.of("requester", "changeId", "requestId", "accessRequestId",
      "revocationId", "campaignId", "testId", "systemId", "systemTier", "privileged", "criticality",
      "cabReviewRequired", "financeApprovalRequired", "testEvidenceRequired", "scheduleConflict",
      "outsideMaintenanceWindow", "rejected", "sodConflict", "sodExceptionGranted", "drPassed", "restorePassed",
      "beneficiaryId", "businessKey");

  private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^}]*)}");
  private static final Pattern IDENTIFIER = Pattern.compile("(?<![.\\w'])([A-Za-z_]\\w*)(?!\\s*\\()(?![\\w'])");
  private static final Set<String> KEYWORDS = Set.of("true", "false", "null", "and", "or", "not", "empty", "eq", "ne",
      "lt", "gt", "le", "ge", "div", "mod", "instanceof", "execution", "task");

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

  List<String> problems(String name, BpmnModelInstance model, int[] approverTasks) throws IOException {
    List<String> problems = new ArrayList<>();
    for (UserTask task : model.getModelElementsByType(UserTask.class)) {
      if (isRequestersOwn(task)) {
        continue;
      }
      approverTasks[0]++;
      Set<String> fields = formFields(task.getCamundaFormRef());
      for (String field : fields.stream().sorted().toList()) {
        if (CONTROL_FACTS.contains(field)) {
          problems.add(name + ": " + task.getId() + "'s form declares control fact '" + field + "'");
        }
      }
      for (Gateway gateway : model.getModelElementsByType(Gateway.class)) {
        boolean follows = gateway.getIncoming().stream().anyMatch(f -> f.getSource() == task);
        for (String variable : conditionVariables(gateway)) {
          if (fields.contains(variable) && !follows) {
            problems.add(name + ": gateway " + gateway.getId() + " reads '" + variable + "', which " + task.getId()
                + "'s form lets its candidates write");
          }
        }
      }
    }
    return problems;
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
    String groups = task.getCamundaCandidateGroups();
    return "requester".equals(groups) || "${requester}".equals(task.getCamundaAssignee());
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

  static Set<String> conditionVariables(FlowNode gateway) {
    Set<String> variables = new HashSet<>();
    for (SequenceFlow flow : gateway.getOutgoing()) {
      ConditionExpression condition = flow.getConditionExpression();
      if (condition == null) {
        continue;
      }
      Matcher expression = EXPRESSION.matcher(condition.getTextContent());
      while (expression.find()) {
        Matcher identifier = IDENTIFIER.matcher(expression.group(1));
        while (identifier.find()) {
          if (!KEYWORDS.contains(identifier.group(1))) {
            variables.add(identifier.group(1));
          }
        }
      }
    }
    return variables;
  }
}
