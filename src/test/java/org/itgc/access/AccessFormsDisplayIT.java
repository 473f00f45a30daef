package org.itgc.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.task.Task;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.itgc.support.TestClock;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the access request's and the revocation's task forms show, written by the server from the request's items,
 * the revocation item, the inventory and the catalogue (AccessRequestProcess.Display, AccessRevocationProcess.Display):
 * each system by name and tier, each entitlement by name, the removal's due moment in the business calendar's zone.
 * An approver or a security admin cannot write them: they are not fields of any form.
 */
@IntegrationTest
class AccessFormsDisplayIT {

  @LocalServerPort int port;
  @Autowired RuntimeService runtimeService;
  @Autowired TaskService taskService;
  @Autowired JdbcTemplate jdbc;

  static String typed(Map<String, Object> variables) {
    Map<String, Object> typed = new HashMap<>();
    variables.forEach((k, v) -> typed.put(k, Map.of("value", v)));
    return Http.json(Map.of("variables", typed));
  }

  private Http.Response complete(String user, String taskId, Map<String, Object> variables) {
    Http.as(port, user).post("/engine-rest/task/" + taskId + "/claim", Http.json(Map.of("userId", user)));
    return Http.as(port, user).post("/engine-rest/task/" + taskId + "/complete", typed(variables));
  }

  private List<Task> tasks(String instance, String key) {
    return taskService.createTaskQuery().processInstanceId(instance).taskDefinitionKey(key).list();
  }

  @Test
  void theRequestsFormsShowEachSystemByNameAndTierAndTheEntitlementsByName() {
    // ryan, for whom no other test asks these (ConnectorsIT asks them for rachel): the shared context refuses a second
    // open request for the same person and entitlement
    var submitted = Http.as(port, "ryan").post("/api/access/requests", Http.json(Map.of(
        "entitlements", List.of("FIN-SHARES/FIN_SHARE_READ", "TREASURY-DB/TREASURY_READER"),
        "justification", "Month-end reconciliation of the treasury positions")));
    assertThat(submitted.status()).as(submitted.toString()).isEqualTo(201);
    String id = submitted.json().get("id").asText();
    String instance = jdbc.queryForObject("select process_instance_id from access_request where id = ?", String.class, id);

    assertThat(runtimeService.getVariable(instance, AccessRequestProcess.Display.REQUESTED_ACCESS)).isEqualTo("\n\n"
        + "- Finance share (read) (FIN_SHARE_READ) on Finance file shares (directory groups) (FIN-SHARES), tier 3\n"
        + "- Treasury data reader (TREASURY_READER) on Treasury database (TREASURY-DB), tier 3\n");

    // the line manager cannot write what the forms show: not a field of the form
    String line = tasks(instance, AccessRequestProcess.Elements.LINE_MANAGER_APPROVAL).get(0).getId();
    var forged = complete("lucas", line, Map.of("decision", "approve",
        AccessRequestProcess.Display.REQUESTED_ACCESS, "- Report viewer on BI"));
    assertThat(forged.status()).as(forged.toString()).isEqualTo(400);
    assertThat(forged.json().findValuesAsText("field")).contains(AccessRequestProcess.Display.REQUESTED_ACCESS);
    var approved = complete("lucas", line, Map.of("decision", "approve"));
    assertThat(approved.status()).as(approved.toString()).isEqualTo(204);

    // one task per system, each showing its own system by name and tier
    List<Task> owners = tasks(instance, AccessRequestProcess.Elements.SYSTEM_OWNER_APPROVAL);
    assertThat(owners).hasSize(2);
    assertThat(owners).extracting(t -> taskService.getVariableLocal(t.getId(), AccessRequestProcess.Display.OWNER_SYSTEM))
        .containsExactlyInAnyOrder("Finance file shares (directory groups) (FIN-SHARES), tier 3",
            "Treasury database (TREASURY-DB), tier 3");
    Task owner = owners.get(0);
    Object before = taskService.getVariableLocal(owner.getId(), AccessRequestProcess.Display.OWNER_SYSTEM);
    var forgedOwner = complete("sofia", owner.getId(), Map.of("decision", "approve",
        AccessRequestProcess.Display.OWNER_SYSTEM, "ERP General Ledger (ERP-GL), tier 1"));
    assertThat(forgedOwner.status()).as(forgedOwner.toString()).isEqualTo(400);
    assertThat(forgedOwner.json().findValuesAsText("field")).contains(AccessRequestProcess.Display.OWNER_SYSTEM);
    assertThat(taskService.getVariableLocal(owner.getId(), AccessRequestProcess.Display.OWNER_SYSTEM)).isEqualTo(before);
  }

