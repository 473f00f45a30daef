package org.itgc.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a model change's approvers read: the difference between the live version and the proposed one, written for a
 * person. Built from the repository's own models, edited the way a governance lead would in Camunda Modeler.
 */
class ModelDiffTest {

  private static String read(String path) throws Exception {
    return Files.readString(Path.of(path), StandardCharsets.UTF_8);
  }

  private static List<String> diff(String name, String before, String after) throws Exception {
    return ModelDiff.of(name, before.getBytes(StandardCharsets.UTF_8), after.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aDmnRuleChangedAddedOrRemovedIsShownWithItsDecisionInputsAndOutputs() throws Exception {
    String live = read("dmn/change-criticality.dmn");
    // an emergency change no longer needs test evidence: the rule's last output turned from true to false
    String emergencyRule = live.substring(live.indexOf("<rule id=\"Rule_Emergency\""),
        live.indexOf("</rule>", live.indexOf("<rule id=\"Rule_Emergency\"")) + "</rule>".length());
    String weakened = emergencyRule.replace("<outputEntry id=\"Rule_Emergency_Out4\"><text>true</text>",
        "<outputEntry id=\"Rule_Emergency_Out4\"><text>false</text>");
    assertThat(weakened).isNotEqualTo(emergencyRule);
    List<String> changed = diff("change-criticality.dmn", live, live.replace(emergencyRule, weakened));
    assertThat(changed).hasSize(1);
    assertThat(changed.get(0)).startsWith("changed rule Rule_Emergency: ")
        .contains("then Test evidence required: 'true' -> 'false'");

    // the same rule removed: every entry of it is named, so the approver sees what stops applying
    List<String> removed = diff("change-criticality.dmn", live, live.replace(emergencyRule, ""));
    // the table's hit policy is FIRST: every later rule moves up one place, and says so
    assertThat(removed.stream().filter(l -> !l.startsWith("removed")))
        .allMatch(l -> l.matches("changed rule \\w+: position \\(FIRST\\): '\\d+' -> '\\d+'"));
    assertThat(removed.stream().filter(l -> l.startsWith("removed")).findFirst().orElseThrow()).startsWith("removed rule Rule_Emergency (decision='ChangeCriticality'".replace(
        "ChangeCriticality", decisionId(live))).contains("when Change type='\"emergency\"'")
        .contains("then Criticality='\"critical\"'").contains("description='Emergency: deployed first");

    // a new rule, with an input left empty (any value)
    String added = emergencyRule.replace("Rule_Emergency", "Rule_EmergencyTier3")
        .replace("<inputEntry id=\"Rule_EmergencyTier3_In2\"><text></text>",
            "<inputEntry id=\"Rule_EmergencyTier3_In2\"><text>\"tier3\"</text>");
    List<String> more = diff("change-criticality.dmn", live, live.replace(emergencyRule, emergencyRule + added));
    assertThat(more.stream().filter(l -> l.startsWith("added")).findFirst().orElseThrow())
        .startsWith("added rule Rule_EmergencyTier3").contains("when System tier='\"tier3\"'")
        .contains("when Touches financial data=''");
  }

  @Test
  void aRuleMovedUpInAFirstHitTableIsAChange() throws Exception {
    // under FIRST, moving the tier-3 low-risk rule above the tier-1 rule would make normal changes low risk: the
    // same rules in another order are another decision
    String live = read("dmn/change-criticality.dmn");
    int first = live.indexOf("<rule ");
    int second = live.indexOf("<rule ", first + 1);
    int secondEnd = live.indexOf("</rule>", second) + "</rule>".length();
    String secondRule = live.substring(second, secondEnd);
    String swapped = live.substring(0, first) + secondRule + "\n      " + live.substring(first, second).strip()
        + live.substring(secondEnd);
    String movedId = secondRule.substring("<rule id=\"".length(), secondRule.indexOf('"', "<rule id=\"".length()));
    List<String> lines = diff("change-criticality.dmn", live, swapped);
    assertThat(lines).contains("changed rule " + movedId + ": position (FIRST): '2' -> '1'");
    assertThat(lines).hasSize(2);
  }

  @Test
  void aBpmnConditionListenerOrCandidateGroupChangedIsShownOnItsElement() throws Exception {
    String live = read("processes/change-request.bpmn");
    String condition = "${changeType == 'emergency'}";
    assertThat(live).contains(condition);
    List<String> routed = diff("change-request.bpmn", live, live.replace(condition, "${false}"));
    assertThat(routed).singleElement().asString().startsWith("changed sequenceFlow Flow_Emergency: ")
        .contains("conditionExpression[0]: '" + condition + "' -> '${false}'");

    String review = "camunda:formRef=\"change-review\" camunda:formRefBinding=\"latest\" camunda:candidateGroups=\"system-owner\"";
    assertThat(live).contains(review);
    List<String> regrouped = diff("change-request.bpmn", live, live.replace(review,
        review.replace("system-owner", "requester")));
    assertThat(regrouped).singleElement().asString().startsWith("changed userTask Task_TechnicalReview: ")
        .contains("candidateGroups: 'system-owner' -> 'requester'");

    // the separation-of-duties listener taken off the technical review
    String listener = "<camunda:taskListener expression=\"${changeProcess.decide(task)}\" event=\"complete\" />";
    int start = live.indexOf("<bpmn:userTask id=\"Task_TechnicalReview\"");
    int at = live.indexOf(listener, start);
    String unguarded = live.substring(0, at) + live.substring(at + listener.length());
    List<String> lines = diff("change-request.bpmn", live, unguarded);
    assertThat(lines).singleElement().asString().startsWith("changed userTask Task_TechnicalReview: ")
        .contains("taskListener").contains("'${changeProcess.decide(task)}' -> (none)");

    // moving a shape in the diagram is not a change of the model
    assertThat(diff("change-request.bpmn", live, live.replaceFirst("x=\"(\\d+)\"", "x=\"$11\""))).isEmpty();
  }

  @Test
  void aFormFieldAddedOrMadeOptionalIsShown() throws Exception {
    String live = read("forms/change-approval.form");
    assertThat(live).contains("\"key\": \"comment\"");
    String extra = live.replaceFirst("\"components\": \\[", "\"components\": [ { \"type\": \"checkbox\", "
        + "\"key\": \"cabReviewRequired\", \"label\": \"CAB review required\" },");
    assertThat(diff("change-approval.form", live, extra)).singleElement().asString()
        .isEqualTo("added field cabReviewRequired (type='checkbox', label='CAB review required', required='false')");
  }

  private static String decisionId(String dmn) {
    int at = dmn.indexOf("<decision id=\"") + "<decision id=\"".length();
    return dmn.substring(at, dmn.indexOf('"', at));
  }
}
