package org.itgc.continuity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.task.Task;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What the DR test's and the restore test's task forms show, written by the server from the inventory and the test's
 * row (DrTestProcess.Display, RestoreTestProcess.Display): the system by name and tier with its RTO and RPO, and the DR
 * test's planned day and recorded moments as readable text in the business calendar's zone (America/New_York in the
 * demo). A tester cannot write them: they are not fields of any form.
 */
@IntegrationTest
class ContinuityFormsDisplayIT {

  @LocalServerPort int port;
  @Autowired RuntimeService runtimeService;
  @Autowired TaskService taskService;

  static String typed(Map<String, Object> variables) {
    Map<String, Object> typed = new HashMap<>();
    variables.forEach((k, v) -> typed.put(k, Map.of("value", v)));
    return Http.json(Map.of("variables", typed));
  }

  private Task task(String instance, String key) {
    return taskService.createTaskQuery().processInstanceId(instance).taskDefinitionKey(key).singleResult();
  }

  /** A variable as the task's form sees it: from the task's own scope up to the process instance. */
  private Object shown(Task task, String name) {
    return taskService.getVariable(task.getId(), name);
  }

  private Http.Response complete(String user, Task task, Map<String, Object> variables) {
    Http.as(port, user).post("/engine-rest/task/" + task.getId() + "/claim", Http.json(Map.of("userId", user)));
    return Http.as(port, user).post("/engine-rest/task/" + task.getId() + "/complete", typed(variables));
  }

  @Test
  void theDrTestFormsShowTheSystemWithItsObjectivesAndTheTimesInTheCalendarsZone() {
    var started = Http.as(port, "sofia").post("/engine-rest/process-definition/key/dr-test/start",
        Http.json(Map.of("variables", Map.of("systemId", Map.of("value", "ERP-GL")))));
    assertThat(started.status()).as(started.toString()).isEqualTo(200);
    String instance = started.json().get("id").asText();

    Task plan = task(instance, DrTestProcess.Elements.PLAN);
    assertThat(shown(plan, DrTestProcess.Display.SYSTEM))
        .isEqualTo("ERP General Ledger (ERP-GL), tier 1; RTO 4 hours, RPO 15 minutes");
    assertThat(complete("sofia", plan, Map.of("scenario", "Primary data centre lost", "participants", "Sofia, Ivan",
        "plannedDate", "2027-01-20")).status()).isEqualTo(204);

    Task record = task(instance, DrTestProcess.Elements.RECORD);
    assertThat(shown(record, DrTestProcess.Display.PLANNED_DATE)).isEqualTo("Wed 20 Jan 2027");
    Map<String, Object> times = Map.of("outageDeclared", "2027-01-20T15:00:00Z",
        "serviceRestored", "2027-01-20T18:30:00Z", "lastRecoveredPoint", "2027-01-20T14:50:00Z");
    // a tester cannot write what the forms show: not a field of the form
    Map<String, Object> forged = new HashMap<>(times);
    forged.put(DrTestProcess.Display.OUTAGE_DECLARED, "Wed 20 Jan 2027, 14:00 EST");
    var refused = complete("sofia", record, forged);
    assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
    assertThat(refused.json().findValuesAsText("field")).contains(DrTestProcess.Display.OUTAGE_DECLARED);
    assertThat(task(instance, DrTestProcess.Elements.RECORD)).as("the task stays open").isNotNull();
    var recorded = complete("sofia", record, times);
    assertThat(recorded.status()).as(recorded.toString()).isEqualTo(204);

    // the sign-off's form: the moments as recorded, in New York time
    Task signOff = task(instance, DrTestProcess.Elements.OWNER_SIGN_OFF);
    assertThat(shown(signOff, DrTestProcess.Display.SYSTEM))
        .isEqualTo("ERP General Ledger (ERP-GL), tier 1; RTO 4 hours, RPO 15 minutes");
    assertThat(shown(signOff, DrTestProcess.Display.OUTAGE_DECLARED)).isEqualTo("Wed 20 Jan 2027, 10:00 EST");
    assertThat(shown(signOff, DrTestProcess.Display.SERVICE_RESTORED)).isEqualTo("Wed 20 Jan 2027, 13:30 EST");
    assertThat(shown(signOff, DrTestProcess.Display.LAST_RECOVERED_POINT)).isEqualTo("Wed 20 Jan 2027, 09:50 EST");
    assertThat(shown(signOff, DrTestProcess.Display.PLANNED_DATE)).isEqualTo("Wed 20 Jan 2027");
    // the times a person entered stay as entered; the display is the server's own text beside them
    assertThat(shown(signOff, DrTestProcess.Fields.OUTAGE_DECLARED)).isEqualTo("2027-01-20T15:00:00Z");
  }

  @Test
  void theRestoreTestFormsShowTheSystemByNameAndTierWithItsObjectives() {
    var backup = Http.as(port, "sofia").post("/api/continuity/backups", Http.json(Map.of("systemId", "BI-REPORTING",
        "takenAt", "2025-02-01T12:00:00Z", "location", "vault://bi/2025-02-01", "sizeBytes", 1000,
        "checksum", String.format("%064x", 4_242_001L), "rowCount", 100)));
    assertThat(backup.status()).as(backup.toString()).isEqualTo(201);
    var started = Http.as(port, "sofia").post("/engine-rest/process-definition/key/backup-restore-test/start",
        Http.json(Map.of("variables", Map.of("systemId", Map.of("value", "BI-REPORTING"),
            "periodFrom", Map.of("value", "2025-02-01"), "periodTo", Map.of("value", "2025-02-02")))));
    assertThat(started.status()).as(started.toString()).isEqualTo(200);
    String instance = started.json().get("id").asText();

    Task restore = taskService.createTaskQuery().processInstanceId(instance).singleResult();
    assertThat(shown(restore, RestoreTestProcess.Display.SYSTEM))
        .isEqualTo("Financial reporting warehouse (BI-REPORTING), tier 3; RTO 3 days, RPO 1 day");
    var forged = complete("sofia", restore, Map.of("restoreStarted", "2025-02-03T10:00:00Z",
        "restoreFinished", "2025-02-03T11:00:00Z", "checksumAfterRestore", String.format("%064x", 4_242_001L),
        "restoredRowCount", 100, RestoreTestProcess.Display.SYSTEM, "Some other system, tier 3"));
    assertThat(forged.status()).as(forged.toString()).isEqualTo(400);
    assertThat(forged.json().findValuesAsText("field")).contains(RestoreTestProcess.Display.SYSTEM);
    assertThat(runtimeService.getVariable(restore.getExecutionId(), RestoreTestProcess.Display.SYSTEM))
        .isEqualTo("Financial reporting warehouse (BI-REPORTING), tier 3; RTO 3 days, RPO 1 day");
  }
}
