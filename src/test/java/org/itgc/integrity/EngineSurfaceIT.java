package org.itgc.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.itgc.change.ChangeProcess;
import org.itgc.support.Codes;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.itgc.support.TestClock;
import org.itgc.support.WebSession;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The insiders' attempts of the control-integrity review, made as they made them (HTTP Basic on {@code /engine-rest},
 * a real Tasklist session with its CSRF token on Tasklist's own API): each is refused, leaves the process as it was,
 * and is in the audit trail.
 */
@IntegrationTest
class EngineSurfaceIT {

  static final String PASSWORD = "Correct-Horse-Battery-Staple-77";

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired TaskService taskService;
  @Autowired RuntimeService runtimeService;
  @Autowired RepositoryService repositoryService;

  // ---------------------------------------------------------------- helpers

  static final java.util.concurrent.atomic.AtomicInteger SATURDAYS = new java.util.concurrent.atomic.AtomicInteger(100);

  /** A normal ERP-GL change, each on a Saturday of its own far from ChangeManagementIT's. */
  Map<String, Object> changeBody(String title) {
    Map<String, Object> body = org.itgc.support.ChangeRequests.body("normal", "ERP-GL", null,
        org.itgc.support.ChangeRequests.plannedSaturday(SATURDAYS.getAndIncrement()));
    body.put("title", title);
    return body;
  }

  String submitChange(String user, String password, String title) {
    var response = Http.as(port, user, password).post("/api/changes", Http.json(changeBody(title)));
    assertThat(response.status()).as(response.toString()).isEqualTo(201);
    return response.json().get("id").asText();
  }

  String task(String changeId, String key) {
    return taskService.createTaskQuery().processInstanceBusinessKey(changeId).taskDefinitionKey(key).singleResult()
        .getId();
  }

  static String typed(Map<String, Object> variables) {
    Map<String, Object> typed = new HashMap<>();
    variables.forEach((k, v) -> typed.put(k, Map.of("value", v)));
    return Http.json(Map.of("variables", typed));
  }

  int refusals(String action, String objectLike) {
    return jdbc.queryForObject("select count(*) from audit_event where action = ? and object_id like ? "
        + "and outcome = 'DENIED'", Integer.class, action, objectLike);
  }

  void createUser(String username, String... roles) {
    if (Http.as(port, "sam").get("/api/users/" + username).status() != 200) {
      org.itgc.support.RoleApprovals.createUser(port, username, username, username + "@demo.itgc.local", PASSWORD,
          List.of(roles));
    }
  }

  WebSession tasklist(String user, String password) {
    return WebSession.tasklist(port, user, password);
  }

  // ---------------------------------------------------------------- 1, 4: completions carry the form's fields only

