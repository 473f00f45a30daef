package org.itgc.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.itgc.support.TestClock;
import org.itgc.support.Codes;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.itgc.support.WebSession;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.itgc.support.DateSensitive;

/**
 * Every interactive login takes a password and a TOTP code: nothing is reachable between the two, a code works once,
 * enrolment at the first login gives recovery codes that work once, failures lock the account, and a security admin
 * resets and unlocks; every step is audited.
 */
@IntegrationTest
@DateSensitive
class MfaIT {

  static final String PASSWORD = "Correct-Horse-Battery-Staple-77";

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;

  int audited(String action, String user) {
    return jdbc.queryForObject("select count(*) from audit_event where action = ? and object_id = ?", Integer.class, action, user);
  }

  void createUser(String username, String... roles) {
    if (Http.as(port, "sam").get("/api/users/" + username).status() != 200) {
      org.itgc.support.RoleApprovals.createUser(port, username, username, username + "@demo.itgc.local", PASSWORD,
          List.of(roles));
    }
  }

  /** A well-formed code that is none of the three the engine would accept now. */
  static String wrongCode(String user) {
    long step = Totp.step(TestClock.now());
    var valid = List.of(Totp.code(Totp.demoSecret(user), step - 1), Totp.code(Totp.demoSecret(user), step),
        Totp.code(Totp.demoSecret(user), step + 1), Totp.code(Totp.demoSecret(user), step + 2));
    for (String candidate : List.of("000000", "111111", "222222", "333333", "444444")) {
      if (!valid.contains(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("unreachable");
  }

  @Test
  void everyLoginChannelIsOnRecordWithItsOwnName() {
    var session = new WebSession(port);
    assertThat(session.password("dmitri", "not-the-password").location()).isEqualTo("/login?error");
    assertThat(jdbc.queryForObject("select details->>'channel' from audit_event where action = 'login.failure' "
        + "and object_id = 'dmitri' order by id desc limit 1", String.class)).isEqualTo("form");
    assertThat(Http.as(port, "dmitri").get("/api/me").status()).isEqualTo(200);
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'login.success' "
        + "and object_id = 'dmitri' and details->>'method' = 'http-basic'", Integer.class)).isPositive();
  }

  @Test
  void aClientsCorrectPasswordDoesNotEraseWrongCodesOnlyACompleteLoginDoes() {
    var session = new WebSession(port);
    assertThat(session.password("fiona", Http.DEMO_PASSWORD).location()).isEqualTo("/mfa");
    assertThat(session.code(wrongCode("fiona")).location()).isEqualTo("/mfa?error");
    int afterWrongCode = jdbc.queryForObject("select failed_attempts from sec_user where username = 'fiona'", Integer.class);
    assertThat(afterWrongCode).isPositive();
    // the demo's HTTP Basic: the right password on another channel
    assertThat(Http.as(port, "fiona").get("/api/me").status()).isEqualTo(200);
    assertThat(jdbc.queryForObject("select failed_attempts from sec_user where username = 'fiona'", Integer.class))
        .as("wrong codes still count").isEqualTo(afterWrongCode);
    assertThat(session.code(Codes.next("fiona")).status()).isEqualTo(302);
    assertThat(jdbc.queryForObject("select failed_attempts from sec_user where username = 'fiona'", Integer.class))
        .isZero();
  }

  @Test
  void aPasswordAloneReachesNothingAndACodeWorksOnlyOnce() {
    var session = new WebSession(port);
    var afterPassword = session.password("carlos", Http.DEMO_PASSWORD);
    assertThat(afterPassword.location()).isEqualTo("/mfa");
    // between the two steps: no Tasklist, no API, no Camunda REST
    assertThat(session.get("/camunda/app/tasklist/").location()).isEqualTo("/mfa");
    assertThat(session.get("/api/me").status()).isEqualTo(403);
    assertThat(session.get("/camunda/api/engine/engine/default/task/count").status()).isIn(302, 401, 403);
    var wrong = session.code(wrongCode("carlos"));
    assertThat(wrong.location()).isEqualTo("/mfa?error");
    assertThat(session.get("/mfa?error").body()).contains("Invalid username, password or code.");

    String code = Codes.next("carlos");
    var verified = session.code(code);
    assertThat(verified.status()).isEqualTo(302);
    // no page was asked for: the person lands on their home page
    assertThat(verified.location()).isEqualTo("/app");
    assertThat(session.get("/api/me").status()).isEqualTo(200);
    assertThat(audited("login.success", "carlos")).isPositive();

    // the same code in another login is refused: no replay
    var other = new WebSession(port);
    other.password("carlos", Http.DEMO_PASSWORD);
    assertThat(other.code(code).location()).isEqualTo("/mfa?error");
    assertThat(other.get("/api/me").status()).isEqualTo(403);
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'mfa.verify' and object_id = 'carlos' "
        + "and outcome = 'DENIED'", Integer.class)).isGreaterThanOrEqualTo(2);
    // a good second code resets the failures
    assertThat(other.code(Codes.next("carlos")).status()).isEqualTo(302);
  }

  @Test
  void theFirstLoginEnrolsWithRecoveryCodesThatWorkOnceAndASecurityAdminResets() {
    createUser("nora", "auditor");
    var session = new WebSession(port);
    assertThat(session.password("nora", PASSWORD).location()).isEqualTo("/mfa/enrol");
    String page = session.get("/mfa/enrol").body();
    var secret = Pattern.compile("id=secret>([A-Z2-7]+)<").matcher(page);
    assertThat(secret.find()).isTrue();
    assertThat(page).contains("otpauth://totp/ITGC%20Engine:nora?secret=" + secret.group(1)).contains("<svg").contains("id=\"qr\"");
    assertThat(session.post("/mfa/enrol", Map.of("code", "12345x")).location()).isEqualTo("/mfa/enrol?error");
    var enrolled = session.post("/mfa/enrol", Map.of("code", Codes.next("nora", secret.group(1))));
    assertThat(enrolled.status()).isEqualTo(200);
    List<String> recovery = new ArrayList<>();
    var codes = Pattern.compile("<li>([a-z0-9]{5}-[a-z0-9]{5})</li>").matcher(enrolled.body());
    while (codes.find()) {
      recovery.add(codes.group(1));
    }
    assertThat(recovery).hasSize(10);
    assertThat(jdbc.queryForObject("select count(*) from sec_recovery_code where username = 'nora' and code_hash like '{bcrypt}%'",
        Integer.class)).isEqualTo(10);
    assertThat(session.get("/api/me").status()).isEqualTo(200);
    assertThat(audited("mfa.enrol", "nora")).isEqualTo(2);

    // a recovery code logs in once
    var withRecovery = new WebSession(port);
    withRecovery.password("nora", PASSWORD);
    assertThat(withRecovery.code(recovery.get(0)).status()).isEqualTo(302);
    assertThat(withRecovery.get("/api/me").status()).isEqualTo(200);
    var again = new WebSession(port);
    again.password("nora", PASSWORD);
    assertThat(again.code(recovery.get(0)).location()).isEqualTo("/mfa?error");

    // the evidence lists nora as enrolled
    var coverage = Http.as(port, "audrey").get("/api/security/mfa-coverage").json();
    boolean listed = false;
    for (var user : coverage.get("users")) {
      if (user.get("username").asText().equals("nora")) {
        listed = user.get("mfa_enrolled").asBoolean();
        // the columns' names and the database timestamps' format the report always had; one recovery code used
        assertThat(user.get("mfa_enrolled_at").asText()).matches("\\d{4}-\\d{2}-\\d{2}T[\\d:]{8}\\.\\d{3}\\+00:00");
        assertThat(user.get("last_login_at").asText()).matches("\\d{4}-\\d{2}-\\d{2}T[\\d:]{8}\\.\\d{3}\\+00:00");
        assertThat(user.get("recovery_codes_left").asInt()).isEqualTo(recovery.size() - 1);
        assertThat(user.has("locked_until")).as("a column without a value is left out, as it always was").isFalse();
        assertThat(user.get("enabled").asBoolean()).isTrue();
      }
    }
    assertThat(listed).isTrue();
    assertThat(coverage.get("systems").get(0).has("mfaEnforced")).isTrue();

    // a security admin resets: the next login enrols again; nobody resets their own
    assertThat(Http.as(port, "sam").post("/api/users/sam/mfa/reset", "{}").status()).isEqualTo(403);
    assertThat(Http.as(port, "nora", PASSWORD).post("/api/users/nora/mfa/reset", "{}").status()).isEqualTo(403);
    assertThat(Http.as(port, "sam").post("/api/users/nora/mfa/reset", "{}").status()).isEqualTo(200);
    assertThat(audited("mfa.reset", "nora")).isEqualTo(1);
    assertThat(new WebSession(port).password("nora", PASSWORD).location()).isEqualTo("/mfa/enrol");
  }

  @Test
  void repeatedFailuresLockTheAccountWithAMessageThatRevealsNothingUntilASecurityAdminUnlocks() {
    createUser("lola", "auditor");
    var session = new WebSession(port);
    for (int i = 0; i < 5; i++) {
      assertThat(session.password("lola", "wrong-password-" + i).location()).isEqualTo("/login?error");
    }
    assertThat(audited("user.lock", "lola")).isEqualTo(1);
    // the right password is refused now, with the same message as a wrong one or an unknown user
    assertThat(session.password("lola", PASSWORD).location()).isEqualTo("/login?error");
    String locked = session.get("/login?error").body();
    assertThat(session.password("nobody-" + Instant.now().toEpochMilli(), "x").location()).isEqualTo("/login?error");
    String unknown = session.get("/login?error").body();
    assertThat(locked).contains("Invalid username, password or code.").doesNotContainIgnoringCase("lock");
    assertThat(unknown).contains("Invalid username, password or code.");
    // the same page but for the CSRF token (a hidden field and a meta element)
    assertThat(locked.replaceAll("(value|content)=\"[^\"]+\"", ""))
        .isEqualTo(unknown.replaceAll("(value|content)=\"[^\"]+\"", ""));
    assertThat(Http.as(port, "lola", PASSWORD).get("/api/me").status()).isEqualTo(401);

    assertThat(Http.as(port, "rachel").post("/api/users/lola/unlock", "{}").status()).isEqualTo(403);
    assertThat(Http.as(port, "sam").post("/api/users/lola/unlock", "{}").status()).isEqualTo(200);
    assertThat(audited("user.unlock", "lola")).isEqualTo(1);
    assertThat(new WebSession(port).password("lola", PASSWORD).location()).isEqualTo("/mfa/enrol");
  }

  @Test
  void aMalformedOrOverlongCodeIsARefusalNotAnError() {
    var session = new WebSession(port);
    session.password("ivan", Http.DEMO_PASSWORD);
    assertThat(session.code("<script>").location()).isEqualTo("/mfa?error");
    assertThat(session.code("9".repeat(5000)).location()).isEqualTo("/mfa?error");
    assertThat(session.code(Codes.next("ivan")).status()).isEqualTo(302);
  }

  @Test
  void aPasswordThatNoLongerMeetsThePolicyMustChangeAtTheNextLoginAndMayNotBeReused() {
    createUser("paul", "auditor");
    // a password set before the policy was tightened (12 characters; the policy asks for 15)
    var encoder = org.springframework.security.crypto.factory.PasswordEncoderFactories.createDelegatingPasswordEncoder();
    jdbc.update("update sec_user set password_hash = ? where username = 'paul'", encoder.encode("Short-Pass-1"));
    var session = new WebSession(port);
    assertThat(session.password("paul", "Short-Pass-1").location()).isEqualTo("/mfa/enrol");
    var secret = Pattern.compile("id=secret>([A-Z2-7]+)<").matcher(session.get("/mfa/enrol").body());
    assertThat(secret.find()).isTrue();
    var enrolled = session.post("/mfa/enrol", Map.of("code", Codes.next("paul", secret.group(1))));
    assertThat(enrolled.body()).contains("href=\"/mfa/password\"");
    // the code is not enough: the password must change first, nothing else is reachable
    assertThat(session.get("/api/me").status()).isEqualTo(403);
    assertThat(session.get("/camunda/app/tasklist/").location()).isEqualTo("/mfa/password");
    assertThat(session.get("/mfa/password").body()).contains("no longer meets the password policy");
    var reused = session.post("/mfa/password", Map.of("currentPassword", "Short-Pass-1", "newPassword", "Short-Pass-1"));
    assertThat(reused.location()).startsWith("/mfa/password?error=");
    var changed = session.post("/mfa/password", Map.of("currentPassword", "Short-Pass-1",
        "newPassword", "a-much-longer-passphrase-for-paul"));
    assertThat(changed.status()).isEqualTo(302);
    assertThat(session.get("/api/me").status()).isEqualTo(200);
    assertThat(audited("user.password.must-change", "paul")).isEqualTo(1);
    assertThat(audited("user.password.change", "paul")).isGreaterThanOrEqualTo(2);

    // the API: the current password must match, the new one meet the policy and not be a previous one
    var api = Http.as(port, "paul", "a-much-longer-passphrase-for-paul");
    var wrong = api.post("/api/me/password", Http.json(Map.of("currentPassword", "nope", "newPassword", "x")));
    assertThat(wrong.status()).isEqualTo(400);
    assertThat(wrong.body()).contains("currentPassword").contains("newPassword");
    var previous = api.post("/api/me/password", Http.json(Map.of("currentPassword", "a-much-longer-passphrase-for-paul",
        "newPassword", "a-much-longer-passphrase-for-paul")));
    assertThat(previous.status()).isEqualTo(400);
    assertThat(previous.body()).contains("was used before");
    var tooLong = api.post("/api/me/password", Http.json(Map.of("currentPassword", "a-much-longer-passphrase-for-paul",
        "newPassword", "x".repeat(5000))));
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(api.post("/api/me/password", Http.json(Map.of("currentPassword", "a-much-longer-passphrase-for-paul",
        "newPassword", "another-long-passphrase-for-paul"))).status()).isEqualTo(200);
    assertThat(Http.as(port, "paul", "a-much-longer-passphrase-for-paul").get("/api/me").status()).isEqualTo(401);
  }
}
