package org.itgc.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.IdentityService;
import org.itgc.support.Http;
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
  void aSecurityAdminCreatesAUserWhoCanLogInAndTheGrantIsAudited() {
    var created = Http.as(port, "sam").post("/api/users", Http.json(Map.of("username", "nina.new",
        "displayName", "Nina New", "email", "nina@example.com", "password", "a-long-password-for-nina",
        "roles", List.of("deployer"))));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.json().get("roles").get(0).asText()).isEqualTo("DEPLOYER");
    assertThat(identityService.createUserQuery().userId("nina.new").memberOfGroup("deployer").count()).isEqualTo(1);
    assertThat(Http.as(port, "nina.new", "a-long-password-for-nina").get("/api/me").json().get("roles").get(0).asText())
        .isEqualTo("deployer");
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'user.role.grant' "
        + "and object_id = 'nina.new' and actor = 'sam' and details->>'role' = 'deployer'", Integer.class)).isEqualTo(1);
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
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'user.role.change' "
        + "and object_id = 'sam' and outcome = 'DENIED'", Integer.class)).isEqualTo(1);
    assertThat(jdbc.queryForObject("select count(*) from sec_user_role where username = 'sam'", Integer.class))
        .isEqualTo(1);
  }

  @Test
  void onlySecurityAdminsManageUsersAndTheRefusalIsAudited() {
    var response = Http.as(port, "rachel").post("/api/users", Http.json(Map.of("username", "mallory",
        "displayName", "Mallory", "email", "m@example.com", "password", "a-long-password-for-mallory",
        "roles", List.of("engine-admin"))));
    assertThat(response.status()).isEqualTo(403);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(jdbc.queryForObject("select count(*) from sec_user where username = 'mallory'", Integer.class)).isZero();
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'access.denied' "
        + "and actor = 'rachel'", Integer.class)).isPositive();
  }

  @Test
  void rolesChangedByAnotherAdminAreMirroredAndAudited() {
    var response = Http.as(port, "sam").put("/api/users/ryan/roles",
        Http.json(Map.of("roles", List.of("requester", "deployer"))));
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    assertThat(identityService.createUserQuery().userId("ryan").memberOfGroup("deployer").count()).isEqualTo(1);
    Http.as(port, "sam").put("/api/users/ryan/roles", Http.json(Map.of("roles", List.of("requester"))));
    assertThat(identityService.createUserQuery().userId("ryan").memberOfGroup("deployer").count()).isZero();
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'user.role.revoke' "
        + "and object_id = 'ryan' and details->>'role' = 'deployer'", Integer.class)).isEqualTo(1);
  }
}
