package org.itgc.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.itgc.support.TestClock;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.itgc.support.DateSensitive;

/**
 * Machines use credentials a security admin issues: they reach the endpoints of their scopes and nothing else, never
 * the web UI; they are stored hashed, expire, and are refused once revoked; every refusal is audited.
 */
@IntegrationTest
@DateSensitive
class ApiCredentialsIT {

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;

  Map<String, Object> issue(String name, List<String> scopes) {
    var issued = Http.as(port, "sam").post("/api/security/credentials", Http.json(Map.of("name", name, "scopes", scopes,
        "expiresAt", TestClock.now().plus(30, ChronoUnit.DAYS).toString())));
    assertThat(issued.status()).as(issued.toString()).isEqualTo(201);
    return Map.of("id", issued.json().get("id").asText(), "token", issued.json().get("token").asText());
  }

  @Test
  void aCredentialReachesItsScopeAndNothingElseAndEndsWithItsRevocationOrExpiry() {
    var hr = issue("Workday HR export", List.of("hr-feed"));
    String token = (String) hr.get("token");
    assertThat(token).startsWith("itgc_");
    assertThat(jdbc.queryForObject("select token_hash from api_credential where id = ?", String.class, hr.get("id")))
        .isEqualTo(org.itgc.platform.Hashes.sha256(token)).doesNotContain(token);

    // its scope: the HR import
    var imported = Http.bearer(port, token).post("/api/access/identities/import", "text/csv", ("""
        employeeId,name,email,managerId,department,job,status,hireDate,terminationDate,userName
        E9701,Hank Hr-Feed,hank@demo.itgc.local,E1007,Accounting,Controller,active,2026-11-02,,
        """).getBytes(StandardCharsets.UTF_8));
    assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'access.hr-import' and actor = ?",
        Integer.class, "api:" + hr.get("id"))).isEqualTo(1);
    // anything else: refused and audited
    assertThat(Http.bearer(port, token).get("/api/me").status()).isEqualTo(403);
    assertThat(Http.bearer(port, token).get("/api/audit/events").status()).isEqualTo(403);
    assertThat(Http.bearer(port, token).get("/engine-rest/task").status()).isEqualTo(403);
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'api-credential.out-of-scope' and actor = ?",
        Integer.class, "api:" + hr.get("id"))).isEqualTo(3);
    // never the web UI
    var web = Http.bearer(port, token).get("/camunda/app/tasklist/");
    assertThat(web.status()).isEqualTo(302);

    // listed without its token; revoked, it is refused
    var listed = Http.as(port, "audrey").get("/api/security/credentials").body();
    assertThat(listed).contains("Workday HR export").doesNotContain(token);
    assertThat(Http.as(port, "rachel").post("/api/security/credentials/" + hr.get("id") + "/revoke", "{}").status()).isEqualTo(403);
    assertThat(Http.as(port, "sam").post("/api/security/credentials/" + hr.get("id") + "/revoke", "{}").status()).isEqualTo(200);
    assertThat(Http.bearer(port, token).post("/api/access/usage", "text/csv", "employeeId,systemId,entitlementId,lastUsedAt\n"
        .getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(401);

    // an expired credential is refused
    var audit = issue("SIEM reader", List.of("audit-read"));
    assertThat(Http.bearer(port, (String) audit.get("token")).get("/api/audit/events?page=0").status()).isEqualTo(200);
    jdbc.update("update api_credential set expires_at = now() - interval '1 minute' where id = ?", audit.get("id"));
    assertThat(Http.bearer(port, (String) audit.get("token")).get("/api/audit/events?page=0").status()).isEqualTo(401);
    assertThat(Http.bearer(port, "itgc_nope_" + "x".repeat(40)).get("/api/audit/events").status()).isEqualTo(401);
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'api-credential.refused'", Integer.class))
        .isGreaterThanOrEqualTo(3);
  }

  @Test
  void aCredentialIsAServiceIdentityOfTheRegistryAndAReviewRevokeRevokesIt() throws Exception {
    var ci = issue("GitHub Actions deploy", List.of("deployments", "audit-read"));
    String identity = "API-" + ci.get("id");
    var grants = Http.as(port, "audrey").get("/api/access/identities/" + identity + "/grants").json();
    List<String> held = new java.util.ArrayList<>();
    grants.forEach(g -> held.add(g.get("systemId").asText() + "/" + g.get("entitlementId").asText() + ":" + g.get("source").asText()));
    assertThat(held).containsExactlyInAnyOrder("ITGC-ENGINE/api-deployments:issued", "ITGC-ENGINE/api-audit-read:issued");
    var service = Http.as(port, "audrey").get("/api/access/identities/" + identity).json();
    assertThat(service.get("kind").asText()).isEqualTo("service");
    assertThat(service.get("ownerId").asText()).isEqualTo("E1009");
    // nobody requests one
    var requested = Http.as(port, "rachel").post("/api/access/requests", Http.json(Map.of(
        "entitlements", List.of("ITGC-ENGINE/api-deployments"), "justification", "I want a token")));
    assertThat(requested.status()).isEqualTo(400);
    assertThat(requested.body()).contains("is an API credential");

    // a revoke (here by hand, as a review's revoke would) removes it through the connector: the token stops working
    var revocation = Http.as(port, "sam").post("/api/access/revocations", Http.json(Map.of("identityId", identity,
        "reason", "certification-revoke")));
    assertThat(revocation.status()).as(revocation.toString()).isEqualTo(201);
    long until = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
    while (Http.bearer(port, (String) ci.get("token")).get("/api/audit/events?page=0").status() != 401
        && System.nanoTime() < until) {
      Thread.sleep(200);
    }
    assertThat(Http.bearer(port, (String) ci.get("token")).get("/api/audit/events?page=0").status()).isEqualTo(401);
    until = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
    while (Http.as(port, "audrey").get("/api/access/identities/" + identity + "/grants").json().size() > 0
        && System.nanoTime() < until) {
      Thread.sleep(200);
    }
    assertThat(Http.as(port, "audrey").get("/api/access/identities/" + identity + "/grants").json()).isEmpty();
    assertThat(Http.as(port, "audrey").get("/api/access/identities/" + identity).json().get("status").asText())
        .isEqualTo("terminated");
  }

  @Test
  void anIdentityProviderPushesUsersWithAScimCredential() {
    var scim = issue("Okta SCIM", List.of("scim"));
    var created = Http.bearer(port, (String) scim.get("token")).send("POST", "/scim/v2/Users", "application/scim+json",
        Http.json(Map.of("schemas", List.of("urn:ietf:params:scim:schemas:core:2.0:User",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"), "userName", "ida.okta", "displayName", "Ida Okta",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", Map.of("employeeNumber", "E9702"))));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(Http.bearer(port, (String) scim.get("token")).get("/api/access/catalogue").status()).isEqualTo(403);
    assertThat(jdbc.queryForObject("select actor from audit_event where action = 'scim.user.create' "
        + "and details ->> 'userName' = 'ida.okta'", String.class)).as("the credential that wrote")
        .isEqualTo("api:" + scim.get("id"));
    // a refused credential under /scim is told so in SCIM's error format
    var unknown = Http.bearer(port, "itgc_not-a-credential").get("/scim/v2/Users");
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(unknown.contentType()).startsWith("application/scim+json");
    assertThat(unknown.json().get("schemas").get(0).asText()).isEqualTo("urn:ietf:params:scim:api:messages:2.0:Error");
    assertThat(unknown.json().get("status").asText()).isEqualTo("401");
    var deployments = issue("CI deploys", List.of("deployments"));
    var outOfScope = Http.bearer(port, (String) deployments.get("token")).get("/scim/v2/Users");
    assertThat(outOfScope.status()).isEqualTo(403);
    assertThat(outOfScope.json().get("schemas").get(0).asText()).isEqualTo("urn:ietf:params:scim:api:messages:2.0:Error");
  }

  @Test
  void aCredentialNeedsANameKnownScopesAndAnExpiryWithinAYear() {
    var bad = Http.as(port, "sam").post("/api/security/credentials", Http.json(Map.of("name", "", "scopes", List.of("root"),
        "expiresAt", TestClock.now().plus(800, ChronoUnit.DAYS).toString())));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body()).contains("name").contains("'root' is not one of").contains("expiresAt");
    assertThat(Http.as(port, "rachel").post("/api/security/credentials", Http.json(Map.of("name", "mine",
        "scopes", List.of("deployments"), "expiresAt", TestClock.now().plus(1, ChronoUnit.DAYS).toString()))).status())
        .isEqualTo(403);
  }
}
