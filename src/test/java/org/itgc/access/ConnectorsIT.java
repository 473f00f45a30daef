package org.itgc.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import com.unboundid.ldap.sdk.SearchResultEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.runtime.Job;
import org.itgc.platform.EmbeddedDatabase;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.itgc.support.TestClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The connectors of config/connectors.yaml against real servers that the test starts: an in-memory LDAP directory
 * (UnboundID) with people and the finance share groups of system FIN-SHARES, and a sample treasury database with its
 * roles and logins in the embedded PostgreSQL (system TREASURY-DB). Requests and revocations go through the access
 * processes as people work them; the targets are read directly to see what the engine did.
 */
@IntegrationTest
class ConnectorsIT {

  static final String BASE = "dc=demo,dc=itgc,dc=local";
  static final String PEOPLE = "ou=people," + BASE;
  static final String READ_GROUP = "cn=fin-share-read,ou=groups," + BASE;
  static final String WRITE_GROUP = "cn=fin-share-write,ou=groups," + BASE;
  static final String BIND_DN = "cn=itgc-provisioner,ou=services," + BASE;
  static InMemoryDirectoryServer directory;

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired ManagementService managementService;
  @Autowired EmbeddedDatabase database;
  @Autowired TargetReconciliation reconciliation;
  @Autowired ConfiguredConnectors connectors;
  @Autowired org.itgc.platform.ScheduledOnce once;
  @Autowired org.itgc.platform.calendar.BusinessCalendar calendar;

  @BeforeAll
  static void startDirectory() throws Exception {
    directory = ConnectorTargets.startDirectory();
  }

  @AfterAll
  static void stopDirectory() {
    directory.shutDown(true);
  }

  /** The sample treasury database: its own database in the embedded server, roles, logins and a table. */
  @BeforeEach
  void treasuryDatabase() throws Exception {
    TreasuryDatabase.ensure(database);
  }

  // ---------------------------------------------------------------- helpers

  String submit(String user, String entitlement) {
    var response = Http.as(port, user).post("/api/access/requests", Http.json(Map.of("entitlements",
        List.of(entitlement), "justification", "Treasury and finance share work for the test")));
    assertThat(response.status()).as(response.toString()).isEqualTo(201);
    return response.json().get("id").asText();
  }

  JsonNode request(String id) {
    return Http.as(port, "audrey").get("/api/access/requests/" + id).json();
  }

  String instanceOf(String requestId) {
    return request(requestId).get("processInstanceId").asText();
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
    assertThat(claim.status()).as(claim.toString()).isEqualTo(204);
    Map<String, Object> typed = new HashMap<>();
    variables.forEach((k, v) -> typed.put(k, Map.of("value", v)));
    return http.post("/engine-rest/task/" + taskId + "/complete", Http.json(Map.of("variables", typed)));
  }

