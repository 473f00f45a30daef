package org.itgc.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.camunda.bpm.engine.TaskService;
import org.itgc.change.ChangeProcess;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Every state change over the engine's REST API leaves an audit event, whether it is allowed or refused: the work a
 * task's people do (claim, unclaim, comment, attachment, completion, start, filters), each write the engine's generic
 * surface refuses (variables, modification, deletion, suspension, jobs, messages, signals, identity), and deployments
 * (by people they open a model change; by the server they are recorded with name, resources' SHA-256 and versions).
 */
@IntegrationTest
class EngineStateChangesIT {

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired TaskService taskService;

  record Step(String name, Supplier<Http.Response> call, int status, String action) {}

  private long newestEvent() {
    return jdbc.queryForObject("select coalesce(max(id), 0) from audit_event", Long.class);
  }

  private static String typed(Map<String, Object> variables) {
    Map<String, Object> typed = new java.util.HashMap<>();
    variables.forEach((k, v) -> typed.put(k, Map.of("value", v)));
    return Http.json(Map.of("variables", typed));
  }

  @Test
  void everyStateChangingEngineOperationLeavesAnEventAllowedOrRefused() {
    var body = org.itgc.support.ChangeRequests.body("normal", "ERP-GL", null,
        org.itgc.support.ChangeRequests.plannedSaturday(300));
    body.put("title", "Every state change audited");
    var created = Http.as(port, "rachel").post("/api/changes", Http.json(body));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String change = created.json().get("id").asText();
    var task = taskService.createTaskQuery().processInstanceBusinessKey(change)
        .taskDefinitionKey(ChangeProcess.Elements.TECHNICAL_REVIEW).singleResult();
    String review = task.getId();
    String instance = task.getProcessInstanceId();
    var sofia = Http.as(port, "sofia");
    var rachel = Http.as(port, "rachel");
    byte[] attachment = ("--x\r\nContent-Disposition: form-data; name=\"attachment-name\"\r\n\r\ntest plan\r\n"
        + "--x\r\nContent-Disposition: form-data; name=\"attachment-type\"\r\n\r\ntext/plain\r\n"
        + "--x\r\nContent-Disposition: form-data; name=\"url\"\r\n\r\nhttps://wiki.example/test-plan\r\n--x--\r\n")
        .getBytes(StandardCharsets.UTF_8);
    List<Step> steps = List.of(
        // the work people do: allowed, and in the trail
        new Step("claim", () -> sofia.post("/engine-rest/task/" + review + "/claim", Http.json(Map.of("userId", "sofia"))),
            204, "engine.Claim"),
        new Step("unclaim", () -> sofia.post("/engine-rest/task/" + review + "/unclaim", "{}"), 204, "engine.Assign"),
        new Step("claim again", () -> sofia.post("/engine-rest/task/" + review + "/claim",
            Http.json(Map.of("userId", "sofia"))), 204, "engine.Claim"),
        new Step("comment", () -> sofia.post("/engine-rest/task/" + review + "/comment/create",
            Http.json(Map.of("message", "checked the test evidence"))), 200, "engine.AddComment"),
        new Step("attachment", () -> sofia.post("/engine-rest/task/" + review + "/attachment/create",
            "multipart/form-data; boundary=x", attachment), 200, "engine.AddAttachment"),
        // filters are the engine's (one per role, made at start); Camunda's own refusal is audited too
        new Step("filter", () -> sofia.post("/engine-rest/filter/create", Http.json(Map.of("resourceType", "Task",
            "name", "My reviews " + change, "query", Map.of("assigneeExpression", "${currentUser()}")))), 403,
            "engine.access-denied"),
        // the generic write surfaces: refused, and in the trail
        new Step("set a task variable", () -> sofia.send("PUT", "/engine-rest/task/" + review + "/localVariables/x",
            "application/json", Http.json(Map.of("value", "y"))), 403, "engine.write-refused"),
        new Step("set an instance variable", () -> sofia.send("PUT", "/engine-rest/process-instance/" + instance
            + "/variables/cabReviewRequired", "application/json", Http.json(Map.of("value", false, "type", "Boolean"))),
            403, "engine.write-refused"),
        new Step("modify the instance", () -> sofia.post("/engine-rest/process-instance/" + instance + "/modification",
            Http.json(Map.of("instructions", List.of(Map.of("type", "cancel", "activityId",
                ChangeProcess.Elements.TECHNICAL_REVIEW))))), 403, "engine.write-refused"),
        new Step("suspend the instance", () -> sofia.send("PUT", "/engine-rest/process-instance/" + instance
            + "/suspended", "application/json", Http.json(Map.of("suspended", true))), 403, "engine.write-refused"),
        new Step("delete the instance", () -> sofia.send("DELETE", "/engine-rest/process-instance/" + instance, null,
            null), 403, "engine.write-refused"),
        new Step("delete its history", () -> sofia.send("DELETE", "/engine-rest/history/process-instance/" + instance,
            null, null), 403, "engine.write-refused"),
        new Step("job retries", () -> sofia.send("PUT", "/engine-rest/job/retries", "application/json",
            Http.json(Map.of("retries", 3, "processInstances", List.of(instance)))), 403, "engine.write-refused"),
        new Step("message", () -> sofia.post("/engine-rest/message", Http.json(Map.of("messageName", "anything"))),
            403, "engine.write-refused"),
        new Step("signal", () -> sofia.post("/engine-rest/signal", Http.json(Map.of("name", "anything"))), 403,
            "engine.write-refused"),
        new Step("join a group", () -> sofia.post("/engine-rest/group/cab/members/sofia", "{}"), 403,
            "engine.write-refused"),
        new Step("create a user", () -> sofia.post("/engine-rest/user/create", Http.json(Map.of("profile",
            Map.of("id", "mallory"), "credentials", Map.of("password", "x")))), 403, "engine.write-refused"),
        new Step("complete with a field the form does not declare", () -> sofia.post("/engine-rest/task/" + review
            + "/complete", typed(Map.of("decision", "approve", "comment", "ok", "financeApprovalRequired", false))),
            400, "engine.write-refused"),
        new Step("someone else's task", () -> rachel.post("/engine-rest/task/" + review + "/complete",
            typed(Map.of("decision", "approve", "comment", "mine"))), 403, "engine.access-denied"),
        // (one with files opens a model change: ModelDeploymentIT; one without files is refused)
        new Step("a deployment by a person", () -> Http.as(port, "grace").post("/engine-rest/deployment/create",
            "multipart/form-data; boundary=x", ("--x\r\nContent-Disposition: form-data; name=\"deployment-name\"\r\n\r\n"
                + "mine\r\n--x--\r\n").getBytes(StandardCharsets.UTF_8)), 400, "engine.write-refused"),
        // and the completion the form allows
        new Step("complete", () -> sofia.post("/engine-rest/task/" + review + "/complete",
            typed(Map.of("decision", "approve", "comment", "fine"))), 204, "engine.Complete"));

    for (Step step : steps) {
      long before = newestEvent();
      var response = step.call().get();
      assertThat(response.status()).as(step.name() + ": " + response).isEqualTo(step.status());
      List<String> actions = jdbc.queryForList("select action from audit_event where id > ? order by id", String.class,
          before);
      assertThat(actions).as(step.name()).contains(step.action());
    }
    // the comment's text and the attachment are in the trail, not just that something happened
    assertThat(jdbc.queryForObject("select details->>'message' from audit_event where action = 'engine.AddComment' "
        + "and object_id = ?", String.class, review)).isEqualTo("checked the test evidence");
  }

  @Test
  void everyDeploymentIsRecordedWithItsResourcesHashesAndVersions() throws Exception {
    // the release baseline deployed at start: each model file with its SHA-256 and the definition versions it made
    var deployments = jdbc.queryForList("select details::text from audit_event where action = 'engine.deployment'",
        String.class);
    assertThat(deployments).isNotEmpty();
    String model = java.nio.file.Files.readString(java.nio.file.Path.of("processes/change-request.bpmn"));
    String sha256 = org.itgc.platform.Hashes.sha256(model.getBytes(StandardCharsets.UTF_8));
    assertThat(deployments).anyMatch(d -> d.contains(sha256) && d.contains("\"key\": \"change-request\"")
        && d.contains("\"version\""));
  }
}