  @Test
  void theRemovalFormShowsTheEntitlementByNameTheSystemByNameAndTierAndWhenItIsDue() throws Exception {
    var sam = Http.as(port, "sam");
    var hired = sam.post("/api/access/identities/import", "text/csv", ("employeeId,name,email,managerId,department,"
        + "job,status,hireDate,terminationDate,userName\n"
        + "FD-PAT,Pat Display,pat.display@demo.itgc.local,E1003,IT,Database Administrator,active,2024-01-02,,\n")
        .getBytes(StandardCharsets.UTF_8));
    assertThat(hired.status()).as(hired.toString()).isEqualTo(200);
    var baseline = sam.post("/api/access/grants/import", "text/csv", ("employeeId,systemId,entitlementId,grantedAt\n"
        + "FD-PAT,PAYROLL,PAYROLL_DBA,2024-01-02\n").getBytes(StandardCharsets.UTF_8));
    assertThat(baseline.status()).as(baseline.toString()).isEqualTo(200);
    long grant = jdbc.queryForObject("select id from access_grant where identity_id = 'FD-PAT' and system_id = 'PAYROLL' "
        + "and entitlement_id = 'PAYROLL_DBA' and removed_at is null", Long.class);
    var started = sam.post("/api/access/revocations", Http.json(Map.of("identityId", "FD-PAT",
        "reason", "sod-remediation", "grantIds", List.of(grant))));
    assertThat(started.status()).as(started.toString()).isEqualTo(201);
    String instance = jdbc.queryForObject("select process_instance_id from access_revocation where id = ?", String.class,
        started.json().get("id").asText());
    Instant until = Instant.now().plus(Duration.ofSeconds(20));
    while (tasks(instance, AccessRevocationProcess.Elements.REMOVE).isEmpty() && Instant.now().isBefore(until)) {
      Thread.sleep(200);
    }
    Task removal = tasks(instance, AccessRevocationProcess.Elements.REMOVE).get(0);

    assertThat(taskService.getVariable(removal.getId(), AccessRevocationProcess.Display.ACCESS))
        .isEqualTo("Payroll database administrator (PAYROLL_DBA), privileged, on Payroll (PAYROLL), tier 2");
    // the deadline as the server recorded it, as readable text in New York time
    Instant deadline = jdbc.queryForObject("select deadline from access_revocation_item where grant_id = ?",
        java.sql.Timestamp.class, grant).toInstant();
    assertThat((String) taskService.getVariable(removal.getId(), AccessRevocationProcess.Display.DUE))
        .matches("\\w{3} \\d{1,2} \\w{3} \\d{4}, \\d{2}:\\d{2} E[SD]T")
        .isEqualTo(java.time.format.DateTimeFormatter.ofPattern("EEE d MMM uuuu, HH:mm zzz", java.util.Locale.ENGLISH)
            .format(deadline.atZone(java.time.ZoneId.of("America/New_York"))));

    // a security admin cannot write what the form shows: not a field of the form
    var forged = complete("sam", removal.getId(), Map.of("removedAt", TestClock.now().minusSeconds(60).toString(),
        "removalMethod", "account-disabled", "removalReference", "DBA change 7",
        AccessRevocationProcess.Display.DUE, "whenever"));
    assertThat(forged.status()).as(forged.toString()).isEqualTo(400);
    assertThat(forged.json().findValuesAsText("field")).contains(AccessRevocationProcess.Display.DUE);
    assertThat(jdbc.queryForObject("select removed_at is null from access_revocation_item where grant_id = ?",
        Boolean.class, grant)).isTrue();
  }
}
