package org.itgc.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.runtime.Job;
import org.itgc.platform.calendar.BusinessCalendar;
import org.itgc.support.DateSensitive;
import org.itgc.support.TestClock;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.itgc.support.TestMailServer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The access lifecycle driven over HTTP by the demo users and an HR feed (SCIM with its bearer token, CSV imports),
 * on embedded PostgreSQL, with GreenMail: approvals by the right people, the preventive SoD check, exceptions that
 * expire, revocations with business-day deadlines measured against their SLA, and the registry's answers.
 */
@IntegrationTest
@DateSensitive
class AccessLifecycleIT {

  static final String SCIM_TOKEN = "demo-scim-token";
  static final String SCIM = "application/scim+json";
  static final String PASSWORD = "Correct-Horse-Battery-Staple-77";

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired ManagementService managementService;
  @Autowired BusinessCalendar calendar;
  @Autowired EngineRoleReconciliation engineRoles;
  @Autowired SodScan sodScan;

  // ---------------------------------------------------------------- helpers

  String submit(String user, Map<String, Object> body) {
    var response = Http.as(port, user, password(user)).post("/api/access/requests", Http.json(body));
    assertThat(response.status()).as(response.toString()).isEqualTo(201);
    return response.json().get("id").asText();
  }

  JsonNode request(String id) {
    return Http.as(port, "audrey").get("/api/access/requests/" + id).json();
  }

  List<String> tasksOf(String user, String requestId, String key) {
    String instance = request(requestId).get("processInstanceId").asText();
    return tasks(user, instance, key);
  }

  List<String> tasks(String user, String processInstanceId, String key) {
    var tasks = Http.as(port, user, password(user)).get("/engine-rest/task?processInstanceId=" + processInstanceId
        + "&taskDefinitionKey=" + key).json();
    List<String> ids = new ArrayList<>();
    tasks.forEach(t -> ids.add(t.get("id").asText()));
    return ids;
  }

  String taskOf(String user, String requestId, String key) {
    var ids = tasksOf(user, requestId, key);
    assertThat(ids).as("%s sees %s of %s", user, key, requestId).hasSize(1);
    return ids.get(0);
  }

  static String password(String user) {
    return List.of("lena", "oscar", "tina", "sadie").contains(user) ? PASSWORD : Http.DEMO_PASSWORD;
  }

  Http.Response complete(String user, String taskId, Map<String, Object> variables) {
    var http = Http.as(port, user, password(user));
    var claim = http.post("/engine-rest/task/" + taskId + "/claim", Http.json(Map.of("userId", user)));
    if (claim.status() != 204) {
      return claim;
    }
    Map<String, Object> typed = new HashMap<>();
    variables.forEach((k, v) -> typed.put(k, Map.of("value", v)));
    return http.post("/engine-rest/task/" + taskId + "/complete", Http.json(Map.of("variables", typed)));
  }

  void approve(String user, String requestId, String key) {
    var response = complete(user, taskOf(user, requestId, key), Map.of("decision", "approve"));
    assertThat(response.status()).as(response.toString()).isEqualTo(204);
  }

  void fulfil(String user, String requestId) {
    var response = complete(user, taskOf(user, requestId, AccessRequestProcess.Elements.FULFIL),
        Map.of("fulfilmentMethod", "system-console", "fulfilmentReference", "console change 42"));
    assertThat(response.status()).as(response.toString()).isEqualTo(204);
  }

  void createUser(String username, String displayName, String... roles) {
    if (Http.as(port, "sam").get("/api/users/" + username).status() == 200) {
      return;
    }
    org.itgc.support.RoleApprovals.createUser(port, username, displayName, username + "@demo.itgc.local", PASSWORD,
        List.of(roles));
  }

  @Test
  void anHrRowWhoseManagerIsUnknownOrMakesACycleIsHeldWithTheReason() {
    var response = importHr("""
        employeeId,name,email,managerId,department,job,status,hireDate,terminationDate,userName
        E8801,Nora Nomanager,nora@example.com,E99999,Finance,Clerk,active,2024-01-02,,
        E8802,Cyril Cycle,cyril@example.com,E8803,Finance,Clerk,active,2024-01-02,,
        E8803,Cora Cycle,cora@example.com,E8802,Finance,Clerk,active,2024-01-02,,
        E8804,Walter Wellmanaged,walter@example.com,E1000,Finance,Clerk,active,2024-01-02,,
        E8805,Rita Rejected,not-an-email,E1000,Finance,Clerk,active,2024-01-02,,
        E8806,Mel Managedbyrejected,mel@example.com,E8805,Finance,Clerk,active,2024-01-02,,
        """);
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    var errors = response.json().get("errors");
    assertThat(errors.findValuesAsText("line")).as(response.toString()).containsExactlyInAnyOrder("2", "3", "4", "6",
        "7");
    // a manager whose own row is refused does not count as existing
    assertThat(errors.toString()).contains("'E8805' is neither in the registry nor in this file");
    assertThat(errors.toString()).contains("E99999").contains("cycle");
    assertThat(jdbc.queryForList("select id from access_identity where id like 'E880%'", String.class))
        .as("only the row whose manager stands is stored").containsExactly("E8804");
  }

  Http.Response importHr(String csv) {
    return Http.as(port, "sam").post("/api/access/identities/import", "text/csv", csv.getBytes(StandardCharsets.UTF_8));
  }

