package org.itgc.certification;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.zip.ZipInputStream;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.Job;
import org.itgc.platform.calendar.BusinessCalendar;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.itgc.support.TestMailServer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.itgc.support.DateSensitive;
import org.itgc.support.TestClock;

/**
 * A campaign over the demo data of AP-PAY, driven over HTTP: the governance lead starts it, fiona certifies in bulk,
 * rachel revokes (a revocation starts with its SLA deadline), lucas does not answer (escalation mail, then the
 * configured revoke), items are reassigned to a reviewer who gets a task of their own; nobody sees or decides another
 * reviewer's items or reviews their own access; the report's digest matches a recomputation.
 */
@IntegrationTest
@DateSensitive
class CertificationIT {

  static final String PASSWORD = "Correct-Horse-Battery-Staple-77";

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired ManagementService managementService;
  @Autowired RuntimeService runtimeService;
  @Autowired BusinessCalendar calendar;

  Http as(String user) {
    return Http.as(port, user, user.equals("rita") ? PASSWORD : Http.DEMO_PASSWORD);
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Instant until = Instant.now().plus(Duration.ofSeconds(30));
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(until)) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(200);
    }
  }

  List<JsonNode> worklist(String user, String campaign) {
    List<JsonNode> items = new ArrayList<>();
    String after = "";
    while (true) {
      var page = as(user).get("/api/certifications/" + campaign + "/worklist?size=2" + after);
      assertThat(page.status()).as(page.toString()).isEqualTo(200);
      page.json().get("items").forEach(items::add);
      JsonNode next = page.json().get("nextAfter");
      if (next == null || next.isNull()) {
        return items;
      }
      after = "&after=" + next.asText();
    }
  }

  static List<Long> ids(List<JsonNode> items) {
    return items.stream().map(i -> i.get("id").asLong()).toList();
  }

  Http.Response decide(String user, String campaign, List<Long> ids, String decision, String reason) {
    Map<String, Object> body = new HashMap<>();
    body.put("itemIds", ids);
    body.put("decision", decision);
    body.put("reason", reason);
    return as(user).post("/api/certifications/" + campaign + "/decisions", Http.json(body));
  }

  Job timer(String processInstance, String activity, String reviewer) {
    return managementService.createJobQuery().processInstanceId(processInstance).activityId(activity).list().stream()
        .filter(j -> reviewer.equals(runtimeService.getVariable(j.getExecutionId(), "reviewer"))).findFirst().orElseThrow();
  }

  String reviewTask(String user, String processInstance) {
    var tasks = as(user).get("/engine-rest/task?processInstanceId=" + processInstance + "&assignee=" + user).json();
    assertThat(tasks.size()).as("%s's review task", user).isEqualTo(1);
    return tasks.get(0).get("id").asText();
  }

  Http.Response completeReview(String user, String taskId) {
    return as(user).post("/engine-rest/task/" + taskId + "/complete",
        Http.json(Map.of("variables", Map.of("confirmDecided", Map.of("value", true)))));
  }

  @Test
  void aQuarterlyStyleCampaignRunsFromLaunchToClosureWithEvidence() throws Exception {
    if (as("sam").get("/api/users/rita").status() != 200) {
      org.itgc.support.RoleApprovals.createUser(port, "rita", "Rita Reviewer", "rita@demo.itgc.local", PASSWORD,
          List.of("line-manager"));
    }
    // only a governance lead starts a campaign
    assertThat(as("rachel").post("/api/certifications", Http.json(Map.of("systems", List.of("AP-PAY")))).status()).isEqualTo(403);
    var started = as("grace").post("/api/certifications", Http.json(Map.of("name", "AP-PAY review",
        "systems", List.of("AP-PAY"), "dueBusinessDays", 5)));
    assertThat(started.status()).as(started.toString()).isEqualTo(202);
    String id = started.json().get("id").asText();
    await("campaign " + id + " launched", () -> "open".equals(as("grace").get("/api/certifications/" + id).json()
        .at("/campaign/status").asText()));
    JsonNode progress = as("grace").get("/api/certifications/" + id).json();
    String instance = progress.at("/campaign/process_instance_id").asText();
    int population = progress.at("/campaign/item_count").asInt();
    assertThat(population).isGreaterThanOrEqualTo(7);
    Map<String, Integer> perReviewer = new HashMap<>();
    progress.get("reviewers").forEach(r -> perReviewer.put(r.get("reviewer").asText(), r.get("items").asInt()));
    assertThat(perReviewer).containsKeys("fiona", "lucas", "rachel", "sofia");

    // every reviewer's grants as the rules say, and nobody reviews their own access
    assertThat(jdbc.queryForObject("""
        select count(*) from cert_item c join access_identity a on a.id = c.identity_id
        where c.campaign_id = ? and a.user_name = c.reviewer
        """, Integer.class, id)).isZero();
    assertThat(jdbc.queryForObject("select reviewer from cert_item where campaign_id = ? and identity_id = 'E1001'",
        String.class, id)).isEqualTo("lucas");
    assertThat(jdbc.queryForObject("select reviewer from cert_item where campaign_id = ? and identity_id = 'SVC-AP-BATCH'",
        String.class, id)).isEqualTo("sofia");
    assertThat(jdbc.queryForObject("select flags::text from cert_item where campaign_id = ? and identity_id = 'E2001' "
        + "and entitlement_id = 'AP_CLERK'", String.class, id)).contains("sod-conflict");

    // one task per reviewer, not one per item
    assertThat(jdbc.queryForObject("select count(*) from act_ru_task where proc_inst_id_ = ?", Integer.class, instance))
        .isEqualTo(perReviewer.size());

    // rachel sees only her item (Terry's AP_CLERK) and cannot decide fiona's
    List<JsonNode> rachels = worklist("rachel", id);
    assertThat(rachels).hasSize(perReviewer.get("rachel"));
    assertThat(rachels).allMatch(i -> i.get("identityId").asText().equals("E2006"));
    List<JsonNode> fionas = worklist("fiona", id);
    var foreign = decide("rachel", id, List.of(fionas.get(0).get("id").asLong()), "revoke", "not mine to decide");
    assertThat(foreign.status()).as(foreign.toString()).isEqualTo(403);
    assertThat(jdbc.queryForObject("select decision from cert_item where id = ?", String.class, fionas.get(0).get("id").asLong()))
        .isNull();
    assertThat(as("rachel").get("/api/certifications/" + id + "/report").status()).isEqualTo(403);

    // an SoD-flagged (or privileged) grant stays only with a justification: certifying it without one is refused
    long sodItem = jdbc.queryForObject("select id from cert_item where campaign_id = ? and identity_id = 'E2001' "
        + "and entitlement_id = 'AP_CLERK'", Long.class, id);
    String sodReviewer = jdbc.queryForObject("select reviewer from cert_item where id = ?", String.class, sodItem);
    for (String blank : new String[] {null, "  "}) {
      var unjustified = decide(sodReviewer, id, List.of(sodItem), "certify", blank);
      assertThat(unjustified.status()).as(unjustified.toString()).isEqualTo(400);
      assertThat(unjustified.contentType()).startsWith("application/problem+json");
      assertThat(unjustified.json().at("/errors/0/field").asText()).isEqualTo("reason");
      assertThat(unjustified.json().at("/errors/0/reason").asText()).contains("SoD-flagged or privileged")
          .contains(String.valueOf(sodItem));
    }
    assertThat(jdbc.queryForObject("select decision from cert_item where id = ?", String.class, sodItem)).isNull();

    // fiona hands one item to rita, who gets a task of her own; an ineligible reviewer is refused
    long moved = fionas.get(fionas.size() - 1).get("id").asLong();
    var toAuditor = as("fiona").post("/api/certifications/" + id + "/reassignments",
        Http.json(Map.of("itemIds", List.of(moved), "to", "audrey", "reason", "audit knows this account")));
    assertThat(toAuditor.status()).isEqualTo(400);
    assertThat(toAuditor.json().at("/errors/0/field").asText()).isEqualTo("to");
    var toRita = as("fiona").post("/api/certifications/" + id + "/reassignments",
        Http.json(Map.of("itemIds", List.of(moved), "to", "rita", "reason", "Rita manages this team since November")));
    assertThat(toRita.status()).as(toRita.toString()).isEqualTo(200);
    assertThat(toRita.json().get("newTask").asBoolean()).isTrue();
    String ritaTask = reviewTask("rita", instance);
    assertThat(decide("rita", id, List.of(moved), "certify", "Still needed for the payment run").status()).isEqualTo(200);
    assertThat(completeReview("rita", ritaTask).status()).isEqualTo(204);

    // fiona certifies the rest in bulk; a second decision is refused and the first one stands
    List<Long> fionaRest = ids(worklist("fiona", id)).stream().filter(i -> i != moved).toList();
    String fionaTask = reviewTask("fiona", instance);
    var early = completeReview("fiona", fionaTask);
    assertThat(early.status()).isEqualTo(400);
    assertThat(early.body()).contains("have no decision yet");
    var bulk = decide("fiona", id, fionaRest, "certify", "Reviewed with the AP lead: all still needed");
    assertThat(bulk.status()).as(bulk.toString()).isEqualTo(200);
    assertThat(bulk.json().get("decided").asInt()).isEqualTo(fionaRest.size());
    var twice = decide("fiona", id, List.of(fionaRest.get(0)), "revoke", "changed my mind");
    assertThat(twice.status()).isEqualTo(409);
    assertThat(jdbc.queryForObject("select decision from cert_item where id = ?", String.class, fionaRest.get(0)))
        .isEqualTo("certify");
    assertThat(completeReview("fiona", fionaTask).status()).isEqualTo(204);

    // rachel revokes Terry's access: access-revocation starts with the SLA of a certification revoke on tier 1
    assertThat(decide("rachel", id, ids(rachels), "revoke", null).status()).isEqualTo(400);
    var revoked = decide("rachel", id, ids(rachels), "revoke", "Terry moved to treasury");
    assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
    String revocation = revoked.json().get("revocations").get(0).asText();
    JsonNode removal = as("audrey").get("/api/access/revocations/" + revocation).json().get(0);
    assertThat(removal.get("reason").asText()).isEqualTo("certification-revoke");
    assertThat(removal.get("slaBusinessDays").asInt()).isEqualTo(3);
    assertThat(Instant.parse(removal.get("deadline").asText()))
        .isEqualTo(calendar.addBusinessDays(Instant.parse(removal.get("triggeredAt").asText()), 3));
    assertThat(completeReview("rachel", reviewTask("rachel", instance)).status()).isEqualTo(204);

    // sofia certifies the service account and completes; lucas's task cannot be completed by someone else
    assertThat(decide("sofia", id, ids(worklist("sofia", id)), "certify", "The batch account still runs payments")
        .status()).isEqualTo(200);
    assertThat(completeReview("sofia", reviewTask("sofia", instance)).status()).isEqualTo(204);

    // lucas does not answer: reminder, escalation to his manager, then at the final deadline his items are revoked
    managementService.executeJob(timer(instance, CertificationProcess.Elements.REMINDER, "lucas").getId());
    TestMailServer.await(m -> TestMailServer.subject(m).startsWith("Access review " + id + ":"), Duration.ofSeconds(10));
    managementService.executeJob(timer(instance, CertificationProcess.Elements.ESCALATION, "lucas").getId());
    var escalation = TestMailServer.await(m -> TestMailServer.subject(m).startsWith("Access review " + id + " overdue"),
        Duration.ofSeconds(10));
    assertThat(escalation.getAllRecipients()).extracting(Object::toString).contains("grace@demo.itgc.local");
    int lucasItems = perReviewer.get("lucas");
    managementService.executeJob(timer(instance, CertificationProcess.Elements.FINAL_DEADLINE, "lucas").getId());
    assertThat(jdbc.queryForObject("select count(*) from cert_item where campaign_id = ? and reviewer = 'lucas' "
        + "and decision = 'revoke' and non_response and revocation_id is not null", Integer.class, id)).isEqualTo(lucasItems);

    // all reviews done: the campaign waits for its revocations; deciding now is refused; the lead closes it by hand
    await("campaign reviewed", () -> "reviewed".equals(as("grace").get("/api/certifications/" + id).json()
        .at("/campaign/status").asText()));
    assertThat(decide("lucas", id, List.of(1L), "certify", null).status()).isEqualTo(409);
    assertThat(as("rachel").post("/api/certifications/" + id + "/close", "{}").status()).isEqualTo(403);
    var closed = as("grace").post("/api/certifications/" + id + "/close", "{}");
    assertThat(closed.status()).as(closed.toString()).isEqualTo(200);
    await("campaign closed", () -> "closed".equals(as("grace").get("/api/certifications/" + id).json()
        .at("/campaign/status").asText()));
    JsonNode closure = as("grace").get("/api/certifications/" + id).json().at("/campaign/closure");
    assertThat(closure.get("openRevocations").asInt()).isEqualTo(1 + lucasItems);
    assertThat(jdbc.queryForObject("select control_id from control_exception where id = ?", String.class,
        closure.get("exceptionId").asLong())).isEqualTo("AC-03");

    // after closure: no decision, and an unknown item is named as such
    assertThat(decide("fiona", id, List.of(fionaRest.get(0)), "certify", null).status()).isEqualTo(409);
    var reopenedItem = as("fiona").post("/api/certifications/" + id + "/reassignments",
        Http.json(Map.of("itemIds", List.of(999_999_999L), "to", "rita", "reason", "late")));
    assertThat(reopenedItem.status()).isEqualTo(409);

    // the report: the digest recomputed from the exported items matches the one taken at launch
    JsonNode report = as("audrey").get("/api/certifications/" + id + "/report").json();
    assertThat(report.get("items")).hasSize(population);
    var sha = java.security.MessageDigest.getInstance("SHA-256");
    for (JsonNode item : report.get("items")) {
      String line = item.get("grant_id").asText() + "|" + item.get("identity_id").asText() + "|"
          + item.get("system_id").asText() + "|" + item.get("entitlement_id").asText() + "|"
          + item.get("privileged").asBoolean() + "|" + Instant.parse(item.get("granted_at").asText()) + "\n";
      sha.update(line.getBytes(StandardCharsets.UTF_8));
    }
    String recomputed = java.util.HexFormat.of().formatHex(sha.digest());
    assertThat(recomputed).isEqualTo(report.get("populationDigest").asText()).isEqualTo(closure.get("populationDigest").asText());
    assertThat(report.get("reassignments")).hasSize(1);
    List<String> notices = new ArrayList<>();
    report.get("notices").forEach(n -> notices.add(n.get("reviewer").asText() + ":" + n.get("kind").asText()));
    assertThat(notices).containsExactly("lucas:reminder", "lucas:escalation", "lucas:non-response");

    // the items keep the columns' names and the database timestamps' format; a column without a value is left out
    JsonNode first = report.get("items").get(0);
    assertThat(first.get("granted_at").asText()).matches("\\d{4}-\\d{2}-\\d{2}T[\\d:]{8}\\.\\d{3}\\+00:00");
    boolean anyUnrevoked = false;
    for (JsonNode item : report.get("items")) {
      anyUnrevoked |= !item.has("removed_at") && !item.has("revocation_id") && item.has("reviewer");
    }
    assertThat(anyUnrevoked).isTrue();
    assertThat(report.get("reassignments").get(0).get("reassigned_at").asText()).endsWith("+00:00");

    var csv = as("audrey").get("/api/certifications/" + id + "/report?format=csv");
    assertThat(csv.contentType()).startsWith("text/csv");
    assertThat(csv.body().lines().findFirst().orElseThrow()).isEqualTo("item_id,grant_id,identity_id,identity_name,"
        + "identity_kind,identity_status,system_id,entitlement_id,privileged,granted_at,flags,reviewer,reviewer_basis,"
        + "decision,decision_reason,decided_by,decided_at,non_response,revocation_id,sla_business_days,"
        + "removal_deadline,removed_at,met_sla,exception_id");
    assertThat(csv.body().lines().count()).isEqualTo(population + 1L);
    assertThat(csv.body()).contains("Terry moved to treasury");
    var xlsx = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://localhost:" + port + "/api/certifications/" + id + "/report?format=xlsx"))
        .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
            ("audrey:" + Http.DEMO_PASSWORD).getBytes(StandardCharsets.UTF_8))).build(),
        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertThat(xlsx.statusCode()).isEqualTo(200);
    Map<String, String> parts = new HashMap<>();
    try (var zip = new ZipInputStream(new ByteArrayInputStream(xlsx.body()))) {
      for (var entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
        parts.put(entry.getName(), new String(zip.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    assertThat(parts).containsKeys("[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet2.xml");
    var factory = javax.xml.parsers.DocumentBuilderFactory.newInstance();
    for (String xml : parts.values()) {
      factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }
    assertThat(parts.get("xl/worksheets/sheet2.xml")).contains("Terry moved to treasury").contains("<row r=\"" + (population + 1) + "\">");
    assertThat(parts.get("xl/worksheets/sheet1.xml")).contains(recomputed);
  }

  @Test
  void unknownCampaignsItemsAndBadRequestsAreRefusedNamingTheReason() throws Exception {
    assertThat(as("grace").get("/api/certifications/CERT-1999-00001").status()).isEqualTo(404);
    assertThat(decide("lucas", "CERT-1999-00001", List.of(1L), "certify", null).status()).isEqualTo(404);
    // payroll reports usage: a grant it does not report as used within 90 days is flagged for its reviewer
    var usage = as("sam").post("/api/access/usage", "text/csv", ("""
        employeeId,systemId,entitlementId,lastUsedAt
        E2005,PAYROLL,PAYROLL_ADMIN,%1$s
        E2005,PAYROLL,NO_SUCH_ROLE,%1$s
        """).formatted(TestClock.today(java.time.ZoneOffset.UTC).minusDays(12)).getBytes(StandardCharsets.UTF_8));
    assertThat(usage.status()).as(usage.toString()).isEqualTo(200);
    assertThat(usage.json().get("updated").asInt()).isEqualTo(1);
    assertThat(usage.json().at("/errors/0/line").asInt()).isEqualTo(3);
    String id = as("grace").post("/api/certifications", Http.json(Map.of("systems", List.of("PAYROLL")))).json()
        .get("id").asText();
    await("campaign " + id + " launched", () -> "open".equals(as("grace").get("/api/certifications/" + id).json()
        .at("/campaign/status").asText()));
    assertThat(jdbc.queryForObject("select flags::text from cert_item where campaign_id = ? and identity_id = 'E2005' "
        + "and entitlement_id = 'PAYROLL_OPERATOR'", String.class, id)).contains("unused").contains("sod-conflict");
    assertThat(jdbc.queryForObject("select flags::text from cert_item where campaign_id = ? and identity_id = 'E2005' "
        + "and entitlement_id = 'PAYROLL_ADMIN'", String.class, id)).doesNotContain("unused");
    var unknownItem = decide("sofia", id, List.of(999_999_999L), "certify", null);
    assertThat(unknownItem.status()).isEqualTo(404);
    assertThat(unknownItem.body()).contains("999999999");
    var badDecision = decide("sofia", id, List.of(999_999_999L), "maybe", null);
    assertThat(badDecision.status()).isEqualTo(400);
    assertThat(badDecision.json().at("/errors/0/field").asText()).isEqualTo("decision");
    var badScope = as("grace").post("/api/certifications", Http.json(Map.of("systems", List.of("NOPE"), "tiers", List.of("tier9"))));
    assertThat(badScope.status()).as(badScope.toString()).isEqualTo(400);
    List<String> fields = new ArrayList<>();
    badScope.json().get("errors").forEach(e -> fields.add(e.get("field").asText()));
    assertThat(fields).contains("systems", "tiers");
    assertThat(jdbc.queryForObject("select count(*) from cert_campaign where scope::text like '%NOPE%'", Integer.class)).isZero();
  }

  @Test
  void everyQuarterlyCampaignReviewsEveryServiceAccountsGrantsWhateverTheSystemsTier() throws Exception {
    // a service account's grant on BI-REPORTING, a tier-3 system outside the quarterly scope's tiers (tier1, tier2)
    var baseline = as("sam").post("/api/access/grants/import", "text/csv", ("employeeId,systemId,entitlementId,grantedAt\n"
        + "SVC-AP-BATCH,BI-REPORTING,BI_VIEWER,2024-01-02\n").getBytes(StandardCharsets.UTF_8));
    assertThat(baseline.status()).as(baseline.toString()).isEqualTo(200);
    // the quarterly schedule's own timer, fired now
    Job quarterly = managementService.createJobQuery().processDefinitionKey("access-certification-schedule").timers()
        .singleResult();
    assertThat(quarterly).as("the quarterly schedule's timer").isNotNull();
    int before = jdbc.queryForObject("select count(*) from cert_campaign where launched_by = 'schedule'", Integer.class);
    managementService.executeJob(quarterly.getId());
    await("the quarterly campaign launched", () -> jdbc.queryForObject("select count(*) from cert_campaign "
        + "where launched_by = 'schedule' and status = 'open'", Integer.class) > before);
    String id = jdbc.queryForObject("select id from cert_campaign where launched_by = 'schedule' order by launched_at "
        + "desc limit 1", String.class);
    try {
      List<String> serviceGrants = jdbc.queryForList("""
          select g.system_id || '/' || g.entitlement_id || '/' || g.identity_id from access_grant g
          join access_identity a on a.id = g.identity_id where a.kind = 'service' and g.removed_at is null order by 1
          """, String.class);
      List<String> reviewed = jdbc.queryForList("""
          select system_id || '/' || entitlement_id || '/' || identity_id from cert_item
          where campaign_id = ? and 'service-account' = any(flags) order by 1
          """, String.class, id);
      assertThat(serviceGrants).contains("BI-REPORTING/BI_VIEWER/SVC-AP-BATCH", "ERP-GL/GL_ACCOUNTANT/SVC-GL-ETL");
      assertThat(reviewed).as("every active grant of a service account is in the quarterly campaign")
          .containsExactlyElementsOf(serviceGrants);
      // people's grants on a tier-3 system stay out of the quarterly scope
      assertThat(jdbc.queryForObject("select count(*) from cert_item where campaign_id = ? and system_id = 'BI-REPORTING' "
          + "and identity_kind = 'person'", Integer.class, id)).isZero();
      // the account's owner as the registry records it reviews every grant of the account (AC-04), not the system's;
      // an account without an owner who can sign in (an API credential's, one whose owner left) goes to a security admin
      var ownerReviews = jdbc.queryForList("""
          select c.identity_id, c.reviewer, c.reviewer_basis, o.user_name as owner_login, o.status as owner_status
          from cert_item c join access_identity a on a.id = c.identity_id left join access_identity o on o.id = a.owner_id
          where c.campaign_id = ? and c.identity_kind = 'service'
          """, id);
      assertThat(ownerReviews).hasSize(serviceGrants.size());
      assertThat(ownerReviews).allSatisfy(r -> {
        assertThat(r.get("reviewer")).as("%s", r).isNotNull();
        if ("service-account-owner".equals(r.get("reviewer_basis"))) {
          assertThat(r.get("reviewer")).as("%s", r).isEqualTo(r.get("owner_login"));
        } else {
          assertThat(r.get("reviewer_basis")).as("%s", r).isEqualTo("security-admin");
          assertThat(r.get("owner_login") == null || !"active".equals(r.get("owner_status"))).as("%s", r).isTrue();
        }
      });
      assertThat(ownerReviews).as("the accounts of access.yaml have owners who sign in")
          .anySatisfy(r -> assertThat(r.get("reviewer_basis")).isEqualTo("service-account-owner"));
    } finally {
      // the campaign's tasks and timers are not the other tests' business
      String instance = jdbc.queryForObject("select process_instance_id from cert_campaign where id = ?", String.class, id);
      var parent = runtimeService.createProcessInstanceQuery().subProcessInstanceId(instance).singleResult();
      runtimeService.deleteProcessInstance(parent == null ? instance : parent.getId(), "test over");
    }
  }
}
