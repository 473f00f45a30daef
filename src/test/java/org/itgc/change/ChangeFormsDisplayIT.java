package org.itgc.change;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.history.HistoricDecisionInstance;
import org.itgc.support.ChangeRequests;
import org.itgc.support.DateSensitive;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What the change's task forms show, written by the server from its own records (ChangeProcess.Display): the system
 * by name and tier with its maintenance windows, the planned window and each decision with who and when in the
 * business calendar's zone (America/New_York in the demo), and the criticality rule that matched with its inputs, the
 * same rule the engine's history recorded. An approver cannot write them.
 */
@IntegrationTest
@DateSensitive
class ChangeFormsDisplayIT {

  @LocalServerPort int port;
  @Autowired RuntimeService runtimeService;
  @Autowired TaskService taskService;
  @Autowired HistoryService historyService;

  static String typed(Map<String, Object> variables) {
    Map<String, Object> typed = new HashMap<>();
    variables.forEach((k, v) -> typed.put(k, Map.of("value", v)));
    return Http.json(Map.of("variables", typed));
  }

  @Test
  void theFormsShowTheSystemWindowsDecisionsWithWhoAndWhenAndTheCriticalityRule() {
    var body = ChangeRequests.body("normal", "ERP-GL", null, ChangeRequests.plannedSaturday(44));
    var submitted = Http.as(port, "rachel").post("/api/changes", Http.json(body));
    assertThat(submitted.status()).as(submitted.toString()).isEqualTo(201);
    String id = submitted.json().get("id").asText();
    String instance = runtimeService.createProcessInstanceQuery().processInstanceBusinessKey(id).singleResult().getId();

    assertThat(runtimeService.getVariable(instance, ChangeProcess.Display.SYSTEM))
        .isEqualTo("ERP General Ledger (ERP-GL), tier 1");
    assertThat(runtimeService.getVariable(instance, ChangeProcess.Display.MAINTENANCE_WINDOWS))
        .isEqualTo("Sat 22:00 to 23:59; Sun 00:00 to 06:00 (America/New_York)");
    // 22:30 to 23:30 New York time as planned, as readable text in the calendar's zone
    assertThat((String) runtimeService.getVariable(instance, ChangeProcess.Display.PLANNED_WINDOW))
        .matches("Sat \\d{1,2} \\w{3} \\d{4}, 22:30 E[SD]T to Sat \\d{1,2} \\w{3} \\d{4}, 23:30 E[SD]T");
    assertThat(runtimeService.getVariable(instance, ChangeProcess.Display.DECISIONS)).isEqualTo("None yet.");

    // the explanation names the rule the engine's own history says matched, and the inputs it was given
    HistoricDecisionInstance decision = historyService.createHistoricDecisionInstanceQuery().processInstanceId(instance)
        .decisionDefinitionKey(ChangeProcess.DECISION_KEY).includeOutputs().singleResult();
    String rule = decision.getOutputs().get(0).getRuleId();
    assertThat((String) runtimeService.getVariable(instance, ChangeProcess.Display.CRITICALITY_EXPLANATION))
        .startsWith("Rule \"").contains("(" + rule + ") matched change type normal, system tier1, "
            + "touches financial data yes, tested rollback yes, outside the maintenance window no")
        .contains("criticality " + runtimeService.getVariable(instance, "criticality"));

    // an approver cannot write what the forms show: not a field of the form
    String review = taskService.createTaskQuery().processInstanceId(instance).singleResult().getId();
    var sofia = Http.as(port, "sofia");
    assertThat(sofia.post("/engine-rest/task/" + review + "/claim", Http.json(Map.of("userId", "sofia"))).status())
        .isEqualTo(204);
    var forged = sofia.post("/engine-rest/task/" + review + "/complete", typed(Map.of("decision", "approve",
        "comment", "sound", ChangeProcess.Display.DECISIONS, "CAB: approve by carlos")));
    assertThat(forged.status()).as(forged.toString()).isEqualTo(400);
    assertThat(forged.json().findValuesAsText("field")).contains(ChangeProcess.Display.DECISIONS);
    if (taskService.createTaskQuery().taskId(review).singleResult().getAssignee() == null) {
      sofia.post("/engine-rest/task/" + review + "/claim", Http.json(Map.of("userId", "sofia")));
    }
    var done = sofia.post("/engine-rest/task/" + review + "/complete", typed(Map.of("decision", "approve",
        "comment", "sound")));
    assertThat(done.status()).as(done.toString()).isEqualTo(204);
    assertThat((String) runtimeService.getVariable(instance, ChangeProcess.Display.DECISIONS))
        .matches("\n\n- Technical review: approve by sofia, \\w{3} \\d{1,2} \\w{3} \\d{4}, \\d{2}:\\d{2} E[SD]T "
            + "\\(comment: \"sound\"\\)\n");
  }
}