  void importBaseline(String csv) {
    var response = Http.as(port, "sam").post("/api/access/grants/import", "text/csv", csv.getBytes(StandardCharsets.UTF_8));
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    assertThat(response.json().get("errors")).as(response.toString()).isEmpty();
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Instant until = Instant.now().plus(Duration.ofSeconds(20));
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(until)) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(200);
    }
  }

  JsonNode grantsOf(String identityId, String query) {
    var response = Http.as(port, "audrey").get("/api/access/identities/" + identityId + "/grants" + query);
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    return response.json();
  }

  static List<String> keys(JsonNode grants) {
    List<String> keys = new ArrayList<>();
    grants.forEach(g -> keys.add(g.get("systemId").asText() + "/" + g.get("entitlementId").asText()));
    return keys;
  }

  static Map<String, Object> scimUser(String employeeNumber, String userName, String name, String title,
      String managerId, boolean active, String terminationDate) {
    Map<String, Object> hr = new HashMap<>();
    hr.put("hireDate", "2024-01-01");
    if (terminationDate != null) {
      hr.put("terminationDate", terminationDate);
    }
    return Map.of("schemas", List.of(ScimController.USER, ScimController.ENTERPRISE, ScimController.HR),
        "userName", userName, "displayName", name, "title", title, "active", active,
        "emails", List.of(Map.of("value", userName + "@demo.itgc.local", "primary", true)),
        ScimController.ENTERPRISE, Map.of("employeeNumber", employeeNumber, "department", "Finance Operations",
            "manager", Map.of("value", managerId)),
        ScimController.HR, hr);
  }

  String scimCreate(Map<String, Object> user) {
    var created = Http.bearer(port, SCIM_TOKEN).send("POST", "/scim/v2/Users", SCIM, Http.json(user));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.contentType()).startsWith(SCIM);
    return created.json().get("id").asText();
  }

  // ---------------------------------------------------------------- requests

  @Test
  void aRequestIsApprovedByTheRightPeopleAndTheRegistryKeepsItsProvenance() throws Exception {
    createUser("lena", "Lena Otherteam", "line-manager");
    String id = submit("rachel", Map.of("entitlements", List.of("ERP-GL/GL_READ_ONLY", "BI-REPORTING/BI_AUTHOR"),
        "justification", "Month-end reporting on the ledger"));
    assertThat(id).matches("AR-\\d{4}-\\d{5}");
    JsonNode stored = request(id);
    assertThat(stored.get("status").asText()).isEqualTo("open");
    assertThat(stored.at("/sodCheck/conflicts")).isEmpty();
    assertThat(stored.at("/sodCheck/decisionDefinitionId").asText()).startsWith("sod-conflicts:");

    // the line manager's task is rachel's manager's; another line manager is refused on the server, and audited
    String lineTask = taskOf("lucas", id, AccessRequestProcess.Elements.LINE_MANAGER_APPROVAL);
    var byOther = Http.as(port, "lena", PASSWORD).post("/engine-rest/task/" + lineTask + "/complete",
        Http.json(Map.of("variables", Map.of("decision", Map.of("value", "approve")))));
    assertThat(byOther.status()).as(byOther.toString()).isEqualTo(403);
    approve("lucas", id, AccessRequestProcess.Elements.LINE_MANAGER_APPROVAL);
    // one task per system, for its owner
    List<String> owners = tasksOf("sofia", id, AccessRequestProcess.Elements.SYSTEM_OWNER_APPROVAL);
    assertThat(owners).hasSize(2);
    for (String task : owners) {
      assertThat(complete("sofia", task, Map.of("decision", "approve")).status()).isEqualTo(204);
    }
    fulfil("sam", id);

    assertThat(request(id).get("status").asText()).isEqualTo("granted");
    JsonNode grants = grantsOf("E1001", "");
    assertThat(keys(grants)).contains("ERP-GL/GL_READ_ONLY", "BI-REPORTING/BI_AUTHOR", "AP-PAY/AP_CLERK");
    JsonNode granted = null;
    for (JsonNode g : grants) {
      if (g.get("entitlementId").asText().equals("GL_READ_ONLY")) {
        granted = g;
      }
    }
    assertThat(granted.get("source").asText()).isEqualTo("request");
    assertThat(granted.get("grantedBy").asText()).isEqualTo("sam");
    assertThat(granted.get("requestId").asText()).isEqualTo(id);
    JsonNode history = Http.as(port, "audrey").get("/api/access/grants/" + granted.get("id").asText()).json();
    List<String> approvals = new ArrayList<>();
    history.at("/request/approvals").forEach(a -> approvals.add(a.get("step").asText() + ":" + a.get("approver").asText()));
    assertThat(approvals).containsExactlyInAnyOrder("line-manager:lucas", "system-owner:ERP-GL:sofia",
        "system-owner:BI-REPORTING:sofia");
    // the approvals keep the column's name and the format of the database timestamp they always had
    assertThat(history.at("/request/approvals/0/decided_at").asText())
        .matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}\\+00:00");
    assertThat(history.at("/grant/provenance/justification").asText()).isEqualTo("Month-end reporting on the ledger");
    // the baseline grant says where it came from
    JsonNode baseline = null;
    for (JsonNode g : grants) {
      if (g.get("entitlementId").asText().equals("AP_CLERK")) {
        baseline = g;
      }
    }
    assertThat(baseline.get("source").asText()).isEqualTo("imported");
    assertThat(baseline.at("/provenance/note").asText()).isEqualTo("pre-existing, imported");
    // what rachel held before this request
    assertThat(keys(grantsOf("E1001", "?at=2026-01-01"))).doesNotContain("ERP-GL/GL_READ_ONLY").contains("AP-PAY/AP_CLERK");
    assertThat(TestMailServer.await(m -> TestMailServer.subject(m).equals("Access request " + id + " granted"),
        Duration.ofSeconds(10))).isNotNull();
  }

  @Test
  void aRequestThatWouldCombineConflictingDutiesIsStoppedBeforeAnyApproval() throws Exception {
    // rachel enters invoices (AP_CLERK); approving payments too is SOD-03
    String id = submit("rachel", Map.of("entitlements", List.of("AP-PAY/AP_PAYMENT_APPROVER"),
        "justification", "Cover for the payment approver during holidays"));
    JsonNode stored = request(id);
    assertThat(stored.get("status").asText()).isEqualTo("rejected-sod");
    assertThat(stored.at("/sodCheck/uncovered/0/ruleId").asText()).isEqualTo("SOD-03");
    assertThat(stored.get("approvals")).isEmpty();
    String instance = stored.get("processInstanceId").asText();
    assertThat(jdbc.queryForObject("select count(*) from act_hi_taskinst where proc_inst_id_ = ?", Integer.class, instance))
        .isZero();
    assertThat(keys(grantsOf("E1001", ""))).doesNotContain("AP-PAY/AP_PAYMENT_APPROVER");
    var mail = TestMailServer.await(m -> TestMailServer.subject(m).contains(id), Duration.ofSeconds(10));
    assertThat(TestMailServer.body(mail)).contains("SOD-03").contains("rejected before any approval");
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'access.request.sod-reject' and object_id = ?",
        Integer.class, id)).isEqualTo(1);
  }

  @Test
  void nobodyApprovesTheirOwnRequestAndAnExceptionReopensAsAFindingWhenItExpires() throws Exception {
    // HR's identity first: engine roles go to logins bound to a registered person only
    scimCreate(scimUser("E9201", "oscar", "Oscar Owner-Requester", "Accounts Payable Supervisor", "E1003", true, null));
    createUser("oscar", "Oscar Owner-Requester", "requester", "system-owner");

    // oscar requests for himself and tries to approve as a system owner: refused, audited, the task stays open
    String own = submit("oscar", Map.of("entitlements", List.of("ERP-GL/GL_READ_ONLY"), "justification", "Ledger enquiries"));
    approve("lucas", own, AccessRequestProcess.Elements.LINE_MANAGER_APPROVAL);
    String ownerTask = taskOf("oscar", own, AccessRequestProcess.Elements.SYSTEM_OWNER_APPROVAL);
    var selfApproval = complete("oscar", ownerTask, Map.of("decision", "approve"));
    assertThat(selfApproval.status()).as(selfApproval.toString()).isEqualTo(403);
    assertThat(selfApproval.body()).contains("nobody approves their own request");
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'access.request.sod-violation' "
        + "and object_id = ? and outcome = 'DENIED'", Integer.class, own)).isEqualTo(1);
    assertThat(tasksOf("sofia", own, AccessRequestProcess.Elements.SYSTEM_OWNER_APPROVAL)).containsExactly(ownerTask);

    // a conflicting request with an exception: security admin and finance approver, then the usual approvals
    String id = submit("oscar", Map.of("entitlements", List.of("AP-PAY/AP_CLERK", "AP-PAY/AP_PAYMENT_APPROVER"),
        "justification", "Small team: one person covers both until the new hire starts", "exceptionRequested", true));
    assertThat(request(id).at("/sodCheck/uncovered/0/ruleId").asText()).isEqualTo("SOD-03");
    String securityTask = taskOf("sam", id, AccessRequestProcess.Elements.SECURITY_EXCEPTION_APPROVAL);
    var incomplete = complete("sam", securityTask, Map.of("decision", "approve"));
    assertThat(incomplete.status()).as(incomplete.toString()).isEqualTo(400);
    assertThat(incomplete.body()).contains("mitigatingControl").contains("exceptionExpires");
    LocalDate expires = TestClock.today(calendar.zone()).plusDays(60);
    var approved = complete("sam", securityTask, Map.of("decision", "approve",
        "mitigatingControl", "Controller reviews every payment oscar approves, weekly", "exceptionExpires", expires.toString()));
    assertThat(approved.status()).as(approved.toString()).isEqualTo(204);
    approve("fiona", id, AccessRequestProcess.Elements.FINANCE_EXCEPTION_APPROVAL);
    approve("lucas", id, AccessRequestProcess.Elements.LINE_MANAGER_APPROVAL);
    approve("sofia", id, AccessRequestProcess.Elements.SYSTEM_OWNER_APPROVAL);
    fulfil("sam", id);
    assertThat(keys(grantsOf("E9201", ""))).contains("AP-PAY/AP_CLERK", "AP-PAY/AP_PAYMENT_APPROVER");

    JsonNode exception = null;
    for (JsonNode e : Http.as(port, "audrey").get("/api/access/sod/exceptions").json()) {
      if (id.equals(e.get("request_id").asText())) {
        exception = e;
      }
    }
    assertThat(exception.get("status").asText()).isEqualTo("active");
    assertThat(exception.get("security_approver").asText()).isEqualTo("sam");
    assertThat(exception.get("finance_approver").asText()).isEqualTo("fiona");
    assertThat(exception.get("expires_at").asText()).isEqualTo(
        expires.atStartOfDay(calendar.zone()).toInstant().toString().replace("Z", ".000+00:00"));
    String exceptionId = exception.get("id").asText();

    // the detective scan sees the conflict, covered by the exception
    assertThat(Http.as(port, "sam").post("/api/access/sod/scans", "{}").status()).isEqualTo(201);
    JsonNode finding = Http.as(port, "audrey").get("/api/access/sod/findings?identityId=E9201").json().get(0);
    assertThat(finding.get("ruleId").asText()).isEqualTo("SOD-03");
    assertThat(finding.get("exceptionId").asText()).isEqualTo(exceptionId);

    // the expiry comes: the exception is a finding again, owners are told
    String instance = request(id).get("processInstanceId").asText();
    Job expiry = managementService.createJobQuery().processInstanceId(instance).timers().singleResult();
    assertThat(expiry.getDuedate().toInstant()).isEqualTo(expires.atStartOfDay(calendar.zone()).toInstant());
    managementService.executeJob(expiry.getId());
    JsonNode expired = null;
    for (JsonNode e : Http.as(port, "audrey").get("/api/access/sod/exceptions").json()) {
      if (exceptionId.equals(e.get("id").asText())) {
        expired = e;
      }
    }
    assertThat(expired.get("status").asText()).isEqualTo("expired");
    assertThat(jdbc.queryForObject("select control_id from control_exception where id = ?", String.class,
        expired.get("expired_finding_id").asLong())).isEqualTo("AC-05");
    var mail = TestMailServer.await(m -> TestMailServer.subject(m).contains("SoD exception " + exceptionId + " expired"),
        Duration.ofSeconds(10));
    assertThat(mail.getAllRecipients()).extracting(Object::toString).contains("sam@demo.itgc.local",
        "fiona@demo.itgc.local", "lucas@demo.itgc.local");
    assertThat(Http.as(port, "sam").post("/api/access/sod/scans", "{}").status()).isEqualTo(201);
    JsonNode reopened = Http.as(port, "audrey").get("/api/access/sod/findings?identityId=E9201").json().get(0);
    assertThat(reopened.path("exceptionId").asText("")).isEmpty();
  }

  // ---------------------------------------------------------------- revocation

  /** The n-th business day before (n < 0) or after (n > 0) a date, counted on the calendar's business days. */
  LocalDate businessDay(LocalDate from, int n) {
    LocalDate day = from;
    for (int counted = 0; counted < Math.abs(n); ) {
      day = day.plusDays(Integer.signum(n));
      if (calendar.isBusinessDay(day)) {
        counted++;
      }
    }
    return day;
  }

  /** Business days after {@code from} up to and including {@code to}. */
  int businessDaysAfter(LocalDate from, LocalDate to) {
    int count = 0;
    for (LocalDate day = from.plusDays(1); !day.isAfter(to); day = day.plusDays(1)) {
      count += calendar.isBusinessDay(day) ? 1 : 0;
    }
    return count;
  }

  /** Runs the due jobs of an instance the way the job executor would, until none is due: the final state, not a race. */
  void runDueJobs(String processInstanceId) {
    for (int round = 0; round < 20; round++) {
      List<Job> due = managementService.createJobQuery().processInstanceId(processInstanceId).executable()
          .duedateLowerThan(java.util.Date.from(TestClock.now())).list();
      if (due.isEmpty()) {
        return;
      }
      for (Job job : due) {
        try {
          managementService.executeJob(job.getId());
        } catch (org.camunda.bpm.engine.OptimisticLockingException e) {
          // the job executor ran it at the same moment and has not committed yet: the next round looks again, after
          // giving it the time to commit
          try {
            Thread.sleep(200);
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
          }
        } catch (org.camunda.bpm.engine.ProcessEngineException e) {
          // the job executor may have taken it first (it runs once either way); anything else is a failure
          if (managementService.createJobQuery().jobId(job.getId()).executable().count() > 0) {
            throw e;
          }
        }
      }
    }
    throw new AssertionError("jobs of " + processInstanceId + " keep falling due");
  }

  @Test
  void anHrTerminationViaScimStartsRevocationWithBusinessDayDeadlinesMeasuredAgainstTheSla() throws Exception {
    String scimId = scimCreate(scimUser("E9301", "holly.leaver", "Holly Leaver", "Accounts Payable Clerk", "E1003", true, null));
    importBaseline("""
        employeeId,systemId,entitlementId,grantedAt
        E9301,AP-PAY,AP_CLERK,2024-01-02
        E9301,BI-REPORTING,BI_VIEWER,2024-01-02
        E9301,PAYROLL,PAYROLL_DBA,2024-01-02
        """);
    // terminated two business days ago (whatever today is): the one-day deadlines have passed, the three-day one not
    ZoneId zone = calendar.zone();
    LocalDate today = TestClock.today(zone);
    LocalDate terminated = businessDay(today, -2);
    var patch = Http.bearer(port, SCIM_TOKEN).send("PATCH", "/scim/v2/Users/" + scimId, SCIM, Http.json(Map.of(
        "schemas", List.of(ScimController.PATCH),
        "Operations", List.of(Map.of("op", "replace", "path", "active", "value", false),
            Map.of("op", "replace", "path", ScimController.HR + ":terminationDate", "value", terminated.toString())))));
    assertThat(patch.status()).as(patch.toString()).isEqualTo(200);
    assertThat(patch.json().get("active").asBoolean()).isFalse();

    String revocation = jdbc.queryForObject("select revocation_id from access_hr_event where identity_id = 'E9301' and kind = 'leaver'",
        String.class);
    assertThat(revocation).matches("RV-\\d{4}-\\d{5}");
    JsonNode items = Http.as(port, "audrey").get("/api/access/revocations/" + revocation).json();
    Map<String, String> deadlines = new HashMap<>();
    Map<String, Integer> slas = new HashMap<>();
    items.forEach(i -> {
      deadlines.put(i.get("systemId").asText(), i.get("deadline").asText());
      slas.put(i.get("systemId").asText(), i.get("slaBusinessDays").asInt());
    });
    // tier 1: one business day; tier 3: three; privileged: one; each at 17:00 New York of its last day
    assertThat(slas).isEqualTo(Map.of("AP-PAY", 1, "BI-REPORTING", 3, "PAYROLL", 1));
    Instant oneDay = businessDay(terminated, 1).atTime(17, 0).atZone(zone).toInstant();
    Instant threeDays = businessDay(terminated, 3).atTime(17, 0).atZone(zone).toInstant();
    assertThat(deadlines).isEqualTo(Map.of("AP-PAY", oneDay.toString(), "BI-REPORTING", threeDays.toString(),
        "PAYROLL", oneDay.toString()));
    assertThat(oneDay).isBefore(TestClock.now());
    assertThat(threeDays).isAfter(TestClock.now().plus(Duration.ofHours(1)));
    String instance = jdbc.queryForObject("select process_instance_id from access_revocation where id = ?", String.class, revocation);
    List<String> removals = tasks("sam", instance, AccessRevocationProcess.Elements.REMOVE);
    assertThat(removals).hasSize(3);
    JsonNode task = Http.as(port, "sam").get("/engine-rest/task/" + removals.get(0)).json();
    assertThat(task.get("due").asText()).isNotBlank();

    // once the due timers have run: exactly the tier-1 and the privileged grant are AC-02 exceptions, measured
    runDueJobs(instance);
    List<Map<String, Object>> exceptions = jdbc.queryForList("select details->>'system' as system, "
        + "(details->>'businessDaysElapsed')::int as elapsed, (details->>'slaBusinessDays')::int as sla "
        + "from control_exception where control_id = 'AC-02' and object_id = ? order by 1", revocation);
    int elapsed = businessDaysAfter(terminated, today);
    assertThat(exceptions).containsExactly(Map.of("system", "AP-PAY", "elapsed", elapsed, "sla", 1),
        Map.of("system", "PAYROLL", "elapsed", elapsed, "sla", 1));
    TestMailServer.await(m -> TestMailServer.subject(m).startsWith("Control exception AC-02")
        && TestMailServer.body(m).contains("E9301"), Duration.ofSeconds(10));

    // removals recorded now: BI-REPORTING in time, AP-PAY late; PAYROLL still open past its deadline
    for (String taskId : removals) {
      String system = Http.as(port, "sam").get("/engine-rest/task/" + taskId + "/variables/systemId").json()
          .get("value").asText();
      if (!system.equals("PAYROLL")) {
        var done = complete("sam", taskId, Map.of("removedAt", TestClock.now().minusSeconds(60).toString(),
            "removalMethod", "account-disabled", "removalReference", "AD change 991"));
        assertThat(done.status()).as(done.toString()).isEqualTo(204);
      }
    }
    int taken = businessDaysAfter(terminated, TestClock.now().minusSeconds(60).atZone(zone).toLocalDate());
    String period = "?from=" + terminated + "&to=" + terminated.plusDays(1);
    JsonNode report = Http.as(port, "audrey").get("/api/access/revocations" + period).json();
    Map<String, String> status = new HashMap<>();
    report.forEach(r -> {
      if (r.path("identityId").asText().equals("E9301")) {
        status.put(r.get("systemId").asText(), r.path("status").asText() + "/" + r.path("businessDaysTaken").asText());
      }
    });
    assertThat(status).isEqualTo(Map.of("AP-PAY", "removed-late/" + taken, "BI-REPORTING", "removed-in-sla/" + taken,
        "PAYROLL", "overdue/"));
    // a grant's history shows its revocation with the columns' names and timestamps the API always had
    List<String> histories = new ArrayList<>();
    report.forEach(r -> {
      if (r.path("identityId").asText().equals("E9301") && r.get("systemId").asText().equals("AP-PAY")) {
        JsonNode history = Http.as(port, "audrey").get("/api/access/grants/" + r.get("grantId").asText()).json();
        JsonNode revoked = history.at("/revocations/0");
        assertThat(revoked.get("revocation_id").asText()).isEqualTo(revocation);
        assertThat(revoked.get("reason").asText()).isEqualTo("termination");
        assertThat(revoked.get("met_sla").asBoolean()).isFalse();
        assertThat(revoked.get("business_days_taken").asInt()).isEqualTo(taken);
        assertThat(revoked.get("removed_by").asText()).isEqualTo("sam");
        assertThat(revoked.get("method").asText()).isEqualTo("account-disabled");
        assertThat(revoked.get("removed_at").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}\\+00:00");
        assertThat(revoked.get("exception_id").isNumber()).isTrue();
        histories.add(r.get("grantId").asText());
      }
    });
    assertThat(histories).hasSize(1);
    var csv = Http.as(port, "audrey").get("/api/access/revocations" + period + "&format=csv");
    assertThat(csv.contentType()).startsWith("text/csv");
    assertThat(csv.body()).startsWith("revocation_id,identity_id,identity_name,reason,triggered_at,system_id,"
        + "entitlement_id,privileged,sla_business_days,deadline,removed_at,removed_by,business_days_taken,met_sla,status,"
        + "exception_id,grant_id")
        .contains(revocation + ",E9301,Holly Leaver,termination," + terminated.atStartOfDay(zone).toInstant()
            + ",AP-PAY,AP_CLERK,false,1," + oneDay);

    // the registry: what Holly held before she left, and now
    assertThat(keys(grantsOf("E9301", "?at=" + terminated.minusDays(5)))).containsExactlyInAnyOrder("AP-PAY/AP_CLERK",
        "BI-REPORTING/BI_VIEWER", "PAYROLL/PAYROLL_DBA");
    assertThat(keys(grantsOf("E9301", ""))).containsExactly("PAYROLL/PAYROLL_DBA");
    JsonNode ended = grantsOf("E9301", "?history=true");
    for (JsonNode g : ended) {
      if (!g.get("systemId").asText().equals("PAYROLL")) {
        assertThat(g.get("removedBy").asText()).isEqualTo("sam");
        assertThat(g.get("removalReason").asText()).isEqualTo("termination");
        assertThat(g.get("revocationId").asText()).isEqualTo(revocation);
      }
    }
  }

  @Test
  void anEngineRoleNobodyApprovedIsAControlExceptionOfTheDetectiveRunOnceUntilItIsDealtWith() {
    // a DBA gives ryan (HR identity E1002) the CAB role past every approval
    jdbc.update("insert into sec_user_role (username, role, granted_at, granted_by) values ('ryan', 'cab', now(), 'dba')");
    try {
      var mismatches = engineRoles.reconcileAndRaise();
      assertThat(mismatches).anySatisfy(m -> {
        assertThat(m.username()).isEqualTo("ryan");
        assertThat(m.role()).isEqualTo("cab");
      });
      engineRoles.reconcileAndRaise();
      assertThat(jdbc.queryForObject("select count(*) from control_exception where control_id = 'AC-01' "
          + "and object_type = 'engine-role' and object_id = 'ryan/cab' and status = 'open'", Integer.class))
          .as("raised once while open").isEqualTo(1);
    } finally {
      jdbc.update("delete from sec_user_role where username = 'ryan' and role = 'cab'");
    }
  }

  @Test
  void aLeaverWithALoginLosesTheEngineRoleThroughTheConnectorAndAMoverKeepsOnlyWhatTheNewJobJustifies() throws Exception {
    var imported = importHr("""
        employeeId,name,email,managerId,department,job,status,hireDate,terminationDate,userName
        E9401,Tina Transient,tina@demo.itgc.local,E1003,Finance Operations,Accounts Payable Clerk,active,2025-02-03,,tina
        E9402,Mo Mover,mo@demo.itgc.local,E1007,Finance Operations,Accounts Payable Clerk,active,2025-02-03,,
        """);
    assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
    createUser("tina", "Tina Transient", "requester");
    importBaseline("""
        employeeId,systemId,entitlementId,grantedAt
        E9401,ITGC-ENGINE,requester,2025-02-03
        E9402,AP-PAY,AP_CLERK,2025-02-03
        E9402,BI-REPORTING,BI_VIEWER,2025-02-03
        """);
    var changed = importHr("""
        employeeId,name,email,managerId,department,job,status,hireDate,terminationDate,userName
        E9401,Tina Transient,tina@demo.itgc.local,E1003,Finance Operations,Accounts Payable Clerk,terminated,2025-02-03,%s,tina
        E9402,Mo Mover,mo@demo.itgc.local,E1007,Human Resources,Payroll Specialist,active,2025-02-03,,
        """.formatted(TestClock.today(calendar.zone())));
    assertThat(changed.json().get("updated").asInt()).isEqualTo(2);
    // the connector removes tina's engine role by itself
    await("tina's requester role removed", () -> jdbc.queryForObject(
        "select count(*) from sec_user_role where username = 'tina'", Integer.class) == 0);
    await("tina's grant ended", () -> keys(grantsOf("E9401", "")).isEmpty());
    JsonNode grant = grantsOf("E9401", "?history=true").get(0);
    assertThat(grant.get("removedBy").asText()).isEqualTo("connector:itgc-engine-roles");
    // and with the last role the leaver's login is disabled; only a security admin enables it again
    assertThat(Http.as(port, "tina", PASSWORD).get("/api/me").status()).isEqualTo(401);
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'user.disable' and object_id = 'tina'",
        Integer.class)).isEqualTo(1);
    assertThat(Http.as(port, "rachel").post("/api/users/tina/enable", "{}").status()).isEqualTo(403);
    assertThat(Http.as(port, "sam").post("/api/users/sam/enable", "{}").status()).isEqualTo(403);
    assertThat(Http.as(port, "sam").post("/api/users/tina/enable", "{}").status()).isEqualTo(200);
    var me = Http.as(port, "tina", PASSWORD).get("/api/me");
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().get("roles")).isEmpty();
    // Mo moved to payroll: the payroll job justifies BI_VIEWER but not AP_CLERK
    String revocation = jdbc.queryForObject("select revocation_id from access_hr_event where identity_id = 'E9402' and kind = 'mover'",
        String.class);
    JsonNode items = Http.as(port, "audrey").get("/api/access/revocations/" + revocation).json();
    assertThat(items).hasSize(1);
    assertThat(items.get(0).get("entitlementId").asText()).isEqualTo("AP_CLERK");
    assertThat(items.get(0).get("reason").asText()).isEqualTo("role-change");
    assertThat(items.get(0).get("slaBusinessDays").asInt()).isEqualTo(3);
  }

  @Test
  void aConnectorThatKeepsFailingIsRetriedAndThenHandsTheRemovalToAPerson() throws Exception {
    // an ITGC-ENGINE role held by someone HR gives no login: the connector cannot remove it
    importHr("""
        employeeId,name,email,managerId,department,job,status,hireDate,terminationDate,userName
        E9403,Nolan Nologin,nolan@demo.itgc.local,E1003,IT,Software Engineer,active,2025-02-03,,
        """);
    importBaseline("""
        employeeId,systemId,entitlementId,grantedAt
        E9403,ITGC-ENGINE,requester,2025-02-03
        """);
    var started = Http.as(port, "sam").post("/api/access/revocations", Http.json(Map.of("identityId", "E9403",
        "reason", "sod-remediation")));
    assertThat(started.status()).as(started.toString()).isEqualTo(201);
    String revocation = started.json().get("id").asText();
    String instance = jdbc.queryForObject("select process_instance_id from access_revocation where id = ?", String.class,
        revocation);
    // the job executor makes the first attempt; the retries wait minutes, so the test runs them now
    await("the first failed attempt", () -> {
      var job = managementService.createJobQuery().processInstanceId(instance).activityId(AccessRevocationProcess.Elements.REMOVE_BY_CONNECTOR).singleResult();
      return job != null && job.getRetries() < 3;
    });
    for (int attempt = 0; attempt < 3; attempt++) {
      Job job = managementService.createJobQuery().processInstanceId(instance).activityId(AccessRevocationProcess.Elements.REMOVE_BY_CONNECTOR).singleResult();
      if (job == null) {
        break;
      }
      try {
        managementService.executeJob(job.getId());
      } catch (RuntimeException expected) {
        // a failed attempt before the last one
      }
    }
    assertThat(tasks("sam", instance, AccessRevocationProcess.Elements.REMOVE)).hasSize(1);
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'access.provisioning.failure' "
        + "and object_id = ?", Integer.class, instance)).isEqualTo(3);
    assertThat(keys(grantsOf("E9403", ""))).containsExactly("ITGC-ENGINE/requester");
    // recording the removal by hand runs the connector once more: this engine's roles are never ended on paper only
    String removal = tasks("sam", instance, AccessRevocationProcess.Elements.REMOVE).get(0);
    var byHand = complete("sam", removal, Map.of("removedAt", TestClock.now().minusSeconds(60).toString(),
        "removalMethod", "console", "removalReference", "removed by hand"));
    assertThat(byHand.status()).as(byHand.toString()).isEqualTo(400);
    assertThat(byHand.body()).contains("removalMethod").contains("removed by its connector only");
    assertThat(keys(grantsOf("E9403", ""))).as("the grant stands").containsExactly("ITGC-ENGINE/requester");
  }

  @Test
  void aSecurityAdminCannotRecordTheRemovalOfTheirOwnAccess() throws Exception {
    // sadie is a security admin (approved like any engine role) and holds AP-PAY/AP_CLERK, being revoked now
    createUser("sadie", "Sadie Selfremove", "security-admin");
    String identity = jdbc.queryForObject("select id from access_identity where user_name = 'sadie'", String.class);
    importBaseline("employeeId,systemId,entitlementId,grantedAt\n" + identity + ",AP-PAY,AP_CLERK,2025-01-02\n");
    long grant = jdbc.queryForObject("select id from access_grant where identity_id = ? and system_id = 'AP-PAY' "
        + "and entitlement_id = 'AP_CLERK' and removed_at is null", Long.class, identity);
    var started = Http.as(port, "sam").post("/api/access/revocations", Http.json(Map.of("identityId", identity,
        "reason", "sod-remediation", "grantIds", List.of(grant))));
    assertThat(started.status()).as(started.toString()).isEqualTo(201);
    String revocation = started.json().get("id").asText();
    String instance = jdbc.queryForObject("select process_instance_id from access_revocation where id = ?", String.class,
        revocation);
    await("the removal task", () -> !tasks("sam", instance, AccessRevocationProcess.Elements.REMOVE).isEmpty());
    List<String> removal = tasks("sadie", instance, AccessRevocationProcess.Elements.REMOVE);
    assertThat(removal).as("a security admin sees the task, her own included").hasSize(1);
    Map<String, Object> done = Map.of("removedAt", TestClock.now().minusSeconds(60).toString(),
        "removalMethod", "account-disabled", "removalReference", "AD change 993");

    var own = complete("sadie", removal.get(0), done);
    assertThat(own.status()).as(own.toString()).isEqualTo(403);
    assertThat(own.body()).contains("nobody records the removal of their own access");
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'access.revocation.remove' "
        + "and object_id = ? and actor = 'sadie' and outcome = 'DENIED'", Integer.class, revocation)).isEqualTo(1);
    assertThat(jdbc.queryForObject("select removed_at is null from access_revocation_item where grant_id = ?",
        Boolean.class, grant)).as("nothing recorded").isTrue();

    // another security admin records it
    assertThat(Http.as(port, "sadie", PASSWORD).post("/engine-rest/task/" + removal.get(0) + "/unclaim", "{}").status())
        .isEqualTo(204);
    var other = complete("sam", removal.get(0), done);
    assertThat(other.status()).as(other.toString()).isEqualTo(204);
    assertThat(jdbc.queryForObject("select removed_by from access_revocation_item where grant_id = ?", String.class,
        grant)).isEqualTo("sam");
  }

  // ---------------------------------------------------------------- imports, SCIM and bad input

  @Test
  void anHrImportIsIdempotentAndReportsBadRowsWithoutLosingGoodOnes() {
    String csv = """
        employeeId,name,email,managerId,department,job,status,hireDate,terminationDate,userName
        E9501,Nina Newhire,nina@demo.itgc.local,E1007,Accounting,General Ledger Accountant,active,2026-11-02,,
        E9502,Bad Date,bad@demo.itgc.local,E1007,Accounting,Controller,active,2026-13-01,,
        E9503,,noname@demo.itgc.local,E1007,Accounting,Controller,active,2026-11-02,,
        """;
    JsonNode report = importHr(csv).json();
    assertThat(report.get("created").asInt()).isEqualTo(1);
    List<String> errors = new ArrayList<>();
    report.get("errors").forEach(e -> errors.add(e.get("line").asInt() + ":" + e.get("field").asText()));
    assertThat(errors).containsExactly("3:hireDate", "4:name");
    assertThat(jdbc.queryForObject("select count(*) from access_identity where id in ('E9502', 'E9503')", Integer.class)).isZero();
    JsonNode again = importHr(csv).json();
    assertThat(again.get("created").asInt()).isZero();
    assertThat(again.get("unchanged").asInt()).isEqualTo(1);
    assertThat(jdbc.queryForObject("select count(*) from access_hr_event where identity_id = 'E9501'", Integer.class)).isEqualTo(1);

    var noHeader = importHr("E9504,Someone\n");
    assertThat(noHeader.status()).isEqualTo(400);
    assertThat(noHeader.json().at("/errors/0/field").asText()).isEqualTo("header");
    var byRequester = Http.as(port, "rachel").post("/api/access/identities/import", "text/csv", csv.getBytes(StandardCharsets.UTF_8));
    assertThat(byRequester.status()).isEqualTo(403);
  }

  @Test
  void badRequestsNameTheFieldAndStoreNothing() {
    int before = jdbc.queryForObject("select count(*) from access_request", Integer.class);
    var noJustification = Http.as(port, "rachel").post("/api/access/requests", Http.json(Map.of(
        "entitlements", List.of("ERP-GL/GL_READ_ONLY"))));
    assertThat(noJustification.status()).as(noJustification.toString()).isEqualTo(400);
    assertThat(noJustification.contentType()).startsWith("application/problem+json");
    assertThat(noJustification.json().at("/errors/0/field").asText()).isEqualTo("justification");
    var unknown = Http.as(port, "rachel").post("/api/access/requests", Http.json(Map.of(
        "entitlements", List.of("ERP-GL/NO_SUCH_ROLE", "NOPE/X"), "justification", "needed", "beneficiaryId", "E404")));
    assertThat(unknown.status()).isEqualTo(400);
    List<String> fields = new ArrayList<>();
    unknown.json().get("errors").forEach(e -> fields.add(e.get("field").asText() + ": " + e.get("reason").asText()));
    assertThat(fields).anyMatch(f -> f.startsWith("beneficiaryId") && f.contains("E404"))
        .anyMatch(f -> f.contains("NO_SUCH_ROLE")).anyMatch(f -> f.contains("'NOPE' is not a system"));
    var notAReport = Http.as(port, "rachel").post("/api/access/requests", Http.json(Map.of(
        "entitlements", List.of("ERP-GL/GL_READ_ONLY"), "justification", "needed", "beneficiaryId", "E2001")));
    assertThat(notAReport.status()).isEqualTo(400);
    assertThat(notAReport.body()).contains("not you nor one of your reports");
    assertThat(jdbc.queryForObject("select count(*) from access_request", Integer.class)).isEqualTo(before);

    var unknownSystem = Http.as(port, "audrey").get("/api/access/holders?system=NOPE&entitlement=X");
    assertThat(unknownSystem.status()).isEqualTo(400);
    assertThat(unknownSystem.json().at("/errors/0/field").asText()).isEqualTo("system");
    assertThat(Http.as(port, "audrey").get("/api/access/identities/E404/grants").status()).isEqualTo(404);
    var badDate = Http.as(port, "audrey").get("/api/access/identities/E1001/grants?at=yesterday");
    assertThat(badDate.status()).isEqualTo(400);
    assertThat(badDate.json().at("/errors/0/field").asText()).isEqualTo("at");
    var badReason = Http.as(port, "sam").post("/api/access/revocations", Http.json(Map.of("identityId", "E2001", "reason", "dislike")));
    assertThat(badReason.status()).isEqualTo(400);
    assertThat(badReason.json().at("/errors/0/field").asText()).isEqualTo("reason");
    assertThat(Http.as(port, "rachel").post("/api/access/revocations", Http.json(Map.of("identityId", "E2001",
        "reason", "sod-remediation"))).status()).isEqualTo(403);
  }

  @Test
  void scimNeedsItsTokenAndNamesTheAttributeAtFault() {
    var anonymous = Http.anonymous(port).get("/scim/v2/Users");
    assertThat(anonymous.status()).isEqualTo(401);
    var wrong = Http.bearer(port, "guess").get("/scim/v2/Users");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.json().get("schemas").get(0).asText()).isEqualTo(ScimController.ERROR);
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'scim.authentication.failure'",
        Integer.class)).isPositive();
    assertThat(Http.as(port, "sam").get("/scim/v2/Users").status()).isEqualTo(401);

    var badEmployee = Http.bearer(port, SCIM_TOKEN).send("POST", "/scim/v2/Users", SCIM, Http.json(Map.of(
        "schemas", List.of(ScimController.USER), "userName", "x", ScimController.ENTERPRISE,
        Map.of("employeeNumber", "E 1"))));
    assertThat(badEmployee.status()).isEqualTo(400);
    assertThat(badEmployee.json().get("scimType").asText()).isEqualTo("invalidValue");
    assertThat(badEmployee.json().get("detail").asText()).contains("employeeNumber");
    var broken = Http.bearer(port, SCIM_TOKEN).send("POST", "/scim/v2/Users", SCIM, "{\"schemas\": [");
    assertThat(broken.status()).isEqualTo(400);
    String id = scimCreate(scimUser("E9601", "scim.person", "Scim Person", "Controller", "E1007", true, null));
    var badActive = Http.bearer(port, SCIM_TOKEN).send("PATCH", "/scim/v2/Users/" + id, SCIM, Http.json(Map.of(
        "schemas", List.of(ScimController.PATCH), "Operations", List.of(Map.of("op", "replace", "path", "active", "value", "no")))));
    assertThat(badActive.status()).isEqualTo(400);
    assertThat(badActive.json().get("detail").asText()).contains("active");
    assertThat(Http.bearer(port, SCIM_TOKEN).get("/scim/v2/Users/" + id).json().get("active").asBoolean()).isTrue();
    var duplicate = Http.bearer(port, SCIM_TOKEN).send("POST", "/scim/v2/Users", SCIM,
        Http.json(scimUser("E9601", "scim.person", "Scim Person", "Controller", "E1007", true, null)));
    assertThat(duplicate.status()).isEqualTo(409);
    var found = Http.bearer(port, SCIM_TOKEN).get("/scim/v2/Users?filter=userName%20eq%20%22scim.person%22").json();
    assertThat(found.get("totalResults").asInt()).isEqualTo(1);
    var replaced = Http.bearer(port, SCIM_TOKEN).send("PUT", "/scim/v2/Users/" + id, SCIM,
        Http.json(scimUser("E9601", "scim.person", "Scim Person", "Finance Director", "E1007", true, null)));
    assertThat(replaced.status()).isEqualTo(200);
    assertThat(replaced.json().get("title").asText()).isEqualTo("Finance Director");
    assertThat(Http.bearer(port, SCIM_TOKEN).send("DELETE", "/scim/v2/Users/" + id, null, null).status()).isEqualTo(204);
    assertThat(Http.bearer(port, SCIM_TOKEN).get("/scim/v2/Users/" + id).status()).isEqualTo(404);
    assertThat(jdbc.queryForObject("select status from access_identity where id = 'E9601'", String.class))
        .isEqualTo("terminated");
    assertThat(Http.bearer(port, SCIM_TOKEN).get("/scim/v2/Users/unknown").status()).isEqualTo(404);
  }

  @Test
  void theDetectiveScanFindsTheConflictsOfTheDemoData() {
    var scan = Http.as(port, "sam").post("/api/access/sod/scans", "{}");
    assertThat(scan.status()).as(scan.toString()).isEqualTo(201);
    assertThat(scan.json().get("identities").asInt()).isGreaterThan(15);
    List<String> findings = new ArrayList<>();
    Http.as(port, "audrey").get("/api/access/sod/findings").json()
        .forEach(f -> findings.add(f.get("identityId").asText() + ":" + f.get("ruleId").asText()));
    assertThat(findings).contains("E2001:SOD-03", "E2005:SOD-10");
    assertThat(Http.as(port, "rachel").post("/api/access/sod/scans", "{}").status()).isEqualTo(403);
  }

  @Test
  void aScheduledScanRunsOnceForItsTimeHoweverManyNodesFireIt() throws Exception {
    java.time.Instant slot = TestClock.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).plusSeconds(3600 * 24 * 400);
    int before = jdbc.queryForObject("select count(*) from sod_scan where kind = 'scheduled'", Integer.class);
    // three nodes' schedulers fire the same minute at once, and a fourth a moment after the first finished
    var pool = java.util.concurrent.Executors.newFixedThreadPool(3);
    try {
      java.util.concurrent.Callable<Boolean> fire = () -> sodScan.scheduled(slot);
      var runs = pool.invokeAll(java.util.List.of(fire, fire, fire));
      int ran = 0;
      for (var run : runs) {
        ran += run.get() ? 1 : 0;
      }
      assertThat(ran).as("one node runs it").isEqualTo(1);
    } finally {
      pool.shutdown();
    }
    assertThat(sodScan.scheduled(slot)).as("a late node skips it").isFalse();
    assertThat(jdbc.queryForObject("select count(*) from sod_scan where kind = 'scheduled'", Integer.class))
        .isEqualTo(before + 1);
    assertThat(jdbc.queryForObject("select count(*) from scheduled_run where job = 'sod-scan' and slot = ?", Integer.class,
        java.sql.Timestamp.from(slot))).isEqualTo(1);
    assertThat(sodScan.scheduled(slot.plusSeconds(60))).as("the next minute is another run").isTrue();
  }
}
