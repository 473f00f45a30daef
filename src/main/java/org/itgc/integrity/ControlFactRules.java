package org.itgc.integrity;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.ConditionExpression;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.camunda.bpm.model.bpmn.instance.Gateway;
import org.camunda.bpm.model.bpmn.instance.SequenceFlow;
import org.camunda.bpm.model.bpmn.instance.UserTask;

/**
 * The rules that keep control facts out of the hands of the people a model controls, over any process model: the
 * repository's models are held to them by the test suite, and a model change from Camunda Modeler is refused when
 * it breaks one. The engine's guard lets a completion carry exactly its form's fields ({@link EngineSurfaceGuard}), so
 * it is enough that:
 * <ul>
 *   <li>a variable that a gateway condition reads is a field of no approver's form, except the form of the task
 *       the gateway directly follows (that task's own answer, such as the post-implementation review's outcome);</li>
 *   <li>no approver's form declares a control fact (requester, record ids, system, flags, assessment outputs).</li>
 * </ul>
 * The requester's own forms (start form, rework) carry the request itself, which the server validates again when it
 * registers it.
 */
public final class ControlFactRules {

  /** What the server decides and stores: never a field of an approver's form. */
  public static final Set<String> CONTROL_FACTS = Set.of("requester", "changeId", "requestId", "accessRequestId",
      "revocationId", "campaignId", "testId", "drTestId", "restoreTestId", "itemId", "reviewer", "systemId",
      "systemTier", "privileged", "criticality", "cabReviewRequired", "financeApprovalRequired",
      "testEvidenceRequired", "scheduleConflict", "outsideMaintenanceWindow", "rejected", "sodConflict",
      "sodExceptionGranted", "drPassed", "restorePassed", "beneficiaryId", "businessKey", "initiator", "changeType",
      "standardChangeType", "assessment", "entitlements", "exceptionRequested");

  /** JUEL's immediate and deferred expressions. */
  private static final Pattern EXPRESSION = Pattern.compile("[$#]\\{([^}]*)}");
  /** A variable read by name: execution.getVariable('x'), getVariableLocal("x"), variables 'x' in a script. */
  private static final Pattern NAMED_READ = Pattern.compile("getVariable(?:Local|Typed)?\\(\\s*['\"]([A-Za-z_]\\w*)['\"]");
  private static final Pattern IDENTIFIER = Pattern.compile("(?<![.\\w'])([A-Za-z_]\\w*)(?!\\s*\\()(?![\\w'])");
  private static final Set<String> KEYWORDS = Set.of("true", "false", "null", "and", "or", "not", "empty", "eq", "ne",
      "lt", "gt", "le", "ge", "div", "mod", "instanceof", "execution", "task");

  private ControlFactRules() {}

  /**
   * The rules a model breaks, one sentence each, naming the file, the task or gateway and the field.
   *
   * @param formFields the field keys of a form id (empty when there is no such form)
   */
  public static List<String> problems(String name, BpmnModelInstance model, Function<String, Set<String>> formFields) {
    List<String> problems = new ArrayList<>();
    for (UserTask task : model.getModelElementsByType(UserTask.class)) {
      // the form the engine will use must be the one these rules read: a Camunda Form by formRef, latest or the
      // deployment's version (a formKey or a pinned version would let a form outside the check in)
      if (task.getCamundaFormKey() != null) {
        problems.add(name + ": " + task.getId() + " names its form by formKey; a task names a Camunda Form by formRef");
      }
      String binding = task.getCamundaFormRefBinding();
      if (task.getCamundaFormRef() != null && binding != null && !binding.equals("latest")
          && !binding.equals("deployment")) {
        problems.add(name + ": " + task.getId() + "'s form is bound to '" + binding + "'; only 'latest' or "
            + "'deployment' keep the form that is checked the form that is used");
      }
    }
    for (UserTask task : approverTasks(model)) {
      Set<String> fields = task.getCamundaFormRef() == null ? Set.of() : formFields.apply(task.getCamundaFormRef());
      for (String field : fields.stream().sorted().toList()) {
        if (CONTROL_FACTS.contains(field)) {
          problems.add(name + ": " + task.getId() + "'s form declares control fact '" + field + "'");
        }
      }
      // every element with conditional outgoing flows decides on what its conditions read: a gateway, or a task
      // or event with conditional flows of its own
      for (FlowNode node : model.getModelElementsByType(FlowNode.class)) {
        if (node == task && !(node instanceof Gateway)) {
          continue; // the task's own conditional flows decide on its own answer
        }
        boolean follows = node.getIncoming().stream().anyMatch(f -> f.getSource() == task);
        for (String variable : conditionVariables(node).stream().sorted().toList()) {
          if (fields.contains(variable) && !follows) {
            problems.add(name + ": " + (node instanceof Gateway ? "gateway " : "element ") + node.getId()
                + " reads '" + variable + "', which " + task.getId() + "'s form lets its candidates write");
          }
        }
      }
    }
    return problems;
  }

  /** The user tasks of people other than the requester: approvers, reviewers, deployers, testers. */
  public static List<UserTask> approverTasks(BpmnModelInstance model) {
    return model.getModelElementsByType(UserTask.class).stream().filter(t -> !isRequestersOwn(t)).toList();
  }

  /** A task of the requester's own (their start form's rework): it carries the request, validated by the server. */
  public static boolean isRequestersOwn(UserTask task) {
    return "requester".equals(task.getCamundaCandidateGroups()) || "${requester}".equals(task.getCamundaAssignee());
  }

  /** The variables the conditions of a gateway's outgoing flows read. */
  public static Set<String> conditionVariables(FlowNode gateway) {
    Set<String> variables = new HashSet<>();
    for (SequenceFlow flow : gateway.getOutgoing()) {
      ConditionExpression condition = flow.getConditionExpression();
      if (condition == null) {
        continue;
      }
      String text = condition.getTextContent();
      Matcher named = NAMED_READ.matcher(text);
      while (named.find()) {
        variables.add(named.group(1));
      }
      if (condition.getLanguage() != null && !condition.getLanguage().isBlank()) {
        // a script condition: any identifier it names may be a variable
        Matcher identifier = IDENTIFIER.matcher(text);
        while (identifier.find()) {
          variables.add(identifier.group(1));
        }
        continue;
      }
      Matcher expression = EXPRESSION.matcher(text);
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
