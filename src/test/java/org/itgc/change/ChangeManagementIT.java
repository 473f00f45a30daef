package org.itgc.change;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.TaskService;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.itgc.support.TestMailServer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.itgc.support.ChangeRequests;
import org.itgc.support.DateSensitive;
import org.itgc.support.TestClock;

/** Change management driven over HTTP by the demo users, on embedded PostgreSQL, with GreenMail. */
@IntegrationTest
@DateSensitive
class ChangeManagementIT {

  static final String GITHUB_SECRET = "demo-github-webhook-secret";
  /** Each request gets its own Saturday (22:30 to 23:30 New York, inside ERP-GL's window), so none collide by accident. */
  static final java.time.ZoneId NEW_YORK = ChangeRequests.NEW_YORK;
  static final java.util.concurrent.atomic.AtomicInteger WEEKS = new java.util.concurrent.atomic.AtomicInteger();

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired TaskService taskService;
  @Autowired ManagementService managementService;

  static Map<String, Object> request(String type, String system, String commit) {
    return request(type, system, commit, plannedSaturday(WEEKS.getAndIncrement()));
  }

  static java.time.LocalDate plannedSaturday(int index) {
    return ChangeRequests.plannedSaturday(index);
  }

  static Map<String, Object> request(String type, String system, String commit, java.time.LocalDate saturday) {
    return ChangeRequests.body(type, system, commit, saturday);
  }

  String submit(String user, Map<String, Object> body) {
    var response = Http.as(port, user).post("/api/changes", Http.json(body));
    assertThat(response.status()).as(response.toString()).isEqualTo(201);
    return response.json().get("id").asText();
  }

  String taskOf(String user, String changeId, String taskKey) {
    var tasks = Http.as(port, user).get("/engine-rest/task?processInstanceBusinessKey=" + changeId
        + "&taskDefinitionKey=" + taskKey).json();
    assertThat(tasks.size()).as("%s sees %s of %s", user, taskKey, changeId).isEqualTo(1);
    return tasks.get(0).get("id").asText();
  }

  Http.Response complete(String user, String taskId, Map<String, Object> variables) {
    var http = Http.as(port, user);
    var claim = http.post("/engine-rest/task/" + taskId + "/claim", Http.json(Map.of("userId", user)));
    assertThat(claim.status()).as(claim.toString()).isEqualTo(204);
    Map<String, Object> typed = new HashMap<>();
    variables.forEach((k, v) -> typed.put(k, Map.of("value", v)));
    return http.post("/engine-rest/task/" + taskId + "/complete", Http.json(Map.of("variables", typed)));
  }

  void decide(String user, String changeId, String taskKey, String decision) {
    var response = complete(user, taskOf(user, changeId, taskKey), Map.of("decision", decision, "comment", "ok by " + user));
    assertThat(response.status()).as(response.toString()).isEqualTo(204);
  }

