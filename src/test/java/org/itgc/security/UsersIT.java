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

  @Test
  void aSecurityAdminCreatesAUserWhoseRolesWaitForASecondPersonAndEveryStepIsAudited() {
    var created = Http.as(port, "sam").post("/api/users", Http.json(Map.of("username", "nina.new",
        "displayName", "Nina New", "email", "nina@example.com", "password", "a-long-password-for-nina",
        "roles", List.of("deployer"))));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.json().at("/user/roles")).as("no role before a second person approves").isEmpty();
    String changeId = created.json().at("/pendingRoleChange/id").asText();
    assertThat(created.json().at("/pendingRoleChange/rolesAfter/0").asText()).isEqualTo("deployer");
    assertThat(Http.as(port, "nina.new", "a-long-password-for-nina").get("/api/me").json().get("roles")).isEmpty();

    // the asker does not approve their own request, nor does anyone outside security admins and governance leads
    var bySam = Http.as(port, "sam").post("/api/users/role-changes/" + changeId + "/approve", "{}");
    assertThat(bySam.status()).isEqualTo(403);
    assertThat(Http.as(port, "rachel").post("/api/users/role-changes/" + changeId + "/approve", "{}").status())
        .isEqualTo(403);
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'user.role-change.approve' "
        + "and object_id = ? and outcome = 'DENIED'", Integer.class, changeId)).isEqualTo(1);
    // a login that no person of the access registry holds gets no role (the registry would not list it, and it
    // could be someone's second login): refused and audited, the change still waiting
    var unbound = Http.as(port, "grace").post("/api/users/role-changes/" + changeId + "/approve", "{}");
    assertThat(unbound.status()).as(unbound.toString()).isEqualTo(409);
    assertThat(unbound.json().get("detail").asText()).contains("nina.new is bound to no identity");
    assertThat(identityService.createUserQuery().userId("nina.new").memberOfGroup("deployer").count()).isZero();
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'access.role-change.refused' "
        + "and object_id = ? and outcome = 'DENIED'", Integer.class, changeId)).isEqualTo(1);
    assertThat(jdbc.queryForObject("select status from role_change where id = ?", String.class, changeId))
        .isEqualTo("pending");
    // HR's import names her: the same approval now applies, and the registry holds the grant with its provenance
    var hr = Http.as(port, "sam").post("/api/access/identities/import", "text/csv", """
        employeeId,name,email,managerId,department,job,status,hireDate,terminationDate,userName
        E9501,Nina New,nina@example.com,E1003,IT,Release Engineer,active,2026-01-05,,nina.new
        """.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(hr.status()).as(hr.toString()).isEqualTo(200);
    var approved = Http.as(port, "grace").post("/api/users/role-changes/" + changeId + "/approve", "{}");
    assertThat(approved.status()).as(approved.toString()).isEqualTo(200);
    assertThat(approved.json().get("status").asText()).isEqualTo("approved");
    assertThat(identityService.createUserQuery().userId("nina.new").memberOfGroup("deployer").count()).isEqualTo(1);
    assertThat(jdbc.queryForObject("select count(*) from access_grant where identity_id = 'E9501' and system_id = "
        + "'ITGC-ENGINE' and entitlement_id = 'deployer' and removed_at is null and source = 'role-change'", Integer.class)).isEqualTo(1);
    assertThat(Http.as(port, "nina.new", "a-long-password-for-nina").get("/api/me").json().get("roles").get(0).asText())
        .isEqualTo("deployer");
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'user.role.grant' "
        + "and object_id = 'nina.new' and actor = 'grace' and details->>'role' = 'deployer'", Integer.class)).isEqualTo(1);
    assertThat(Http.as(port, "grace").post("/api/users/role-changes/" + changeId + "/approve", "{}").status())
        .as("decided once").isEqualTo(409);
    String hash = jdbc.queryForObject("select password_hash from sec_user where username = 'nina.new'", String.class);
    assertThat(hash).startsWith("{bcrypt}").doesNotContain("a-long-password-for-nina");
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
  void approvedRoleChangesAreMirroredIntoTheEngineAndTheRegistryAndABypassShowsInTheReconciliation() {
    // ryan (HR identity E1002) commits to the ledger's repository: deploying too would combine conflicting duties
    var conflicting = Http.as(port, "sam").put("/api/users/ryan/roles",
        Http.json(Map.of("roles", List.of("requester", "deployer"), "reason", "covers deployments in December")));
    assertThat(conflicting.status()).as(conflicting.toString()).isEqualTo(202);
    String conflictingId = conflicting.json().get("id").asText();
    assertThat(Http.as(port, "ryan").post("/api/users/role-changes/" + conflictingId + "/approve", "{}").status())
        .as("nobody approves their own roles").isEqualTo(403);
    var refused = Http.as(port, "grace").post("/api/users/role-changes/" + conflictingId + "/approve", "{}");
    assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
    assertThat(refused.body()).contains("SOD-11");
    assertThat(identityService.createUserQuery().userId("ryan").memberOfGroup("deployer").count()).isZero();
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'access.role-change.sod-violation' "
        + "and object_id = ?", Integer.class, conflictingId)).isEqualTo(1);
    assertThat(Http.as(port, "grace").post("/api/users/role-changes/" + conflictingId + "/reject", "{}").status())
        .isEqualTo(200);

    // a role without conflict: mirrored into the engine and into the registry, with the role change as provenance
    var asked = Http.as(port, "sam").put("/api/users/ryan/roles",
        Http.json(Map.of("roles", List.of("requester", "auditor"), "reason", "helps the year-end audit")));
    RoleApprovals.approvePending(port, "ryan");
    assertThat(identityService.createUserQuery().userId("ryan").memberOfGroup("auditor").count()).isEqualTo(1);
    var grant = jdbc.queryForMap("select source, granted_by, provenance::text as provenance from access_grant "
        + "where identity_id = 'E1002' and system_id = 'ITGC-ENGINE' and entitlement_id = 'auditor' and removed_at is null");
    assertThat(grant.get("source")).isEqualTo("role-change");
    assertThat(grant.get("granted_by")).isEqualTo("grace");
    assertThat(grant.get("provenance").toString()).contains(asked.json().get("id").asText()).contains("sam");

    Http.as(port, "sam").put("/api/users/ryan/roles", Http.json(Map.of("roles", List.of("requester"))));
    RoleApprovals.approvePending(port, "ryan");
    assertThat(identityService.createUserQuery().userId("ryan").memberOfGroup("auditor").count()).isZero();
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'user.role.revoke' "
        + "and object_id = 'ryan' and details->>'role' = 'auditor'", Integer.class)).isEqualTo(1);
    assertThat(jdbc.queryForObject("select count(*) from access_grant where identity_id = 'E1002' "
        + "and entitlement_id = 'auditor' and removed_at is null", Integer.class)).isZero();

    // a role that reached the engine past the approvals is found by the detective check
    var audrey = Http.as(port, "audrey");
    assertThat(audrey.get("/api/access/engine-roles/reconciliation").json().findValuesAsText("username"))
        .doesNotContain("ryan");
    jdbc.update("insert into sec_user_role (username, role, granted_at, granted_by) values ('ryan', 'cab', now(), 'dba')");
    try {
      var mismatches = audrey.get("/api/access/engine-roles/reconciliation").json();
      assertThat(mismatches).anySatisfy(m -> {
        assertThat(m.get("username").asText()).isEqualTo("ryan");
        assertThat(m.get("role").asText()).isEqualTo("cab");
        assertThat(m.get("problem").asText()).contains("without a grant");
      });
    } finally {
      jdbc.update("delete from sec_user_role where username = 'ryan' and role = 'cab'");
    }
  }
}
