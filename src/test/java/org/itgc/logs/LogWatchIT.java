package org.itgc.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.itgc.support.TestMailServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Issue #19's watching (LG-01) end to end: a source silent beyond its expectEvery is one LG-01 exception per silent
 * period, mailed to the system's owners, and its resumption is recorded.
 */
@IntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogWatchIT {

  @LocalServerPort int port;
  @Autowired LogWatch watch;
  @Autowired LogSealer sealer;
  @Autowired JdbcTemplate jdbc;
  @Autowired Clock clock;

  String apToken;

  @BeforeAll
  void credentials() {
    var issued = Http.as(port, "sam").post("/api/security/credentials", Http.json(Map.of("name", "ap-pay watch shipper",
        "scopes", List.of("logs"), "system", "AP-PAY", "expiresAt", clock.instant().plus(30, ChronoUnit.DAYS)
            .toString())));
    assertThat(issued.status()).as(issued.toString()).isEqualTo(201);
    apToken = issued.json().get("token").asText();
  }

  private Http.Response hec(String token, String body) {
    return Http.anonymous(port).send("POST", "/services/collector/event", "application/json", body,
        Map.of("Authorization", "Splunk " + token));
  }

  /** The source has sent nothing for {@code silentFor}: its counters and its watch start set back in time. */
  private void silent(String system, Duration silentFor) {
    Instant then = clock.instant().minus(silentFor);
    jdbc.update("update logs_watch_source set watched_since = ? where system_id = ?", java.sql.Timestamp.from(then),
        system);
    jdbc.update("""
        insert into logs_source_count (system_id, last_received_at) values (?, ?)
        on conflict (system_id) do update set last_received_at = excluded.last_received_at
        """, system, java.sql.Timestamp.from(then));
  }

  private long silenceExceptions(String system) {
    return jdbc.queryForObject("select count(*) from control_exception where control_id = 'LG-01' "
        + "and object_type = 'log-source' and object_id = ?", Long.class, system);
  }

  @Test
  void aSilentSourceRaisesLg01OncePerSilentPeriodMailedToItsOwnersAndItsResumptionIsRecorded() throws Exception {
    watch.checkSilence();
    long before = silenceExceptions("AP-PAY");

    // sent within its hour: nothing to say
    silent("AP-PAY", Duration.ofMinutes(50));
    assertThat(watch.checkSilence()).containsEntry("AP-PAY", LogWatch.SilenceOutcome.SENDING);
    assertThat(silenceExceptions("AP-PAY")).isEqualTo(before);

    // silent for two hours, expected every hour: one exception, however often the watcher looks
    silent("AP-PAY", Duration.ofHours(2));
    assertThat(watch.checkSilence()).containsEntry("AP-PAY", LogWatch.SilenceOutcome.SILENCE_RAISED);
    assertThat(watch.checkSilence()).containsEntry("AP-PAY", LogWatch.SilenceOutcome.STILL_SILENT);
    assertThat(watch.checkSilence()).containsEntry("AP-PAY", LogWatch.SilenceOutcome.STILL_SILENT);
    assertThat(silenceExceptions("AP-PAY")).isEqualTo(before + 1);
    var silence = watch.silences("AP-PAY").get(watch.silences("AP-PAY").size() - 1);
    assertThat(silence.resumeDetectedAt()).isNull();
    assertThat(silence.expectedEvery()).isEqualTo("PT1H");

    var mail = TestMailServer.await(m -> TestMailServer.subject(m).contains("LG-01")
        && TestMailServer.subject(m).contains("AP-PAY") && TestMailServer.body(m).contains(silence.silentSince()
            .toString()), Duration.ofSeconds(20));
    assertThat(List.of(mail.getAllRecipients()).toString()).contains("fiona@demo.itgc.local", "sofia@demo.itgc.local");
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'logs.source.silent' "
        + "and object_id = 'AP-PAY'", Long.class)).isGreaterThanOrEqualTo(1);

    // the source sends again: the period is closed and audited
    Instant at = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    var sent = hec(apToken, "{\"time\": " + at.getEpochSecond() + ", \"event\": {\"actor\": \"rachel\", "
        + "\"event_type\": \"signin\"}}");
    assertThat(sent.status()).as(sent.toString()).isEqualTo(200);
    assertThat(watch.checkSilence()).containsEntry("AP-PAY", LogWatch.SilenceOutcome.RESUMED);
    var resumed = watch.silences("AP-PAY").stream().filter(s -> s.id() == silence.id()).findFirst().orElseThrow();
    assertThat(resumed.resumedBy()).isAfter(silence.silentSince());
    assertThat(resumed.resumeDetectedAt()).isNotNull();
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'logs.source.resumed' "
        + "and object_id = 'AP-PAY'", Long.class)).isGreaterThanOrEqualTo(1);
    assertThat(watch.checkSilence()).containsEntry("AP-PAY", LogWatch.SilenceOutcome.SENDING);

    // a new silence is a new period: a second exception
    silent("AP-PAY", Duration.ofHours(3));
    assertThat(watch.checkSilence()).containsEntry("AP-PAY", LogWatch.SilenceOutcome.SILENCE_RAISED);
    assertThat(silenceExceptions("AP-PAY")).isEqualTo(before + 2);
    // the other source, which sent or is watched since recently, stays quiet
    assertThat(silenceExceptions("ERP-GL")).isZero();
  }

  // ---------------------------------------------------------------- the rules of dmn/log-watch.dmn

  private String erpToken() {
    var issued = Http.as(port, "sam").post("/api/security/credentials", Http.json(Map.of("name",
        "erp-gl watch shipper", "scopes", List.of("logs"), "system", "ERP-GL", "expiresAt",
        clock.instant().plus(30, ChronoUnit.DAYS).toString())));
    assertThat(issued.status()).as(issued.toString()).isEqualTo(201);
    return issued.json().get("token").asText();
  }

  private static ErpGlLogGenerator.Activity act(Instant at, String user, String action, String type, String id,
      Map<String, Object> before, Map<String, Object> after) {
    return new ErpGlLogGenerator.Activity(at, user, action, type, id, before, after, "10.9.9.9");
  }

  private List<String> fired(String actor) {
    return watch.firings(actor).stream().map(f -> f.ruleId() + " " + f.objectKey() + " " + f.controlId()).toList();
  }

  /**
   * A normal change of ERP-GL approved by its people (technical review, CAB, IT, finance), its planned window then
   * moved (as other ITs move time) to [from, to).
   */
  private String approvedChangeWindow(Instant from, Instant to) throws Exception {
    var body = org.itgc.support.ChangeRequests.body("normal", "ERP-GL", null,
        org.itgc.support.ChangeRequests.plannedSaturday(37));
    body.put("title", "Invoice correction run (log watch)");
    var created = Http.as(port, "rachel").post("/api/changes", Http.json(body));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String id = created.json().get("id").asText();
    Map<String, String> approvers = Map.of("Task_TechnicalReview", "sofia", "Task_CabReview", "carlos",
        "Task_ItApproval", "ivan", "Task_FinanceApproval", "fiona");
    long deadline = System.currentTimeMillis() + 30_000;
    String status = "";
    while (System.currentTimeMillis() < deadline) {
      status = Http.as(port, "audrey").get("/api/changes/" + id).json().at("/change/status").asText();
      if (status.equals("approved")) {
        break;
      }
      for (var step : approvers.entrySet()) {
        var http = Http.as(port, step.getValue());
        var tasks = http.get("/engine-rest/task?processInstanceBusinessKey=" + id + "&taskDefinitionKey="
            + step.getKey()).json();
        for (var task : tasks) {
          String taskId = task.get("id").asText();
          assertThat(http.post("/engine-rest/task/" + taskId + "/claim", Http.json(Map.of("userId",
              step.getValue()))).status()).isEqualTo(204);
          var done = http.post("/engine-rest/task/" + taskId + "/complete", Http.json(Map.of("variables", Map.of(
              "decision", Map.of("value", "approve"), "comment", Map.of("value", "ok")))));
          assertThat(done.status()).as(done.toString()).isEqualTo(204);
        }
      }
      Thread.sleep(100);
    }
    assertThat(status).as("change " + id + " is approved by its people").isEqualTo("approved");
    jdbc.update("update change_request set planned_start = ?, planned_end = ? where id = ?",
        java.sql.Timestamp.from(from), java.sql.Timestamp.from(to), id);
    return id;
  }

  /**
   * A granted access request: lucas asks ERP-GL's GL_PERIOD_CLOSE for his report E9102, approved by the line manager
   * the engine assigns (grace, since lucas asked), by the system owner (sofia), and fulfilled by a security admin (sam).
   */
  private String grantedRequest() throws Exception {
    var submitted = Http.as(port, "lucas").post("/api/access/requests", Http.json(Map.of("beneficiaryId", "E9102",
        "entitlements", List.of("ERP-GL/GL_PERIOD_CLOSE"), "justification", "Period close cover (log watch)")));
    assertThat(submitted.status()).as(submitted.toString()).isEqualTo(201);
    String id = submitted.json().get("id").asText();
    String instance = Http.as(port, "audrey").get("/api/access/requests/" + id).json().get("processInstanceId")
        .asText();
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      var request = Http.as(port, "audrey").get("/api/access/requests/" + id).json();
      if (!"open".equals(request.path("status").asText())) {
        assertThat(request.path("status").asText()).as(request.toString()).isEqualTo("granted");
        return id;
      }
      for (String user : List.of("grace", "sofia", "sam")) {
        var http = Http.as(port, user);
        for (var task : http.get("/engine-rest/task?processInstanceId=" + instance).json()) {
          String key = task.get("taskDefinitionKey").asText();
          String assignee = task.path("assignee").asText("");
          if (!assignee.isEmpty() && !assignee.equals(user)) {
            continue;
          }
          Map<String, Object> variables = key.equals("Task_FulfilRequest")
              ? Map.of("fulfilmentMethod", Map.of("value", "system-console"), "fulfilmentReference",
                  Map.of("value", "ERP role console 7"))
              : Map.of("decision", Map.of("value", "approve"));
          String taskId = task.get("id").asText();
          if (assignee.isEmpty()) {
            var claim = http.post("/engine-rest/task/" + taskId + "/claim", Http.json(Map.of("userId", user)));
            assertThat(claim.status()).as(user + " claims " + key + ": " + claim).isEqualTo(204);
          }
          var done = http.post("/engine-rest/task/" + taskId + "/complete", Http.json(Map.of("variables", variables)));
          assertThat(done.status()).as(user + " completes " + key + ": " + done).isEqualTo(204);
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("request " + id + " was not granted within 30 s");
  }

  @Test
  void eachRuleOfTheDecisionFiresOnItsCaseAndNotOnItsBenignCounterpart() throws Exception {
    String erpToken = erpToken();
    Instant hour = clock.instant().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.HOURS);
    LocalDate terminated = hour.atZone(ZoneOffset.UTC).toLocalDate().minusDays(3);
    var hr = Http.as(port, "sam").post("/api/access/identities/import", "text/csv", (
        "employeeId,name,email,managerId,department,job,status,hireDate,terminationDate,userName\n"
        + "E9101,Tom Leaver,tom.leaver@demo.itgc.local,E1007,Accounting,General Ledger Accountant,terminated,"
        + "2020-01-06," + terminated + ",\n"
        + "E9102,Petra Period,petra.period@demo.itgc.local,E1003,Accounting,General Ledger Accountant,active,"
        + "2021-01-04,,\n").getBytes(StandardCharsets.UTF_8));
    assertThat(hr.status()).as(hr.toString()).isEqualTo(200);
    String change = approvedChangeWindow(hour.plus(40, ChronoUnit.MINUTES), hour.plus(50, ChronoUnit.MINUTES));
    String request = grantedRequest();

    List<ErpGlLogGenerator.Activity> day = new ArrayList<>();
    // a leaver logs in (E9101); an active accountant logs in (E2003)
    day.add(act(hour.plusSeconds(60), "E9101", "LOGIN", null, null, null, null));
    day.add(act(hour.plusSeconds(61), "E2003", "LOGIN", null, null, null, null));
    // a security admin grants a role nobody requested; and removes one the registry does not hold either
    day.add(act(hour.plusSeconds(120), "E1009", "ROLE_GRANT", "user", "E2005", null, Map.of("role", "GL_CONTROLLER")));
    day.add(act(hour.plusSeconds(121), "E1009", "ROLE_REVOKE", "user", "E2005", Map.of("role", "GL_DBA"), null));
    // ... and grants one that an access request asked for and its approvers granted
    day.add(act(hour.plusSeconds(122), "E1009", "ROLE_GRANT", "user", "E9102", null, Map.of("role", "GL_PERIOD_CLOSE")));
    // a GL account's settings changed outside every approved window (twice in the hour: one finding), another inside
    // the window; an invoice updated (the business's everyday transaction, not a change: no finding)
    day.add(act(hour.plusSeconds(300), "E2003", "UPDATE", "gl-account", "GL-W-1", Map.of("postingLimit", 10),
        Map.of("postingLimit", 11)));
    day.add(act(hour.plusSeconds(360), "E2003", "UPDATE", "gl-account", "GL-W-1", Map.of("postingLimit", 11),
        Map.of("postingLimit", 12)));
    day.add(act(hour.plusSeconds(420), "E2003", "UPDATE", "invoice", "INV-W-1", Map.of("amount", 10), Map.of("amount", 11)));
    day.add(act(hour.plus(45, ChronoUnit.MINUTES), "E2004", "UPDATE", "gl-account", "GL-W-2", Map.of("postingLimit", 1),
        Map.of("postingLimit", 2)));
    // a burst of six failed logins in two minutes; three failed logins by someone else
    for (int i = 0; i < 6; i++) {
      day.add(act(hour.plusSeconds(600 + 20 * i), "E2005", "LOGIN_FAILED", null, null, null, null));
    }
    for (int i = 0; i < 3; i++) {
      day.add(act(hour.plusSeconds(700 + 20 * i), "E2004", "LOGIN_FAILED", null, null, null, null));
    }
    // a vendor's bank account read by an accountant (whose job does not need it), and by the controller (whose does)
    day.add(act(hour.plusSeconds(900), "E2003", "VIEW", "vendor-bank-account", "V-100", null, null));
    day.add(act(hour.plusSeconds(901), "E2004", "VIEW", "vendor-bank-account", "V-100", null, null));
    // an ordinary read of an invoice
    day.add(act(hour.plusSeconds(902), "E2003", "VIEW", "invoice", "INV-W-1", null, null));

    var sent = Http.anonymous(port).send("POST", "/services/collector/event", "application/json",
        ErpGlLogGenerator.hecBody(day), Map.of("Authorization", "Splunk " + erpToken));
    assertThat(sent.status()).as(sent.toString()).isEqualTo(200);
    // nothing is judged in the request: the events wait for the sealer, then for the watcher
    assertThat(watch.firings("E9101")).isEmpty();
    sealer.sealAll();
    var round = watch.watchNew();
    assertThat(round.events()).isGreaterThanOrEqualTo(day.size());

    assertThat(fired("E9101")).containsExactly("LW-TERMINATED-LOGIN - AC-02");
    assertThat(fired("E1009")).as("E9102's grant is backed by " + request)
        .containsExactly("LW-UNBACKED-PRIVILEGE user/E2005 AC-01");
    assertThat(fired("E2003")).containsExactly("LW-CHANGE-OUTSIDE-WINDOW gl-account/GL-W-1 CM-01",
        "LW-SENSITIVE-READ vendor-bank-account/V-100 LG-01");
    assertThat(watch.firings("E2003").get(0).repeats()).as("the second change in the hour is counted, not raised")
        .isEqualTo(1);
    assertThat(fired("E2005")).containsExactly("LW-FAILED-LOGIN-BURST - IA-01");
    assertThat(watch.firings("E2005").get(0).repeats()).isEqualTo(1);
    assertThat(fired("E2004")).as("inside " + change + "'s window, three failures, a controller's read").isEmpty();

    // each first firing is a control exception, mailed to the system's owners and the security admins, and audited
    // with the decision's version
    var leaver = watch.firings("E9101").get(0);
    assertThat(leaver.exceptionId()).isNotNull();
    assertThat(leaver.severity()).isEqualTo("high");
    assertThat(jdbc.queryForObject("select control_id from control_exception where id = ?", String.class,
        leaver.exceptionId())).isEqualTo("AC-02");
    long exceptions = jdbc.queryForObject("select count(*) from control_exception where object_type = 'log-event' "
        + "and id in (select exception_id from logs_watch_firing where actor in ('E9101', 'E1009', 'E2003', 'E2005'))",
        Long.class);
    assertThat(exceptions).isEqualTo(5);
    var mail = TestMailServer.await(m -> TestMailServer.subject(m).contains("AC-02")
        && TestMailServer.subject(m).contains("E9101"), Duration.ofSeconds(20));
    assertThat(List.of(mail.getAllRecipients()).toString()).contains("fiona@demo.itgc.local",
        "sofia@demo.itgc.local", "sam@demo.itgc.local");
    var audited = jdbc.queryForMap("select details->>'decisionVersion' as version, details->>'ruleId' as rule, "
        + "details->'inputs'->>'actorStatus' as status from audit_event where action = 'logs.watch.fire' "
        + "and object_id = ?", Long.toString(leaver.recordId()));
    assertThat(audited.get("rule")).isEqualTo("LW-TERMINATED-LOGIN");
    assertThat(audited.get("status")).isEqualTo("terminated");
    assertThat(Integer.parseInt((String) audited.get("version"))).isEqualTo(leaver.decisionVersion()).isPositive();

    // a second round finds nothing new: each event is judged once
    assertThat(watch.watchNew().events()).isZero();

    // a request of many events is sealed as it is stored (no sealer round): the watcher judges it all the same
    List<ErpGlLogGenerator.Activity> many = new ArrayList<>();
    for (int i = 0; i < 149; i++) {
      many.add(act(hour.plusSeconds(1_000 + i), "E2004", "VIEW", "invoice", "INV-W-" + (100 + i), null, null));
    }
    many.add(act(hour.plusSeconds(1_200), "E2003", "VIEW", "vendor-bank-account", "V-200", null, null));
    var bulk = Http.anonymous(port).send("POST", "/services/collector/event", "application/json",
        ErpGlLogGenerator.hecBody(many), Map.of("Authorization", "Splunk " + erpToken));
    assertThat(bulk.status()).as(bulk.toString()).isEqualTo(200);
    assertThat(jdbc.queryForObject("select coalesce(sum(records), 0) from logs_watch_queue", Long.class))
        .as("one sealed batch of 150 mapped events waits").isEqualTo(150L);
    var bulkRound = watch.watchNew();
    assertThat(bulkRound.events()).isEqualTo(150);
    assertThat(fired("E2003")).contains("LW-SENSITIVE-READ vendor-bank-account/V-200 LG-01");
    assertThat(fired("E2004")).isEmpty();
    assertThat(watch.watchNew().events()).isZero();
  }
}