  static String sha(int n) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
          .digest(("commit-" + n + "-" + System.nanoTime()).getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aNormalChangeOnATier1SystemGoesFromRequestToCloseThroughDifferentPeopleWithCompleteEvidence() throws Exception {
    String id = submit("rachel", request("normal", "ERP-GL", null));
    assertThat(id).matches("CHG-\\d{4}-\\d{6}");
    decide("sofia", id, ChangeProcess.Elements.TECHNICAL_REVIEW, "approve");
    decide("carlos", id, ChangeProcess.Elements.CAB_REVIEW, "approve");
    decide("ivan", id, ChangeProcess.Elements.IT_APPROVAL, "approve");
    decide("fiona", id, ChangeProcess.Elements.FINANCE_APPROVAL, "approve");
    var implemented = complete("dmitri", taskOf("dmitri", id, ChangeProcess.Elements.IMPLEMENT),
        Map.of("deploymentReference", "pipeline run 99", "implementationNotes", "applied"));
    assertThat(implemented.status()).as(implemented.toString()).isEqualTo(204);
    var reviewed = complete("sofia", taskOf("sofia", id, ChangeProcess.Elements.POST_IMPLEMENTATION_REVIEW),
        Map.of("reviewOutcome", "success", "reviewComment", "limits work"));
    assertThat(reviewed.status()).as(reviewed.toString()).isEqualTo(204);

    JsonNode evidence = Http.as(port, "audrey").get("/api/changes/" + id).json();
    assertThat(evidence.at("/change/status").asText()).isEqualTo("closed");
    assertThat(evidence.at("/change/requester").asText()).isEqualTo("rachel");
    assertThat(evidence.at("/change/criticality").asText()).isEqualTo("high");
    assertThat(evidence.at("/change/implementedBy").asText()).isEqualTo("dmitri");
    assertThat(evidence.get("approvals")).extracting(a -> a.get("step").asText() + ":" + a.get("decidedBy").asText())
        .containsExactly("technical-review:sofia", "cab:carlos", "it:ivan", "finance:fiona");
    JsonNode decision = evidence.get("criticalityDecisions").get(0);
    assertThat(decision.get("matchedRules").get(0).asText()).isEqualTo("Rule_NormalTier1");
    assertThat(decision.get("inputs").get("System tier").asText()).isEqualTo("tier1");
    assertThat(decision.get("version").asInt()).isPositive();
    assertThat(evidence.get("deployments").get(0).get("deployedBy").asText()).isEqualTo("dmitri");
    assertThat(evidence.get("tasks").size()).isEqualTo(6);
    assertThat(evidence.get("auditTrail")).extracting(e -> e.get("action").asText())
        .contains("change.request", "change.assess", "change.decide", "change.approved", "change.implement",
            "change.review", "change.close");
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'change.read' and object_id = ? "
        + "and actor = 'audrey'", Integer.class, id)).isEqualTo(1);
  }

  @Test
  void theRequesterCannotApproveTheirOwnChangeAndTheAttemptIsRefusedAndAudited() {
    createUser("rita.dual", List.of("requester", "system-owner"));
    String id = submit("rita.dual", request("normal", "PAYROLL", null));
    String taskId = taskOf("rita.dual", id, ChangeProcess.Elements.TECHNICAL_REVIEW);
    var refused = complete("rita.dual", taskId, Map.of("decision", "approve", "comment", "looks fine to me"));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.body()).contains("requester of " + id + " cannot decide");
    assertThat(taskService.createTaskQuery().taskId(taskId).count()).as("the task stays open").isEqualTo(1);
    assertThat(jdbc.queryForObject("select count(*) from change_approval where change_id = ?", Integer.class, id)).isZero();
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'change.sod-violation' "
        + "and object_id = ? and actor = 'rita.dual' and outcome = 'DENIED'", Integer.class, id)).isEqualTo(1);
  }

  @Test
  void onePersonCannotGiveTwoApprovalsOfTheSameChange() {
    createUser("cora.twohats", List.of("cab", "it-approver"));
    String id = submit("rachel", request("normal", "ERP-GL", null));
    decide("sofia", id, ChangeProcess.Elements.TECHNICAL_REVIEW, "approve");
    decide("cora.twohats", id, ChangeProcess.Elements.CAB_REVIEW, "approve");
    var second = complete("cora.twohats", taskOf("cora.twohats", id, ChangeProcess.Elements.IT_APPROVAL),
        Map.of("decision", "approve", "comment", "also fine"));
    assertThat(second.status()).isEqualTo(403);
    assertThat(second.body()).contains("already approved " + id);
  }

  @Test
  void theAuthorOfACommitCannotDeployTheChange() {
    String commit = sha(1);
    var push = github("push", Map.of("ref", "refs/heads/feature-x", "after", commit,
        "repository", Map.of("full_name", "acme/erp-gl", "default_branch", "main"),
        "sender", Map.of("login", "dmitri"),
        "commits", List.of(Map.of("id", commit, "message", "raise limit", "author",
            Map.of("name", "Dmitri Deployer", "email", "dmitri@demo.itgc.local", "username", "dmitri")))));
    assertThat(push.status()).as(push.toString()).isEqualTo(202);
    String id = submit("rachel", request("standard", "BI-REPORTING", commit.substring(0, 10)));
    var refused = complete("dmitri", taskOf("dmitri", id, ChangeProcess.Elements.IMPLEMENT),
        Map.of("deploymentReference", "r1", "implementationNotes", "n"));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.body()).contains("dmitri wrote commit").contains("cannot deploy");
  }

  @Test
  void anUnmatchedPushToProductionBecomesAControlExceptionMailedToTheSystemOwner() throws Exception {
    String commit = sha(2);
    var push = github("push", Map.of("ref", "refs/heads/main", "after", commit,
        "repository", Map.of("full_name", "acme/ap-payments", "default_branch", "main"),
        "sender", Map.of("login", "mallory"),
        "head_commit", Map.of("timestamp", TestClock.now().minus(Duration.ofHours(1)).toString()),
        "commits", List.of(Map.of("id", commit, "message", "sneaky fix", "author",
            Map.of("name", "Mallory", "email", "mallory@example.com", "username", "mallory")))));
    assertThat(push.status()).as(push.toString()).isEqualTo(202);
    assertThat(push.json().at("/judgement/matched").asBoolean()).isFalse();
    long exceptionId = push.json().at("/judgement/exceptionId").asLong();
    assertThat(jdbc.queryForObject("select control_id from control_exception where id = ?", String.class, exceptionId))
        .isEqualTo("CM-05");
    var mail = TestMailServer.await(m -> TestMailServer.subject(m).contains("CM-05")
        && TestMailServer.body(m).contains(commit), Duration.ofSeconds(20));
    assertThat(List.of(mail.getAllRecipients()).toString()).contains("fiona@demo.itgc.local", "sofia@demo.itgc.local");

    String period = "&from=" + TestClock.now().minus(Duration.ofDays(1)) + "&to=" + TestClock.now().plus(Duration.ofDays(1));
    var report = Http.as(port, "audrey").get("/api/changes/reconciliation?system=AP-PAY" + period).json();
    assertThat(report).anySatisfy(row -> {
      assertThat(row.get("reference").asText()).isEqualTo("push:" + commit);
      assertThat(row.get("matched").asBoolean()).isFalse();
    });
    var csv = Http.as(port, "audrey").get("/api/changes/reconciliation?system=AP-PAY" + period + "&format=csv");
    assertThat(csv.contentType()).startsWith("text/csv");
    assertThat(csv.body()).startsWith("deployment_id,system_id").contains("push:" + commit).contains(",mallory,");
  }

  @Test
  void aCommitWhoseMessageMerelyNamesAnApprovedChangeIsNotMatched() {
    String approved = submit("rachel", request("standard", "BI-REPORTING", sha(7)));
    String sneaky = sha(8);
    var push = github("push", Map.of("ref", "refs/heads/main", "after", sneaky,
        "repository", Map.of("full_name", "acme/bi-reporting", "default_branch", "main"),
        "sender", Map.of("login", "dmitri"),
        "commits", List.of(Map.of("id", sneaky, "message", "part of " + approved + ", honest", "author",
            Map.of("name", "Ryan Developer", "email", "ryan@demo.itgc.local", "username", "ryan")))));
    assertThat(push.status()).as(push.toString()).isEqualTo(202);
    var judgement = push.json().get("judgement");
    assertThat(judgement.get("matched").asBoolean()).as("only a commit the change lists matches it").isFalse();
    assertThat(jdbc.queryForObject("select control_id from control_exception where id = ?", String.class,
        judgement.get("exceptionId").asLong())).isEqualTo("CM-05");
  }

  @Test
  void aPushMatchingAnApprovedChangeIsReconciledWithDeveloperNotDeployer() {
    String commit = sha(3);
    String id = submit("rachel", request("standard", "BI-REPORTING", commit));
    var push = github("push", Map.of("ref", "refs/heads/main", "after", commit,
        "repository", Map.of("full_name", "acme/bi-reporting", "default_branch", "main"),
        "sender", Map.of("login", "dmitri"),
        "commits", List.of(Map.of("id", commit, "message", "report change for " + id, "author",
            Map.of("name", "Ryan Developer", "email", "ryan@demo.itgc.local", "username", "ryan")))));
    var judgement = push.json().get("judgement");
    assertThat(judgement.get("matched").asBoolean()).as(push.toString()).isTrue();
    assertThat(judgement.get("changeIds").get(0).asText()).isEqualTo(id);
    assertThat(judgement.get("developerDiffers").asBoolean()).isTrue();
    assertThat(github("push", Map.of("ref", "refs/heads/main", "after", commit,
        "repository", Map.of("full_name", "acme/bi-reporting", "default_branch", "main"),
        "sender", Map.of("login", "dmitri"), "commits", List.of())).json().at("/judgement/duplicate").asBoolean())
        .as("a redelivery is recognised").isTrue();
  }

  @Test
  void overlappingChangesOnOneSystemAreFlaggedToTheCabWithEachOthersIds() {
    var saturday = plannedSaturday(200);
    String first = submit("rachel", request("normal", "PAYROLL", null, saturday));
    String second = submit("ryan", request("standard", "PAYROLL", null, saturday));
    var evidence = Http.as(port, "audrey").get("/api/changes/" + second).json();
    assertThat(evidence.at("/change/scheduleFindings").asText()).contains("overlaps " + first);
    assertThat(evidence.get("collisions").get(0).asText()).isEqualTo(first);
    assertThat(Http.as(port, "audrey").get("/api/changes/" + first).json().get("collisions").get(0).asText())
        .isEqualTo(second);
    // the standard change would skip the CAB, but the collision sends it to review and the CAB
    decide("sofia", second, ChangeProcess.Elements.TECHNICAL_REVIEW, "approve");
    taskOf("carlos", second, ChangeProcess.Elements.CAB_REVIEW);
  }

  @Test
  void aChangeInsideAFreezePeriodGoesToTheCab() {
    // 26 December, in the year-end freeze that config/systems.yaml repeats every year: the next one ahead
    var today = TestClock.today(NEW_YORK);
    var boxingDay = java.time.LocalDate.of(today.getYear(), 12, 26);
    String id = submit("rachel", request("standard", "ERP-GL", null, boxingDay.isAfter(today) ? boxingDay : boxingDay.plusYears(1)));
    var evidence = Http.as(port, "audrey").get("/api/changes/" + id).json();
    assertThat(evidence.at("/change/inFreeze").asBoolean()).isTrue();
    assertThat(evidence.at("/change/scheduleFindings").asText()).contains("freeze period").contains("Year-end close");
    decide("sofia", id, ChangeProcess.Elements.TECHNICAL_REVIEW, "approve");
    taskOf("carlos", id, ChangeProcess.Elements.CAB_REVIEW);
  }

  @Test
  void aFailedImplementationRecordsTheRollbackAndOpensAFollowUpForTheRequester() {
    String id = submit("rachel", request("standard", "BI-REPORTING", null));
    var implemented = complete("dmitri", taskOf("dmitri", id, ChangeProcess.Elements.IMPLEMENT),
        Map.of("deploymentReference", "run 5", "implementationNotes", "applied"));
    assertThat(implemented.status()).isEqualTo(204);
    String reviewTask = taskOf("sofia", id, ChangeProcess.Elements.POST_IMPLEMENTATION_REVIEW);
    var withoutRollback = complete("sofia", reviewTask, Map.of("reviewOutcome", "failed", "reviewComment", "reports wrong"));
    assertThat(withoutRollback.status()).as("a failure must say what was rolled back").isEqualTo(400);
    assertThat(withoutRollback.body()).contains("rollbackDetails");
    var failed = complete("sofia", reviewTask, Map.of("reviewOutcome", "failed", "reviewComment", "reports wrong",
        "rollbackDetails", "previous report definitions restored at 23:10"));
    assertThat(failed.status()).as(failed.toString()).isEqualTo(204);
    var evidence = Http.as(port, "audrey").get("/api/changes/" + id).json();
    assertThat(evidence.at("/change/status").asText()).isEqualTo("failed");
    assertThat(evidence.at("/change/rollbackDetails").asText()).contains("restored");
    assertThat(evidence.at("/change/followUpId").asText()).isEmpty();
    var rework = Http.as(port, "rachel").get("/engine-rest/task?assignee=rachel&taskDefinitionKey="
        + ChangeProcess.Elements.REWORK).json();
    assertThat(rework).anySatisfy(t -> assertThat(t.get("name").asText()).startsWith("Rework change request"));
    String reworkTask = null;
    for (JsonNode task : rework) {
      String title = Http.as(port, "rachel").get("/engine-rest/task/" + task.get("id").asText() + "/variables/title")
          .json().get("value").asText();
      if (title.startsWith("Follow-up to " + id)) {
        reworkTask = task.get("id").asText();
      }
    }
    assertThat(reworkTask).as("a follow-up waits for the requester").isNotNull();
    var resubmitted = Http.as(port, "rachel").post("/engine-rest/task/" + reworkTask + "/complete", Http.json(Map.of(
        "variables", Map.of("plannedStart", Map.of("value", plannedSaturday(201) + "T22:30:00"),
            "plannedEnd", Map.of("value", plannedSaturday(201) + "T23:00:00")))));
    assertThat(resubmitted.status()).as(resubmitted.toString()).isEqualTo(204);
    String followUp = jdbc.queryForObject("select id from change_request where follow_up_of = ?", String.class, id);
    assertThat(Http.as(port, "audrey").get("/api/changes/" + id).json().at("/change/followUpId").asText())
        .isEqualTo(followUp);
  }

  @Test
  void aPipelineReportsADeploymentThatIsMatchedByItsChange() {
    String id = submit("rachel", request("standard", "BI-REPORTING", null));
    var window = Http.as(port, "audrey").get("/api/changes/" + id).json().get("change");
    var inWindow = java.time.Instant.parse(window.get("plannedStart").asText()).plus(Duration.ofMinutes(10));
    var matched = Http.as(port, "dmitri").post("/api/changes/deployments", Http.json(Map.of("systemId", "BI-REPORTING",
        "reference", "pipeline-" + id, "deployedBy", "dmitri", "changeId", id, "deployedAt", inWindow.toString())));
    assertThat(matched.status()).as(matched.toString()).isEqualTo(201);
    assertThat(matched.json().get("matched").asBoolean()).isTrue();
    assertThat(matched.json().get("developerDiffers").asBoolean()).isTrue();
    assertThat(matched.json().path("problem").isTextual()).as(matched.toString()).isFalse();
    // the same approved change deployed weeks before its approved window: a CM-05 exception naming the window
    var early = Http.as(port, "dmitri").post("/api/changes/deployments", Http.json(Map.of("systemId", "BI-REPORTING",
        "reference", "pipeline-early-" + id, "deployedBy", "dmitri", "changeId", id,
        "deployedAt", TestClock.now().toString())));
    assertThat(early.json().get("problem").asText()).contains("outside the approved window of " + id);
    assertThat(jdbc.queryForObject("select control_id from control_exception where id = ?", String.class,
        early.json().get("exceptionId").asLong())).isEqualTo("CM-05");
    var byRequester = Http.as(port, "dmitri").post("/api/changes/deployments", Http.json(Map.of("systemId", "BI-REPORTING",
        "reference", "pipeline-2-" + id, "deployedBy", "rachel", "changeId", id)));
    assertThat(byRequester.json().get("developerDiffers").asBoolean()).as("the requester deployed it").isFalse();
    assertThat(byRequester.json().get("exceptionId").asLong()).isPositive();
    var unknownSystem = Http.as(port, "dmitri").post("/api/changes/deployments", Http.json(Map.of("systemId", "NOPE",
        "reference", "x", "deployedBy", "dmitri")));
    assertThat(unknownSystem.status()).isEqualTo(400);
    var noReference = Http.as(port, "dmitri").post("/api/changes/deployments", Http.json(Map.of("systemId", "PAYROLL",
        "deployedBy", "dmitri")));
    assertThat(noReference.status()).isEqualTo(400);
    assertThat(noReference.json().get("detail").asText()).contains("reference");
    assertThat(Http.as(port, "rachel").post("/api/changes/deployments", Http.json(Map.of("systemId", "PAYROLL",
        "reference", "y", "deployedBy", "rachel"))).status()).isEqualTo(403);
  }

  @Test
  void testEvidenceAttachedToATaskAppearsInTheChangesEvidence() {
    String id = submit("rachel", request("normal", "ERP-GL", null));
    String taskId = taskOf("sofia", id, ChangeProcess.Elements.TECHNICAL_REVIEW);
    // the reviewer takes the task first: a candidate does not read (nor add to) the history of a change until it is
    // theirs (Camunda checks attachments against the task's history)
    assertThat(Http.as(port, "sofia").post("/engine-rest/task/" + taskId + "/claim",
        Http.json(Map.of("userId", "sofia"))).status()).isEqualTo(204);
    String boundary = "itgc-attachment";
    String multipart = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"attachment-name\"\r\n\r\n"
        + "qa-report.txt\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"attachment-type\"\r\n\r\n"
        + "text/plain\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"content\"; filename=\"qa-report.txt\"\r\n"
        + "Content-Type: text/plain\r\n\r\nAll 412 regression tests passed.\r\n--" + boundary + "--\r\n";
    var attached = Http.as(port, "sofia").post("/engine-rest/task/" + taskId + "/attachment/create",
        "multipart/form-data; boundary=" + boundary, multipart.getBytes(StandardCharsets.UTF_8));
    assertThat(attached.status()).as(attached.toString()).isEqualTo(200);
    var evidence = Http.as(port, "audrey").get("/api/changes/" + id).json();
    assertThat(evidence.get("attachments").get(0).get("name").asText()).isEqualTo("qa-report.txt");
  }

  @Test
  void aForgedWebhookSignatureIsRefusedAndAudited() {
    byte[] body = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
    var forged = Http.anonymous(port).post("/api/webhooks/github", "application/json", body,
        Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + "0".repeat(64)));
    assertThat(forged.status()).isEqualTo(401);
    var unsigned = Http.anonymous(port).post("/api/webhooks/github", "application/json", body,
        Map.of("X-GitHub-Event", "push"));
    assertThat(unsigned.status()).isEqualTo(401);
    var gitlab = Http.anonymous(port).post("/api/webhooks/gitlab", "application/json", body,
        Map.of("X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", "guess"));
    assertThat(gitlab.status()).isEqualTo(401);
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'webhook.refuse' "
        + "and outcome = 'DENIED'", Integer.class)).isGreaterThanOrEqualTo(3);
  }

  @Test
  void malformedWebhookJsonIs400() {
    byte[] body = "{\"ref\": ".getBytes(StandardCharsets.UTF_8);
    var response = Http.anonymous(port).post("/api/webhooks/github", "application/json", body,
        Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256",
            "sha256=" + SourceControlWebhooks.hmac(GITHUB_SECRET, body)));
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("detail").asText()).contains("body").contains("not valid JSON");
  }

  @Test
  void aGitLabMergeRequestIntoTheDefaultBranchIsAProductionDeployment() {
    String commit = sha(4);
    var body = Http.json(Map.of("object_kind", "merge_request",
        "user", Map.of("username", "dmitri"),
        "project", Map.of("path_with_namespace", "acme/payroll", "default_branch", "main"),
        "object_attributes", Map.of("iid", 17, "state", "merged", "merge_commit_sha", commit, "target_branch", "main",
            "title", "unplanned payroll tweak", "description", "", "updated_at", "2026-11-21T08:00:00Z"))).getBytes(StandardCharsets.UTF_8);
    var response = Http.anonymous(port).post("/api/webhooks/gitlab", "application/json", body,
        Map.of("X-Gitlab-Event", "Merge Request Hook", "X-Gitlab-Token", "demo-gitlab-webhook-token"));
    assertThat(response.status()).as(response.toString()).isEqualTo(202);
    assertThat(response.json().at("/judgement/matched").asBoolean()).isFalse();
  }

  @Test
  void badRequestsAre400NamingTheFieldAndStoreNothing() {
    int before = jdbc.queryForObject("select count(*) from change_request", Integer.class);
    var missing = request("normal", "ERP-GL", null);
    missing.put("justification", "  ");
    assertField(Http.as(port, "rachel").post("/api/changes", Http.json(missing)), "justification");
    assertField(Http.as(port, "rachel").post("/api/changes", Http.json(request("normal", "NO-SUCH", null))), "systemId");
    assertField(Http.as(port, "rachel").post("/api/changes", Http.json(request("urgent", "ERP-GL", null))), "changeType");
    var inverted = request("normal", "ERP-GL", null);
    inverted.put("plannedEnd", java.time.LocalDate.parse(inverted.get("plannedStart").toString().substring(0, 10))
        .minusDays(1) + "T20:00:00");
    assertField(Http.as(port, "rachel").post("/api/changes", Http.json(inverted)), "plannedEnd");
    var badDate = request("normal", "ERP-GL", null);
    badDate.put("plannedStart", "next saturday");
    assertField(Http.as(port, "rachel").post("/api/changes", Http.json(badDate)), "plannedStart");
    assertField(Http.as(port, "rachel").post("/api/changes", "{\"title\": "), "body");
    var unknownStandard = request("standard", "ERP-GL", null);
    unknownStandard.put("standardChangeType", "STD-ANYTHING-GOES");
    assertField(Http.as(port, "rachel").post("/api/changes", Http.json(unknownStandard)), "standardChangeType");
    var notForTier1 = request("standard", "ERP-GL", null);
    notForTier1.put("standardChangeType", "STD-REPORT");
    assertField(Http.as(port, "rachel").post("/api/changes", Http.json(notForTier1)), "standardChangeType");
    var noEvidence = request("normal", "ERP-GL", null);
    noEvidence.put("testEvidence", "");
    assertField(Http.as(port, "rachel").post("/api/changes", Http.json(noEvidence)), "testEvidence");
    assertThat(jdbc.queryForObject("select count(*) from change_request", Integer.class)).isEqualTo(before);
    assertThat(Http.as(port, "audrey").post("/api/changes", Http.json(request("normal", "ERP-GL", null))).status())
        .as("an auditor changes nothing").isEqualTo(403);
  }

  @Test
  void aMissedEmergencyDeadlineRecordsACm04ExceptionAndEscalatesByMail() throws Exception {
    String id = submit("rachel", request("emergency", "ERP-GL", null));
    var implemented = complete("dmitri", taskOf("dmitri", id, ChangeProcess.Elements.IMPLEMENT_EMERGENCY),
        Map.of("deploymentReference", "hotfix 7", "implementationNotes", "patched"));
    assertThat(implemented.status()).as(implemented.toString()).isEqualTo(204);
    String pid = jdbc.queryForObject("select process_instance_id from change_request where id = ?", String.class, id);
    var timer = managementService.createJobQuery().processInstanceId(pid).timers().singleResult();
    assertThat(timer.getDuedate()).isAfter(new java.util.Date());
    managementService.executeJob(timer.getId());
    assertThat(jdbc.queryForObject("select count(*) from control_exception where control_id = 'CM-04' and object_id = ?",
        Integer.class, id)).isEqualTo(1);
    TestMailServer.await(m -> TestMailServer.subject(m).contains("CM-04") && TestMailServer.subject(m).contains(id),
        Duration.ofSeconds(20));
    assertThat(taskService.createTaskQuery().processInstanceId(pid).count()).as("approvals still required").isEqualTo(3);
  }

  private void assertField(Http.Response response, String field) {
    assertThat(response.status()).as(response.toString()).isEqualTo(400);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.json().get("errors")).as(response.toString())
        .anySatisfy(e -> assertThat(e.get("field").asText()).isEqualTo(field));
  }

  private Http.Response github(String event, Map<String, Object> payload) {
    byte[] body = Http.json(payload).getBytes(StandardCharsets.UTF_8);
    return Http.anonymous(port).post("/api/webhooks/github", "application/json", body,
        Map.of("X-GitHub-Event", event, "X-Hub-Signature-256", "sha256=" + SourceControlWebhooks.hmac(GITHUB_SECRET, body)));
  }

  private void createUser(String name, List<String> roles) {
    if (jdbc.queryForObject("select count(*) from sec_user where username = ?", Integer.class, name) > 0) {
      return;
    }
    org.itgc.support.RoleApprovals.createUser(port, name, name, name + "@example.com", Http.DEMO_PASSWORD, roles);
  }

  @Test
  void aChangeOutsideTheLimitsIsRefusedNamingTheFieldAndNothingIsStored() {
    var rachel = Http.as(port, "rachel");
    Integer before = jdbc.queryForObject("select count(*) from change_request", Integer.class);
    Map<String, Object[]> cases = new java.util.LinkedHashMap<>();
    cases.put("plannedStart", new Object[] {"plannedStart", "+10000-01-01T22:30:00Z"});
    cases.put("plannedEnd", new Object[] {"plannedEnd", "-0001-01-01T23:30:00Z"});
    cases.put("description", new Object[] {"description", "d".repeat(4001)});
    cases.put("title", new Object[] {"title", "two\nlines"});
    cases.put("commits", new Object[] {"commits", java.util.stream.IntStream.range(0, 101)
        .mapToObj(i -> String.format(java.util.Locale.ROOT, "%040x", i + 1)).toList()});
    for (var entry : cases.entrySet()) {
      var body = org.itgc.support.ChangeRequests.body("standard", "BI-REPORTING", null,
          org.itgc.support.ChangeRequests.plannedSaturday(5));
      body.put((String) entry.getValue()[0], entry.getValue()[1]);
      var refused = rachel.post("/api/changes", Http.json(body));
      assertThat(refused.status()).as(entry.getKey() + ": " + refused).isEqualTo(400);
      assertThat(refused.contentType()).startsWith("application/problem+json");
      assertThat(refused.json().get("errors").findValuesAsText("field")).as(refused.toString()).contains(entry.getKey());
    }
    assertThat(jdbc.queryForObject("select count(*) from change_request", Integer.class)).isEqualTo(before);
  }
}
