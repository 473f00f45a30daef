package org.itgc.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.IdentityService;
import org.itgc.support.Http;
import org.itgc.support.RoleApprovals;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/** Users and roles are managed by security administrators, mirrored to Camunda, and every change is audited. */
@IntegrationTest
class UsersIT {

  @LocalServerPort int port;
  @Autowired IdentityService identityService;
  @Autowired JdbcTemplate jdbc;
  @Autowired UserAccounts accounts;

  /** Claims and completes one task of an access request as {@code user}; answers the completion (or the refused claim). */
  Http.Response decide(String user, String requestId, String taskKey, String decision) {
    String instance = Http.as(port, "audrey").get("/api/access/requests/" + requestId).json().get("processInstanceId")
        .asText();
    String taskId = jdbc.queryForObject("select id_ from act_ru_task where proc_inst_id_ = ? and task_def_key_ = ?",
        String.class, instance, taskKey);
    var http = Http.as(port, user);
    var claim = http.post("/engine-rest/task/" + taskId + "/claim", Http.json(Map.of("userId", user)));
    if (claim.status() != 204) {
      return claim;
    }
    return http.post("/engine-rest/task/" + taskId + "/complete", Http.json(Map.of("variables",
        Map.of("decision", Map.of("value", decision), "comment", Map.of("value", "checked")))));
  }

  Http.Response decideWithPassword(String user, String password, String requestId, String taskKey) {
    String instance = Http.as(port, "audrey").get("/api/access/requests/" + requestId).json().get("processInstanceId")
        .asText();
    String taskId = jdbc.queryForObject("select id_ from act_ru_task where proc_inst_id_ = ? and task_def_key_ = ?",
        String.class, instance, taskKey);
    var http = Http.as(port, user, password);
    var claim = http.post("/engine-rest/task/" + taskId + "/claim", Http.json(Map.of("userId", user)));
    if (claim.status() != 204) {
      return claim;
    }
    return http.post("/engine-rest/task/" + taskId + "/complete", Http.json(Map.of("variables",
        Map.of("decision", Map.of("value", "approve")))));
  }

  int events(String action, String objectId, String outcome) {
    return jdbc.queryForObject("select count(*) from audit_event where action = ? and object_id = ? and outcome = ?",
        Integer.class, action, objectId, outcome);
  }

