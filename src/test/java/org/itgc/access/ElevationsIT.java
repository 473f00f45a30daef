package org.itgc.access;

import org.itgc.support.TestClock;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.SearchResultEntry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.runtime.Job;
import org.itgc.access.PrivilegedElevationProcess.Elements;
import org.itgc.platform.EmbeddedDatabase;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.itgc.support.TestMailServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Just-in-time elevation and break-glass (AC-06, issue #20) against the real targets of the connectors: the in-memory
 * directory's fin-share-admin group (FIN-SHARES/FIN_SHARE_ADMIN) and the treasury database's treasury_admin role
 * (TREASURY-DB/TREASURY_ADMIN). rachel becomes eligible through an access request, asks, is approved through the
 * engine's REST task API as users do, the membership appears on the target, the expiry timer fires and the membership
 * disappears, read back and recorded. Break-glass mails at once and its missed review is an exception. Refusals: not
 * eligible, too long, reference missing, approving one's own, a forged start on /engine-rest.
 */
@IntegrationTest
class ElevationsIT {

  static InMemoryDirectoryServer directory;

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired ManagementService managementService;
  @Autowired TaskService taskService;
  @Autowired EmbeddedDatabase database;

  @BeforeAll
  static void startDirectory() throws Exception {
    directory = ConnectorTargets.startDirectory();
  }

  @AfterAll
  static void stopDirectory() {
    directory.shutDown(true);
  }

  @BeforeEach
  void targets() throws Exception {
    TreasuryDatabase.ensure(database);
    eligible();
  }

  // ---------------------------------------------------------------- helpers

  /** rachel is made eligible for both jit entitlements through an ordinary access request, once. */
  void eligible() throws Exception {
    if (activeGrant("E1001", "TREASURY-DB", "TREASURY_ADMIN_ELIGIBLE") != null) {
      return;
    }
    var submitted = Http.as(port, "rachel").post("/api/access/requests", Http.json(Map.of("entitlements",
        List.of("TREASURY-DB/TREASURY_ADMIN_ELIGIBLE", "FIN-SHARES/FIN_SHARE_ADMIN_ELIGIBLE"),
        "justification", "Treasury database and finance share administration on call")));
    assertThat(submitted.status()).as(submitted.toString()).isEqualTo(201);
    String instance = Http.as(port, "audrey").get("/api/access/requests/" + submitted.json().get("id").asText())
        .json().get("processInstanceId").asText();
    await("the line manager's task", () -> !tasks("lucas", instance,
        AccessRequestProcess.Elements.LINE_MANAGER_APPROVAL).isEmpty());
    assertThat(complete("lucas", tasks("lucas", instance, AccessRequestProcess.Elements.LINE_MANAGER_APPROVAL).get(0),
        Map.of("decision", "approve")).status()).isEqualTo(204);
    for (int system = 0; system < 2; system++) {
      await("an owner's task", () -> !tasks("sofia", instance,
          AccessRequestProcess.Elements.SYSTEM_OWNER_APPROVAL).isEmpty());
      String task = tasks("sofia", instance, AccessRequestProcess.Elements.SYSTEM_OWNER_APPROVAL).get(0);
      assertThat(complete("sofia", task, Map.of("decision", "approve")).status()).isEqualTo(204);
    }
    await("the eligibility grants", () -> activeGrant("E1001", "TREASURY-DB", "TREASURY_ADMIN_ELIGIBLE") != null
        && activeGrant("E1001", "FIN-SHARES", "FIN_SHARE_ADMIN_ELIGIBLE") != null);
    // an eligibility is the registry's only: nothing was granted on the targets
    assertThat(grantees("treasury_admin")).isEmpty();
    assertThat(members(ConnectorTargets.ADMIN_GROUP)).isEmpty();
    assertThat(jdbc.queryForObject("select provenance->>'fulfilment' from access_grant where identity_id = 'E1001' "
        + "and entitlement_id = 'TREASURY_ADMIN_ELIGIBLE' and removed_at is null", String.class))
        .isEqualTo("registry-only");
  }

  Http.Response ask(String user, Map<String, Object> body) {
    return Http.as(port, user).post("/api/access/elevations", Http.json(body));
  }

  String asked(String user, Map<String, Object> body) {
    var response = ask(user, body);
    assertThat(response.status()).as(response.toString()).isEqualTo(201);
    return response.json().get("id").asText();
  }

  Map<String, Object> row(String id) {
    return jdbc.queryForMap("select * from access_elevation where id = ?", id);
  }

  String instanceOf(String id) {
    return (String) row(id).get("process_instance_id");
  }

  List<String> tasks(String user, String processInstanceId, String key) {
    var tasks = Http.as(port, user).get("/engine-rest/task?processInstanceId=" + processInstanceId
        + "&taskDefinitionKey=" + key).json();
    List<String> ids = new ArrayList<>();
    tasks.forEach(t -> ids.add(t.get("id").asText()));
    return ids;
  }

  Http.Response complete(String user, String taskId, Map<String, Object> variables) {
    var http = Http.as(port, user);
    var claim = http.post("/engine-rest/task/" + taskId + "/claim", Http.json(Map.of("userId", user)));
    if (claim.status() != 204) {
      return claim;
    }
    Map<String, Object> typed = new HashMap<>();
    variables.forEach((k, v) -> typed.put(k, Map.of("value", v)));
    return http.post("/engine-rest/task/" + taskId + "/complete", Http.json(Map.of("variables", typed)));
  }

  String taskOf(String processInstanceId, String key) {
    return taskService.createTaskQuery().processInstanceId(processInstanceId).taskDefinitionKey(key).singleResult()
        .getId();
  }

  /** Fires a timer of the instance now, as the engine would at its due date. */
  void fire(String processInstanceId, String activityId) {
    Job timer = managementService.createJobQuery().processInstanceId(processInstanceId).activityId(activityId)
        .timers().singleResult();
    assertThat(timer).as("the timer of " + activityId).isNotNull();
    managementService.executeJob(timer.getId());
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Instant until = Instant.now().plus(Duration.ofSeconds(30));
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(until)) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  void awaitStatus(String id, String status) throws InterruptedException {
    await(id + " " + status, () -> status.equals(row(id).get("status")));
  }

  Long activeGrant(String identityId, String system, String entitlement) {
    return jdbc.query("select id from access_grant where identity_id = ? and system_id = ? and entitlement_id = ? "
        + "and removed_at is null", (rs, n) -> rs.getLong(1), identityId, system, entitlement).stream().findFirst()
        .orElse(null);
  }

  List<String> grantees(String role) {
    return new JdbcTemplate(database.ownerDataSource()).queryForList("""
        select u.rolname from pg_auth_members m join pg_roles r on r.oid = m.roleid join pg_roles u on u.oid = m.member
        where r.rolname = ? and u.rolname <> 'itgc_provisioner' order by 1
        """, String.class, role);
  }

  static List<String> members(String group) throws Exception {
    SearchResultEntry entry = directory.getEntry(group, "member");
    String[] values = entry.getAttributeValues("member");
    return values == null ? List.of() : List.of(values);
  }

  static Map<String, Object> body(Object... pairs) {
    Map<String, Object> body = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      body.put((String) pairs[i], pairs[i + 1]);
    }
    return body;
  }

  // ---------------------------------------------------------------- just in time

  @Test
  void anApprovedElevationGrantsTheDatabaseRoleAndTheExpiryRemovesItVerifiedOnTheDatabase() throws Exception {
    String id = asked("rachel", body("entitlement", "TREASURY-DB/TREASURY_ADMIN", "minutes", 120,
        "reason", "Rebuild the cash position index", "changeId", "CHG-2026-00042"));
    Map<String, Object> asked = row(id);
    assertThat(id).startsWith("ELV-");
    assertThat(asked.get("max_minutes")).as("Rule_Jit_DatabaseAdmin").isEqualTo(480);
    assertThat(asked.get("approver_groups")).isEqualTo("security-admin");
    assertThat(asked.get("auto_approve")).isEqualTo(false);
    assertThat((String) asked.get("decision_definition_id")).startsWith("privileged-elevation:");
    String instance = instanceOf(id);
    assertThat(grantees("treasury_admin")).isEmpty();

    // a requester cannot work the approval; a security admin approves through the task API as users do
    String approval = taskOf(instance, Elements.APPROVE);
    assertThat(complete("rachel", approval, Map.of("decision", "approve")).status()).isIn(403, 404);
    // only the form's fields: a forged field is refused
    assertThat(complete("sam", approval, Map.of("decision", "approve", "status", "provisioned")).status())
        .isEqualTo(400);
    assertThat(complete("sam", approval, Map.of("decision", "approve")).status()).isEqualTo(204);
    awaitStatus(id, "provisioned");
    assertThat(grantees("treasury_admin")).containsExactly("rachel");
    Map<String, Object> provisioned = row(id);
    assertThat(provisioned.get("approved_by")).isEqualTo("sam");
    long grant = ((Number) provisioned.get("grant_id")).longValue();
    Map<String, Object> registry = jdbc.queryForMap("select source, granted_by, provenance::text as provenance, "
        + "removed_at from access_grant where id = ?", grant);
    assertThat(registry.get("source")).isEqualTo("elevation");
    assertThat(registry.get("granted_by")).isEqualTo("connector:treasury-db");
    assertThat((String) registry.get("provenance")).contains(id).contains("CHG-2026-00042")
        .contains("Rebuild the cash position index");
    Instant provisionedAt = ((java.sql.Timestamp) provisioned.get("provisioned_at")).toInstant();
    assertThat(((java.sql.Timestamp) provisioned.get("expires_at")).toInstant())
        .isEqualTo(provisionedAt.plus(Duration.ofMinutes(120)));
    // the engine waits for the expiry: a timer at expires_at
    Job timer = managementService.createJobQuery().processInstanceId(instance).activityId(Elements.UNTIL_EXPIRY)
        .timers().singleResult();
    assertThat(timer.getDuedate().toInstant()).isEqualTo(provisionedAt.plus(Duration.ofMinutes(120)));
    assertThat(grantees("treasury_admin")).containsExactly("rachel");

    fire(instance, Elements.UNTIL_EXPIRY);
    awaitStatus(id, "ended");
    assertThat(grantees("treasury_admin")).isEmpty();
    Map<String, Object> ended = row(id);
    assertThat(ended.get("removed_by")).isEqualTo("connector:treasury-db");
    assertThat(ended.get("verified_at")).as("the removal was read back").isNotNull();
    assertThat((String) ended.get("verification")).contains("rachel").contains("no longer holds")
        .contains("treasury_admin");
    assertThat(jdbc.queryForObject("select removed_at from access_grant where id = ?", java.sql.Timestamp.class, grant))
        .isNotNull();
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'access.elevation.verify' "
        + "and object_id = ?", Integer.class, id)).isEqualTo(1);

    // the evidence: the elevation with its window, and the population per entitlement as CSV
    JsonNode one = Http.as(port, "audrey").get("/api/access/elevations/" + id).json();
    assertThat(one.get("elevation").get("status").asText()).isEqualTo("ended");
    assertThat(one.get("elevation").get("verification").asText()).contains("no longer holds");
    String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
    String tomorrow = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(2).toString();
    var csv = Http.as(port, "audrey").get("/api/access/elevations?from=" + java.time.LocalDate.parse(today)
        .minusDays(1) + "&to=" + tomorrow + "&format=csv");
    assertThat(csv.status()).as(csv.toString()).isEqualTo(200);
    assertThat(csv.body()).startsWith("elevation_id,system_id,entitlement_id,kind").contains(id)
        .contains("TREASURY-DB,TREASURY_ADMIN,jit");
    // the population makes an evidence pack (AC-06), reconciled with the trail's requests
    var pack = Http.as(port, "audrey").post("/api/evidence-packs", Http.json(Map.of("controlId", "AC-06",
        "from", Instant.now().minus(Duration.ofDays(1)).toString(), "to", Instant.now().plus(Duration.ofDays(1))
            .toString())));
    assertThat(pack.status()).as(pack.toString()).isEqualTo(201);
    // a requester reads only their own
    assertThat(Http.as(port, "rachel").get("/api/access/elevations/" + id).status()).isEqualTo(200);
    assertThat(Http.as(port, "ryan").get("/api/access/elevations/" + id).status()).isEqualTo(403);
  }

  @Test
  void theSystemOwnerApprovesAShareElevationTheDirectoryGroupAppearsAndGoesAtExpiry() throws Exception {
    String id = asked("rachel", body("entitlement", "FIN-SHARES/FIN_SHARE_ADMIN", "minutes", 90,
        "reason", "Fix the permissions of the month-end folder"));
    assertThat(row(id).get("approver_groups")).as("Rule_Jit_Tier3").isEqualTo("security-admin,system-owner");
    String instance = instanceOf(id);
    String approval = taskOf(instance, Elements.APPROVE);
    // a rejection needs a comment (400 naming it); the owner approves
    var noComment = complete("sofia", approval, Map.of("decision", "reject"));
    assertThat(noComment.status()).isEqualTo(400);
    assertThat(noComment.body()).contains("comment");
    assertThat(complete("sofia", approval, Map.of("decision", "approve")).status()).isEqualTo(204);
    awaitStatus(id, "provisioned");
    assertThat(members(ConnectorTargets.ADMIN_GROUP)).containsExactly("uid=rachel," + ConnectorTargets.PEOPLE);

    fire(instance, Elements.UNTIL_EXPIRY);
    awaitStatus(id, "ended");
    assertThat(members(ConnectorTargets.ADMIN_GROUP)).isEmpty();
    assertThat((String) row(id).get("verification")).contains("no longer holds").contains(ConnectorTargets.ADMIN_GROUP);
    assertThat(activeGrant("E1001", "FIN-SHARES", "FIN_SHARE_ADMIN")).isNull();
  }

  @Test
  void anElevationRevokedBeforeItsExpiryIsOnlyReadBackAtExpiry() throws Exception {
    String id = asked("rachel", body("entitlement", "FIN-SHARES/FIN_SHARE_ADMIN", "minutes", 240,
        "reason", "Quarter-end share migration"));
    String instance = instanceOf(id);
    assertThat(complete("sam", taskOf(instance, Elements.APPROVE), Map.of("decision", "approve")).status())
        .isEqualTo(204);
    awaitStatus(id, "provisioned");
    long grant = ((Number) row(id).get("grant_id")).longValue();
    // a security admin ends it early, as any grant: the connector removes it and reads it back
    var revoked = Http.as(port, "sam").post("/api/access/revocations", Http.json(Map.of("identityId", "E1001",
        "reason", "sod-remediation", "grantIds", List.of(grant))));
    assertThat(revoked.status()).as(revoked.toString()).isEqualTo(201);
    await("the early removal", () -> activeGrant("E1001", "FIN-SHARES", "FIN_SHARE_ADMIN") == null);
    assertThat(members(ConnectorTargets.ADMIN_GROUP)).isEmpty();
    fire(instance, Elements.UNTIL_EXPIRY);
    awaitStatus(id, "ended");
    assertThat((String) row(id).get("removal_reference")).contains("already removed")
        .contains(revoked.json().get("id").asText());
    assertThat((String) row(id).get("verification")).contains("no longer holds");
  }

  @Test
  void refusalsNameTheirFieldAndNobodyApprovesTheirOwnElevation() throws Exception {
    // not eligible: ryan holds no eligibility
    var notEligible = ask("ryan", body("entitlement", "FIN-SHARES/FIN_SHARE_ADMIN", "minutes", 30, "reason", "r"));
    assertThat(notEligible.status()).isEqualTo(400);
    assertThat(notEligible.contentType()).startsWith("application/problem+json");
    assertThat(notEligible.body()).contains("entitlement").contains("not eligible");
    // longer than the rule allows
    var tooLong = ask("rachel", body("entitlement", "FIN-SHARES/FIN_SHARE_ADMIN", "minutes", 481, "reason", "r"));
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.body()).contains("minutes").contains("at most 480");
    // the database administrator's rule requires a change or incident
    var noReference = ask("rachel", body("entitlement", "TREASURY-DB/TREASURY_ADMIN", "minutes", 60, "reason", "r"));
    assertThat(noReference.status()).isEqualTo(400);
    assertThat(noReference.body()).contains("changeId");
    // not a jit entitlement; an unknown one; nothing said
    assertThat(ask("rachel", body("entitlement", "FIN-SHARES/FIN_SHARE_READ", "minutes", 5, "reason", "r")).body())
        .contains("not a just-in-time");
    assertThat(ask("rachel", body("minutes", 5)).body()).contains("entitlement").contains("reason");
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'access.elevation.refuse' "
        + "and actor = 'ryan'", Integer.class)).isGreaterThanOrEqualTo(1);

    // a forged start on the engine's REST: nobody may start the process there
    var forged = Http.as(port, "rachel").post("/engine-rest/process-definition/key/privileged-elevation/start",
        Http.json(Map.of()));
    assertThat(forged.status()).isEqualTo(403);
    var forgedWithVariables = Http.as(port, "sam").post(
        "/engine-rest/process-definition/key/privileged-elevation/start",
        Http.json(Map.of("variables", Map.of("elevationId", Map.of("value", "ELV-2026-99999")))));
    assertThat(forgedWithVariables.status()).isIn(400, 403);

    // sam is a security admin and eligible (a baseline grant the engine admin loaded: nobody imports their own
    // eligibility, ElevationBypassIT): he cannot approve his own elevation
    var baseline = Http.as(port, "admin").post("/api/access/grants/import", "text/csv",
        ("employeeId,systemId,entitlementId,grantedAt\nE1009,FIN-SHARES,FIN_SHARE_ADMIN_ELIGIBLE,2024-01-02\n")
            .getBytes(StandardCharsets.UTF_8));
    assertThat(baseline.status()).as(baseline.toString()).isEqualTo(200);
    String id = asked("sam", body("entitlement", "FIN-SHARES/FIN_SHARE_ADMIN", "minutes", 30,
        "reason", "Directory clean-up"));
    String instance = instanceOf(id);
    String approval = taskOf(instance, Elements.APPROVE);
    var own = complete("sam", approval, Map.of("decision", "approve"));
    assertThat(own.status()).isEqualTo(403);
    assertThat(own.body()).contains("own elevation");
    assertThat(row(id).get("status")).isEqualTo("requested");
    // a second elevation of the same entitlement while one is under way is refused
    assertThat(ask("sam", body("entitlement", "FIN-SHARES/FIN_SHARE_ADMIN", "minutes", 30, "reason", "again"))
        .body()).contains("under way");
    // the owner rejects it with a reason: nothing is provisioned
    assertThat(complete("sofia", approval, Map.of("decision", "reject", "comment", "use a change")).status())
        .isEqualTo(204);
    awaitStatus(id, "rejected");
    assertThat(members(ConnectorTargets.ADMIN_GROUP)).isEmpty();
    assertThat(row(id).get("approval_comment")).isEqualTo("use a change");

    // a security admin who breaks glass holds the reviewer role, but does not review his own window
    String glass = asked("sam", body("entitlement", "FIN-SHARES/FIN_SHARE_ADMIN", "minutes", 30, "breakGlass", true,
        "reason", "Share permissions locked the close team out", "incidentId", "INC-7002"));
    String glassInstance = instanceOf(glass);
    awaitStatus(glass, "provisioned");
    fire(glassInstance, Elements.UNTIL_EXPIRY);
    awaitStatus(glass, "review-pending");
    String review = taskOf(glassInstance, Elements.REVIEW);
    var ownReview = complete("sam", review, Map.of("reviewOutcome", "appropriate", "reviewComment", "all fine"));
    assertThat(ownReview.status()).as(ownReview.toString()).isEqualTo(403);
    assertThat(ownReview.body()).contains("nobody reviews their own break-glass");
    assertThat(row(glass).get("status")).isEqualTo("review-pending");
    assertThat(complete("grace", review, Map.of("reviewOutcome", "appropriate",
        "reviewComment", "Permissions repaired on the close team's share only")).status()).isEqualTo(204);
    awaitStatus(glass, "reviewed");
    assertThat(row(glass).get("reviewed_by")).isEqualTo("grace");
  }

  // ---------------------------------------------------------------- break-glass

  @Test
  void breakGlassIsMailedProvisionedAtOnceRemovedAtExpiryAndItsMissedReviewIsAnException() throws Exception {
    String id = asked("rachel", body("entitlement", "TREASURY-DB/TREASURY_ADMIN", "minutes", 30, "breakGlass", true,
        "reason", "Payment run stuck on a lock", "incidentId", "INC-7001"));
    assertThat(row(id).get("kind")).isEqualTo("break-glass");
    assertThat(row(id).get("max_minutes")).as("Rule_BreakGlass").isEqualTo(240);
    var mail = TestMailServer.await(m -> TestMailServer.subject(m).startsWith("Break-glass " + id),
        Duration.ofSeconds(15));
    assertThat(TestMailServer.body(mail)).contains("INC-7001").contains("Payment run stuck on a lock");
    List<String> to = new ArrayList<>();
    for (var address : mail.getAllRecipients()) {
      to.add(address.toString());
    }
    assertThat(to).contains("sam@demo.itgc.local", "grace@demo.itgc.local");
    String instance = instanceOf(id);
    awaitStatus(id, "provisioned");
    assertThat(grantees("treasury_admin")).containsExactly("rachel");
    assertThat(row(id).get("approved_by").toString()).startsWith("none: break-glass");
    // and on a financial system: ERP-GL's audit log, shipped over HEC with ERP-GL's logs credential (issue #19)
    var credential = Http.as(port, "sam").post("/api/security/credentials", Http.json(Map.of("name",
        "erp-gl shipper for the break-glass review", "scopes", List.of("logs"), "system", "ERP-GL",
        "expiresAt", TestClock.now().plus(Duration.ofDays(30)).toString())));
    assertThat(credential.status()).as(credential.toString()).isEqualTo(201);
    Instant at = TestClock.now();
    String shipped = "{\"time\":" + at.getEpochSecond() + "." + String.format("%03d", at.getNano() / 1_000_000)
        + ",\"host\":\"erp-gl-app-01\",\"source\":\"erp-gl:audit\",\"sourcetype\":\"erp:audit\",\"event\":"
        + "{\"user\":\"rachel\",\"action\":\"UPDATE\",\"object\":{\"type\":\"invoice\",\"id\":\"AP-77001\"},"
        + "\"before\":{\"amount\":10},\"after\":{\"amount\":20},\"clientIp\":\"10.9.9.9\"}}";
    var hec = Http.anonymous(port).send("POST", "/services/collector/event", "application/json", shipped,
        Map.of("Authorization", "Splunk " + credential.json().get("token").asText()));
    assertThat(hec.status()).as(hec.toString()).isEqualTo(200);
    // something rachel does in the engine during the window: it is in the trail, so the review shows it
    assertThat(ask("rachel", body("entitlement", "FIN-SHARES/FIN_SHARE_ADMIN", "minutes", 9999, "reason", "x"))
        .status()).isEqualTo(400);

    fire(instance, Elements.UNTIL_EXPIRY);
    awaitStatus(id, "review-pending");
    assertThat(grantees("treasury_admin")).isEmpty();
    assertThat(row(id).get("verified_at")).isNotNull();
    assertThat(row(id).get("review_due")).isNotNull();
    String review = taskOf(instance, Elements.REVIEW);
    Object activity = taskService.getVariableLocal(review, PrivilegedElevationProcess.Display.WINDOW_ACTIVITY);
    assertThat(String.valueOf(activity)).contains("access.elevation.refuse")
        .contains("1 action(s) in the financial systems' collected logs").contains("ERP-GL update invoice AP-77001 as rachel");
    JsonNode evidence = Http.as(port, "audrey").get("/api/access/elevations/" + id).json();
    assertThat(evidence.get("windowActivity").toString()).contains("access.elevation.refuse");
    assertThat(evidence.get("windowLogs").toString()).contains("AP-77001").contains("\"actor\":\"rachel\"");

    // the review is not done by its due date: an AC-06 exception, mailed; the task stays
    fire(instance, Elements.REVIEW_OVERDUE);
    await("the exception", () -> row(id).get("review_exception_id") != null);
    assertThat(jdbc.queryForObject("select count(*) from control_exception where control_id = 'AC-06' "
        + "and object_id = ? and status = 'open'", Integer.class, id)).isEqualTo(1);
    TestMailServer.await(m -> TestMailServer.subject(m).startsWith("Control exception AC-06")
        && TestMailServer.body(m).contains(id), Duration.ofSeconds(15));
    // rachel cannot review her own break-glass (she is no reviewer either); grace reviews it
    assertThat(complete("rachel", review, Map.of("reviewOutcome", "appropriate", "reviewComment", "fine")).status())
        .isIn(403, 404);
    assertThat(complete("grace", review, Map.of("reviewOutcome", "appropriate",
        "reviewComment", "Lock released on the payment table only; matches INC-7001")).status()).isEqualTo(204);
    awaitStatus(id, "reviewed");
    assertThat(row(id).get("reviewed_by")).isEqualTo("grace");
  }

  // ---------------------------------------------------------------- detective

  @Test
  void aStandingGrantOfAJustInTimeEntitlementIsReportedOnceAsAnException() throws Exception {
    // a grant of TREASURY_ADMIN that no elevation backs: loaded as a baseline, and made on the database directly
    var baseline = Http.as(port, "sam").post("/api/access/grants/import", "text/csv",
        ("employeeId,systemId,entitlementId,grantedAt\nE1002,TREASURY-DB,TREASURY_ADMIN,2024-01-02\n")
            .getBytes(StandardCharsets.UTF_8));
    assertThat(baseline.status()).as(baseline.toString()).isEqualTo(200);
    String url = "jdbc:postgresql://localhost:" + database.port() + "/treasury";
    try (Connection c = DriverManager.getConnection(url, "itgc_provisioner", "treasury-secret");
        Statement s = c.createStatement()) {
      s.execute("grant treasury_admin to ryan");
    }
    long grant = activeGrant("E1002", "TREASURY-DB", "TREASURY_ADMIN");
    try {
      var scan = Http.as(port, "audrey").post("/api/access/elevations/standing-scans", "{}");
      assertThat(scan.status()).as(scan.toString()).isEqualTo(200);
      assertThat(scan.body()).contains("\"grantId\":" + grant);
      assertThat(jdbc.queryForObject("select count(*) from control_exception where control_id = 'AC-06' "
          + "and object_type = 'standing-privilege' and object_id = ?", Integer.class, String.valueOf(grant)))
          .isEqualTo(1);
      // again: still reported, no second exception while the first is open
      Http.as(port, "sam").post("/api/access/elevations/standing-scans", "{}");
      assertThat(jdbc.queryForObject("select count(*) from control_exception where object_type = 'standing-privilege' "
          + "and object_id = ?", Integer.class, String.valueOf(grant))).isEqualTo(1);
      assertThat(Http.as(port, "rachel").post("/api/access/elevations/standing-scans", "{}").status()).isEqualTo(403);
    } finally {
      // remediation: the standing grant is revoked through the connector (read back) like any other
      var revoked = Http.as(port, "sam").post("/api/access/revocations", Http.json(Map.of("identityId", "E1002",
          "reason", "sod-remediation", "grantIds", List.of(grant))));
      assertThat(revoked.status()).as(revoked.toString()).isEqualTo(201);
      await("the standing grant's removal", () -> activeGrant("E1002", "TREASURY-DB", "TREASURY_ADMIN") == null);
      assertThat(grantees("treasury_admin")).doesNotContain("ryan");
    }
  }
}
