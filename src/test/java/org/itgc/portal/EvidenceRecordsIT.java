package org.itgc.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.itgc.support.Browser;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.itgc.support.WebSession;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The evidence browser's own pages of a grant, a revocation, a certification campaign and a DR test (issue #15): an
 * auditor finds each in its list, opens it and reads the facts she re-performs the control with; a requester is
 * refused each.
 */
@IntegrationTest
class EvidenceRecordsIT {

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;

  @Test
  void anAuditorReadsAGrantAndItsRevocationWithTheirWholeEvidence() throws Exception {
    var hr = Http.as(port, "sam").post("/api/access/identities/import", "text/csv", """
        employeeId,name,email,managerId,department,job,status,hireDate,terminationDate,userName
        E9611,Gina Grantee,gina@demo.itgc.local,E1003,Finance Operations,General Ledger Analyst,active,2025-02-03,,
        """.getBytes(StandardCharsets.UTF_8));
    assertThat(hr.status()).as(hr.toString()).isEqualTo(200);
    var baseline = Http.as(port, "sam").post("/api/access/grants/import", "text/csv", """
        employeeId,systemId,entitlementId,grantedAt
        E9611,ERP-GL,GL_READ_ONLY,2025-02-03
        """.getBytes(StandardCharsets.UTF_8));
    assertThat(baseline.status()).as(baseline.toString()).isEqualTo(200);
    long grant = jdbc.queryForObject("select id from access_grant where identity_id = 'E9611'", Long.class);
    var started = Http.as(port, "sam").post("/api/access/revocations", Http.json(Map.of("identityId", "E9611",
        "reason", "role-change")));
    assertThat(started.status()).as(started.toString()).isEqualTo(201);
    String revocation = started.json().get("id").asText();

    var audrey = WebSession.signedIn(port, "audrey");
    var grants = audrey.get("/app/evidence?kind=grants&q=E9611");
    String grantPage = "/app/evidence/grants/" + grant;
    assertThat(grants.body()).contains("href=\"" + grantPage + "\"");
    var page = audrey.get(grantPage);
    assertThat(page.status()).as(page.body()).isEqualTo(200);
    assertThat(page.body()).contains("Gina Grantee", "General Ledger Analyst", "ERP General Ledger (ERP-GL, tier1)",
        "General ledger enquiry (GL_READ_ONLY)", "Provenance", "imported", "Revocations of the grant",
        "/app/evidence/revocations/" + revocation, "No certification campaign reviewed this grant", "access.grant");
    // the page's own read is recorded, and folded away with the other reads on the next visit
    assertThat(audrey.get(grantPage).body()).contains("reads of the evidence (*.read), folded away");
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'evidence.read' "
        + "and object_type = 'access-grant' and object_id = ?", Integer.class, String.valueOf(grant))).isEqualTo(2);

    var revocations = audrey.get("/app/evidence?kind=revocations&q=" + revocation);
    String revocationPage = "/app/evidence/revocations/" + revocation;
    assertThat(revocations.body()).contains("href=\"" + revocationPage + "\"");
    assertThat(audrey.get("/app/evidence/records?id=" + revocation).location()).endsWith(revocationPage);
    assertThat(audrey.get("/app/evidence/records?id=" + grant).location()).endsWith(grantPage);
    // a number that other kinds of records may share (log batches, control exceptions): a type picks one kind
    assertThat(audrey.get("/app/evidence/records?id=" + grant + "&type=access-grant").location()).endsWith(grantPage);
    assertThat(audrey.get("/app/evidence/records?id=" + grant + "&type=no-such-kind").status()).isEqualTo(404);
    var rv = audrey.get(revocationPage);
    assertThat(rv.status()).as(rv.body()).isEqualTo(200);
    assertThat(rv.body()).contains("Revocation <span>" + revocation + "</span>", "Gina Grantee", "role-change", "asked for by",
        "sam", "href=\"" + grantPage + "\"", "ERP General Ledger (ERP-GL, tier1)", "General ledger enquiry",
        "SLA (business days)", "not read back", "access.revocation.start");

    var rachel = WebSession.signedIn(port, "rachel");
    for (String path : List.of(grantPage, revocationPage)) {
      var refused = rachel.get(path);
      assertThat(refused.status()).as(path).isEqualTo(403);
      assertThat(refused.body()).as(path).contains("You may not open this page").doesNotContain("Gina Grantee");
    }
    assertThat(audrey.get("/app/evidence/grants/999999999").status()).isEqualTo(404);
    assertThat(audrey.get("/app/evidence/grants/not-a-number").status()).isEqualTo(404);
    assertThat(audrey.get("/app/evidence/revocations/RV-NONE").status()).isEqualTo(404);
  }

  @Test
  void anAuditorReadsACampaignsScopePopulationAndReviewersProgress() throws Exception {
    var started = Http.as(port, "grace").post("/api/certifications", Http.json(Map.of("name", "BI evidence review",
        "systems", List.of("BI-REPORTING"))));
    assertThat(started.status()).as(started.toString()).isEqualTo(202);
    String id = started.json().get("id").asText();
    Browser.waitFor(() -> "open".equals(jdbc.queryForObject("select status from cert_campaign where id = ?",
        String.class, id)));
    String digest = jdbc.queryForObject("select population_digest from cert_campaign where id = ?", String.class, id);
    int items = jdbc.queryForObject("select count(*) from cert_item where campaign_id = ?", Integer.class, id);
    String reviewer = jdbc.queryForObject("select min(reviewer) from cert_item where campaign_id = ?", String.class, id);

    var audrey = WebSession.signedIn(port, "audrey");
    String link = "/app/evidence/campaigns/" + id;
    assertThat(audrey.get("/app/evidence?kind=campaigns&q=" + id).body()).contains("href=\"" + link + "\"");
    var page = audrey.get(link);
    assertThat(page.status()).as(page.body()).isEqualTo(200);
    assertThat(page.body()).contains("BI evidence review", "BI-REPORTING", digest,
        "<span id=\"campaign-items\">" + items + "</span> items", "<span>0</span> certified", "Each reviewer", reviewer, "No item was revoked",
        "/api/certifications/" + id + "/report?format=xlsx", "certification.start");

    // a reviewer's decision shows in the counts, and on the page of the grant it was made on
    var item = jdbc.queryForMap("select id, grant_id from cert_item where campaign_id = ? and reviewer = ? "
        + "order by id limit 1", id, reviewer);
    var decided = Http.as(port, reviewer).post("/api/certifications/" + id + "/decisions", Http.json(Map.of(
        "itemIds", List.of(item.get("id")), "decision", "certify", "reason", "Still needed for month-end reports")));
    assertThat(decided.status()).as(decided.toString()).isEqualTo(200);
    assertThat(audrey.get(link).body()).contains("<span>1</span> certified");
    var grantPage = audrey.get("/app/evidence/grants/" + item.get("grant_id"));
    assertThat(grantPage.status()).as(grantPage.body()).isEqualTo(200);
    assertThat(grantPage.body()).contains("href=\"" + link + "\"", "BI evidence review", "certify",
        "Still needed for month-end reports");

    var refused = WebSession.signedIn(port, "rachel").get(link);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.body()).doesNotContain(digest);
  }

  @Test
  void anAuditorReadsADrTestsMeasurementAgainstItsObjectivesAndItsSignOffs() {
    var started = Http.as(port, "sofia").post("/engine-rest/process-definition/key/dr-test/start",
        Http.json(Map.of("variables", Map.of("systemId", Map.of("value", "FIN-SHARES")))));
    assertThat(started.status()).as(started.toString()).isEqualTo(200);
    String instance = started.json().get("id").asText();
    complete("sofia", instance, "Task_PlanDrTest", Map.of("scenario", "File server room flooded",
        "participants", "Sofia, Ivan", "plannedDate", "2027-01-20"));
    complete("sofia", instance, "Task_RecordDrTest", Map.of("outageDeclared", "2027-01-20T10:00:00Z",
        "serviceRestored", "2027-01-20T15:30:00Z", "lastRecoveredPoint", "2027-01-20T08:00:00Z"));
    complete("sofia", instance, "Task_OwnerSignOff", Map.of("signOffConfirmed", true, "signOffComment", "owner ok"));
    complete("ivan", instance, "Task_ItSignOff", Map.of("signOffConfirmed", true, "signOffComment", "IT ok"));
    String id = jdbc.queryForObject("select id from continuity_test where process_instance_id = ?", String.class,
        instance);

    var audrey = WebSession.signedIn(port, "audrey");
    String link = "/app/evidence/continuity/" + id;
    assertThat(audrey.get("/app/evidence?kind=continuity&q=" + id).body()).contains("href=\"" + link + "\"");
    var page = audrey.get(link);
    assertThat(page.status()).as(page.body()).isEqualTo(200);
    assertThat(page.body()).contains("DR test (BC-02)", "passed", "FIN-SHARES", "File server room flooded",
        "Measured against the objectives", "72 h", "24 h", "5 h 30 min", "2 h", "sofia", "ivan", "none recorded",
        "dr-test.plan");

    var refused = WebSession.signedIn(port, "rachel").get(link);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.body()).doesNotContain("File server room flooded");
    assertThat(audrey.get("/app/evidence/continuity/DR-NONE").status()).isEqualTo(404);
  }

  private void complete(String user, String instance, String key, Map<String, Object> variables) {
    var tasks = Http.as(port, user).get("/engine-rest/task?processInstanceId=" + instance + "&taskDefinitionKey=" + key)
        .json();
    assertThat(tasks.size()).as("%s sees %s", user, key).isEqualTo(1);
    String task = tasks.get(0).get("id").asText();
    Http.as(port, user).post("/engine-rest/task/" + task + "/claim", Http.json(Map.of("userId", user)));
    Map<String, Object> typed = new HashMap<>();
    variables.forEach((k, v) -> typed.put(k, Map.of("value", v)));
    var done = Http.as(port, user).post("/engine-rest/task/" + task + "/complete", Http.json(Map.of("variables", typed)));
    assertThat(done.status()).as(done.toString()).isEqualTo(204);
  }
}
