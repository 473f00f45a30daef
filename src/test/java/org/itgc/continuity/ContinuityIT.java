package org.itgc.continuity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.itgc.support.DateSensitive;

/** DR tests and backups over HTTP, on embedded PostgreSQL, as the demo users do them. */
@IntegrationTest
@DateSensitive
class ContinuityIT {

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired org.camunda.bpm.engine.ManagementService managementService;

  private String start(String system) {
    var started = Http.as(port, "sofia").post("/engine-rest/process-definition/key/dr-test/start",
        Http.json(Map.of("variables", Map.of("systemId", Map.of("value", system)))));
    assertThat(started.status()).as(started.toString()).isEqualTo(200);
    return started.json().get("id").asText();
  }

  private String task(String user, String instance, String key) {
    var tasks = Http.as(port, user).get("/engine-rest/task?processInstanceId=" + instance + "&taskDefinitionKey=" + key).json();
    assertThat(tasks.size()).as("%s sees %s", user, key).isEqualTo(1);
    return tasks.get(0).get("id").asText();
  }

  private Http.Response complete(String user, String taskId, Map<String, Object> variables) {
    Http.as(port, user).post("/engine-rest/task/" + taskId + "/claim", Http.json(Map.of("userId", user)));
    Map<String, Object> typed = new HashMap<>();
    variables.forEach((k, v) -> typed.put(k, Map.of("value", v)));
    return Http.as(port, user).post("/engine-rest/task/" + taskId + "/complete", Http.json(Map.of("variables", typed)));
  }

  private void planAndRecord(String instance, String restored, String lastPoint) {
    assertThat(complete("sofia", task("sofia", instance, DrTestProcess.Elements.PLAN), Map.of("scenario",
        "Primary data centre lost", "participants", "Sofia, Ivan, ops on call", "plannedDate", "2027-01-20")).status())
        .isEqualTo(204);
    var recorded = complete("sofia", task("sofia", instance, DrTestProcess.Elements.RECORD), Map.of(
        "outageDeclared", "2027-01-20T10:00:00Z", "serviceRestored", restored, "lastRecoveredPoint", lastPoint));
    assertThat(recorded.status()).as(recorded.toString()).isEqualTo(204);
  }

  private void signOff(String instance) {
    assertThat(complete("sofia", task("sofia", instance, DrTestProcess.Elements.OWNER_SIGN_OFF),
        Map.of("signOffConfirmed", true, "signOffComment", "owner ok")).status()).isEqualTo(204);
    assertThat(complete("ivan", task("ivan", instance, DrTestProcess.Elements.IT_SIGN_OFF),
        Map.of("signOffConfirmed", true, "signOffComment", "IT ok")).status()).isEqualTo(204);
  }

  @Test
  void aDrTestWithinTheObjectivesPassesAndIsSignedOffByTwoPeople() {
    String instance = start("ERP-GL");
    planAndRecord(instance, "2027-01-20T14:00:00Z", "2027-01-20T09:45:00Z");
    signOff(instance);
    var tests = Http.as(port, "audrey").get("/api/continuity/tests?system=ERP-GL&from=2020-01-01T00:00:00Z"
        + "&to=2100-01-01T00:00:00Z").json();
    var test = tests.get(tests.size() - 1);
    assertThat(test.get("passed").asBoolean()).as("exactly the RTO of 4 h and the RPO of 15 min pass").isTrue();
    assertThat(test.get("actual_rto_seconds").asLong()).isEqualTo(4 * 3600);
    assertThat(test.get("actual_rpo_seconds").asLong()).isEqualTo(15 * 60);
    assertThat(test.get("owner_sign_off_by").asText()).isEqualTo("sofia");
    assertThat(test.get("it_sign_off_by").asText()).isEqualTo("ivan");
    var csv = Http.as(port, "audrey").get("/api/continuity/tests?system=ERP-GL&from=2020-01-01T00:00:00Z"
        + "&to=2100-01-01T00:00:00Z&format=csv");
    assertThat(csv.contentType()).startsWith("text/csv");
    assertThat(csv.body()).startsWith("id,kind,system_id").contains(",sofia,");
  }