  @Test
  void aSecurityAdminCreatesAUserWhoseRolesAreAnAccessRequestApprovedByOthersAndEveryStepIsAudited() {
    Map<String, Object> nina = Map.of("username", "nina.new", "displayName", "Nina New", "email", "nina@example.com",
        "password", "a-long-password-for-nina", "roles", List.of("deployer"), "reason", "releases the ledger");
    // a login that no person of the access registry holds gets no role (the registry would not list it, and it could
    // be someone's second login): refused, audited, nothing stored
    var unbound = Http.as(port, "sam").post("/api/users", Http.json(nina));
    assertThat(unbound.status()).as(unbound.toString()).isEqualTo(409);
    assertThat(unbound.json().get("detail").asText()).contains("login nina.new").contains("bound to no identity");
    assertThat(jdbc.queryForObject("select count(*) from sec_user where username = 'nina.new'", Integer.class)).isZero();
    assertThat(events("access.role-change.refused", "nina.new", "DENIED")).isEqualTo(1);

    // HR names her: the login is created without roles, and the role is an access request of sam's
    var hr = Http.as(port, "sam").post("/api/access/identities/import", "text/csv", """
        employeeId,name,email,managerId,department,job,status,hireDate,terminationDate,userName
        E9501,Nina New,nina@example.com,E1003,IT,Release Engineer,active,2026-01-05,,nina.new
        """.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(hr.status()).as(hr.toString()).isEqualTo(200);
    var created = Http.as(port, "sam").post("/api/users", Http.json(nina));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.json().at("/user/roles")).as("no role before the access process approves").isEmpty();
    String requestId = created.json().at("/roleRequest/accessRequestId").asText();
    assertThat(created.json().at("/roleRequest/requested/0").asText()).isEqualTo("deployer");
    var request = Http.as(port, "audrey").get("/api/access/requests/" + requestId).json();
    assertThat(request.get("requester").asText()).isEqualTo("sam");
    assertThat(request.get("beneficiaryId").asText()).isEqualTo("E9501");
    assertThat(request.get("justification").asText()).isEqualTo("releases the ledger");
    // the password sam chose opens nothing but its own change; Nina replaces it, and has no role yet
    var initial = Http.as(port, "nina.new", "a-long-password-for-nina").get("/api/me");
    assertThat(initial.status()).isEqualTo(403);
    assertThat(initial.json().get("detail").asText()).contains("must be changed first");
    assertThat(Http.as(port, "nina.new", "a-long-password-for-nina").post("/api/me/password", Http.json(Map.of(
        "currentPassword", "a-long-password-for-nina", "newPassword", "Nina-Chose-Her-Own-2026!"))).status())
        .isEqualTo(200);
    assertThat(Http.as(port, "nina.new", "Nina-Chose-Her-Own-2026!").get("/api/me").json().get("roles")).isEmpty();

    // her line manager, then an owner of ITGC-ENGINE (not any system owner), then a second person for a privileged
    // role: never sam, who asked
    assertThat(decide("lucas", requestId, "Task_LineManagerApproval", "approve").status()).isEqualTo(204);
    var notAnOwner = decide("sofia", requestId, "Task_SystemOwnerApproval", "approve");
    assertThat(notAnOwner.status()).as(notAnOwner.toString()).isEqualTo(403);
    assertThat(notAnOwner.body()).contains("only an owner of ITGC-ENGINE");
    assertThat(decide("admin", requestId, "Task_SystemOwnerApproval", "approve").status()).isEqualTo(204);
    var bySam = decide("sam", requestId, "Task_SecurityAdminApproval", "approve");
    assertThat(bySam.status()).as(bySam.toString()).isEqualTo(403);
    assertThat(bySam.body()).contains("nobody approves their own request");
    assertThat(identityService.createUserQuery().userId("nina.new").memberOfGroup("deployer").count()).isZero();
    // a security admin login that the registry binds to nobody (a set-up account, someone's second login) approves
    // nothing: approvers are people
    if (!accounts.exists("setup.admin")) {
      accounts.create(new UserAccounts.NewUser("setup.admin", "Set-up Admin", "setup@example.com",
          "a-long-password-for-setup", java.util.EnumSet.of(org.itgc.platform.Role.SECURITY_ADMIN)), "dba",
          false /* its own holder's password: this test is about approvers bound to nobody */);
    }
    var unboundApprover = decideWithPassword("setup.admin", "a-long-password-for-setup", requestId,
        "Task_SecurityAdminApproval");
    assertThat(unboundApprover.status()).as(unboundApprover.toString()).isEqualTo(403);
    assertThat(unboundApprover.body()).contains("bound to no identity");
    assertThat(decide("grace", requestId, "Task_SecurityAdminApproval", "approve").status()).isEqualTo(204);

    // the engine's roles connector gives the role; the registry holds the grant with the request as provenance
    RoleApprovals.awaitRoles(port, "nina.new", List.of("deployer"));
    assertThat(identityService.createUserQuery().userId("nina.new").memberOfGroup("deployer").count()).isEqualTo(1);
    var grant = jdbc.queryForMap("select source, request_id, provenance::text as provenance from access_grant where "
        + "identity_id = 'E9501' and system_id = 'ITGC-ENGINE' and entitlement_id = 'deployer' and removed_at is null");
    assertThat(grant.get("source")).isEqualTo("request");
    assertThat(grant.get("request_id")).isEqualTo(requestId);
    assertThat(grant.get("provenance").toString()).contains("lucas").contains("admin").contains("grace");
    assertThat(events("user.role.grant", "nina.new", "SUCCESS")).isEqualTo(1);
    assertThat(events("user.role-change.request", "nina.new", "SUCCESS")).isEqualTo(1);
    // HR cannot move her login to another identity, nor give her identity another login, while she holds the role:
    // the connector acts on the login the identity names, so a rebinding would hand the role to someone else
    var rebind = Http.as(port, "sam").post("/api/access/identities/import", "text/csv", """
        employeeId,name,email,managerId,department,job,status,hireDate,terminationDate,userName
        E9501,Nina New,nina@example.com,E1003,IT,Release Engineer,active,2026-01-05,,nina.other
        """.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(rebind.status()).as(rebind.toString()).isEqualTo(200);
    assertThat(rebind.json().path("errors").findValuesAsText("field")).containsExactly("userName");
    assertThat(jdbc.queryForObject("select user_name from access_identity where id = 'E9501'", String.class))
        .isEqualTo("nina.new");
    String hash = jdbc.queryForObject("select password_hash from sec_user where username = 'nina.new'", String.class);
    assertThat(hash).startsWith("{bcrypt}").doesNotContain("a-long-password-for-nina");
  }

  @Test
  void aLoginBoundToNobodyLosesItsRolesAtOnceButGetsNone() {
    // a login set up outside the access process (a legacy account, say), bound to no HR identity
    if (!accounts.exists("legacy.ops")) {
      accounts.create(new UserAccounts.NewUser("legacy.ops", "Legacy Ops", "legacy@example.com",
          "a-long-password-for-legacy", java.util.EnumSet.of(org.itgc.platform.Role.CAB)), "dba");
    }
    var more = Http.as(port, "sam").put("/api/users/legacy.ops/roles", Http.json(Map.of("roles",
        List.of("cab", "auditor"), "reason", "extra")));
    assertThat(more.status()).as(more.toString()).isEqualTo(409);
    var none = Http.as(port, "sam").put("/api/users/legacy.ops/roles", Http.json(Map.of("roles", List.of())));
    assertThat(none.status()).as(none.toString()).isEqualTo(202);
    assertThat(none.json().get("removedAtOnce").toString()).isEqualTo("[\"cab\"]");
    assertThat(accounts.find("legacy.ops").orElseThrow().roles()).isEmpty();
    assertThat(identityService.createUserQuery().userId("legacy.ops").memberOfGroup("cab").count()).isZero();
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'user.role.revoke' and "
        + "object_id = 'legacy.ops' and actor = 'sam' and details->>'role' = 'cab'", Integer.class)).isEqualTo(1);
  }

  @Test
  void anUnknownRoleIs400NamingTheFieldAndNothingIsStored() {
    var response = Http.as(port, "sam").post("/api/users", Http.json(Map.of("username", "olga",
        "displayName", "Olga", "email", "olga@example.com", "password", "a-long-password-for-olga",
        "roles", List.of("deployer", "superuser"))));
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.json().get("errors").get(0).get("field").asText()).isEqualTo("roles[1]");
    assertThat(response.json().get("detail").asText()).contains("superuser").contains("is not a role");
    assertThat(jdbc.queryForObject("select count(*) from sec_user where username = 'olga'", Integer.class)).isZero();
  }

  @Test
  void missingFieldsAndMalformedJsonAre400NamingTheProblem() {
    var missing = Http.as(port, "sam").post("/api/users", "{\"username\":\"x1\",\"roles\":[\"auditor\"]}");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.json().get("detail").asText()).contains("displayName").contains("email").contains("password");

    var malformed = Http.as(port, "sam").post("/api/users", "{\"username\": ");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.json().get("detail").asText()).contains("body").contains("not valid JSON");

    var unknownField = Http.as(port, "sam").post("/api/users", "{\"username\":\"x2\",\"admin\":true}");
    assertThat(unknownField.status()).isEqualTo(400);
    assertThat(unknownField.json().get("detail").asText()).contains("admin");

    var shortPassword = Http.as(port, "sam").post("/api/users", Http.json(Map.of("username", "pat",
        "displayName", "Pat", "email", "pat@example.com", "password", "short", "roles", List.of("auditor"))));
    assertThat(shortPassword.status()).isEqualTo(400);
    assertThat(shortPassword.json().get("detail").asText()).startsWith("password:");
  }

  @Test
  void newPasswordsFollowTheConfiguredPolicyWhichAuditorsCanRead() {
    var policy = Http.as(port, "audrey").get("/api/security/password-policy").json();
    assertThat(policy.get("preset").asText()).isEqualTo("nist-800-63b-4");
    assertThat(policy.get("rules").get("minLength").asInt()).isEqualTo(15);
    assertThat(policy.get("blocklistEntries").asInt()).isGreaterThan(1000);
    var breached = Http.as(port, "sam").post("/api/users", Http.json(Map.of("username", "quinn",
        "displayName", "Quinn", "email", "quinn@example.com", "password", "passwordpassword", "roles", List.of("auditor"))));
    assertThat(breached.status()).isEqualTo(400);
    assertThat(breached.json().get("detail").asText()).isEqualTo("password: is a common or breached password");
    assertThat(Http.as(port, "rachel").get("/api/security/password-policy").status()).isEqualTo(403);
  }

  @Test
  void nobodyChangesTheirOwnRolesAndTheAttemptIsAudited() {
    var response = Http.as(port, "sam").put("/api/users/sam/roles",
        Http.json(Map.of("roles", List.of("security-admin", "engine-admin"))));
    assertThat(response.status()).isEqualTo(403);
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'user.role-change.request' "
        + "and object_id = 'sam' and outcome = 'DENIED'", Integer.class)).isEqualTo(1);
    assertThat(jdbc.queryForObject("select count(*) from sec_user_role where username = 'sam'", Integer.class))
        .isEqualTo(1);
  }

  @Test
  void onlySecurityAdminsManageUsersAndTheRefusalIsAudited() {
    String denied = "select count(*) from audit_event where action = 'access.denied' and actor = 'rachel' "
        + "and object_id = '/api/users'";
    Integer before = jdbc.queryForObject(denied, Integer.class);
    var response = Http.as(port, "rachel").post("/api/users", Http.json(Map.of("username", "mallory",
        "displayName", "Mallory", "email", "m@example.com", "password", "a-long-password-for-mallory",
        "roles", List.of("engine-admin"))));
    assertThat(response.status()).isEqualTo(403);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(jdbc.queryForObject("select count(*) from sec_user where username = 'mallory'", Integer.class)).isZero();
    assertThat(jdbc.queryForObject(denied, Integer.class)).as("the refusal recorded once").isEqualTo(before + 1);
  }

  @Test
  void roleChangesGoThroughTheAccessProcessWithItsSodCheckAndARoleOutsideTheRegistryIsFoundAndRemoved() {
    // ryan (HR identity E1002) commits to the ledger's repository: deploying too would combine conflicting duties,
    // and the access request's preventive check rejects it before anyone approves
    var conflicting = Http.as(port, "sam").put("/api/users/ryan/roles",
        Http.json(Map.of("roles", List.of("requester", "deployer"), "reason", "covers deployments in December")));
    assertThat(conflicting.status()).as(conflicting.toString()).isEqualTo(202);
    String conflictingId = conflicting.json().get("accessRequestId").asText();
    assertThat(conflicting.header("Location")).isEqualTo("/api/access/requests/" + conflictingId);
    var rejected = Http.as(port, "audrey").get("/api/access/requests/" + conflictingId).json();
    assertThat(rejected.get("status").asText()).isEqualTo("rejected-sod");
    assertThat(rejected.get("sodCheck").toString()).contains("SOD-11");
    assertThat(identityService.createUserQuery().userId("ryan").memberOfGroup("deployer").count()).isZero();

    // adding a role needs a reason (the request's justification); nobody changes their own
    var noReason = Http.as(port, "sam").put("/api/users/ryan/roles", Http.json(Map.of("roles", List.of("requester",
        "auditor"))));
    assertThat(noReason.status()).isEqualTo(400);
    assertThat(noReason.json().get("errors").get(0).get("field").asText()).isEqualTo("reason");

    // a role without conflict: approved by others, given by the connector, in the registry with the request
    var asked = Http.as(port, "sam").put("/api/users/ryan/roles",
        Http.json(Map.of("roles", List.of("requester", "auditor"), "reason", "helps the year-end audit")));
    assertThat(asked.status()).as(asked.toString()).isEqualTo(202);
    String requestId = asked.json().get("accessRequestId").asText();
    RoleApprovals.approve(port, requestId);
    RoleApprovals.awaitRoles(port, "ryan", List.of("requester", "auditor"));
    assertThat(jdbc.queryForObject("select request_id from access_grant where identity_id = 'E1002' and system_id = "
        + "'ITGC-ENGINE' and entitlement_id = 'auditor' and removed_at is null", String.class)).isEqualTo(requestId);

    // a role that reached the engine past the access process is found by the detective check
    var audrey = Http.as(port, "audrey");
    assertThat(audrey.get("/api/access/engine-roles/reconciliation").json().findValuesAsText("username"))
        .doesNotContain("ryan");
    jdbc.update("insert into sec_user_role (username, role, granted_at, granted_by) values ('ryan', 'cab', now(), 'dba')");
    var mismatches = audrey.get("/api/access/engine-roles/reconciliation").json();
    assertThat(mismatches).anySatisfy(m -> {
      assertThat(m.get("username").asText()).isEqualTo("ryan");
      assertThat(m.get("role").asText()).isEqualTo("cab");
      assertThat(m.get("problem").asText()).contains("without a grant");
    });

    // taking roles away: the granted one is revoked through access-revocation (the connector removes it), the one
    // without a grant goes at once
    var removal = Http.as(port, "sam").put("/api/users/ryan/roles", Http.json(Map.of("roles", List.of("requester"))));
    assertThat(removal.status()).as(removal.toString()).isEqualTo(202);
    assertThat(removal.json().path("accessRequestId").asText(null)).as("nothing added, nothing to request").isNull();
    assertThat(removal.json().get("revoking").toString()).isEqualTo("[\"auditor\"]");
    assertThat(removal.json().get("removedAtOnce").toString()).isEqualTo("[\"cab\"]");
    String revocationId = removal.json().get("revocationId").asText();
    long deadline = System.currentTimeMillis() + 30_000;
    while (identityService.createUserQuery().userId("ryan").memberOfGroup("auditor").count() > 0) {
      assertThat(System.currentTimeMillis()).as("the connector removes auditor").isLessThan(deadline);
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
    assertThat(identityService.createUserQuery().userId("ryan").memberOfGroup("cab").count()).isZero();
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'user.role.revoke' "
        + "and object_id = 'ryan' and details->>'role' = 'auditor'", Integer.class)).isEqualTo(1);
    assertThat(jdbc.queryForObject("select count(*) from access_grant where identity_id = 'E1002' "
        + "and entitlement_id = 'auditor' and removed_at is null", Integer.class)).isZero();
    assertThat(Http.as(port, "audrey").get("/api/access/revocations/" + revocationId).status()).isEqualTo(200);
    assertThat(audrey.get("/api/access/engine-roles/reconciliation").json().findValuesAsText("username"))
        .doesNotContain("ryan");
  }
}
