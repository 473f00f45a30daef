package org.itgc.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * An HR file imported as a job (issue #16): a large file answers 202 with a status resource that counts rows done and
 * names the refused rows by line; what it stored, its HR events and their audit records agree with the counts. A
 * person HR leaves without a manager is a finding, and their line manager's step is a security admin's, not any line
 * manager's.
 */
@IntegrationTest
class HrImportJobIT {

  static final String PASSWORD = "Correct-Horse-Battery-Staple-77";
  static final String HEADER = "employeeId,name,email,managerId,department,job,status,hireDate,terminationDate,userName\n";

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;

  private final String run = Long.toString(System.nanoTime(), 36).toUpperCase(Locale.ROOT);

  private Http.Response post(String csv, Map<String, String> headers) {
    return Http.as(port, "sam").post("/api/access/identities/import", "text/csv", csv.getBytes(StandardCharsets.UTF_8),
        headers);
  }

  private JsonNode finished(Http.Response started) throws InterruptedException {
    String location = started.header("Location");
    assertThat(location).startsWith("/api/access/identities/imports/HRI-");
    JsonNode job = started.json();
    for (int i = 0; i < 600 && List.of("queued", "running").contains(job.get("state").asText()); i++) {
      Thread.sleep(100);
      var status = Http.as(port, "sam").get(location);
      assertThat(status.status()).as(status.toString()).isEqualTo(200);
      job = status.json();
      assertThat(job.get("rowsDone").asInt()).isLessThanOrEqualTo(job.get("rows").asInt());
    }
    assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("done");
    return job;
  }

  private int count(String sql, Object... args) {
    return jdbc.queryForObject(sql, Integer.class, args);
  }

  @Test
  void aLargeFileRunsAsAJobWhoseStatusCountsWhatItStoredAndNamesEachRefusedLine() throws Exception {
    String p = "J" + run;
    StringBuilder csv = new StringBuilder(HEADER);
    int rows = 2_500;
    for (int i = 0; i < rows; i++) {
      String userName = i == 7 ? "j" + run.toLowerCase(Locale.ROOT) + "-shared" : "";
      String hire = i == 3 ? "2026-13-01" : "2024-01-02";
      String manager = i == 11 ? "" : "E1000";
      csv.append(p).append('-').append(i).append(",Job Person ").append(i).append(",jp").append(i)
          .append("@example.com,").append(manager).append(",Finance,Clerk,active,").append(hire).append(",,")
          .append(userName).append('\n');
    }
    // line 2502: a second person with line 9's login, refused while storing; line 2503: person 5 again, refused before
    csv.append(p).append("-dup,Dup Login,dup@example.com,E1000,Finance,Clerk,active,2024-01-02,,j")
        .append(run.toLowerCase(Locale.ROOT)).append("-shared\n");
    csv.append(p).append("-5,Job Person 5,jp5@example.com,E1000,Treasury,Treasury Analyst,active,2024-01-02,,\n");

    var started = post(csv.toString(), Map.of());
    assertThat(started.status()).as("a file of more than 1,000 rows runs as a job: %s", started).isEqualTo(202);
    assertThat(started.json().get("rows").asInt()).isEqualTo(rows + 2);
    JsonNode job = finished(started);

    assertThat(job.get("rowsDone").asInt()).isEqualTo(rows + 2);
    assertThat(job.get("created").asInt()).as(job.toString()).isEqualTo(rows - 1);
    assertThat(job.get("updated").asInt()).isZero();
    assertThat(job.get("rejected").asInt()).isEqualTo(3);
    assertThat(job.get("errorCount").asInt()).isEqualTo(3);
    List<String> errors = new ArrayList<>();
    job.get("errors").forEach(e -> errors.add(e.get("line").asInt() + ":" + e.get("field").asText()));
    assertThat(errors).containsExactlyInAnyOrder("5:hireDate", (rows + 2) + ":userName", (rows + 3) + ":employeeId");
    assertThat(job.toString()).contains("'" + p + "-5' is already on line 7 of this file");
    assertThat(job.toString()).contains("already belongs to identity " + p + "-7");
    assertThat(job.get("withoutManager").toString()).contains(p + "-11");
    assertThat(job.get("fileSha256").asText()).hasSize(64);
    assertThat(job.get("startedBy").asText()).isEqualTo("sam");

    assertThat(count("select count(*) from access_identity where id like ?", p + "-%")).isEqualTo(rows - 1);
    assertThat(count("select count(*) from access_identity where id = ?", p + "-dup")).isZero();
    assertThat(jdbc.queryForObject("select job from access_identity where id = ?", String.class, p + "-5"))
        .as("the first row of the person stands").isEqualTo("Clerk");
    // every joiner is an HR event, audited after the identity's own record
    assertThat(count("select count(*) from access_hr_event where identity_id like ?", p + "-%")).isEqualTo(rows - 1);
    assertThat(job.get("hrEvents").asInt()).isEqualTo(rows - 1);
    assertThat(count("select count(*) from audit_event where action = 'access.identity.create' and object_id like ?",
        p + "-%")).isEqualTo(rows - 1);
    assertThat(count("select count(*) from audit_event where action = 'access.hr-event' and object_id like ?",
        p + "-%")).isEqualTo(rows - 1);
    Map<String, Object> recorded = jdbc.queryForMap("select actor, actor_roles::text as roles, client_address"
        + " from audit_event where action = 'access.identity.create' and object_id = ?", p + "-0");
    assertThat(recorded.get("actor")).as("the job records as the person who started it").isEqualTo("sam");
    assertThat((String) recorded.get("roles")).contains("security-admin");
    String requestAddress = jdbc.queryForObject("select client_address from audit_event where action ="
        + " 'access.hr-import.start' and object_id = ?", String.class, job.get("id").asText());
    assertThat(requestAddress).isNotNull();
    assertThat(recorded.get("client_address")).as("and from where the file came, as the request's own event")
        .isEqualTo(requestAddress);
    assertThat(count("select count(*) from audit_event where action = 'access.hr-import' and details->>'job' = ?",
        job.get("id").asText())).isEqualTo(1);

    // the same file again: nothing changes, and the job says so
    JsonNode again = finished(post(csv.toString(), Map.of()));
    assertThat(again.get("created").asInt()).isZero();
    assertThat(again.get("updated").asInt()).isZero();
    assertThat(again.get("unchanged").asInt()).isEqualTo(rows - 1);
    // person 5 moves in a later file: a mover, audited after the update it comes from
    var moved = post(HEADER + p + "-5,Job Person 5,jp5@example.com,E1000,Treasury,Treasury Analyst,active,2024-01-02,,\n",
        Map.of());
    assertThat(moved.json().get("updated").asInt()).as(moved.toString()).isEqualTo(1);
    List<String> trailOfFive = jdbc.queryForList("select action || ':' || coalesce(details->>'kind', '') from audit_event"
        + " where object_id = ? and action like 'access.%' order by id", String.class, p + "-5");
    assertThat(trailOfFive).containsExactly("access.identity.create:", "access.hr-event:joiner",
        "access.identity.update:", "access.hr-event:mover");
  }

  @Test
  void aSmallFileWaitsUnlessAskedNotToAndTheStatusResourceIsTheSecurityAdminsOnly() throws Exception {
    String p = "K" + run;
    String csv = HEADER + p + "-1,Small File,small@example.com,E1000,Finance,Clerk,active,2024-01-02,,\n";
    var waited = post(csv, Map.of());
    assertThat(waited.status()).as(waited.toString()).isEqualTo(200);
    assertThat(waited.json().get("state").asText()).isEqualTo("done");
    assertThat(waited.header("Location")).endsWith(waited.json().get("id").asText());

    var async = post(HEADER + p + "-2,Async File,async@example.com,E1000,Finance,Clerk,active,2024-01-02,,\n",
        Map.of("Prefer", "respond-async"));
    assertThat(async.status()).as(async.toString()).isEqualTo(202);
    assertThat(finished(async).get("created").asInt()).isEqualTo(1);

    var unknown = Http.as(port, "sam").get("/api/access/identities/imports/HRI-0000-00000");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.contentType()).startsWith("application/problem+json");
    assertThat(Http.as(port, "rachel").get(waited.header("Location")).status()).isEqualTo(403);
    assertThat(Http.as(port, "sam").get("/api/access/identities/imports").json().findValuesAsText("id"))
        .contains(waited.json().get("id").asText());
  }

  @Test
  void aLoginMovesFromOnePersonToAnotherInOneFile() throws Exception {
    String p = "L" + run;
    String login = "l" + run.toLowerCase(Locale.ROOT);
    var first = post(HEADER + p + "-1,Login Holder,lh@example.com,E1000,Finance,Clerk,active,2024-01-02,," + login
        + "\n", Map.of());
    assertThat(first.json().get("created").asInt()).as(first.toString()).isEqualTo(1);
    var moved = post(HEADER + p + "-1,Login Holder,lh@example.com,E1000,Finance,Clerk,active,2024-01-02,," + login
        + "-old\n" + p + "-2,Login Taker,lt@example.com,E1000,Finance,Clerk,active,2024-01-02,," + login + "\n",
        Map.of());
    assertThat(moved.json().get("errors")).as(moved.toString()).isEmpty();
    assertThat(jdbc.queryForObject("select id from access_identity where user_name = ?", String.class, login))
        .isEqualTo(p + "-2");
  }

  @Test
  void aPersonWithoutAManagerIsAFindingAndTheirLineManagersStepIsASecurityAdmins() throws Exception {
    String p = "M" + run;
    String login = "m" + run.toLowerCase(Locale.ROOT);
    var imported = post(HEADER + p + "-1,Nora Nomanager,nora@example.com,,Finance,Clerk,active,2024-01-02,," + login
        + "\n", Map.of());
    assertThat(imported.json().get("withoutManager").toString()).as(imported.toString()).contains(p + "-1");
    JsonNode findings = Http.as(port, "audrey").get("/api/access/identities/without-manager").json();
    JsonNode nora = null;
    for (JsonNode finding : findings) {
      if (finding.get("identityId").asText().equals(p + "-1")) {
        nora = finding;
      }
    }
    assertThat(nora).as(findings.toString()).isNotNull();
    assertThat(nora.get("reason").asText()).isEqualTo("HR names no manager");

    // Nora asks for access herself
    org.itgc.support.RoleApprovals.createUser(port, login, "Nora Nomanager", "nora@example.com", PASSWORD,
        List.of("requester"));
    var submitted = Http.as(port, login, PASSWORD).post("/api/access/requests", Http.json(Map.of(
        "entitlements", List.of("ERP-GL/GL_DBA"), "justification", "Month-end database maintenance")));
    assertThat(submitted.status()).as(submitted.toString()).isEqualTo(201);
    String instance = Http.as(port, "audrey").get("/api/access/requests/" + submitted.json().get("id").asText()).json()
        .get("processInstanceId").asText();
    String tasks = "/engine-rest/task?processInstanceId=" + instance + "&taskDefinitionKey="
        + AccessRequestProcess.Elements.LINE_MANAGER_APPROVAL;
    assertThat(Http.as(port, "lucas").get(tasks).json()).as("no line manager may approve for a person without one")
        .isEmpty();
    JsonNode samTasks = Http.as(port, "sam").get(tasks).json();
    assertThat(samTasks).hasSize(1);
    String task = samTasks.get(0).get("id").asText();
    var sam = Http.as(port, "sam");
    assertThat(sam.post("/engine-rest/task/" + task + "/claim", Http.json(Map.of("userId", "sam"))).status())
        .isEqualTo(204);
    Map<String, Object> variables = new HashMap<>();
    variables.put("decision", Map.of("value", "approve"));
    var approved = sam.post("/engine-rest/task/" + task + "/complete", Http.json(Map.of("variables", variables)));
    assertThat(approved.status()).as(approved.toString()).isEqualTo(204);
    assertThat(jdbc.queryForObject("select approver from access_approval where request_id = ? and step = 'line-manager'",
        String.class, submitted.json().get("id").asText())).isEqualTo("sam");

    // the owner approves; the privileged access needs a security admin's approval too, and not the same one's
    String owners = "/engine-rest/task?processInstanceId=" + instance + "&taskDefinitionKey="
        + AccessRequestProcess.Elements.SYSTEM_OWNER_APPROVAL;
    String ownerTask = Http.as(port, "sofia").get(owners).json().get(0).get("id").asText();
    assertThat(Http.as(port, "sofia").post("/engine-rest/task/" + ownerTask + "/claim",
        Http.json(Map.of("userId", "sofia"))).status()).isEqualTo(204);
    assertThat(Http.as(port, "sofia").post("/engine-rest/task/" + ownerTask + "/complete",
        Http.json(Map.of("variables", variables))).status()).isEqualTo(204);
    String security = "/engine-rest/task?processInstanceId=" + instance + "&taskDefinitionKey="
        + AccessRequestProcess.Elements.SECURITY_ADMIN_APPROVAL;
    String securityTask = sam.get(security).json().get(0).get("id").asText();
    assertThat(sam.post("/engine-rest/task/" + securityTask + "/claim", Http.json(Map.of("userId", "sam"))).status())
        .isEqualTo(204);
    var twice = sam.post("/engine-rest/task/" + securityTask + "/complete", Http.json(Map.of("variables", variables)));
    assertThat(twice.status()).as(twice.toString()).isEqualTo(403);
    assertThat(twice.body()).contains("already gave the line-manager approval");
  }

  @Autowired Identities identities;

  @Test
  void aManagerWhoHasLeftApprovesNothingAndIsAFinding() {
    String p = "N" + run;
    String login = "n" + run.toLowerCase(Locale.ROOT);
    var imported = post(HEADER + p + "-boss,Gone Boss,gone@example.com,,Finance,Director,terminated,2020-01-01,"
        + "2026-01-05," + login + "\n" + p + "-1,Left Behind,lb@example.com," + p + "-boss,Finance,Clerk,active,"
        + "2024-01-02,,\n", Map.of());
    assertThat(imported.json().get("errors")).as(imported.toString()).isEmpty();
    assertThat(imported.json().get("withoutManager").toString()).contains(p + "-1");
    var person = identities.find(p + "-1").orElseThrow();
    assertThat(identities.managerLogin(person, null)).as("the departed manager's login approves nothing").isEmpty();
    assertThat(Http.as(port, "audrey").get("/api/access/identities/without-manager").body())
        .contains("the manager " + p + "-boss has left");
  }
}