  /** rachel's line manager and the system's owner approve. */
  void approve(String requestId) throws Exception {
    String instance = instanceOf(requestId);
    await("the line manager's task", () -> !tasks("lucas", instance,
        AccessRequestProcess.Elements.LINE_MANAGER_APPROVAL).isEmpty());
    String line = tasks("lucas", instance, AccessRequestProcess.Elements.LINE_MANAGER_APPROVAL).get(0);
    assertThat(complete("lucas", line, Map.of("decision", "approve")).status()).isEqualTo(204);
    await("the owner's task", () -> !tasks("sofia", instance,
        AccessRequestProcess.Elements.SYSTEM_OWNER_APPROVAL).isEmpty());
    String owner = tasks("sofia", instance, AccessRequestProcess.Elements.SYSTEM_OWNER_APPROVAL).get(0);
    assertThat(complete("sofia", owner, Map.of("decision", "approve")).status()).isEqualTo(204);
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

  static List<String> members(String group) throws Exception {
    SearchResultEntry entry = directory.getEntry(group, "member");
    String[] values = entry.getAttributeValues("member");
    return values == null ? List.of() : List.of(values);
  }

  static String person(String uid) {
    return "uid=" + uid + "," + PEOPLE;
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

  String revoke(String identityId, long grantId) {
    var started = Http.as(port, "sam").post("/api/access/revocations", Http.json(Map.of("identityId", identityId,
        "reason", "sod-remediation", "grantIds", List.of(grantId))));
    assertThat(started.status()).as(started.toString()).isEqualTo(201);
    return started.json().get("id").asText();
  }

  JsonNode reconcile(String user, String system) {
    var response = Http.as(port, user).post("/api/access/connectors/reconciliations?system=" + system, "{}");
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    return response.json().get(0);
  }

  static List<String> findings(JsonNode result) {
    List<String> found = new ArrayList<>();
    result.get("findings").forEach(f -> found.add(f.get("entitlementId").asText() + "/" + f.get("account").asText()
        + ": " + f.get("problem").asText()));
    return found;
  }

  // ---------------------------------------------------------------- LDAP

  @Test
  void anApprovedRequestAddsTheDirectoryMembershipAndARevocationRemovesItVerifiedOnTheDirectory() throws Exception {
    String id = submit("rachel", "FIN-SHARES/FIN_SHARE_READ");
    approve(id);
    await("the connector's grant", () -> activeGrant("E1001", "FIN-SHARES", "FIN_SHARE_READ") != null);
    assertThat(request(id).get("status").asText()).isEqualTo("granted");
    assertThat(members(READ_GROUP)).containsExactly(person("rachel"));
    long grant = activeGrant("E1001", "FIN-SHARES", "FIN_SHARE_READ");
    assertThat(jdbc.queryForObject("select granted_by from access_grant where id = ?", String.class, grant))
        .isEqualTo("connector:fin-directory");

    String revocation = revoke("E1001", grant);
    await("the connector's removal", () -> activeGrant("E1001", "FIN-SHARES", "FIN_SHARE_READ") == null);
    assertThat(members(READ_GROUP)).isEmpty();
    Map<String, Object> item = jdbc.queryForMap("select removed_by, verified_at, verification "
        + "from access_revocation_item where grant_id = ?", grant);
    assertThat(item.get("removed_by")).isEqualTo("connector:fin-directory");
    assertThat(item.get("verified_at")).as("the removal was read back").isNotNull();
    assertThat((String) item.get("verification")).contains("rachel").contains("no longer holds").contains(READ_GROUP);
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'access.revocation.verify' "
        + "and object_id = ?", Integer.class, revocation)).isEqualTo(1);
    // the revocation's API shows the verification with the removal
    JsonNode items = Http.as(port, "audrey").get("/api/access/revocations/" + revocation).json();
    assertThat(items.get(0).get("verification").asText()).contains("no longer holds");
  }

