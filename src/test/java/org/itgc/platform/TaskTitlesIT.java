package org.itgc.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.task.Task;
import org.itgc.support.Browser;
import org.itgc.support.ChangeRequests;
import org.itgc.support.DateSensitive;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Tasklist shows which record a task is about: every user task's name is the model's name followed by the record's
 * number and title as the server's tables hold them ({@link TaskTitles}); a requester who starts with variables named
 * like the record's, or a candidate who renames the task, changes nothing.
 */
@IntegrationTest
@DateSensitive
class TaskTitlesIT {

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired TaskService taskService;

  static String typed(Map<String, Object> variables) {
    Map<String, Object> typed = new HashMap<>();
    variables.forEach((k, v) -> typed.put(k, Map.of("value", v)));
    return Http.json(Map.of("variables", typed));
  }

  private List<Task> tasksOf(String instance) {
    return taskService.createTaskQuery().processInstanceId(instance).list();
  }

  @Test
  void aChangesTaskCarriesItsNumberAndTitleFromTheChangeTableWhateverTheRequesterSends() {
    Map<String, Object> body = ChangeRequests.body("normal", "ERP-GL", null, ChangeRequests.plannedSaturday(40));
    body.put("title", "Raise posting limit for titles");
    // the adversary: variables named like the record's number and a task's name, sent with the start
    body.put("changeId", "CHG-1999-000001");
    body.put("taskName", "Technical review: CHG-1999-000001 Forged");
    var submitted = Http.as(port, "rachel").post("/api/changes", Http.json(body));
    String id;
    if (submitted.status() == 201) {
      id = submitted.json().get("id").asText();
    } else {
      assertThat(submitted.status()).as(submitted.toString()).isEqualTo(400);
      body.remove("changeId");
      body.remove("taskName");
      submitted = Http.as(port, "rachel").post("/api/changes", Http.json(body));
      assertThat(submitted.status()).as(submitted.toString()).isEqualTo(201);
      id = submitted.json().get("id").asText();
    }
    assertThat(id).isNotEqualTo("CHG-1999-000001");
    String instance = jdbc.queryForObject("select process_instance_id from change_request where id = ?", String.class, id);
    Task review = taskService.createTaskQuery().processInstanceId(instance).singleResult();
    assertThat(review.getName()).as("the change's task").isEqualTo("Technical review: " + id + " Raise posting limit for titles");

    // the same through the engine's REST start, with the start form's fields and a variable named like the label
    Map<String, Object> form = ChangeRequests.body("normal", "ERP-GL", null, ChangeRequests.plannedSaturday(41));
    form.put("title", "Second title");
    form.put("commits", "");
    form.put("standardChangeType", "");
    form.put("testEvidenceLinks", "");
    var forged = new HashMap<>(form);
    forged.put("taskName", "Technical review: CHG-1999-000001 Forged");
    var rachel = Http.as(port, "rachel");
    var refused = rachel.post("/engine-rest/process-definition/key/change-request/start", typed(forged));
    assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
    assertThat(refused.json().findValuesAsText("field")).containsExactly("taskName");
    var started = rachel.post("/engine-rest/process-definition/key/change-request/start", typed(form));
    assertThat(started.status()).as(started.toString()).isEqualTo(200);
    String second = started.json().get("id").asText();
    String secondId = jdbc.queryForObject("select id from change_request where process_instance_id = ?", String.class,
        second);
    Task secondReview = taskService.createTaskQuery().processInstanceId(second).singleResult();
    assertThat(secondReview.getName()).isEqualTo("Technical review: " + secondId + " Second title");

    // a candidate may not rename the task either, on either REST
    var sofia = Http.as(port, "sofia");
    var rename = sofia.put("/engine-rest/task/" + review.getId(), Http.json(Map.of("name", "Technical review: "
        + "CHG-1999-000001 Forged")));
    assertThat(rename.status()).as(rename.toString()).isBetween(400, 499);
    assertThat(taskService.createTaskQuery().taskId(review.getId()).singleResult().getName())
        .isEqualTo("Technical review: " + id + " Raise posting limit for titles");

    // the model keeps the readable name for Modeler
    assertThat(jdbc.queryForObject("select count(*) from act_ge_bytearray b join act_re_procdef d "
        + "on d.deployment_id_ = b.deployment_id_ where d.key_ = 'change-request' and b.name_ like '%change-request.bpmn' "
        + "and convert_from(b.bytes_, 'UTF8') like '%name=\"Technical review\"%'", Integer.class)).isPositive();
  }