  @Test
  void aDrTestOverItsRtoFailsRecordsABc02ExceptionAndOpensRemediation() {
    String instance = start("AP-PAY");
    planAndRecord(instance, "2027-01-20T18:00:01Z", "2027-01-20T09:30:00Z");
    // the IT approver cannot record the failed test as passed with a variable of their own: only the form's fields
    var forged = complete("ivan", task("ivan", instance, DrTestProcess.Elements.IT_SIGN_OFF),
        Map.of("signOffConfirmed", true, "signOffComment", "IT ok", "drPassed", true));
    assertThat(forged.status()).as(forged.toString()).isEqualTo(400);
    assertThat(forged.json().findValuesAsText("field")).containsExactly("drPassed");
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'engine.write-refused' and "
        + "actor = 'ivan' and outcome = 'DENIED' and details->'fields' @> '[\"drPassed\"]'", Integer.class))
        .as("the attempt is on the trail").isEqualTo(1);
    Http.as(port, "ivan").post("/engine-rest/task/" + task("ivan", instance, DrTestProcess.Elements.IT_SIGN_OFF)
        + "/unclaim", "{}");
    signOff(instance);
    String testId = jdbc.queryForObject("select id from continuity_test where process_instance_id = ?", String.class, instance);
    assertThat(jdbc.queryForObject("select passed from continuity_test where id = ?", Boolean.class, testId)).isFalse();
    assertThat(jdbc.queryForObject("select control_id from control_exception where object_id = ?", String.class, testId))
        .isEqualTo("BC-02");
    String remediation = task("sofia", instance, DrTestProcess.Elements.REMEDIATE);
    assertThat(complete("sofia", remediation, Map.of("remediation", "Parallel restore of the payment ledger")).status())
        .isEqualTo(204);
    assertThat(jdbc.queryForObject("select remediated_by from continuity_test where id = ?", String.class, testId))
        .isEqualTo("sofia");
  }

  @Test
  void aMissingSignOffIsEscalatedByMailNamingWhoHasNotSigned() throws Exception {
    String instance = start("ERP-GL");
    planAndRecord(instance, "2027-01-20T11:00:00Z", "2027-01-20T09:55:00Z");
    assertThat(complete("sofia", task("sofia", instance, DrTestProcess.Elements.OWNER_SIGN_OFF),
        Map.of("signOffConfirmed", true, "signOffComment", "owner ok")).status()).isEqualTo(204);
    var timer = managementService.createJobQuery().processInstanceId(instance)
        .activityId(DrTestProcess.Elements.SIGN_OFF_OVERDUE).singleResult();
    managementService.executeJob(timer.getId());
    String testId = jdbc.queryForObject("select id from continuity_test where process_instance_id = ?", String.class, instance);
    var mail = org.itgc.support.TestMailServer.await(m -> org.itgc.support.TestMailServer.subject(m)
        .equals("DR test " + testId + " of ERP-GL: sign-off overdue"), java.time.Duration.ofSeconds(20));
    assertThat(org.itgc.support.TestMailServer.body(mail)).contains("the sign-off of: an IT approver").contains("PASSED");
    assertThat(task("ivan", instance, DrTestProcess.Elements.IT_SIGN_OFF)).as("the sign-off is still required").isNotBlank();
  }

  @Test
  void impossibleTimesAre400NamingTheFieldAndTheTaskStaysOpen() {
    String instance = start("PAYROLL");
    complete("sofia", task("sofia", instance, DrTestProcess.Elements.PLAN), Map.of("scenario", "s", "participants", "p",
        "plannedDate", "2027-01-20"));
    String record = task("sofia", instance, DrTestProcess.Elements.RECORD);
    var refused = complete("sofia", record, Map.of("outageDeclared", "2027-01-20T10:00:00Z",
        "serviceRestored", "2027-01-20T09:00:00Z", "lastRecoveredPoint", "2027-01-20T10:30:00Z"));
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.body()).contains("serviceRestored: is before outageDeclared")
        .contains("lastRecoveredPoint: is after outageDeclared");
    assertThat(task("sofia", instance, DrTestProcess.Elements.RECORD)).isEqualTo(record);
    var unknown = Http.as(port, "sofia").post("/engine-rest/process-definition/key/dr-test/start",
        Http.json(Map.of("variables", Map.of("systemId", Map.of("value", "NOPE")))));
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body()).contains("systemId");
  }

  @Test
  void backupsAreRegisteredAsDataAndBadRegistrationsAre400NamingTheField() {
    Map<String, Object> backup = new HashMap<>(Map.of("systemId", "ERP-GL", "takenAt", "2026-10-03T01:00:00Z",
        "location", "s3://backups/erp-gl/2026-10-03.dump", "sizeBytes", 123456789, "checksum", "a".repeat(64),
        "rowCount", 1200345));
    var created = Http.as(port, "sofia").post("/api/continuity/backups", Http.json(backup));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    var list = Http.as(port, "audrey").get("/api/continuity/backups?system=ERP-GL&from=2026-10-01T00:00:00Z"
        + "&to=2027-01-01T00:00:00Z").json();
    assertThat(list).anySatisfy(b -> assertThat(b.get("location").asText()).contains("2026-10-03"));

    for (var bad : Map.of("checksum", "not-hex", "systemId", "NOPE", "sizeBytes", -1, "takenAt", "yesterday",
        "checksumAlgorithm", "crc32").entrySet()) {
      Map<String, Object> body = new HashMap<>(backup);
      body.put(bad.getKey(), bad.getValue());
      var response = Http.as(port, "sofia").post("/api/continuity/backups", Http.json(body));
      assertThat(response.status()).as(bad.getKey()).isEqualTo(400);
      assertThat(response.json().get("detail").asText()).as(bad.getKey()).contains(bad.getKey());
    }
    assertThat(Http.as(port, "rachel").post("/api/continuity/backups", Http.json(backup)).status()).isEqualTo(403);
  }
}