  @Test
  void aLeaverLosesTheGroupAndTheDirectoryAccountIsDisabled() throws Exception {
    var sam = Http.as(port, "sam");
    String header = "employeeId,name,email,managerId,department,job,status,hireDate,terminationDate,userName\n";
    var hired = sam.post("/api/access/identities/import", "text/csv", (header
        + "CONN-LARA,Lara Leaver,lara@demo.itgc.local,E1003,Finance Operations,Treasury Analyst,active,2024-01-02,,lara\n")
        .getBytes(StandardCharsets.UTF_8));
    assertThat(hired.status()).as(hired.toString()).isEqualTo(200);
    var baseline = sam.post("/api/access/grants/import", "text/csv", ("employeeId,systemId,entitlementId,grantedAt\n"
        + "CONN-LARA,FIN-SHARES,FIN_SHARE_WRITE,2024-01-02\n").getBytes(StandardCharsets.UTF_8));
    assertThat(baseline.status()).as(baseline.toString()).isEqualTo(200);
    directory.modify(WRITE_GROUP, new Modification(ModificationType.ADD, "member", person("lara")));

    String today = TestClock.today(calendar.zone()).toString();
    var left = sam.post("/api/access/identities/import", "text/csv", (header
        + "CONN-LARA,Lara Leaver,lara@demo.itgc.local,E1003,Finance Operations,Treasury Analyst,terminated,2024-01-02,"
        + today + ",lara\n").getBytes(StandardCharsets.UTF_8));
    assertThat(left.status()).as(left.toString()).isEqualTo(200);
    await("the leaver's removal", () -> activeGrant("CONN-LARA", "FIN-SHARES", "FIN_SHARE_WRITE") == null);
    assertThat(members(WRITE_GROUP)).doesNotContain(person("lara"));
    assertThat(directory.getEntry(person("lara"), "nsAccountLock").getAttributeValue("nsAccountLock"))
        .as("the registry says lara left: her directory account is disabled").isEqualTo("true");
    assertThat(jdbc.queryForObject("select reference from access_revocation_item i join access_grant g "
        + "on g.id = i.grant_id where g.identity_id = 'CONN-LARA'", String.class)).contains("account disabled");
    // rachel, who has not left, keeps her account enabled
    assertThat(directory.getEntry(person("rachel"), "nsAccountLock").getAttributeValue("nsAccountLock")).isNull();
  }

