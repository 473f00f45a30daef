package org.itgc.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.itgc.support.ChangeRequests;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.itgc.support.RoleApprovals;
import org.itgc.support.WebSession;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The people's pages as those they control would try them (an adversarial review of issue #15): a requester who
 * crowds a change's evidence page out with titles, far dates and malformed parameters, a security admin who unlocks
 * herself, the creator of a login who goes on using its initial password on the APIs, a requester who asks for the
 * evidence. Each answer is a refusal in words (4xx), never a 500 or another person's data.
 */
@IntegrationTest
class PortalAdversaryIT {

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;

  @Test
  void newerChangesWhoseTitlesNameAChangeDoNotHideItsEvidencePage() {
    var rachel = Http.as(port, "rachel");
    var first = rachel.post("/api/changes", Http.json(ChangeRequests.body("standard", "BI-REPORTING", null,
        ChangeRequests.plannedSaturday(140))));
    assertThat(first.status()).as(first.toString()).isEqualTo(201);
    String id = first.json().get("id").asText();
    for (int i = 0; i < 11; i++) {
      var body = new java.util.LinkedHashMap<>(ChangeRequests.body("standard", "BI-REPORTING", null,
          ChangeRequests.plannedSaturday(141 + i)));
      body.put("title", "Follow-up of " + id + " part " + i);
      assertThat(rachel.post("/api/changes", Http.json(body)).status()).isEqualTo(201);
    }
    var audrey = WebSession.signedIn(port, "audrey");
    var page = audrey.get("/app/evidence/changes/" + id);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains(id);
  }

  @Test
  void datesBeyondWhatTheEngineKeepsAndPeriodsBeyondFiveYearsAreRefusedInWords() {
    var audrey = WebSession.signedIn(port, "audrey");
    for (String path : List.of("/app/dashboard?from=%2B300000-01-01T00:00:00Z&to=%2B300001-01-01T00:00:00Z",
        "/app/dashboard?from=%2B999999999-12-01T00:00:00Z",
        "/app/evidence/export?kind=changes&from=%2B300000-01-01T00:00:00Z&to=%2B300001-01-01T00:00:00Z",
        "/app/dashboard?from=1900-01-01&to=2200-01-01",
        "/app/dashboard/lists/population?key=CM-02&from=2000-01-01&to=2026-01-01")) {
      var answer = audrey.get(path);
      assertThat(answer.status()).as(path).isEqualTo(400);
      assertThat(answer.body()).as(path).doesNotContain("Exception", "Something went wrong");
    }
    assertThat(audrey.get("/app/dashboard?from=2000-01-01&to=2026-01-01").body()).contains("ask for a shorter period");
    assertThat(audrey.get("/app/dashboard?from=1900-01-01&to=2200-01-01").body()).contains("outside the years 1970 to 9998");
  }

  @Test
  void malformedPageRequestsAre400sNamingTheParameter() {
    var rachel = WebSession.signedIn(port, "rachel");
    var missing = rachel.get("/app/evidence/records");
    assertThat(missing.status()).isIn(400, 403);
    var offset = rachel.get("/app/requests?changes=abc");
    assertThat(offset.status()).isEqualTo(400);
    assertThat(offset.body()).contains("changes: &#39;abc&#39; is not a valid value").doesNotContain("is not a date");
    var audrey = WebSession.signedIn(port, "audrey");
    var missingForReader = audrey.get("/app/evidence/records");
    assertThat(missingForReader.status()).isEqualTo(400);
    assertThat(missingForReader.body()).contains("id: is required");
  }

  @Test
  void aSecurityAdminCannotUnlockHerOwnLogin() {
    var sam = WebSession.signedIn(port, "sam");
    jdbc.update("update sec_user set locked_until = now() + interval '1 hour' where username = 'sam'");
    try {
      assertThat(sam.get("/app/users").body()).doesNotContain("/app/users/sam/unlock");
      var unlocked = sam.post("/app/users/sam/unlock", Map.of());
      assertThat(unlocked.status()).isEqualTo(403);
      assertThat(jdbc.queryForObject("select locked_until is not null from sec_user where username = 'sam'",
          Boolean.class)).isTrue();
      assertThat(Http.as(port, "sam").post("/api/users/sam/unlock", "{}").status()).isIn(401, 403);
    } finally {
      jdbc.update("update sec_user set locked_until = null where username = 'sam'");
    }
  }

  @Test
  void theCreatorOfALoginCannotGoOnUsingItsInitialPasswordOnTheApis() {
    String initial = "Initial-Adversary-2026!x";
    RoleApprovals.bind(port, "advnew", "Adversary New", "advnew@demo.itgc.local");
    var created = Http.as(port, "sam").post("/api/users", Http.json(Map.of("username", "advnew", "displayName",
        "Adversary New", "email", "advnew@demo.itgc.local", "password", initial, "roles", List.of("auditor"))));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    RoleApprovals.approve(port, created.json().get("roleRequest").get("accessRequestId").asText());
    RoleApprovals.awaitRoles(port, "advnew", List.of("auditor"));
    var refused = Http.as(port, "advnew", initial).get("/api/changes/reconciliation?system=AP-PAY&from=2026-12-01&to=2027-01-01");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.body()).contains("must be changed first");
    assertThat(Http.as(port, "advnew", initial).get("/engine-rest/task/count").status()).isEqualTo(403);
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'access.denied' and actor = 'advnew'",
        Integer.class)).isGreaterThanOrEqualTo(2);
    // its owner replaces it, then the APIs answer
    var changed = Http.as(port, "advnew", initial).post("/api/me/password", Http.json(Map.of("currentPassword", initial,
        "newPassword", "Adversary-Chose-2026!x")));
    assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
    assertThat(Http.as(port, "advnew", "Adversary-Chose-2026!x")
        .get("/api/changes/reconciliation?system=AP-PAY&from=2026-12-01&to=2027-01-01").status()).isEqualTo(200);
  }

  @Test
  void aLoginBoundToNoIdentityIsRefusedBesideTheUsernameAndNothingIsCreated() {
    var sam = WebSession.signedIn(port, "sam");
    sam.get("/app/users/new");
    var page = sam.post("/app/users", Map.of("username", "advunbound", "displayName", "Unbound Person",
        "email", "advunbound@demo.itgc.local", "password", "Initial-Adversary-2026!x", "roles", "auditor",
        "reason", "review"));
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("id=\"username-error\"", "bound to no identity");
    assertThat(Http.as(port, "sam").get("/api/users/advunbound").status()).isEqualTo(404);
  }

  @Test
  void aRequesterIsRefusedTheEvidenceRecordsAndThePackForm() {
    var rachel = WebSession.signedIn(port, "rachel");
    rachel.get("/app");
    assertThat(rachel.get("/app/evidence/records?id=AR-1").status()).isEqualTo(403);
    assertThat(rachel.post("/app/evidence/packs", Map.of("controlId", "CM-02", "from", "2026-10-01", "to", "2027-01-01"))
        .status()).isEqualTo(403);
  }
}