  @Test
  void anAccessRequestsApprovalCarriesItsNumberAndWhomItIsFor() {
    // an ordinary entitlement rachel does not hold yet (other tests of the shared context give her some)
    Http.Response requested = null;
    for (String entitlement : List.of("BI-REPORTING/BI_AUTHOR", "BI-REPORTING/BI_VIEWER", "ERP-GL/GL_READ_ONLY",
        "AP-PAY/AP_CLERK")) {
      requested = Http.as(port, "rachel").post("/api/access/requests", Http.json(Map.of(
          "entitlements", List.of(entitlement), "justification", "Read the month-end dashboards")));
      if (requested.status() == 201) {
        break;
      }
    }
    assertThat(requested.status()).as(requested.toString()).isEqualTo(201);
    String id = requested.json().get("id").asText();
    var row = jdbc.queryForMap("select r.process_instance_id, i.name from access_request r join access_identity i "
        + "on i.id = r.beneficiary_id where r.id = ?", id);
    List<Task> tasks = tasksOf((String) row.get("process_instance_id"));
    assertThat(tasks).isNotEmpty().allSatisfy(task ->
        assertThat(task.getName()).endsWith(": " + id + " " + row.get("name")));
    // the request does not stay open for the other tests of the shared context: its approver rejects it
    Task approval = tasks.get(0);
    var rejected = Http.as(port, approval.getAssignee()).post("/engine-rest/task/" + approval.getId() + "/complete",
        typed(Map.of("decision", "reject", "comment", "Only a test of task names")));
    assertThat(rejected.status()).as(rejected.toString()).isEqualTo(204);
  }

  @Test
  void aCampaignsReviewTaskCarriesTheCampaignsNumberAndName() throws Exception {
    var started = Http.as(port, "grace").post("/api/certifications", Http.json(Map.of("name", "Titles review",
        "systems", List.of("BI-REPORTING"))));
    assertThat(started.status()).as(started.toString()).isEqualTo(202);
    String id = started.json().get("id").asText();
    Browser.waitFor(() -> "open".equals(jdbc.queryForObject("select status from cert_campaign where id = ?",
        String.class, id)));
    String instance = jdbc.queryForObject("select process_instance_id from cert_campaign where id = ?", String.class, id);
    assertThat(tasksOf(instance)).isNotEmpty().allSatisfy(task ->
        assertThat(task.getName()).isEqualTo("Review access: " + id + " Titles review"));

    // a revoked item's removal task names the revocation, the person and the grant
    long item = jdbc.queryForObject("select min(id) from cert_item where campaign_id = ? and reviewer = 'lucas'",
        Long.class, id);
    var revoked = Http.as(port, "lucas").post("/api/certifications/" + id + "/decisions", Http.json(Map.of(
        "itemIds", List.of(item), "decision", "revoke", "reason", "No longer in the team")));
    assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
    String revocation = revoked.json().get("revocations").get(0).asText();
    var grant = jdbc.queryForMap("select c.identity_name, c.system_id, c.entitlement_id from cert_item c where c.id = ?",
        item);
    String removal = jdbc.queryForObject("select process_instance_id from access_revocation where id = ?", String.class,
        revocation);
    Browser.waitFor(() -> !tasksOf(removal).isEmpty());
    assertThat(tasksOf(removal)).singleElement().satisfies(task -> assertThat(task.getName()).isEqualTo(
        "Remove access: " + revocation + " " + grant.get("identity_name") + ": " + grant.get("system_id") + "/"
            + grant.get("entitlement_id")));
  }

  @Test
  void aRestoreTestsTaskCarriesTheTestAndItsSystemByName() {
    for (int day = 1; day <= 2; day++) {
      var created = Http.as(port, "sofia").post("/api/continuity/backups", Http.json(Map.of("systemId", "BI-REPORTING",
          "takenAt", "2025-03-0" + day + "T12:00:00Z", "location", "vault://bi/2025-03-0" + day, "sizeBytes", 1000,
          "checksum", String.format("%064x", 7_000_000L + day), "rowCount", 500)));
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }
    var started = Http.as(port, "sofia").post("/engine-rest/process-definition/key/backup-restore-test/start",
        Http.json(Map.of("variables", Map.of("systemId", Map.of("value", "BI-REPORTING"), "periodFrom",
            Map.of("value", "2025-03-01"), "periodTo", Map.of("value", "2025-03-03")))));
    assertThat(started.status()).as(started.toString()).isEqualTo(200);
    String instance = started.json().get("id").asText();
    String test = jdbc.queryForObject("select id from continuity_test where process_instance_id = ?", String.class,
        instance);
    assertThat(tasksOf(instance)).singleElement().satisfies(task -> assertThat(task.getName())
        .isEqualTo("Restore the picked backup: " + test + " Financial reporting warehouse (BI-REPORTING)"));
  }

  @Test
  void aDrTestsTasksCarryTheTestsSystemByName() {
    var started = Http.as(port, "sofia").post("/engine-rest/process-definition/key/dr-test/start",
        Http.json(Map.of("variables", Map.of("systemId", Map.of("value", "ERP-GL")))));
    assertThat(started.status()).as(started.toString()).isEqualTo(200);
    String instance = started.json().get("id").asText();
    assertThat(tasksOf(instance)).isNotEmpty().allSatisfy(task ->
        assertThat(task.getName()).startsWith("Plan DR test: ").contains("(ERP-GL)"));
  }
}
