package org.itgc.controls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import javax.sql.DataSource;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * An evidence pack's population reconciles with the audit trail: a record deleted behind the application's back (the
 * trail recorded its creation) or inserted behind it (no creation recorded) refuses the pack with a 409 naming the
 * record, audited; CM-01's population is the changes that reached production in the period, not every change raised.
 */
@IntegrationTest
class PopulationReconciliationIT {

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired org.camunda.bpm.engine.TaskService taskService;
  @Autowired @org.springframework.boot.autoconfigure.liquibase.LiquibaseDataSource DataSource ownerDataSource;

  private String submit(String title, int saturday) {
    var body = org.itgc.support.ChangeRequests.body("normal", "ERP-GL", null,
        org.itgc.support.ChangeRequests.plannedSaturday(saturday));
    body.put("title", title);
    var created = Http.as(port, "rachel").post("/api/changes", Http.json(body));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return created.json().get("id").asText();
  }

  private Http.Response pack(String control) {
    Instant now = Instant.now();
    return Http.as(port, "audrey").post("/api/evidence-packs", Http.json(Map.of("controlId", control,
        "from", now.minus(1, ChronoUnit.DAYS).toString(), "to", now.plus(1, ChronoUnit.DAYS).toString())));
  }

  @Test
  void aRowDeletedOrInsertedBehindTheApplicationsBackRefusesThePack() throws Exception {
    String deleted = submit("Reconciliation: to be deleted by a DBA", 400);
    // one session of the tables' owner (a DBA), so that its session settings hold for its next statements
    var owner = new JdbcTemplate(new org.springframework.jdbc.datasource.SingleConnectionDataSource(
        ownerDataSource.getConnection(), true));
    assertThat(pack("CM-02").status()).as("reconciles before the DBA acts").isEqualTo(201);

    owner.execute("create table it_deleted_change as select * from change_request where id = '" + deleted + "'");
    try {
      owner.execute("set session_replication_role = replica");
      owner.update("delete from change_request where id = ?", deleted);
      owner.execute("set session_replication_role = origin");
      var refused = pack("CM-02");
      assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
      assertThat(refused.contentType()).startsWith("application/problem+json");
      assertThat(refused.json().get("detail").asText()).contains("no longer holds").contains(deleted);
      assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'evidence-pack.population-mismatch' "
          + "and details->>'vanished' like ?", Integer.class, "%" + deleted + "%")).isEqualTo(1);
    } finally {
      owner.execute("set session_replication_role = origin");
      owner.update("insert into change_request select * from it_deleted_change");
      owner.execute("drop table it_deleted_change");
    }

    String copied = submit("Reconciliation: copied by a DBA", 401);
    owner.execute("create table it_forged_change as select * from change_request where id = '" + copied + "'");
    try {
      owner.update("update it_forged_change set id = 'CHG-FORGED-0001', process_instance_id = null");
      owner.update("insert into change_request select * from it_forged_change");
      var refused = pack("CM-02");
      assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
      assertThat(refused.json().get("detail").asText()).contains("never recorded").contains("CHG-FORGED-0001");
    } finally {
      owner.update("delete from change_request where id = 'CHG-FORGED-0001'");
      owner.execute("drop table it_forged_change");
    }
    assertThat(pack("CM-02").status()).as("reconciles again once the rows are as the trail says").isEqualTo(201);
  }

  /** An emergency change implemented by its deployer (the change process records it), as the trail sees it. */
  private String implementedEmergencyChange(int saturday) {
    var body = org.itgc.support.ChangeRequests.body("emergency", "ERP-GL", null,
        org.itgc.support.ChangeRequests.plannedSaturday(saturday));
    body.put("title", "Reconciliation: implemented");
    body.remove("repository");
    var created = Http.as(port, "rachel").post("/api/changes", Http.json(body));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String id = created.json().get("id").asText();
    String implement = taskService.createTaskQuery().processInstanceBusinessKey(id)
        .taskDefinitionKey(org.itgc.change.ChangeProcess.Elements.IMPLEMENT_EMERGENCY).singleResult().getId();
    var dmitri = Http.as(port, "dmitri");
    dmitri.post("/engine-rest/task/" + implement + "/claim", Http.json(Map.of("userId", "dmitri")));
    var done = dmitri.post("/engine-rest/task/" + implement + "/complete", Http.json(Map.of("variables", Map.of(
        "deploymentReference", Map.of("value", "hotfix 7"), "implementationNotes", Map.of("value", "restored")))));
    assertThat(done.status()).as(done.toString()).isEqualTo(204);
    return id;
  }

  @Test
  void cm01sPopulationIsTheChangesThatReachedProductionAsTheTrailAttests() throws Exception {
    String raised = submit("Reconciliation: raised only", 402);
    String implemented = implementedEmergencyChange(403);
    var created = pack("CM-01");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String population = jdbc.queryForObject("select encode(content, 'base64') from evidence_pack where id = ?",
        String.class, created.json().get("id").asText());
    var files = EvidencePackIT.unzip(java.util.Base64.getMimeDecoder().decode(population));
    String csv = new String(files.get("population.csv"), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(csv).contains(implemented).doesNotContain(raised).contains("deployed_at");

    // a DBA marks the raised change as implemented: the trail never said it reached production
    var owner = new JdbcTemplate(ownerDataSource);
    owner.update("update change_request set implemented_at = now() where id = ?", raised);
    try {
      var refused = pack("CM-01");
      assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
      assertThat(refused.json().get("detail").asText()).contains("never recorded").contains(raised);
    } finally {
      owner.update("update change_request set implemented_at = null where id = ?", raised);
    }
    // and one moves the implemented change and its deployment out of the period: the trail still puts it there
    owner.update("update change_request set implemented_at = now() - interval '400 days' where id = ?", implemented);
    owner.update("update change_deployment set deployed_at = deployed_at - interval '400 days' where ? = any(change_ids)",
        implemented);
    var moved = pack("CM-01");
    assertThat(moved.status()).as(moved.toString()).isEqualTo(409);
    assertThat(moved.json().get("detail").asText()).contains("moved out of the period").contains(implemented);
  }

  @Test
  void aCertificationDecisionMovedOutOfThePeriodRefusesTheAc03Pack() throws Exception {
    var grace = Http.as(port, "grace");
    String campaign = grace.post("/api/certifications", Http.json(Map.of("systems", java.util.List.of("AP-PAY"))))
        .json().get("id").asText();
    Instant until = Instant.now().plusSeconds(30);
    while (!"open".equals(grace.get("/api/certifications/" + campaign).json().at("/campaign/status").asText())) {
      assertThat(Instant.now()).as("campaign " + campaign + " launched").isBefore(until);
      Thread.sleep(200);
    }
    var item = jdbc.queryForMap("select id, reviewer from cert_item where campaign_id = ? and reviewer is not null "
        + "and reviewer <> 'rita' order by id limit 1", campaign);
    long itemId = ((Number) item.get("id")).longValue();
    var decided = Http.as(port, (String) item.get("reviewer")).post("/api/certifications/" + campaign + "/decisions",
        Http.json(Map.of("itemIds", java.util.List.of(itemId), "decision", "certify", "reason", "still needed")));
    assertThat(decided.status()).as(decided.toString()).isEqualTo(200);
    assertThat(pack("AC-03").status()).isEqualTo(201);
    // AC-04 (privileged and service accounts) reconciles over its own scope of the same decisions
    assertThat(pack("AC-04").status()).isEqualTo(201);
    boolean inAc04 = Boolean.TRUE.equals(jdbc.queryForObject("select privileged or identity_kind = 'service' from "
        + "cert_item where id = ?", Boolean.class, itemId));

    var owner = new JdbcTemplate(ownerDataSource);
    owner.update("update cert_item set decided_at = decided_at - interval '400 days' where id = ?", itemId);
    try {
      var refused = pack("AC-03");
      assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
      assertThat(refused.json().get("detail").asText()).contains("moved out of the period")
          .contains(String.valueOf(itemId));
      // the item moved is AC-04's only when it is a privileged or service account's: then its pack is refused too
      var ac04 = pack("AC-04");
      assertThat(ac04.status()).as("AC-04 with item " + itemId + " in its scope: " + inAc04 + "; " + ac04)
          .isEqualTo(inAc04 ? 409 : 201);
    } finally {
      owner.update("update cert_item set decided_at = decided_at + interval '400 days' where id = ?", itemId);
    }
  }

  @Test
  void aCheckpointRemovedFromTheDatabaseRefusesTheLg01Pack() throws Exception {
    assertThat(pack("LG-01").status()).isEqualTo(201);
    long seq = jdbc.queryForObject("select seq from audit_checkpoint order by seq desc offset 1 limit 1", Long.class);
    var owner = new JdbcTemplate(new org.springframework.jdbc.datasource.SingleConnectionDataSource(
        ownerDataSource.getConnection(), true));
    owner.execute("create table it_removed_checkpoint as select * from audit_checkpoint where seq = " + seq);
    try {
      owner.execute("set session_replication_role = replica");
      owner.update("delete from audit_checkpoint where seq = ?", seq);
      var refused = pack("LG-01");
      assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
      assertThat(refused.json().get("detail").asText()).contains("no longer in the database").contains(String.valueOf(seq));
    } finally {
      owner.execute("set session_replication_role = replica");
      owner.update("insert into audit_checkpoint select * from it_removed_checkpoint");
      owner.execute("set session_replication_role = origin");
      owner.execute("drop table it_removed_checkpoint");
    }
    assertThat(pack("LG-01").status()).isEqualTo(201);
  }

  @Test
  void anSodFindingRemovedBehindTheApplicationsBackRefusesTheAc05Pack() throws Exception {
    var scanned = Http.as(port, "grace").post("/api/access/sod/scans", "{}");
    assertThat(scanned.status()).as(scanned.toString()).isIn(201, 409);
    assertThat(pack("AC-05").status()).isEqualTo(201);
    var finding = jdbc.queryForMap("select identity_id, rule_id, first_seen_at, first_scan_id from sod_finding "
        + "where first_seen_at >= now() - interval '1 day' order by first_seen_at desc limit 1");
    var owner = new JdbcTemplate(ownerDataSource);
    owner.execute("create table it_removed_finding as select * from sod_finding where identity_id = '"
        + finding.get("identity_id") + "' and rule_id = '" + finding.get("rule_id") + "' and first_scan_id = "
        + finding.get("first_scan_id"));
    try {
      owner.update("delete from sod_finding where identity_id = ? and rule_id = ? and first_scan_id = ?",
          finding.get("identity_id"), finding.get("rule_id"), finding.get("first_scan_id"));
      var refused = pack("AC-05");
      assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
      assertThat(refused.json().get("detail").asText()).contains("scan " + finding.get("first_scan_id"))
          .contains("no longer the ones the scan recorded");
    } finally {
      owner.update("insert into sod_finding select * from it_removed_finding");
      owner.execute("drop table it_removed_finding");
    }
    assertThat(pack("AC-05").status()).isEqualTo(201);
  }
}