  @Test
  void anApproverCannotRemoveLaterApprovalsOrDecideAnotherChangeWithExtraVariables() {
    String change = submitChange("rachel", Http.DEMO_PASSWORD, "Integrity: extra variables");
    String other = submitChange("ryan", Http.DEMO_PASSWORD, "Integrity: the other change");
    String review = task(change, ChangeProcess.Elements.TECHNICAL_REVIEW);
    var sofia = Http.as(port, "sofia");
    assertThat(sofia.post("/engine-rest/task/" + review + "/claim", Http.json(Map.of("userId", "sofia"))).status())
        .isEqualTo(204);
    String instance = taskService.createTaskQuery().taskId(review).singleResult().getProcessInstanceId();
    Object cabBefore = runtimeService.getVariable(instance, "cabReviewRequired");

    var skipApprovals = sofia.post("/engine-rest/task/" + review + "/complete", typed(Map.of("decision", "approve",
        "comment", "fine", "cabReviewRequired", false, "financeApprovalRequired", false, "scheduleConflict", false)));
    assertThat(skipApprovals.status()).as(skipApprovals.toString()).isEqualTo(400);
    assertThat(skipApprovals.contentType()).startsWith("application/problem+json");
    assertThat(skipApprovals.json().findValuesAsText("field"))
        .containsExactlyInAnyOrder("cabReviewRequired", "financeApprovalRequired", "scheduleConflict");
    // the attempt is not left claimed by the one who made it: the task is back with its candidates
    assertThat(taskService.createTaskQuery().taskId(review).singleResult().getAssignee()).isNull();
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'task.released-after-refusal' "
        + "and object_id = ? and details->>'user' = 'sofia'", Integer.class, review)).isEqualTo(1);
    sofia.post("/engine-rest/task/" + review + "/claim", Http.json(Map.of("userId", "sofia")));
    var otherChange = sofia.post("/engine-rest/task/" + review + "/complete", typed(Map.of("decision", "approve",
        "comment", "fine", "changeId", other)));
    assertThat(otherChange.status()).isEqualTo(400);
    assertThat(otherChange.json().findValuesAsText("field")).containsExactly("changeId");
    sofia.post("/engine-rest/task/" + review + "/claim", Http.json(Map.of("userId", "sofia")));
    var serialized = sofia.post("/engine-rest/task/" + review + "/complete", Http.json(Map.of("variables",
        Map.of("decision", Map.of("value", "rO0ABX", "type", "Object")))));
    assertThat(serialized.status()).isEqualTo(400);

    // nothing reached the engine: the task is open, the assessment's outputs as the server wrote them
    assertThat(taskService.createTaskQuery().taskId(review).count()).isEqualTo(1);
    assertThat(runtimeService.getVariable(instance, "cabReviewRequired")).isEqualTo(cabBefore);
    assertThat(refusals("engine.write-refused", "POST task/" + review + "/complete")).isEqualTo(3);

    // the form's own fields go through, and the change goes on to the CAB its assessment requires
    sofia.post("/engine-rest/task/" + review + "/claim", Http.json(Map.of("userId", "sofia")));
    assertThat(sofia.post("/engine-rest/task/" + review + "/complete",
        typed(Map.of("decision", "approve", "comment", "fine"))).status()).isEqualTo(204);
    assertThat(taskService.createTaskQuery().processInstanceBusinessKey(change)
        .taskDefinitionKey(ChangeProcess.Elements.CAB_REVIEW).count()).isEqualTo(1);
  }

  // ---------------------------------------------------------------- 2: variables (local included) are closed

  @Test
  void nobodySetsOrRemovesVariablesOfTasksOrInstances() {
    String change = submitChange("rachel", Http.DEMO_PASSWORD, "Integrity: local variables");
    String review = task(change, ChangeProcess.Elements.TECHNICAL_REVIEW);
    String instance = taskService.createTaskQuery().taskId(review).singleResult().getProcessInstanceId();
    var sofia = Http.as(port, "sofia");
    sofia.post("/engine-rest/task/" + review + "/claim", Http.json(Map.of("userId", "sofia")));
    var writes = List.of(
        sofia.send("PUT", "/engine-rest/task/" + review + "/localVariables/requester", "application/json",
            Http.json(Map.of("value", "sofia"))),
        sofia.post("/engine-rest/task/" + review + "/localVariables", Http.json(Map.of("modifications",
            Map.of("changeId", Map.of("value", "CHG-0000-000001"))))),
        sofia.send("PUT", "/engine-rest/task/" + review + "/variables/systemId", "application/json",
            Http.json(Map.of("value", "BI-REPORTING"))),
        sofia.send("PUT", "/engine-rest/process-instance/" + instance + "/variables/cabReviewRequired",
            "application/json", Http.json(Map.of("value", false, "type", "Boolean"))),
        sofia.send("DELETE", "/engine-rest/process-instance/" + instance + "/variables/requester", null, null),
        sofia.post("/engine-rest/execution/" + instance + "/localVariables", Http.json(Map.of("modifications",
            Map.of("requester", Map.of("value", "sofia"))))));
    for (var write : writes) {
      assertThat(write.status()).as(write.toString()).isEqualTo(403);
      assertThat(write.json().get("message").asText()).contains("closed");
    }
    assertThat(taskService.getVariablesLocal(review)).doesNotContainKeys("requester", "changeId");
    assertThat(runtimeService.getVariable(instance, "requester")).isEqualTo("rachel");
    assertThat(refusals("engine.write-refused", "%" + instance + "/variables%")).isEqualTo(2);
    assertThat(refusals("engine.write-refused", "%task/" + review + "/localVariables%")).isEqualTo(2);
  }

  // ---------------------------------------------------------------- 3: forged starts

  @Test
  void aStartCarriesTheStartFormsFieldsOnlyAndTheServerMakesRequesterAndIds() {
    int changes = jdbc.queryForObject("select count(*) from change_request", Integer.class);
    // other tests of the shared context are refused such starts too (TaskTitlesIT): count this test's own
    int refusedBefore = refusals("engine.write-refused", "POST process-definition/key/change-request/start");
    String approved = submitChange("ryan", Http.DEMO_PASSWORD, "Integrity: target of a forged start");
    var rachel = Http.as(port, "rachel");
    Map<String, Object> form = changeBody("forged");
    form.put("commits", "");
    form.put("standardChangeType", "");
    form.put("testEvidenceLinks", "");
    var forgedRequester = new HashMap<>(form);
    forgedRequester.put("requester", "ivan");
    var asIvan = rachel.post("/engine-rest/process-definition/key/change-request/start", typed(forgedRequester));
    assertThat(asIvan.status()).as(asIvan.toString()).isEqualTo(400);
    assertThat(asIvan.json().findValuesAsText("field")).containsExactly("requester");
    var forgedId = new HashMap<>(form);
    forgedId.put("changeId", approved);
    assertThat(rachel.post("/engine-rest/process-definition/key/change-request/start", typed(forgedId))
        .json().findValuesAsText("field")).containsExactly("changeId");
    var withKey = rachel.post("/engine-rest/process-definition/key/change-request/start",
        Http.json(Map.of("businessKey", approved, "variables", Map.of())));
    assertThat(withKey.status()).isEqualTo(400);
    assertThat(withKey.json().findValuesAsText("field")).containsExactly("businessKey");
    var atImplementation = rachel.post("/engine-rest/process-definition/key/change-request/start", Http.json(Map.of(
        "startInstructions", List.of(Map.of("type", "startBeforeActivity", "activityId", "Task_Implement")))));
    assertThat(atImplementation.status()).isEqualTo(400);
    assertThat(jdbc.queryForObject("select count(*) from change_request", Integer.class)).isEqualTo(changes + 1);
    assertThat(refusals("engine.write-refused", "POST process-definition/key/change-request/start"))
        .isEqualTo(refusedBefore + 4);

    // the start form's fields alone start a change whose requester is the logged-in user
    var started = rachel.post("/engine-rest/process-definition/key/change-request/start", typed(form));
    assertThat(started.status()).as(started.toString()).isEqualTo(200);
    String id = jdbc.queryForObject("select id from change_request where process_instance_id = ?", String.class,
        started.json().get("id").asText());
    assertThat(jdbc.queryForObject("select requester from change_request where id = ?", String.class, id))
        .isEqualTo("rachel");
  }

  // ---------------------------------------------------------------- 5, 10: access approvals

  @Test
  void aLineManagerCannotMakeAPrivilegedRequestOrdinaryAndNoFormOpensWithAnotherApproversAnswers() {
    var requested = Http.as(port, "rachel").post("/api/access/requests", Http.json(Map.of(
        "entitlements", List.of("PAYROLL/PAYROLL_DBA"), "justification", "Cover the payroll DBA on leave")));
    assertThat(requested.status()).as(requested.toString()).isEqualTo(201);
    String requestId = requested.json().get("id").asText();
    String instance = jdbc.queryForObject("select process_instance_id from access_request where id = ?", String.class,
        requestId);
    assertThat(runtimeService.getVariable(instance, "privileged")).isEqualTo(true);
    String lineTask = taskService.createTaskQuery().processInstanceId(instance)
        .taskDefinitionKey("Task_LineManagerApproval").singleResult().getId();
    var lucas = Http.as(port, "lucas");
    lucas.post("/engine-rest/task/" + lineTask + "/claim", Http.json(Map.of("userId", "lucas")));
    var ordinary = lucas.post("/engine-rest/task/" + lineTask + "/complete", typed(Map.of("decision", "approve",
        "comment", "fine", "privileged", false)));
    assertThat(ordinary.status()).as(ordinary.toString()).isEqualTo(400);
    assertThat(ordinary.json().findValuesAsText("field")).containsExactly("privileged");
    assertThat(runtimeService.getVariable(instance, "privileged")).isEqualTo(true);
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'engine.write-refused' and "
        + "actor = 'lucas' and outcome = 'DENIED' and details->'fields' @> '[\"privileged\"]'", Integer.class)).isEqualTo(1);
    // the same attempt through Tasklist's own API, with a logged-in session and its CSRF token
    var session = tasklist("lucas", Http.DEMO_PASSWORD);
    String api = "/camunda/api/engine/engine/default/task/" + lineTask;
    assertThat(session.api("POST", api + "/claim", Http.json(Map.of("userId", "lucas"))).status()).isEqualTo(204);
    var throughTasklist = session.api("POST", api + "/submit-form", typed(Map.of("decision", "approve",
        "comment", "fine", "privileged", false)));
    assertThat(throughTasklist.status()).as(throughTasklist.body()).isEqualTo(400);
    assertThat(throughTasklist.body()).contains("privileged").doesNotContain("ENGINE-");
    assertThat(runtimeService.getVariable(instance, "privileged")).isEqualTo(true);
    assertThat(taskService.createTaskQuery().taskId(lineTask).singleResult().getAssignee())
        .as("released from the one who tried").isNull();
    lucas.post("/engine-rest/task/" + lineTask + "/claim", Http.json(Map.of("userId", "lucas")));

    assertThat(lucas.post("/engine-rest/task/" + lineTask + "/complete", typed(Map.of("decision", "approve",
        "comment", "the line manager's own reasons"))).status()).isEqualTo(204);
    // the next approver's form opens empty: no decision or comment of the line manager in it
    String ownerTask = taskService.createTaskQuery().processInstanceId(instance)
        .taskDefinitionKey("Task_SystemOwnerApproval").list().get(0).getId();
    JsonNode form = Http.as(port, "sofia").get("/engine-rest/task/" + ownerTask + "/form-variables").json();
    assertThat(form.path("decision").path("value").isTextual()).as(form.toString()).isFalse();
    assertThat(form.path("comment").path("value").isTextual()).as(form.toString()).isFalse();
  }

  // ---------------------------------------------------------------- 2, in depth: the checks never read variables

  @Test
  void theSodChecksReadTheServersRecordsEvenWhenVariablesOfTheTaskSayOtherwise() {
    // the surface refuses every variable write (tested above); were one to get through, the checks would still
    // hold: the server plants what an insider would have written, and the requester tries to approve their own
    createUser("quentin.planted", "requester", "system-owner");
    String change = submitChange("quentin.planted", PASSWORD, "Integrity: variables planted on the task");
    String other = submitChange("rachel", Http.DEMO_PASSWORD, "Integrity: somebody else's change");
    String review = task(change, ChangeProcess.Elements.TECHNICAL_REVIEW);
    String instance = taskService.createTaskQuery().taskId(review).singleResult().getProcessInstanceId();
    taskService.setVariableLocal(review, "requester", "rachel");
    taskService.setVariableLocal(review, "changeId", other);
    taskService.setVariableLocal(review, "systemId", "PAYROLL");
    runtimeService.setVariable(instance, "requester", "rachel");
    var quentin = Http.as(port, "quentin.planted", PASSWORD);
    assertThat(quentin.post("/engine-rest/task/" + review + "/claim", Http.json(Map.of("userId", "quentin.planted")))
        .status()).isEqualTo(204);
    var own = quentin.post("/engine-rest/task/" + review + "/complete", typed(Map.of("decision", "approve",
        "comment", "looks fine to me")));
    assertThat(own.status()).as(own.toString()).isEqualTo(403);
    assertThat(own.json().get("message").asText()).contains("The requester of " + change + " cannot decide");
    assertThat(jdbc.queryForObject("select count(*) from change_approval where change_id in (?, ?)", Integer.class,
        change, other)).as("no decision recorded on either change").isZero();
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'change.sod-violation' "
        + "and object_id = ? and actor = 'quentin.planted'", Integer.class, change)).isEqualTo(1);

    // an access request: a planted system id does not make a non-owner the owner of the system being approved
    var requested = Http.as(port, "rachel").post("/api/access/requests", Http.json(Map.of(
        "entitlements", List.of("PAYROLL/PAYROLL_ADMIN"), "justification", "planted system id")));
    assertThat(requested.status()).as(requested.toString()).isEqualTo(201);
    String requestId = requested.json().get("id").asText();
    String accessInstance = jdbc.queryForObject("select process_instance_id from access_request where id = ?",
        String.class, requestId);
    String lineTask = taskService.createTaskQuery().processInstanceId(accessInstance)
        .taskDefinitionKey("Task_LineManagerApproval").singleResult().getId();
    var lucas = Http.as(port, "lucas");
    lucas.post("/engine-rest/task/" + lineTask + "/claim", Http.json(Map.of("userId", "lucas")));
    assertThat(lucas.post("/engine-rest/task/" + lineTask + "/complete", typed(Map.of("decision", "approve",
        "comment", "ok"))).status()).isEqualTo(204);
    var ownerTask = taskService.createTaskQuery().processInstanceId(accessInstance)
        .taskDefinitionKey("Task_SystemOwnerApproval").list().get(0);
    taskService.setVariableLocal(ownerTask.getId(), "systemId", "ITGC-ENGINE");
    taskService.setVariableLocal(ownerTask.getId(), "accessRequestId", "AR-planted");
    var sofia = Http.as(port, "sofia");
    sofia.post("/engine-rest/task/" + ownerTask.getId() + "/claim", Http.json(Map.of("userId", "sofia")));
    var approval = sofia.post("/engine-rest/task/" + ownerTask.getId() + "/complete", typed(Map.of("decision",
        "approve", "comment", "as owner of PAYROLL")));
    // sofia owns PAYROLL (config/systems.yaml): her approval counts for PAYROLL, whatever the task says
    assertThat(approval.status()).as(approval.toString()).isEqualTo(204);
    assertThat(jdbc.queryForList("select step from access_approval where request_id = ? and approver = 'sofia'",
        String.class, requestId)).as("recorded against the system of the loop, never the planted one")
        .containsExactly("system-owner:PAYROLL");
    assertThat(jdbc.queryForObject("select count(*) from access_approval where request_id = 'AR-planted'",
        Integer.class)).isZero();
  }

  // ---------------------------------------------------------------- 11: confidentiality of history

  @Test
  void aRequesterReadsTheHistoryOfTheirOwnRequestsOnly() {
    String mine = submitChange("rachel", Http.DEMO_PASSWORD, "Integrity: my history");
    String theirs = submitChange("ryan", Http.DEMO_PASSWORD, "Integrity: ryan's history");
    String myInstance = jdbc.queryForObject("select process_instance_id from change_request where id = ?",
        String.class, mine);
    String theirInstance = jdbc.queryForObject("select process_instance_id from change_request where id = ?",
        String.class, theirs);
    var rachel = Http.as(port, "rachel");
    assertThat(rachel.get("/engine-rest/history/variable-instance?processInstanceId=" + theirInstance).json())
        .as("another requester's justification and approvers' comments").isEmpty();
    assertThat(rachel.get("/engine-rest/history/process-instance?processInstanceId=" + theirInstance).json()).isEmpty();
    assertThat(rachel.get("/engine-rest/history/variable-instance?processInstanceId=" + myInstance).json()).isNotEmpty();
    JsonNode justifications = rachel.get("/engine-rest/history/variable-instance?variableName=justification").json();
    assertThat(justifications).as("her own are there").isNotEmpty();
    for (JsonNode variable : justifications) {
      assertThat(variable.get("processInstanceId").asText()).isNotEqualTo(theirInstance);
    }
    // an approver reads the history of an instance once a task of it is theirs, and not before
    var sofia = Http.as(port, "sofia");
    String historyOfTheirs = "/engine-rest/history/variable-instance?processInstanceId=" + theirInstance;
    assertThat(sofia.get(historyOfTheirs).json()).as("a system owner with no task of it").isEmpty();
    assertThat(sofia.get("/engine-rest/history/variable-instance?variableName=justification").json()
        .findValuesAsText("processInstanceId")).as("nor its justification by way of the process")
        .doesNotContain(theirInstance, myInstance);
    String review = task(theirs, ChangeProcess.Elements.TECHNICAL_REVIEW);
    assertThat(sofia.post("/engine-rest/task/" + review + "/claim", Http.json(Map.of("userId", "sofia"))).status())
        .isEqualTo(204);
    assertThat(sofia.get(historyOfTheirs).json()).as("the change she now reviews").isNotEmpty();
    assertThat(sofia.get("/engine-rest/history/variable-instance?processInstanceId=" + myInstance).json())
        .as("still not the other one").isEmpty();
    // a line manager reads the request he approves, named as its assignee when the task is created
    var requested = Http.as(port, "ryan").post("/api/access/requests", Http.json(Map.of(
        "entitlements", List.of("ERP-GL/GL_READ_ONLY"), "justification", "History for the line manager")));
    assertThat(requested.status()).as(requested.toString()).isEqualTo(201);
    String accessInstance = jdbc.queryForObject("select process_instance_id from access_request where id = ?",
        String.class, requested.json().get("id").asText());
    String accessHistory = "/engine-rest/history/variable-instance?processInstanceId=" + accessInstance;
    assertThat(Http.as(port, "lucas").get(accessHistory).json()).as("ryan's manager").isNotEmpty();
    assertThat(Http.as(port, "fiona").get(accessHistory).json()).as("a finance approver with no task of it")
        .isEmpty();
  }

  // ---------------------------------------------------------------- 7: the governance lead's generic powers are gone

  @Test
  void aGovernanceLeadNeitherWorksOthersTasksNorModifiesDeletesOrDeploys() {
    String change = submitChange("rachel", Http.DEMO_PASSWORD, "Integrity: governance lead");
    String review = task(change, ChangeProcess.Elements.TECHNICAL_REVIEW);
    String instance = taskService.createTaskQuery().taskId(review).singleResult().getProcessInstanceId();
    var grace = Http.as(port, "grace");
    var complete = grace.post("/engine-rest/task/" + review + "/complete",
        typed(Map.of("decision", "approve", "comment", "lead")));
    assertThat(complete.status()).as(complete.toString()).isEqualTo(403);
    assertThat(refusals("engine.access-denied", "POST task/" + review + "/complete")).isEqualTo(1);
    String deployment = repositoryService.createProcessDefinitionQuery().processDefinitionKey(ChangeProcess.KEY)
        .latestVersion().singleResult().getDeploymentId();
    var attempts = List.of(
        grace.post("/engine-rest/process-instance/" + instance + "/modification", Http.json(Map.of("instructions",
            List.of(Map.of("type", "startBeforeActivity", "activityId", ChangeProcess.Elements.IMPLEMENT))))),
        grace.send("DELETE", "/engine-rest/process-instance/" + instance, null, null),
        grace.send("DELETE", "/engine-rest/deployment/" + deployment + "?cascade=true", null, null),
        grace.send("DELETE", "/engine-rest/history/process-instance/" + instance, null, null),
        grace.send("PUT", "/engine-rest/process-instance/" + instance + "/suspended", "application/json",
            Http.json(Map.of("suspended", true))),
        grace.post("/engine-rest/message", Http.json(Map.of("messageName", "anything"))),
        grace.post("/engine-rest/group/cab/members/grace", "{}"));
    for (var attempt : attempts) {
      assertThat(attempt.status()).as(attempt.toString()).isEqualTo(403);
    }
    var deploy = grace.post("/engine-rest/deployment/create", "multipart/form-data; boundary=x",
        "--x\r\nContent-Disposition: form-data; name=\"deployment-name\"\r\n\r\nmine\r\n--x--\r\n"
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    // a deployment opens a model change (ModelDeploymentIT); one without files opens nothing
    assertThat(deploy.status()).isEqualTo(400);
    assertThat(deploy.json().get("message").asText()).contains("no model change opened").contains("files");
    // everything as it was
    assertThat(taskService.createTaskQuery().taskId(review).count()).isEqualTo(1);
    assertThat(runtimeService.createProcessInstanceQuery().processInstanceId(instance).active().count()).isEqualTo(1);
    assertThat(repositoryService.createDeploymentQuery().deploymentId(deployment).count()).isEqualTo(1);
    assertThat(refusals("engine.write-refused", "%" + instance + "%")).isEqualTo(4);
    assertThat(refusals("engine.write-refused", "DELETE deployment/" + deployment)).isEqualTo(1);
  }

  // ---------------------------------------------------------------- break-glass

  String emergencyChange(String system, String title) {
    var body = changeBody(title);
    body.put("changeType", "emergency");
    body.put("systemId", system);
    body.remove("repository");
    var created = Http.as(port, "rachel").post("/api/changes", Http.json(body));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String id = created.json().get("id").asText();
    String implement = task(id, ChangeProcess.Elements.IMPLEMENT_EMERGENCY);
    var dmitri = Http.as(port, "dmitri");
    dmitri.post("/engine-rest/task/" + implement + "/claim", Http.json(Map.of("userId", "dmitri")));
    assertThat(dmitri.post("/engine-rest/task/" + implement + "/complete", typed(Map.of("deploymentReference",
        "hotfix 1", "implementationNotes", "restored service"))).status()).isEqualTo(204);
    return id;
  }

  @Test
  void anEngineAdminBreaksGlassOnlyUnderAnEmergencyChangeOfTheEngineAndEveryUseIsAuditedAndMailed() throws Exception {
    String normal = submitChange("rachel", Http.DEMO_PASSWORD, "Integrity: break-glass target");
    String instance = taskService.createTaskQuery().processInstanceBusinessKey(normal).singleResult()
        .getProcessInstanceId();
    var admin = Http.as(port, "admin");
    String path = "/engine-rest/process-instance/" + instance + "/variables/note";
    String body = Http.json(Map.of("value", "break-glass test"));
    assertThat(admin.send("PUT", path, "application/json", body).status()).isEqualTo(403);
    for (String notUsable : List.of(normal, emergencyChange("ERP-GL", "Integrity: ledger down"))) {
      var refused = admin.send("PUT", path, "application/json", body, Map.of("X-ITGC-Break-Glass", notUsable));
      assertThat(refused.status()).as(notUsable).isEqualTo(403);
      assertThat(refused.json().get("message").asText()).contains("emergency change of ITGC-ENGINE");
    }
    String emergency = emergencyChange("ITGC-ENGINE", "Integrity: the engine is stuck");
    var glass = Map.of("X-ITGC-Break-Glass", emergency);
    // implemented but nobody has approved it yet: one requester, one deployer and the admin are not enough
    var unapproved = admin.send("PUT", path, "application/json", body, glass);
    assertThat(unapproved.status()).as(unapproved.toString()).isEqualTo(403);
    assertThat(unapproved.json().get("message").asText()).contains("another person has approved");
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'engine.write-refused' "
        + "and actor = 'admin' and details::text like '%another person has approved%'", Integer.class)).isPositive();
    String retroCab = task(emergency, ChangeProcess.Elements.RETRO_CAB);
    var carlos = Http.as(port, "carlos");
    carlos.post("/engine-rest/task/" + retroCab + "/claim", Http.json(Map.of("userId", "carlos")));
    var approved = carlos.post("/engine-rest/task/" + retroCab + "/complete", typed(Map.of("decision", "approve",
        "comment", "the engine had to be unstuck")));
    assertThat(approved.status()).as(approved.toString()).isEqualTo(204);
    assertThat(Http.as(port, "sofia").send("PUT", path, "application/json", body, glass).status())
        .as("engine admins only").isEqualTo(403);
    // never users, groups or authorizations, whatever the change
    assertThat(admin.send("POST", "/engine-rest/authorization/create", "application/json", Http.json(Map.of(
        "type", 1, "permissions", List.of("ALL"), "userId", "rachel", "resourceType", 7, "resourceId", "*")), glass)
        .status()).isEqualTo(403);
    assertThat(admin.send("PUT", "/engine-rest/group/cab/members/rachel", "application/json", "{}", glass).status())
        .isEqualTo(403);
    // never the emergency change's own process: its remaining approvals stay with their approvers
    String emergencyInstance = jdbc.queryForObject("select process_instance_id from change_request where id = ?",
        String.class, emergency);
    var ownProcess = admin.send("PUT", "/engine-rest/process-instance/" + emergencyInstance + "/variables/note",
        "application/json", body, glass);
    assertThat(ownProcess.status()).as(ownProcess.toString()).isEqualTo(403);
    assertThat(ownProcess.json().get("message").asText()).contains("never reaches the process of the emergency change");
    String retroIt = task(emergency, ChangeProcess.Elements.RETRO_IT);
    assertThat(admin.send("DELETE", "/engine-rest/task/" + retroIt, null, null, glass).status()).isEqualTo(403);
    assertThat(taskService.createTaskQuery().taskId(retroIt).count()).isEqualTo(1);
    var used = admin.send("PUT", path, "application/json", body, glass);
    assertThat(used.status()).as(used.toString()).isEqualTo(204);
    assertThat(runtimeService.getVariable(instance, "note")).isEqualTo("break-glass test");
    var audited = jdbc.queryForMap("select details->>'body' as body, details->>'bodySha256' as sha from audit_event "
        + "where action = 'engine.break-glass' and actor = 'admin' and details->>'changeId' = ?", emergency);
    assertThat(audited.get("body").toString()).contains("break-glass test");
    assertThat(audited.get("sha").toString()).hasSize(64);
    var mail = org.itgc.support.TestMailServer.await(m -> org.itgc.support.TestMailServer.subject(m)
        .startsWith("Break-glass on the engine by admin"), java.time.Duration.ofSeconds(15));
    assertThat(mail.getAllRecipients()).extracting(Object::toString).contains("grace@demo.itgc.local",
        "audrey@demo.itgc.local");
  }

  @Test
  void aTaskIsClaimedForOneselfOnlyAndAnEncodedIdIsNoWayAroundTheForm() {
    String change = submitChange("rachel", Http.DEMO_PASSWORD, "Integrity: claims and encodings");
    String review = task(change, ChangeProcess.Elements.TECHNICAL_REVIEW);
    var sofia = Http.as(port, "sofia");
    var forOther = sofia.post("/engine-rest/task/" + review + "/claim", Http.json(Map.of("userId", "rachel")));
    assertThat(forOther.status()).as(forOther.toString()).isEqualTo(403);
    assertThat(forOther.json().findValuesAsText("field")).containsExactly("userId");
    assertThat(taskService.createTaskQuery().taskId(review).singleResult().getAssignee()).isNull();
    assertThat(sofia.post("/engine-rest/task/" + review + "/claim", Http.json(Map.of("userId", "sofia"))).status())
        .isEqualTo(204);
    // another candidate claiming it too: a conflict naming the holder, not the engine's 500
    createUser("olivia.owner", "system-owner");
    var second = Http.as(port, "olivia.owner", PASSWORD).post("/engine-rest/task/" + review + "/claim",
        Http.json(Map.of("userId", "olivia.owner")));
    assertThat(second.status()).as(second.toString()).isEqualTo(409);
    assertThat(second.json().get("message").asText()).contains("already claimed by sofia");
    // nor does it unclaim her first, to claim it then
    var unclaim = Http.as(port, "olivia.owner", PASSWORD).post("/engine-rest/task/" + review + "/unclaim", "{}");
    assertThat(unclaim.status()).as(unclaim.toString()).isEqualTo(403);
    assertThat(unclaim.json().get("message").asText()).contains("only they unclaim it");
    assertThat(taskService.createTaskQuery().taskId(review).singleResult().getAssignee()).isEqualTo("sofia");
    String encoded = "%" + Integer.toHexString(review.charAt(0)) + review.substring(1);
    var smuggled = sofia.post("/engine-rest/engine/default/task/" + encoded + "/complete", typed(Map.of(
        "decision", "approve", "comment", "fine", "cabReviewRequired", false)));
    assertThat(smuggled.status()).as(smuggled.toString()).isEqualTo(403);
    assertThat(taskService.createTaskQuery().taskId(review).count()).isEqualTo(1);
    var unknown = sofia.post("/engine-rest/task/no-such-task/complete", typed(Map.of("decision", "approve")));
    assertThat(unknown.status()).isEqualTo(404);
  }

  // ---------------------------------------------------------------- 12: Tasklist's own API

  @Test
  void onTasklistsApiARefusedApproverGetsTheReasonAndTheTaskIsReleasedForTheRightfulOne() {
    createUser("quentin.dual", "requester", "system-owner");
    String change = submitChange("quentin.dual", PASSWORD, "Integrity: Tasklist self-approval");
    String review = task(change, ChangeProcess.Elements.TECHNICAL_REVIEW);
    var session = tasklist("quentin.dual", PASSWORD);
    String api = "/camunda/api/engine/engine/default/task/" + review;
    var claim = session.api("POST", api + "/claim", Http.json(Map.of("userId", "quentin.dual")));
    assertThat(claim.status()).as(claim.body()).isEqualTo(204);

    var extra = session.api("POST", api + "/submit-form", typed(Map.of("decision", "approve", "comment", "mine",
        "requester", "sofia")));
    assertThat(extra.status()).as(extra.body()).isEqualTo(400);
    assertThat(extra.body()).contains("requester").doesNotContain("ENGINE-").doesNotContain("org.itgc");

    var selfApproval = session.api("POST", api + "/submit-form", typed(Map.of("decision", "approve", "comment", "mine")));
    assertThat(selfApproval.status()).as(selfApproval.body()).isEqualTo(403);
    assertThat(selfApproval.body()).contains("cannot decide").doesNotContain("ENGINE-03051");
    var task = taskService.createTaskQuery().taskId(review).singleResult();
    assertThat(task).as("the task is still open").isNotNull();
    assertThat(task.getAssignee()).as("and not held by the refused user").isNull();
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'task.released-after-refusal' "
        + "and object_id = ?", Integer.class, review)).isEqualTo(1);
    assertThat(Http.as(port, "sofia").post("/engine-rest/task/" + review + "/claim",
        Http.json(Map.of("userId", "sofia"))).status()).as("the rightful approver takes it").isEqualTo(204);
  }
}