  @Test
  void aMembershipAddedDirectlyOnTheDirectoryIsAFindingOfTheReconciliationOnceUntilDealtWith() throws Exception {
    directory.modify(WRITE_GROUP, new Modification(ModificationType.ADD, "member", person("paula")));
    try {
      JsonNode result = reconcile("audrey", "FIN-SHARES");
      assertThat(result.get("reachable").asBoolean()).isTrue();
      assertThat(findings(result)).contains("FIN_SHARE_WRITE/paula: " + TargetReconciliation.GRANTED_ON_TARGET);
      String key = "FIN-SHARES/FIN_SHARE_WRITE/paula";
      assertThat(jdbc.queryForObject("select count(*) from control_exception where control_id = 'AC-01' "
          + "and object_type = 'target-access' and object_id = ? and status = 'open'", Integer.class, key)).isEqualTo(1);
      // again: the same finding, no second exception while the first is open
      assertThat(findings(reconcile("sam", "FIN-SHARES")))
          .contains("FIN_SHARE_WRITE/paula: " + TargetReconciliation.GRANTED_ON_TARGET);
      assertThat(jdbc.queryForObject("select count(*) from control_exception where object_id = ?", Integer.class, key))
          .isEqualTo(1);
      assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'access.target.reconcile' "
          + "and object_id = 'FIN-SHARES' and actor = 'audrey'", Integer.class)).isGreaterThanOrEqualTo(1);
    } finally {
      directory.modify(WRITE_GROUP, new Modification(ModificationType.DELETE, "member", person("paula")));
    }
    // who may ask, and what: a requester may not; an unknown system is named
    assertThat(Http.as(port, "rachel").post("/api/access/connectors/reconciliations?system=FIN-SHARES", "{}").status())
        .isEqualTo(403);
    var unknown = Http.as(port, "audrey").post("/api/access/connectors/reconciliations?system=NOPE", "{}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.contentType()).startsWith("application/problem+json");
    assertThat(unknown.body()).contains("system").contains("NOPE");
  }

  @Test
  void aDirectoryThatIsDownIsRetriedAndThenBecomesTheFulfilmentTaskAndTheReconciliationSeesTheGap() throws Exception {
    directory.shutDown(true);
    String id;
    String instance;
    try {
      id = submit("rachel", "FIN-SHARES/FIN_SHARE_WRITE");
      approve(id);
      instance = instanceOf(id);
      // the job executor makes the first attempt; the retries wait minutes, so the test runs them now
      await("the first failed attempt", () -> {
        Job job = managementService.createJobQuery().processInstanceId(instance)
            .activityId(AccessRequestProcess.Elements.PROVISION_BY_CONNECTOR).singleResult();
        return job != null && job.getRetries() < 3;
      });
      for (int attempt = 0; attempt < 3; attempt++) {
        Job job = managementService.createJobQuery().processInstanceId(instance)
            .activityId(AccessRequestProcess.Elements.PROVISION_BY_CONNECTOR).singleResult();
        if (job == null) {
          break;
        }
        try {
          managementService.executeJob(job.getId());
        } catch (RuntimeException expected) {
          // a failed attempt before the last one
        }
      }
      assertThat(tasks("sam", instance, AccessRequestProcess.Elements.FULFIL)).hasSize(1);
      assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'access.provisioning.failure' "
          + "and object_id = ?", Integer.class, instance)).isEqualTo(3);
      assertThat(activeGrant("E1001", "FIN-SHARES", "FIN_SHARE_WRITE")).as("nothing granted yet").isNull();
      // the reconciliation of a target that is away says so; it is no clean bill
      JsonNode away = reconcile("audrey", "FIN-SHARES");
      assertThat(away.get("reachable").asBoolean()).isFalse();
      assertThat(away.get("error").asText()).contains("fin-directory");
    } finally {
      directory.startListening();
      System.setProperty("ITGC_FIN_DIRECTORY_PORT", String.valueOf(directory.getListenPort()));
    }
    // a security admin fulfils it by hand and records it, but does not add the membership: the reconciliation sees it
    String task = tasks("sam", instance, AccessRequestProcess.Elements.FULFIL).get(0);
    assertThat(complete("sam", task, Map.of("fulfilmentMethod", "system-console", "fulfilmentReference",
        "share console ticket 7")).status()).isEqualTo(204);
    assertThat(activeGrant("E1001", "FIN-SHARES", "FIN_SHARE_WRITE")).isNotNull();
    assertThat(findings(reconcile("audrey", "FIN-SHARES")))
        .contains("FIN_SHARE_WRITE/rachel: " + TargetReconciliation.MISSING_ON_TARGET);
    assertThat(jdbc.queryForObject("select count(*) from control_exception where object_id = "
        + "'FIN-SHARES/FIN_SHARE_WRITE/rachel' and status = 'open'", Integer.class)).isEqualTo(1);
  }

  @Test
  void theScheduledRunReconcilesEveryConnectedSystemOnOneNodePerSlot() {
    int before = jdbc.queryForObject("select count(*) from audit_event where action = 'access.target.reconcile' "
        + "and actor = 'system'", Integer.class);
    Instant slot = once.slot(connectors.reconciliationSchedule());
    boolean ran = jdbc.queryForObject("select count(*) from scheduled_run where job = 'connector-reconciliation' "
        + "and slot = ?", Integer.class, java.sql.Timestamp.from(slot)) == 0;
    reconciliation.scheduled();
    assertThat(jdbc.queryForObject("select count(*) from scheduled_run where job = 'connector-reconciliation' "
        + "and slot = ? and finished_at is not null", Integer.class, java.sql.Timestamp.from(slot))).isEqualTo(1);
    if (ran) {
      assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'access.target.reconcile' "
          + "and actor = 'system'", Integer.class)).as("one run per connected system")
          .isEqualTo(before + connectors.systemIds().size());
    }
    // the same slot again: claimed already, nothing runs
    int after = jdbc.queryForObject("select count(*) from audit_event where action = 'access.target.reconcile'",
        Integer.class);
    reconciliation.scheduled();
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'access.target.reconcile'",
        Integer.class)).isEqualTo(after);
  }

  // ---------------------------------------------------------------- PostgreSQL

  @Test
  void anApprovedRequestGrantsTheDatabaseRoleAndARevocationRevokesItVerifiedOnTheDatabase() throws Exception {
    String id = submit("rachel", "TREASURY-DB/TREASURY_READER");
    approve(id);
    await("the connector's grant", () -> activeGrant("E1001", "TREASURY-DB", "TREASURY_READER") != null);
    assertThat(grantees("treasury_reader")).containsExactly("rachel");
    // the login can now read the sample financial data through the role
    assertThat(new JdbcTemplate(database.ownerDataSource()).queryForObject(
        "select pg_has_role('rachel', 'treasury_reader', 'MEMBER')", Boolean.class)).isTrue();

    long grant = activeGrant("E1001", "TREASURY-DB", "TREASURY_READER");
    revoke("E1001", grant);
    await("the connector's removal", () -> activeGrant("E1001", "TREASURY-DB", "TREASURY_READER") == null);
    assertThat(grantees("treasury_reader")).isEmpty();
    assertThat(jdbc.queryForObject("select verification from access_revocation_item where grant_id = ?", String.class,
        grant)).contains("rachel no longer holds treasury_reader");
  }

  @Test
  void aRoleGrantedDirectlyOnTheDatabaseIsAFinding() throws Exception {
    new JdbcTemplate(database.ownerDataSource()).execute("grant treasury_analyst to ryan");
    try {
      JsonNode result = reconcile("audrey", "TREASURY-DB");
      assertThat(result.get("reachable").asBoolean()).isTrue();
      assertThat(findings(result)).contains("TREASURY_ANALYST/ryan: " + TargetReconciliation.GRANTED_ON_TARGET);
      assertThat(findings(result)).as("the connector's own admin membership is not access")
          .noneMatch(f -> f.contains("itgc_provisioner"));
      assertThat(jdbc.queryForObject("select count(*) from control_exception where control_id = 'AC-01' "
          + "and object_id = 'TREASURY-DB/TREASURY_ANALYST/ryan' and status = 'open'", Integer.class)).isEqualTo(1);
    } finally {
      new JdbcTemplate(database.ownerDataSource()).execute("revoke treasury_analyst from ryan");
    }
  }

  @Test
  void aServiceLoginsPasswordIsRotatedVerifiedAndAuditedWithoutThePassword() throws Exception {
    JdbcTemplate owner = new JdbcTemplate(database.ownerDataSource());
    String before = owner.queryForObject("select rolpassword from pg_authid where rolname = 'svc_gl_etl'", String.class);
    var rotated = Http.as(port, "sam").post("/api/access/service-accounts/SVC-GL-ETL/rotation", "{}");
    assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
    assertThat(rotated.json().get("login").asText()).isEqualTo("svc_gl_etl");
    assertThat(rotated.json().get("verification").asText()).contains("signed in as svc_gl_etl");
    // the login's stored verifier changed
    assertThat(owner.queryForObject("select rolpassword from pg_authid where rolname = 'svc_gl_etl'", String.class))
        .isNotEqualTo(before).startsWith("SCRAM-SHA-256$");
    Path file = Path.of(rotated.json().get("writtenTo").asText());
    String password = Files.readString(file).strip();
    assertThat(password).hasSize(32);
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + database.port() + "/treasury",
        "svc_gl_etl", password)) {
      assertThat(c.isValid(2)).isTrue();
    }
    String details = jdbc.queryForObject("select details::text from audit_event where action = "
        + "'access.service-account.rotate' and object_id = 'SVC-GL-ETL' order by id desc limit 1", String.class);
    assertThat(details).contains("svc_gl_etl").doesNotContain(password);
    assertThat(rotated.body()).doesNotContain(password);
    // only a security admin rotates, and only a service account a connector names
    assertThat(Http.as(port, "audrey").post("/api/access/service-accounts/SVC-GL-ETL/rotation", "{}").status())
        .isEqualTo(403);
    var unknown = Http.as(port, "sam").post("/api/access/service-accounts/SVC-AP-BATCH/rotation", "{}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body()).contains("serviceAccountId");
  }
}
