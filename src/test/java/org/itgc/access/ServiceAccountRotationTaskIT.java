package org.itgc.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.task.Task;
import org.itgc.platform.EmbeddedDatabase;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.itgc.support.TestClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Service-account rotation by a person (issue #20, AC-04): SVC-AP-BATCH has no connector, so its due credential is a
 * security admin's task (service-account-rotation) that only the server starts; an account's owner may not complete it; its
 * form's fields alone complete it, and the completion records the rotation (method manual, how, reference, who). A
 * security admin also records a rotation done by hand through the API, with its refusals.
 */
@IntegrationTest
class ServiceAccountRotationTaskIT {

  @Autowired ServiceAccountOwners owners;
  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired EmbeddedDatabase database;
  @Autowired ServiceAccountSchedule schedule;
  @Autowired RuntimeService runtime;
  @Autowired TaskService taskService;
  @Autowired ServiceAccountRotationTasks tasks;

  @BeforeEach
  void treasuryDatabase() throws Exception {
    TreasuryDatabase.ensure(database);
  }

  Http sam() {
    return Http.as(port, "sam");
  }

  static String typed(Map<String, Object> variables) {
    Map<String, Object> typed = new HashMap<>();
    variables.forEach((k, v) -> typed.put(k, Map.of("value", v)));
    return Http.json(Map.of("variables", typed));
  }

  Optional<Map<String, Object>> openTask(String account) {
    return jdbc.queryForList("select * from access_service_account_rotation_task where service_account_id = ? "
        + "and status = 'open'", account).stream().findFirst();
  }

  int count(String sql, Object... args) {
    Integer n = jdbc.queryForObject(sql, Integer.class, args);
    return n == null ? 0 : n;
  }

  /**
   * Another security admin gives the account to {@code employeeId} (nobody makes themselves an owner, so sam cannot
   * make himself one): the owners' service as the API calls it after its role check, with that admin as the actor.
   */
  void changeOwner(String account, String employeeId) {
    owners.change(account, employeeId, "ServiceAccountRotationTaskIT", "sasha.secadmin");
  }

  @Test
  void aDueCredentialWithoutAConnectorIsASecurityAdminsTaskThatRecordsTheRotation() {
    // SVC-AP-BATCH was never rotated (or is due again years on): the run opens a task, unless another test's run or
    // change of owner opened it already; never a second one
    Instant later = TestClock.now().plus(Duration.ofDays(3650));
    var run = schedule.rotateDue(later);
    assertThat(run.rotations()).noneMatch(r -> r.serviceAccountId().equals("SVC-AP-BATCH"));
    Map<String, Object> row = openTask("SVC-AP-BATCH").orElseThrow();
    assertThat(schedule.rotateDue(later).tasksOpened()).doesNotContain("SVC-AP-BATCH");
    assertThat(count("select count(*) from access_service_account_rotation_task where service_account_id = "
        + "'SVC-AP-BATCH' and status = 'open'")).isEqualTo(1);
    String businessKey = "SAR-" + row.get("id");
    var instance = runtime.createProcessInstanceQuery().processInstanceBusinessKey(businessKey).singleResult();
    assertThat(instance).isNotNull();
    assertThat(row.get("process_instance_id")).isEqualTo(instance.getId());
    Task task = taskService.createTaskQuery().processInstanceId(instance.getId()).singleResult();
    assertThat(task.getTaskDefinitionKey()).isEqualTo(ServiceAccountRotationProcess.Elements.ROTATE);
    assertThat(task.getDueDate().toInstant()).isEqualTo(((java.sql.Timestamp) row.get("due_at")).toInstant());
    assertThat(taskService.getIdentityLinksForTask(task.getId())).anyMatch(l -> "security-admin".equals(l.getGroupId()));
    JsonNode listed = sam().get("/engine-rest/task?processInstanceBusinessKey=" + businessKey).json();
    assertThat(listed).as("a security admin finds it").hasSize(1);

    // only the server starts the process: a start through /engine-rest is refused, with or without a business key
    long instances = runtime.createProcessInstanceQuery().processDefinitionKey(ServiceAccountRotationProcess.KEY).count();
    var forged = sam().post("/engine-rest/process-definition/key/service-account-rotation/start", "{}");
    assertThat(forged.status()).as(forged.toString()).isIn(400, 403);
    var forgedKey = Http.as(port, "grace").post("/engine-rest/process-definition/key/service-account-rotation/start",
        Http.json(Map.of("businessKey", businessKey)));
    assertThat(forgedKey.status()).as(forgedKey.toString()).isEqualTo(400);
    assertThat(forgedKey.body()).contains("businessKey");
    // and through Tasklist's own API, with a signed-in session and its CSRF token
    var session = org.itgc.support.WebSession.tasklist(port, "sam", Http.DEMO_PASSWORD);
    String tasklistStart = "/camunda/api/engine/engine/default/process-definition/key/service-account-rotation/"
        + "submit-form";
    var viaTasklist = session.api("POST", tasklistStart, Http.json(Map.of("variables", Map.of())));
    assertThat(viaTasklist.status()).as(viaTasklist.body()).isIn(400, 403);
    var viaTasklistFields = session.api("POST", tasklistStart, typed(Map.of("rotationMethod", "script",
        "rotationReference", "X")));
    assertThat(viaTasklistFields.status()).as(viaTasklistFields.body()).isEqualTo(400);
    assertThat(viaTasklistFields.body()).contains("rotationMethod");
    assertThat(runtime.createProcessInstanceQuery().processDefinitionKey(ServiceAccountRotationProcess.KEY).count())
        .isEqualTo(instances);

    // while the task is open, a rotation by hand is recorded by completing it
    var whileOpen = sam().post("/api/access/service-accounts/SVC-AP-BATCH/rotations",
        Http.json(Map.of("method", "password-vault", "reference", "VAULT-1")));
    assertThat(whileOpen.status()).as(whileOpen.toString()).isEqualTo(409);
    assertThat(whileOpen.body()).contains(businessKey);

    // the form's fields only, and valid ones
    sam().post("/engine-rest/task/" + task.getId() + "/claim", Http.json(Map.of("userId", "sam")));
    var extra = sam().post("/engine-rest/task/" + task.getId() + "/complete", typed(Map.of(
        "rotationMethod", "password-vault", "rotationReference", "VAULT-77", "trigger", "on-demand")));
    assertThat(extra.status()).as(extra.toString()).isEqualTo(400);
    assertThat(extra.body()).contains("trigger");
    sam().post("/engine-rest/task/" + task.getId() + "/claim", Http.json(Map.of("userId", "sam")));
    var badMethod = sam().post("/engine-rest/task/" + task.getId() + "/complete",
        typed(Map.of("rotationMethod", "magic", "rotationReference", "VAULT-77")));
    assertThat(badMethod.status()).as(badMethod.toString()).isEqualTo(400);
    assertThat(badMethod.body()).contains("rotationMethod");
    var noReference = sam().post("/engine-rest/task/" + task.getId() + "/complete",
        typed(Map.of("rotationMethod", "password-vault")));
    assertThat(noReference.status()).as(noReference.toString()).isEqualTo(400);
    assertThat(noReference.body()).contains("rotationReference");

    var done = sam().post("/engine-rest/task/" + task.getId() + "/complete",
        typed(Map.of("rotationMethod", "password-vault", "rotationReference", "VAULT-77")));
    assertThat(done.status()).as(done.toString()).isEqualTo(204);
    Map<String, Object> closed = jdbc.queryForMap("select * from access_service_account_rotation_task where id = ?",
        row.get("id"));
    assertThat(closed).containsEntry("status", "done").containsEntry("completed_by", "sam");
    Map<String, Object> rotation = jdbc.queryForMap("select * from access_service_account_rotation where id = ?",
        closed.get("rotation_id"));
    assertThat(rotation).containsEntry("service_account_id", "SVC-AP-BATCH").containsEntry("outcome", "rotated")
        .containsEntry("method", "manual").containsEntry("performed_via", "password-vault")
        .containsEntry("reference", "VAULT-77").containsEntry("performed_by", "sam")
        .containsEntry("trigger", row.get("trigger")).containsEntry("rotation_task_id", row.get("id"));
    assertThat(runtime.createProcessInstanceQuery().processInstanceId(instance.getId()).count()).isZero();
    assertThat(count("select count(*) from audit_event where action = 'access.service-account.rotate' and object_id = "
        + "'SVC-AP-BATCH' and actor = 'sam' and outcome = 'SUCCESS' and details->>'rotationId' = ?",
        String.valueOf(closed.get("rotation_id")))).isEqualTo(1);

    // the evidence lists it as rotated, and not due
    JsonNode accounts = Http.as(port, "audrey").get("/api/access/service-accounts").json();
    JsonNode batch = null;
    for (JsonNode a : accounts) {
      if (a.get("id").asText().equals("SVC-AP-BATCH")) {
        batch = a;
      }
    }
    assertThat(batch).isNotNull();
    assertThat(batch.get("due").asBoolean()).isFalse();
    assertThat(batch.get("lastOutcome").asText()).isEqualTo("rotated");
  }

  /**
   * The owner of an account does not complete its rotation task. SVC-GL-ETL's task is opened by the server's own
   * service (as the schedule does after its connector's failures): changing SVC-AP-BATCH's owner here would leave its
   * failed-rotation exception open, which ServiceAccountsIT expects to raise itself.
   */
  @Test
  void theAccountsOwnerDoesNotCompleteItsRotationTask() {
    assertThat(openTask("SVC-GL-ETL")).as("no other test leaves one open").isEmpty();
    long rowId = tasks.request("SVC-GL-ETL", ServiceAccountRotations.SCHEDULE, null, null,
        "ServiceAccountRotationTaskIT: the connector failed twice").orElseThrow();
    assertThat(tasks.request("SVC-GL-ETL", ServiceAccountRotations.SCHEDULE, null, null, "again")).isEmpty();
    String instance = jdbc.queryForObject("select process_instance_id from access_service_account_rotation_task "
        + "where id = ?", String.class, rowId);
    Task task = taskService.createTaskQuery().processInstanceId(instance).singleResult();
    changeOwner("SVC-GL-ETL", "E1009");
    try {
      sam().post("/engine-rest/task/" + task.getId() + "/claim", Http.json(Map.of("userId", "sam")));
      var byOwner = sam().post("/engine-rest/task/" + task.getId() + "/complete",
          typed(Map.of("rotationMethod", "password-vault", "rotationReference", "VAULT-77")));
      assertThat(byOwner.status()).as(byOwner.toString()).isEqualTo(403);
      assertThat(byOwner.contentType()).startsWith("application/problem+json");
      assertThat(byOwner.body()).contains("owner of a service account does not record the rotation");
      assertThat(count("select count(*) from audit_event where action = 'access.service-account.rotate' and object_id "
          + "= 'SVC-GL-ETL' and actor = 'sam' and outcome = 'DENIED' and details->>'via' = ?", "task SAR-" + rowId))
          .isEqualTo(1);
      assertThat(taskService.createTaskQuery().taskId(task.getId()).singleResult().getAssignee())
          .as("still open, released to the other security admins").isNull();
      assertThat(openTask("SVC-GL-ETL")).isPresent();
    } finally {
      changeOwner("SVC-GL-ETL", "E1004");
    }
    sam().post("/engine-rest/task/" + task.getId() + "/claim", Http.json(Map.of("userId", "sam")));
    var done = sam().post("/engine-rest/task/" + task.getId() + "/complete",
        typed(Map.of("rotationMethod", "script", "rotationReference", "RUN-5")));
    assertThat(done.status()).as(done.toString()).isEqualTo(204);
    assertThat(openTask("SVC-GL-ETL")).isEmpty();
    assertThat(jdbc.queryForMap("select r.method, r.trigger, r.performed_by from access_service_account_rotation r "
        + "join access_service_account_rotation_task t on t.rotation_id = r.id where t.id = ?", rowId))
        .containsEntry("method", "manual").containsEntry("trigger", "schedule").containsEntry("performed_by", "sam");
  }

  @Test
  void aSecurityAdminRecordsARotationDoneByHandNamingTheFieldAtFault() {
    String path = "/api/access/service-accounts/SVC-GL-ETL/rotations";
    var empty = sam().post(path, "{}");
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.contentType()).startsWith("application/problem+json");
    assertThat(empty.body()).contains("method").contains("reference");
    var magic = sam().post(path, Http.json(Map.of("method", "magic", "reference", "CHG-1")));
    assertThat(magic.status()).isEqualTo(400);
    assertThat(magic.body()).contains("method").contains("magic");
    var longReference = sam().post(path, Http.json(Map.of("method", "script", "reference", "x".repeat(201))));
    assertThat(longReference.status()).isEqualTo(400);
    assertThat(longReference.body()).contains("reference");
    assertThat(sam().post("/api/access/service-accounts/SVC-NOPE/rotations",
        Http.json(Map.of("method", "script", "reference", "CHG-1"))).status()).isEqualTo(404);
    assertThat(Http.as(port, "audrey").post(path, Http.json(Map.of("method", "script", "reference", "CHG-1")))
        .status()).isEqualTo(403);

    // the owner of the account does not record its rotation
    changeOwner("SVC-GL-ETL", "E1009");
    try {
      var byOwner = sam().post(path, Http.json(Map.of("method", "script", "reference", "CHG-1")));
      assertThat(byOwner.status()).as(byOwner.toString()).isEqualTo(403);
      assertThat(byOwner.contentType()).startsWith("application/problem+json");
      assertThat(byOwner.body()).contains("owner of a service account");
      assertThat(count("select count(*) from audit_event where action = 'access.service-account.rotate' and object_id "
          + "= 'SVC-GL-ETL' and actor = 'sam' and outcome = 'DENIED' and details->>'via' = 'the API'"))
          .isGreaterThanOrEqualTo(1);
    } finally {
      changeOwner("SVC-GL-ETL", "E1004");
    }

    var recorded = sam().post(path, Http.json(Map.of("method", "system-console", "reference", "CHG-42")));
    assertThat(recorded.status()).as(recorded.toString()).isEqualTo(201);
    JsonNode body = recorded.json();
    assertThat(body.get("method").asText()).isEqualTo("manual");
    assertThat(body.get("trigger").asText()).isEqualTo("on-demand");
    assertThat(body.get("performedVia").asText()).isEqualTo("system-console");
    assertThat(body.get("reference").asText()).isEqualTo("CHG-42");
    assertThat(body.get("performedBy").asText()).isEqualTo("sam");
    assertThat(jdbc.queryForMap("select * from access_service_account_rotation where id = ?",
        body.get("id").asLong())).containsEntry("triggered_by", "sam").containsEntry("outcome", "rotated")
        .containsEntry("method", "manual");
  }
}
