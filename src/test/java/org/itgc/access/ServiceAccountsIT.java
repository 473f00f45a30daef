package org.itgc.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.itgc.platform.EmbeddedDatabase;
import org.itgc.platform.ScheduledOnce;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.itgc.support.TestClock;
import org.itgc.support.TestMailServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Service accounts (issue #20, control AC-04) against the sample treasury database in the embedded PostgreSQL
 * (system TREASURY-DB, service login {@code svc_gl_etl} of SVC-GL-ETL): the scheduled run rotates an overdue credential
 * (the new password signs in, the old one no longer does, the rotation is recorded); a security admin's change of
 * owner is recorded and rotates; a failed rotation and an owner who leaves are AC-04 exceptions; a session of the
 * service login that is none of its declared jobs is interactive use, one exception and one mail per session.
 */
@IntegrationTest
class ServiceAccountsIT {

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired EmbeddedDatabase database;
  @Autowired ServiceAccountSchedule schedule;
  @Autowired AccessCatalogue catalogue;
  @Autowired ScheduledOnce once;
  @Autowired org.itgc.platform.calendar.BusinessCalendar calendar;

  @BeforeEach
  void treasuryDatabase() throws Exception {
    TreasuryDatabase.ensure(database);
  }

  Http sam() {
    return Http.as(port, "sam");
  }

  Connection signIn(String password, String applicationName) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", "svc_gl_etl");
    properties.setProperty("password", password);
    properties.setProperty("ApplicationName", applicationName);
    return DriverManager.getConnection(TreasuryDatabase.url(database), properties);
  }

  static int pid(Connection connection) throws SQLException {
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("select pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  String setKnownPassword(String password) {
    new JdbcTemplate(database.ownerDataSource()).execute("alter role svc_gl_etl password '" + password + "'");
    return password;
  }

  Map<String, Object> rotation(long id) {
    return jdbc.queryForMap("select * from access_service_account_rotation where id = ?", id);
  }

  // ---------------------------------------------------------------- scheduled rotation

  @Test
  void theScheduledRunRotatesAnOverdueCredentialAndRecordsIt() throws Exception {
    String old = setKnownPassword("known-old-password-" + System.nanoTime());
    try (Connection c = signIn(old, "gl-etl-nightly")) {
      assertThat(c.isValid(2)).isTrue();
    }
    assertThatThrownBy(() -> signIn("not-the-password", "gl-etl-nightly").close())
        .as("the server checks the service login's password").hasMessageContaining("password authentication failed");

    // 91 days on, the credential of SVC-GL-ETL (rotationDays 90) is overdue whenever it was last rotated
    Instant later = TestClock.now().plus(Duration.ofDays(91));
    var run = schedule.rotateDue(later);
    var rotated = run.rotations().stream().filter(r -> r.serviceAccountId().equals("SVC-GL-ETL")).findFirst()
        .orElseThrow();
    assertThat(rotated.outcome()).as(String.valueOf(rotated.error())).isEqualTo("rotated");
    assertThat(run.rotations()).as("SVC-AP-BATCH has no connector: not rotated by the schedule")
        .noneMatch(r -> r.serviceAccountId().equals("SVC-AP-BATCH"));

    String fresh = Files.readString(Path.of(rotated.writtenTo())).strip();
    try (Connection c = signIn(fresh, "gl-etl-nightly")) {
      assertThat(c.isValid(2)).as("the new password signs in").isTrue();
    }
    assertThatThrownBy(() -> signIn(old, "gl-etl-nightly").close()).as("the old password no longer does")
        .hasMessageContaining("password authentication failed");

    Map<String, Object> row = rotation(rotated.rotationId());
    assertThat(row).containsEntry("service_account_id", "SVC-GL-ETL").containsEntry("trigger", "schedule")
        .containsEntry("triggered_by", "system").containsEntry("outcome", "rotated")
        .containsEntry("system_id", "TREASURY-DB").containsEntry("connector_id", "treasury-db")
        .containsEntry("login", "svc_gl_etl");
    assertThat((String) row.get("verification")).contains("signed in as svc_gl_etl with the new password");
    assertThat(row.toString()).doesNotContain(fresh);
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'access.service-account.rotate' "
        + "and object_id = 'SVC-GL-ETL' and actor = 'system' and details->>'rotationId' = ?", Integer.class,
        String.valueOf(rotated.rotationId()))).isEqualTo(1);

    // just rotated: not due now, so a run now leaves it alone
    assertThat(schedule.rotateDue(TestClock.now()).rotations()).noneMatch(r -> r.serviceAccountId().equals("SVC-GL-ETL"));
    // the scheduled entry point runs once per slot and records its run
    Instant slot = once.slot(catalogue.serviceAccountRotationSchedule());
    schedule.scheduled();
    schedule.scheduled();
    assertThat(jdbc.queryForObject("select count(*) from scheduled_run where job = ? and slot = ? "
        + "and finished_at is not null", Integer.class, ServiceAccountSchedule.JOB, java.sql.Timestamp.from(slot)))
        .isEqualTo(1);

    // the evidence: the account with its last rotation and next due date, and the population of rotations
    JsonNode accounts = Http.as(port, "audrey").get("/api/access/service-accounts").json();
    JsonNode etl = null;
    for (JsonNode a : accounts) {
      if (a.get("id").asText().equals("SVC-GL-ETL")) {
        etl = a;
      }
    }
    assertThat(etl).isNotNull();
    assertThat(etl.get("purpose").asText()).isNotBlank();
    assertThat(etl.get("jobs").toString()).contains("gl-etl-nightly");
    assertThat(etl.get("login").asText()).isEqualTo("svc_gl_etl");
    assertThat(etl.get("due").asBoolean()).isFalse();
    assertThat(Instant.parse(etl.get("nextDueAt").asText()))
        .isEqualTo(Instant.parse(etl.get("lastRotatedAt").asText()).plus(Duration.ofDays(90)));
    // dates are the business calendar's days (the API reads a date as its start there): in UTC's first hours it is
    // still yesterday in New York
    String today = TestClock.today(calendar.zone()).toString();
    String tomorrow = TestClock.today(calendar.zone()).plusDays(2).toString();
    var csv = Http.as(port, "audrey").get("/api/access/service-accounts/rotations?from=" + today + "&to=" + tomorrow
        + "&format=csv");
    assertThat(csv.status()).as(csv.toString()).isEqualTo(200);
    assertThat(csv.contentType()).startsWith("text/csv");
    assertThat(csv.body()).startsWith("rotation_id,service_account_id,trigger,triggered_by,owner_change_id")
        .contains(rotated.rotationId() + ",SVC-GL-ETL,schedule,system");
    // bad input is named
    var bad = Http.as(port, "audrey").get("/api/access/service-accounts/rotations?from=yesterday&to=" + today);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.contentType()).startsWith("application/problem+json");
    assertThat(bad.body()).contains("from");
    assertThat(Http.as(port, "rachel").get("/api/access/service-accounts").status()).isEqualTo(403);
    // the rotation table is evidence: never changed afterwards
    assertThatThrownBy(() -> jdbc.update("update access_service_account_rotation set outcome = 'failed' where id = ?",
        rotated.rotationId())).rootCause().hasMessageContaining("never changed or deleted");
  }

  @Test
  void anOnDemandRotationIsRecordedAndOneThatFailsOnTheTargetIsAnAc04Exception() throws Exception {
    var ok = sam().post("/api/access/service-accounts/SVC-GL-ETL/rotation", "{}");
    assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
    assertThat(rotation(ok.json().get("rotationId").asLong())).containsEntry("trigger", "on-demand")
        .containsEntry("triggered_by", "sam").containsEntry("outcome", "rotated");

    // the database is away: nothing listens on the port the connector is pointed at
    int closedPort;
    try (var socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    System.setProperty("ITGC_TREASURY_DB_PORT", String.valueOf(closedPort));
    try {
      var failed = sam().post("/api/access/service-accounts/SVC-GL-ETL/rotation", "{}");
      assertThat(failed.status()).as(failed.toString()).isEqualTo(502);
      assertThat(failed.contentType()).startsWith("application/problem+json");
      long rotationId = failed.json().get("rotationId").asLong();
      long exceptionId = failed.json().get("exceptionId").asLong();
      Map<String, Object> row = rotation(rotationId);
      assertThat(row).containsEntry("trigger", "on-demand").containsEntry("outcome", "failed")
          .containsEntry("exception_id", exceptionId).containsEntry("login", "svc_gl_etl");
      assertThat((String) row.get("error")).contains("treasury-db");
      assertThat(jdbc.queryForObject("select control_id || ' ' || object_id || ' ' || status from control_exception "
          + "where id = ?", String.class, exceptionId)).isEqualTo("AC-04 SVC-GL-ETL/rotation open");
      TestMailServer.await(m -> TestMailServer.body(m).contains("SVC-GL-ETL/rotation")
          && recipients(m).contains("sofia@demo.itgc.local") && recipients(m).contains("sam@demo.itgc.local"),
          Duration.ofSeconds(20));
    } finally {
      System.setProperty("ITGC_TREASURY_DB_PORT", String.valueOf(database.port()));
    }
  }

  // ---------------------------------------------------------------- owners

  @Test
  void aChangeOfOwnerIsRecordedAndRotatesTheCredential() throws Exception {
    var changed = sam().put("/api/access/service-accounts/SVC-GL-ETL/owner",
        Http.json(Map.of("employeeId", "E1002", "reason", "Ryan takes over the ETL jobs")));
    assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
    JsonNode change = changed.json().get("change");
    assertThat(change.get("ownerId").asText()).isEqualTo("E1002");
    assertThat(change.get("previousOwnerId").asText()).isEqualTo("E1004");
    assertThat(change.get("source").asText()).isEqualTo("api");
    assertThat(change.get("changedBy").asText()).isEqualTo("sam");
    JsonNode rotation = changed.json().get("rotation");
    assertThat(rotation.get("trigger").asText()).isEqualTo("owner-change");
    assertThat(rotation.get("outcome").asText()).as(rotation.toString()).isEqualTo("rotated");
    try (Connection c = signIn(Files.readString(Path.of(rotation.get("writtenTo").asText())).strip(), "gl-etl-nightly")) {
      assertThat(c.isValid(2)).isTrue();
    }
    Map<String, Object> row = rotation(rotation.get("rotationId").asLong());
    assertThat(row).containsEntry("trigger", "owner-change").containsEntry("triggered_by", "sam")
        .containsEntry("owner_change_id", change.get("id").asLong());
    assertThat(jdbc.queryForObject("select owner_id from access_identity where id = 'SVC-GL-ETL'", String.class))
        .isEqualTo("E1002");
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'access.service-account.owner' "
        + "and object_id = 'SVC-GL-ETL' and actor = 'sam' and details->>'ownerId' = 'E1002'", Integer.class))
        .isEqualTo(1);
    JsonNode account = Http.as(port, "audrey").get("/api/access/service-accounts/SVC-GL-ETL").json();
    assertThat(account.at("/account/ownerId").asText()).isEqualTo("E1002");
    assertThat(account.at("/account/configOwnerId").asText()).as("what access.yaml says").isEqualTo("E1004");
    assertThat(account.get("ownerChanges").toString()).contains("\"source\":\"initial\"").contains("\"source\":\"api\"");

    // and back, so the demo's owner stands for the other tests
    var back = sam().put("/api/access/service-accounts/SVC-GL-ETL/owner",
        Http.json(Map.of("employeeId", "E1004", "reason", "Sofia again")));
    assertThat(back.status()).as(back.toString()).isEqualTo(200);
  }

  @Test
  void badOwnerChangesAreRefusedNamingTheFieldAndAudited() throws Exception {
    String header = "employeeId,name,email,managerId,department,job,status,hireDate,terminationDate,userName\n";
    var hr = sam().post("/api/access/identities/import", "text/csv", (header
        + "SVCIT-LEFT,Lee Left,lee.left@demo.itgc.local,E1003,IT,Software Engineer,terminated,2020-01-02,2026-01-30,\n")
        .getBytes(StandardCharsets.UTF_8));
    assertThat(hr.status()).as(hr.toString()).isEqualTo(200);

    var unknown = sam().put("/api/access/service-accounts/SVC-GL-ETL/owner",
        Http.json(Map.of("employeeId", "E9999", "reason", "x")));
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.contentType()).startsWith("application/problem+json");
    assertThat(unknown.body()).contains("employeeId").contains("E9999");
    var left = sam().put("/api/access/service-accounts/SVC-GL-ETL/owner",
        Http.json(Map.of("employeeId", "SVCIT-LEFT", "reason", "x")));
    assertThat(left.status()).isEqualTo(400);
    assertThat(left.body()).contains("employeeId").contains("has left");
    var service = sam().put("/api/access/service-accounts/SVC-GL-ETL/owner",
        Http.json(Map.of("employeeId", "SVC-AP-BATCH", "reason", "x")));
    assertThat(service.status()).isEqualTo(400);
    assertThat(service.body()).contains("employeeId").contains("service identity");
    // sam (E1009) would then review the account's grants himself in the quarterly certification
    var himself = sam().put("/api/access/service-accounts/SVC-GL-ETL/owner",
        Http.json(Map.of("employeeId", "E1009", "reason", "I run the loader now")));
    assertThat(himself.status()).isEqualTo(400);
    assertThat(himself.body()).contains("employeeId").contains("nobody makes themselves the owner");
    var noReason = sam().put("/api/access/service-accounts/SVC-GL-ETL/owner", Http.json(Map.of("employeeId", "E1002")));
    assertThat(noReason.status()).isEqualTo(400);
    assertThat(noReason.body()).contains("reason");
    var empty = sam().put("/api/access/service-accounts/SVC-GL-ETL/owner", "{}");
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.body()).contains("employeeId");
    assertThat(sam().put("/api/access/service-accounts/SVC-NOPE/owner",
        Http.json(Map.of("employeeId", "E1002", "reason", "x"))).status()).isEqualTo(404);
    assertThat(Http.as(port, "audrey").put("/api/access/service-accounts/SVC-GL-ETL/owner",
        Http.json(Map.of("employeeId", "E1002", "reason", "x"))).status()).isEqualTo(403);
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'access.service-account.owner' "
        + "and object_id = 'SVC-GL-ETL' and outcome = 'DENIED' and details->>'employeeId' in ('E9999', 'SVCIT-LEFT')",
        Integer.class)).isEqualTo(2);
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'access.service-account.owner' "
        + "and object_id = 'SVC-GL-ETL' and outcome = 'DENIED' and actor = 'sam' and details->>'employeeId' = 'E1009'",
        Integer.class)).isPositive();
    assertThat(jdbc.queryForObject("select owner_id from access_service_account_owner where service_account_id = "
        + "'SVC-GL-ETL'", String.class)).as("nothing changed").isEqualTo("E1004");
  }

  @Test
  void aRotationThatCannotBeMadeAndAnOwnerWhoLeavesAreAc04Exceptions() throws Exception {
    String header = "employeeId,name,email,managerId,department,job,status,hireDate,terminationDate,userName\n";
    String person = "SVCIT-OWNER,Olga Owner,olga.owner@demo.itgc.local,E1003,IT,Application Owner,%s,2020-01-02,%s,\n";
    assertThat(sam().post("/api/access/identities/import", "text/csv", (header + person.formatted("active", ""))
        .getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
    // SVC-AP-BATCH has no connector: its owner changes, but its credential cannot be rotated by the engine
    var changed = sam().put("/api/access/service-accounts/SVC-AP-BATCH/owner",
        Http.json(Map.of("employeeId", "SVCIT-OWNER", "reason", "Olga runs the payment interface now")));
    assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
    JsonNode rotation = changed.json().get("rotation");
    assertThat(rotation.get("outcome").asText()).isEqualTo("failed");
    assertThat(rotation.get("error").asText()).contains("rotate it by hand");
    long exceptionId = rotation.get("exceptionId").asLong();
    assertThat(rotation(rotation.get("rotationId").asLong())).containsEntry("outcome", "failed")
        .containsEntry("exception_id", exceptionId);
    assertThat(jdbc.queryForObject("select control_id || ' ' || object_type || ' ' || object_id from control_exception "
        + "where id = ?", String.class, exceptionId)).isEqualTo("AC-04 service-account SVC-AP-BATCH/rotation");
    MimeMessage mail = TestMailServer.await(m -> TestMailServer.body(m).contains("SVC-AP-BATCH/rotation")
        && recipients(m).contains("olga.owner@demo.itgc.local"), Duration.ofSeconds(20));
    assertThat(TestMailServer.subject(mail)).contains("AC-04");

    // the owner leaves: the account is ownerless
    String today = TestClock.today(calendar.zone()).toString();
    assertThat(sam().post("/api/access/identities/import", "text/csv", (header + person.formatted("terminated", today))
        .getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
    assertThat(jdbc.queryForObject("select count(*) from control_exception where control_id = 'AC-04' "
        + "and object_id = 'SVC-AP-BATCH/owner/SVCIT-OWNER' and status = 'open'", Integer.class)).isEqualTo(1);
    schedule.rotateDue(TestClock.now());
    assertThat(jdbc.queryForObject("select count(*) from control_exception where object_id = "
        + "'SVC-AP-BATCH/owner/SVCIT-OWNER'", Integer.class)).as("once while it is open").isEqualTo(1);

    // a security admin names a new owner (the demo's)
    var back = sam().put("/api/access/service-accounts/SVC-AP-BATCH/owner",
        Http.json(Map.of("employeeId", "E1004", "reason", "Olga left")));
    assertThat(back.status()).as(back.toString()).isEqualTo(200);
    assertThat(back.json().at("/rotation/outcome").asText()).isEqualTo("failed");
    assertThat(back.json().at("/rotation/exceptionId").asLong()).as("the open exception of the account's rotation")
        .isEqualTo(exceptionId);
  }

  // ---------------------------------------------------------------- interactive use

  @Test
  void aSessionOfTheServiceLoginThatIsNoneOfItsJobsIsOneExceptionAndOneMail() throws Exception {
    String password = setKnownPassword("session-test-" + System.nanoTime());
    try (Connection psql = signIn(password, "psql"); Connection job = signIn(password, "gl-etl-nightly")) {
      int psqlPid = pid(psql);
      int jobPid = pid(job);
      var first = Http.as(port, "audrey").post("/api/access/connectors/reconciliations?system=TREASURY-DB", "{}");
      assertThat(first.status()).as(first.toString()).isEqualTo(200);
      JsonNode result = first.json().get(0);
      assertThat(result.path("sessionsError").isMissingNode() || result.get("sessionsError").isNull())
          .as(result.toString()).isTrue();
      JsonNode psqlSession = session(result, psqlPid);
      JsonNode jobSession = session(result, jobPid);
      assertThat(psqlSession.get("applicationName").asText()).isEqualTo("psql");
      assertThat(psqlSession.get("declaredJob").asBoolean()).isFalse();
      assertThat(psqlSession.path("exceptionId").isNumber()).isTrue();
      assertThat(jobSession.get("declaredJob").asBoolean()).isTrue();
      assertThat(jobSession.path("exceptionId").isNumber()).isFalse();

      String prefix = "SVC-GL-ETL/TREASURY-DB/" + psqlPid + "@";
      assertThat(jdbc.queryForObject("select count(*) from control_exception where control_id = 'AC-04' "
          + "and object_type = 'service-account-session' and object_id like ?", Integer.class, prefix + "%"))
          .isEqualTo(1);
      assertThat(jdbc.queryForObject("select count(*) from control_exception where object_type = "
          + "'service-account-session' and object_id like ?", Integer.class, "SVC-GL-ETL/TREASURY-DB/" + jobPid + "@%"))
          .as("a declared job's session is no exception").isZero();

      // seen again (and by the scheduled reconciliation's path): still one exception
      var again = Http.as(port, "sam").post("/api/access/connectors/reconciliations?system=TREASURY-DB", "{}");
      assertThat(again.status()).isEqualTo(200);
      assertThat(session(again.json().get(0), psqlPid).path("exceptionId").isNumber()).as("raised before").isFalse();
      assertThat(jdbc.queryForObject("select count(*) from control_exception where object_id like ?", Integer.class,
          prefix + "%")).isEqualTo(1);

      MimeMessage mail = TestMailServer.await(m -> TestMailServer.body(m).contains(prefix)
          && recipients(m).contains("sofia@demo.itgc.local"), Duration.ofSeconds(20));
      assertThat(TestMailServer.subject(mail)).contains("AC-04").contains("Interactive use");
      assertThat(TestMailServer.body(mail)).contains("psql");
      Thread.sleep(1500); // the outbox would have sent a second mail by now
      // GreenMail keeps a copy per recipient: one mail is one Message-ID
      var sent = Arrays.stream(TestMailServer.server().getReceivedMessages())
          .filter(m -> TestMailServer.body(m).contains(prefix)).map(ServiceAccountsIT::messageId).distinct().toList();
      assertThat(sent).as("one mail for the session").hasSize(1);
      assertThat(recipients(mail)).as("to the owner and the security admin")
          .contains("sofia@demo.itgc.local", "sam@demo.itgc.local");
    }
  }

  static JsonNode session(JsonNode result, int pid) {
    for (JsonNode s : result.get("serviceAccountSessions")) {
      if (s.get("pid").asInt() == pid) {
        return s;
      }
    }
    throw new AssertionError("no session " + pid + " in " + result.get("serviceAccountSessions"));
  }

  static String messageId(MimeMessage message) {
    try {
      return message.getMessageID();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static List<String> recipients(MimeMessage message) {
    try {
      return Arrays.stream(message.getAllRecipients()).map(Object::toString).toList();
    } catch (Exception e) {
      return List.of();
    }
  }
}
