package org.itgc.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.SearchResultEntry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.runtime.Job;
import org.itgc.access.PrivilegedElevationProcess.Elements;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.itgc.support.WebSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * AC-06 as the people it controls would try to get around it: two requests at once, a made-up change reference that a
 * rule would approve on, an elevation left running after its eligibility is revoked, the engine's generic surfaces
 * (timer jobs, variables, modification, deletion, local variables, Tasklist's own API) to approve one's own elevation
 * or keep it longer, and bodies that name someone else or overflow. carlos (E1005) and ivan (E1006) are made eligible
 * for FIN-SHARES/FIN_SHARE_ADMIN by a baseline grant; every test leaves no elevation of theirs under way.
 */
@IntegrationTest
class ElevationBypassIT {

  static final String SHARE_ADMIN = "FIN-SHARES/FIN_SHARE_ADMIN";
  static InMemoryDirectoryServer directory;

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired ManagementService managementService;
  @Autowired TaskService taskService;

  @BeforeAll
  static void startDirectory() throws Exception {
    directory = ConnectorTargets.startDirectory();
    for (String uid : List.of("carlos", "ivan")) {
      directory.add("dn: uid=" + uid + "," + ConnectorTargets.PEOPLE, "objectClass: inetOrgPerson", "uid: " + uid,
          "cn: " + uid, "sn: " + uid, "mail: " + uid + "@demo.itgc.local");
    }
  }

  @AfterAll
  static void stopDirectory() {
    directory.shutDown(true);
  }

  // ---------------------------------------------------------------- helpers

  Long eligible(String employeeId) {
    Long held = activeGrant(employeeId, "FIN-SHARES", "FIN_SHARE_ADMIN_ELIGIBLE");
    if (held != null) {
      return held;
    }
    var baseline = Http.as(port, "sam").post("/api/access/grants/import", "text/csv",
        ("employeeId,systemId,entitlementId,grantedAt\n" + employeeId + ",FIN-SHARES,FIN_SHARE_ADMIN_ELIGIBLE,2024-01-02\n")
            .getBytes(StandardCharsets.UTF_8));
    assertThat(baseline.status()).as(baseline.toString()).isEqualTo(200);
    return activeGrant(employeeId, "FIN-SHARES", "FIN_SHARE_ADMIN_ELIGIBLE");
  }

  Http.Response ask(String user, Map<String, Object> body) {
    return Http.as(port, user).post("/api/access/elevations", Http.json(body));
  }

  Map<String, Object> row(String id) {
    return jdbc.queryForMap("select * from access_elevation where id = ?", id);
  }

  String instanceOf(String id) {
    return (String) row(id).get("process_instance_id");
  }

  String taskOf(String processInstanceId, String key) {
    return taskService.createTaskQuery().processInstanceId(processInstanceId).taskDefinitionKey(key).singleResult()
        .getId();
  }

  static String typed(Map<String, Object> variables) {
    Map<String, Object> typed = new HashMap<>();
    variables.forEach((k, v) -> typed.put(k, Map.of("value", v)));
    return Http.json(Map.of("variables", typed));
  }

  Http.Response complete(String user, String taskId, Map<String, Object> variables) {
    var http = Http.as(port, user);
    var claim = http.post("/engine-rest/task/" + taskId + "/claim", Http.json(Map.of("userId", user)));
    if (claim.status() != 204) {
      return claim;
    }
    return http.post("/engine-rest/task/" + taskId + "/complete", typed(variables));
  }

  /** Ends whatever elevation of this person is still waiting for its approval: its holder or the owner rejects it. */
  void rejectOpen(String identityId) throws Exception {
    for (String id : jdbc.queryForList("select id from access_elevation where identity_id = ? and status = 'requested'",
        String.class, identityId)) {
      String task = taskOf(instanceOf(id), Elements.APPROVE);
      String holder = taskService.createTaskQuery().taskId(task).singleResult().getAssignee();
      var rejected = complete(holder != null ? holder : "sofia", task,
          Map.of("decision", "reject", "comment", "test over"));
      assertThat(rejected.status()).as(rejected.toString()).isEqualTo(204);
      awaitStatus(id, "rejected");
    }
  }

  Long activeGrant(String identityId, String system, String entitlement) {
    return jdbc.query("select id from access_grant where identity_id = ? and system_id = ? and entitlement_id = ? "
        + "and removed_at is null", (rs, n) -> rs.getLong(1), identityId, system, entitlement).stream().findFirst()
        .orElse(null);
  }

  static List<String> members() throws Exception {
    SearchResultEntry entry = directory.getEntry(ConnectorTargets.ADMIN_GROUP, "member");
    String[] values = entry.getAttributeValues("member");
    return values == null ? List.of() : List.of(values);
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

  static Map<String, Object> body(Object... pairs) {
    Map<String, Object> body = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      body.put((String) pairs[i], pairs[i + 1]);
    }
    return body;
  }

  int elevationsOf(String identityId) {
    return jdbc.queryForObject("select count(*) from access_elevation where identity_id = ?", Integer.class, identityId);
  }

  // ---------------------------------------------------------------- asking

  /** Two requests sent at the same moment: both used to pass the "already under way" check and start two elevations. */
  @Test
  void twoRequestsAtOnceStartOneElevation() throws Exception {
    eligible("E1005");
    rejectOpen("E1005");
    int before = elevationsOf("E1005");
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<Http.Response>> sent = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      sent.add(CompletableFuture.supplyAsync(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        return ask("carlos", body("entitlement", SHARE_ADMIN, "minutes", 30, "reason", "Month-end share fix"));
      }));
    }
    go.countDown();
    List<Integer> statuses = new ArrayList<>();
    for (var response : sent) {
      statuses.add(response.get().status());
    }
    try {
      assertThat(statuses).as(sent.toString()).containsExactlyInAnyOrder(201, 400);
      assertThat(sent.stream().map(CompletableFuture::join).filter(r -> r.status() == 400).findFirst().orElseThrow()
          .body()).contains("under way");
      assertThat(elevationsOf("E1005")).isEqualTo(before + 1);
    } finally {
      rejectOpen("E1005");
    }
  }

  /**
   * Rule_Jit_ShortWithChange approves a short elevation on a tier-3 system with a change reference, without a person:
   * a change id that no change of the system carries (only its format was checked) must not be that reference.
   */
  @Test
  void aChangeIdNoChangeCarriesIsNoReferenceARuleApprovesOn() throws Exception {
    eligible("E1005");
    rejectOpen("E1005");
    var asked = ask("carlos", body("entitlement", SHARE_ADMIN, "minutes", 30, "changeId", "CHG-2099-99999",
        "reason", "=HYPERLINK(\"http://evil.example/\",\"Click\")"));
    assertThat(asked.status()).as(asked.toString()).isEqualTo(201);
    String id = asked.json().get("id").asText();
    try {
      assertThat(row(id).get("auto_approve")).as("no rule approves on a made-up change").isEqualTo(false);
      assertThat(row(id).get("status")).isEqualTo("requested");
      assertThat(taskService.createTaskQuery().processInstanceId(instanceOf(id)).taskDefinitionKey(Elements.APPROVE)
          .count()).isEqualTo(1);
      assertThat(members()).doesNotContain("uid=carlos," + ConnectorTargets.PEOPLE);
      // the reason is exported defused: a spreadsheet reads no formula from the evidence
      String from = java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(1).toString();
      String to = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(2).toString();
      var csv = Http.as(port, "audrey").get("/api/access/elevations?from=" + from + "&to=" + to + "&format=csv");
      assertThat(csv.status()).isEqualTo(200);
      String line = csv.body().lines().filter(l -> l.startsWith(id + ",")).findFirst().orElseThrow();
      assertThat(line).contains("'=HYPERLINK").doesNotContain(",=HYPERLINK").doesNotContain(",\"=HYPERLINK");
    } finally {
      rejectOpen("E1005");
    }
  }

  /** A body naming someone else, and durations that are negative, past, absurd or not numbers: 400 problems, no 500. */
  @Test
  void badBodiesAreProblemsNamingTheFieldAndElevateNobodyElse() throws Exception {
    eligible("E1005");
    rejectOpen("E1005");
    int rachel = elevationsOf("E1001");
    // ryan is eligible for nothing: naming rachel (who may be) in the body does not make the elevation hers or his
    var forOther = ask("ryan", body("entitlement", SHARE_ADMIN, "minutes", 30, "reason", "for rachel",
        "identityId", "E1001", "employeeId", "E1001", "requestedBy", "rachel", "userName", "rachel"));
    assertThat(forOther.status()).isEqualTo(400);
    assertThat(forOther.contentType()).startsWith("application/problem+json");
    assertThat(forOther.body()).contains("identityId").contains("not a known field");
    assertThat(ask("ryan", body("entitlement", SHARE_ADMIN, "minutes", 30, "reason", "for rachel")).body())
        .contains("not eligible");
    assertThat(elevationsOf("E1001")).isEqualTo(rachel);

    String far = "+999999999-12-31T23:59:59Z";
    List<String> bodies = List.of(
        Http.json(body("entitlement", SHARE_ADMIN, "minutes", -5, "reason", "r")),
        Http.json(body("entitlement", SHARE_ADMIN, "minutes", 0, "reason", "r")),
        "{\"entitlement\":\"" + SHARE_ADMIN + "\",\"minutes\":99999999999999,\"reason\":\"r\"}",
        "{\"entitlement\":\"" + SHARE_ADMIN + "\",\"minutes\":1e300,\"reason\":\"r\"}",
        "{\"entitlement\":\"" + SHARE_ADMIN + "\",\"minutes\":\"thirty\",\"reason\":\"r\"}",
        Http.json(body("entitlement", SHARE_ADMIN, "minutes", Integer.MAX_VALUE, "reason", "r")),
        Http.json(body("entitlement", SHARE_ADMIN, "until", "2020-01-01T00:00:00Z", "reason", "r")),
        Http.json(body("entitlement", SHARE_ADMIN, "until", far, "reason", "r")),
        Http.json(body("entitlement", SHARE_ADMIN, "until", "tomorrow", "reason", "r")),
        Http.json(body("entitlement", SHARE_ADMIN, "minutes", 30, "until", Instant.now().plusSeconds(600).toString(),
            "reason", "r")),
        Http.json(body("entitlement", SHARE_ADMIN, "minutes", 30, "reason", "r", "changeId", "CHG 1; drop table")),
        Http.json(body("entitlement", "FIN-SHARES/", "minutes", 30, "reason", "r")),
        Http.json(body("entitlement", "/", "minutes", 30, "reason", "r")),
        Http.json(body("entitlement", SHARE_ADMIN, "minutes", 30, "reason", "r", "breakGlass", "yes")),
        Http.json(body("entitlement", SHARE_ADMIN, "minutes", 30, "reason", "x".repeat(2001))),
        "[1,2]", "not json", "null");
    for (String sent : bodies) {
      var refused = Http.as(port, "carlos").post("/api/access/elevations", sent);
      assertThat(refused.status()).as(sent + " -> " + refused).isEqualTo(400);
      assertThat(refused.contentType()).as(sent).startsWith("application/problem+json");
    }
    assertThat(jdbc.queryForObject("select count(*) from access_elevation where identity_id = 'E1005' "
        + "and status = 'requested'", Integer.class)).as("nothing was started").isZero();
    // nobody imports their own eligibility (it exists only in the registry: the import would grant it, unapproved)
    var ownImport = Http.as(port, "admin").post("/api/access/grants/import", "text/csv",
        "employeeId,systemId,entitlementId,grantedAt\nE1011,FIN-SHARES,FIN_SHARE_ADMIN_ELIGIBLE,2024-01-02\n"
            .getBytes(StandardCharsets.UTF_8));
    assertThat(ownImport.status()).as(ownImport.toString()).isEqualTo(200);
    assertThat(ownImport.json().get("loaded").asInt()).isZero();
    assertThat(ownImport.body()).contains("entitlementId").contains("nobody imports their own");
    assertThat(activeGrant("E1011", "FIN-SHARES", "FIN_SHARE_ADMIN_ELIGIBLE")).isNull();
    // break-glass needs the eligibility as well
    var breakGlass = ask("ryan", body("entitlement", SHARE_ADMIN, "minutes", 30, "breakGlass", true,
        "reason", "outage", "incidentId", "INC-1"));
    assertThat(breakGlass.status()).isEqualTo(400);
    assertThat(breakGlass.body()).contains("not eligible");
  }

  // ---------------------------------------------------------------- one's own approval, the engine's surfaces

  @Test
  void nobodyApprovesTheirOwnElevationThroughTheEnginesOtherSurfaces() throws Exception {
    eligible("E1005");
    rejectOpen("E1005");
    var asked = ask("carlos", body("entitlement", SHARE_ADMIN, "minutes", 60, "reason", "Share clean-up"));
    assertThat(asked.status()).as(asked.toString()).isEqualTo(201);
    String id = asked.json().get("id").asText();
    String instance = instanceOf(id);
    String approval = taskOf(instance, Elements.APPROVE);
    var carlos = Http.as(port, "carlos");
    try {
      // a local variable shadowing the decision, on the task and on the instance
      assertThat(carlos.put("/engine-rest/task/" + approval + "/localVariables/decision",
          Http.json(Map.of("value", "approve"))).status()).isIn(403, 404);
      assertThat(carlos.put("/engine-rest/task/" + approval + "/localVariables/status",
          Http.json(Map.of("value", "approved"))).status()).isIn(403, 404);
      assertThat(carlos.post("/engine-rest/process-instance/" + instance + "/variables", Http.json(Map.of(
          "modifications", Map.of("approved", Map.of("value", true), "expiresAt", Map.of("value", "2099-01-01"))))
      ).status()).isIn(403, 404);
      // taking the task, handing it to oneself, completing it outright
      assertThat(carlos.post("/engine-rest/task/" + approval + "/claim", Http.json(Map.of("userId", "carlos")))
          .status()).isIn(403, 404);
      assertThat(carlos.post("/engine-rest/task/" + approval + "/assignee", Http.json(Map.of("userId", "carlos")))
          .status()).isIn(403, 404);
      assertThat(carlos.post("/engine-rest/task/" + approval + "/complete", typed(Map.of("decision", "approve")))
          .status()).isIn(403, 404);
      assertThat(carlos.post("/engine-rest/task/" + approval + "/submit-form", typed(Map.of("decision", "approve")))
          .status()).isIn(403, 404);
      // past the task: modification, deletion, messages and signals
      assertThat(carlos.post("/engine-rest/process-instance/" + instance + "/modification", Http.json(Map.of(
          "instructions", List.of(Map.of("type", "startBeforeActivity", "activityId", Elements.PROVISION),
              Map.of("type", "cancel", "activityId", Elements.APPROVE))))).status()).isIn(403, 404);
      assertThat(carlos.send("DELETE", "/engine-rest/process-instance/" + instance, null, null).status())
          .isIn(403, 404);
      assertThat(carlos.post("/engine-rest/signal", Http.json(Map.of("name", "approved"))).status()).isIn(403, 404);
      assertThat(carlos.post("/engine-rest/message", Http.json(Map.of("messageName", "approved",
          "processInstanceId", instance))).status()).isIn(403, 404);
      // Tasklist's own API, with a session and its CSRF token
      var session = WebSession.tasklist(port, "carlos", Http.DEMO_PASSWORD);
      String api = "/camunda/api/engine/engine/default/task/" + approval;
      assertThat(session.api("POST", api + "/claim", Http.json(Map.of("userId", "carlos"))).status())
          .isIn(403, 404);
      WebSession.Page tasklist = session.api("POST", api + "/submit-form", typed(Map.of("decision", "approve")));
      assertThat(tasklist.status()).as(tasklist.body()).isIn(403, 404);
      assertThat(row(id).get("status")).isEqualTo("requested");
      assertThat(row(id).get("approved_by")).isNull();
      assertThat(taskService.createTaskQuery().taskId(approval).singleResult()).as("the task is still there").isNotNull();

      // an approver who is no owner of FIN-SHARES and holds no approver role of the rule: ivan (an IT approver)
      var ivan = complete("ivan", approval, Map.of("decision", "approve"));
      assertThat(ivan.status()).isIn(403, 404);
      // the approver may send the form's fields only: a local variable or an extra field naming the outcome is refused
      assertThat(Http.as(port, "sam").put("/engine-rest/task/" + approval + "/localVariables/decision",
          Http.json(Map.of("value", "approve"))).status()).isEqualTo(403);
      assertThat(complete("sam", approval, Map.of("decision", "reject", "comment", "no", "approved", true,
          "expiresAt", "2099-01-01T00:00:00Z")).status()).isEqualTo(400);
      assertThat(row(id).get("status")).isEqualTo("requested");
    } finally {
      rejectOpen("E1005");
    }
  }

  /**
   * During the window the person (and even an approver) cannot move, run, suspend or delete the expiry timer; and when
   * the eligibility the elevation rests on is revoked, the elevated access goes from the target at once, not at expiry.
   */
  @Test
  void theExpiryCannotBeMovedAndARevokedEligibilityEndsTheElevationOnTheTarget() throws Exception {
    Long eligibility = eligible("E1006");
    var asked = ask("ivan", body("entitlement", SHARE_ADMIN, "minutes", 120, "reason", "Share migration"));
    assertThat(asked.status()).as(asked.toString()).isEqualTo(201);
    String id = asked.json().get("id").asText();
    String instance = instanceOf(id);
    assertThat(complete("sam", taskOf(instance, Elements.APPROVE), Map.of("decision", "approve")).status())
        .isEqualTo(204);
    awaitStatus(id, "provisioned");
    String member = "uid=ivan," + ConnectorTargets.PEOPLE;
    assertThat(members()).contains(member);
    Job timer = managementService.createJobQuery().processInstanceId(instance).activityId(Elements.UNTIL_EXPIRY)
        .timers().singleResult();
    Instant due = timer.getDuedate().toInstant();

    for (String user : List.of("ivan", "sam")) {
      var http = Http.as(port, user);
      assertThat(http.put("/engine-rest/job/" + timer.getId() + "/duedate",
          Http.json(Map.of("duedate", "2099-01-01T00:00:00.000+0000"))).status()).as(user).isIn(403, 404);
      assertThat(http.put("/engine-rest/job/" + timer.getId() + "/suspended", Http.json(Map.of("suspended", true)))
          .status()).as(user).isIn(403, 404);
      assertThat(http.put("/engine-rest/job/" + timer.getId() + "/retries", Http.json(Map.of("retries", 0)))
          .status()).as(user).isIn(403, 404);
      assertThat(http.put("/engine-rest/process-instance/" + instance + "/suspended",
          Http.json(Map.of("suspended", true))).status()).as(user).isIn(403, 404);
      assertThat(http.send("DELETE", "/engine-rest/process-instance/" + instance, null, null).status()).as(user)
          .isIn(403, 404);
    }
    Job still = managementService.createJobQuery().jobId(timer.getId()).singleResult();
    assertThat(still.getDuedate().toInstant()).isEqualTo(due);
    assertThat(still.isSuspended()).isFalse();

    // the eligibility is revoked (ivan moved on): the elevation's access goes with it, removed and read back
    long grant = ((Number) row(id).get("grant_id")).longValue();
    var revoked = Http.as(port, "sam").post("/api/access/revocations", Http.json(Map.of("identityId", "E1006",
        "reason", "role-change", "grantIds", List.of(eligibility))));
    assertThat(revoked.status()).as(revoked.toString()).isEqualTo(201);
    await("the elevation's access removed with its eligibility",
        () -> activeGrant("E1006", "FIN-SHARES", "FIN_SHARE_ADMIN") == null);
    assertThat(members()).doesNotContain(member);
    assertThat(jdbc.queryForObject("select revocation_id from access_grant where id = ?", String.class, grant))
        .isEqualTo(revoked.json().get("id").asText());
    // the expiry then only reads the target back
    managementService.executeJob(timer.getId());
    awaitStatus(id, "ended");
    assertThat((String) row(id).get("removal_reference")).contains("already removed");
  }
  /** The eligibility is revoked while the request waits for its approver: nothing is left to approve on. */
  @Test
  void anElevationWhoseEligibilityWasRevokedWhileItWaitedCannotBeApproved() throws Exception {
    Long eligibility = eligible("E1005");
    rejectOpen("E1005");
    var asked = ask("carlos", body("entitlement", SHARE_ADMIN, "minutes", 45, "reason", "Share permissions"));
    assertThat(asked.status()).as(asked.toString()).isEqualTo(201);
    String id = asked.json().get("id").asText();
    String approval = taskOf(instanceOf(id), Elements.APPROVE);
    var revoked = Http.as(port, "sam").post("/api/access/revocations", Http.json(Map.of("identityId", "E1005",
        "reason", "role-change", "grantIds", List.of(eligibility))));
    assertThat(revoked.status()).as(revoked.toString()).isEqualTo(201);
    await("the eligibility ended", () -> activeGrant("E1005", "FIN-SHARES", "FIN_SHARE_ADMIN_ELIGIBLE") == null);
    try {
      var approved = complete("sam", approval, Map.of("decision", "approve"));
      assertThat(approved.status()).as(approved.toString()).isEqualTo(400);
      assertThat(approved.body()).contains("decision").contains("eligibility");
      assertThat(row(id).get("status")).isEqualTo("requested");
      assertThat(members()).doesNotContain("uid=carlos," + ConnectorTargets.PEOPLE);
    } finally {
      rejectOpen("E1005");
    }
  }

  /**
   * An elevation's grant still held after its expiry (the removal failed, or waits in a security admin's task) is no
   * longer backed by the elevation: the standing scan reports it and raises it as an AC-06 exception.
   */
  @Test
  void aGrantStillHeldAfterItsElevationExpiredIsStandingPrivilege() throws Exception {
    eligible("E1005");
    rejectOpen("E1005");
    var asked = ask("carlos", body("entitlement", SHARE_ADMIN, "minutes", 30, "reason", "Share ACL repair"));
    assertThat(asked.status()).as(asked.toString()).isEqualTo(201);
    String id = asked.json().get("id").asText();
    String instance = instanceOf(id);
    assertThat(complete("sam", taskOf(instance, Elements.APPROVE), Map.of("decision", "approve")).status())
        .isEqualTo(204);
    awaitStatus(id, "provisioned");
    long grant = ((Number) row(id).get("grant_id")).longValue();
    try {
      var within = Http.as(port, "audrey").post("/api/access/elevations/standing-scans", "{}");
      assertThat(within.status()).isEqualTo(200);
      assertThat(within.body()).as("within its window it is backed").doesNotContain("\"grantId\":" + grant + ",");
      // the window is over and the access is still there (as when the removal has failed all its retries)
      jdbc.update("update access_elevation set expires_at = ? where id = ?",
          java.sql.Timestamp.from(Instant.now().minusSeconds(60)), id);
      var after = Http.as(port, "audrey").post("/api/access/elevations/standing-scans", "{}");
      assertThat(after.body()).contains("\"grantId\":" + grant + ",");
      assertThat(jdbc.queryForObject("select count(*) from control_exception where control_id = 'AC-06' "
          + "and object_type = 'standing-privilege' and object_id = ?", Integer.class, String.valueOf(grant)))
          .isEqualTo(1);
    } finally {
      Job timer = managementService.createJobQuery().processInstanceId(instance).activityId(Elements.UNTIL_EXPIRY)
          .timers().singleResult();
      managementService.executeJob(timer.getId());
      awaitStatus(id, "ended");
    }
    assertThat(members()).doesNotContain("uid=carlos," + ConnectorTargets.PEOPLE);
  }
  /**
   * A jit entitlement given on the target directly (a directory admin adds a member) has no grant in the registry, so
   * the standing scan, which reads the registry, cannot see it: the reconciliation of the target does, as access held
   * without a grant.
   */
  @Test
  void aJitEntitlementGivenOnTheTargetDirectlyIsFoundByTheReconciliation() throws Exception {
    assertThat(activeGrant("E1006", "FIN-SHARES", "FIN_SHARE_ADMIN")).isNull();
    String member = "uid=ivan," + ConnectorTargets.PEOPLE;
    directory.modify(ConnectorTargets.ADMIN_GROUP, new com.unboundid.ldap.sdk.Modification(
        com.unboundid.ldap.sdk.ModificationType.ADD, "member", member));
    try {
      var reconciled = Http.as(port, "audrey").post("/api/access/connectors/reconciliations?system=FIN-SHARES", "{}");
      assertThat(reconciled.status()).as(reconciled.toString()).isEqualTo(200);
      var findings = reconciled.json().get(0).get("findings");
      boolean found = false;
      for (var finding : findings) {
        found |= "FIN_SHARE_ADMIN".equals(finding.path("entitlementId").asText())
            && "ivan".equals(finding.path("account").asText())
            && finding.path("problem").asText().contains("without a grant in the access registry");
      }
      assertThat(found).as(findings.toString()).isTrue();
      assertThat(Http.as(port, "audrey").post("/api/access/elevations/standing-scans", "{}").body())
          .as("the standing scan reads the registry only").doesNotContain("\"identityId\":\"E1006\"");
    } finally {
      directory.modify(ConnectorTargets.ADMIN_GROUP, new com.unboundid.ldap.sdk.Modification(
          com.unboundid.ldap.sdk.ModificationType.DELETE, "member", member));
    }
  }
}
