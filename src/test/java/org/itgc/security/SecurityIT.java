package org.itgc.security;

import org.itgc.platform.Role;
import static org.assertj.core.api.Assertions.assertThat;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/** One login guards everything, and Camunda's authorizations decide which tasks a user sees and completes. */
@IntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityIT {

  @LocalServerPort int port;
  @Autowired RepositoryService repositoryService;
  @Autowired RuntimeService runtimeService;
  @Autowired TaskService taskService;
  @Autowired HistoryService historyService;
  @Autowired JdbcTemplate jdbc;

  String instanceId;

  @BeforeAll
  void deployFixture() {
    repositoryService.createDeployment().name("security-it")
        .addClasspathResource("it-models/group-tasks.bpmn").addClasspathResource("it-models/it-answer.form")
        .enableDuplicateFiltering(true).deploy();
    instanceId = runtimeService.startProcessInstanceByKey("it-group-tasks", "SEC-IT-1").getId();
  }

  @Test
  void anonymousCallsToTheEngineRestApiAndTheApplicationApiAre401ProblemJson() {
    var anonymous = Http.anonymous(port);
    for (String path : new String[] {"/engine-rest/task", "/engine-rest/process-definition", "/api/me",
        "/api/systems", "/api/controls", "/api/audit/events", "/engine-rest/user"}) {
      var response = anonymous.get(path);
      assertThat(response.status()).as(path).isEqualTo(401);
      assertThat(response.contentType()).as(path).startsWith("application/problem+json");
      assertThat(response.json().get("status").asInt()).isEqualTo(401);
    }
  }

  @Test
  void aWrongPasswordIs401AndTheFailureIsAudited() {
    var response = Http.as(port, "rachel", "not-the-password").get("/api/me");
    assertThat(response.status()).isEqualTo(401);
    Integer failures = jdbc.queryForObject("select count(*) from audit_event where action = 'login.failure' "
        + "and object_id = 'rachel' and outcome = 'DENIED'", Integer.class);
    assertThat(failures).isPositive();
    // an unknown user gets the same answer: nothing tells whether the user exists
    var unknown = Http.as(port, "nobody-here", "not-the-password").get("/api/me");
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(unknown.body()).isEqualTo(response.body());
  }

  @Test
  void browsersAreSentToTheLoginPage() {
    var response = Http.anonymous(port).get("/camunda/app/tasklist/");
    assertThat(response.status()).isEqualTo(302);
    var login = Http.anonymous(port).get("/login");
    assertThat(login.status()).isEqualTo(200);
    assertThat(login.body()).contains("username").contains("password");
  }

  @Test
  void aRequesterSeesOnlyTheTasksOfTheirGroups() {
    var requesterTasks = Http.as(port, "rachel").get("/engine-rest/task?processInstanceId=" + instanceId);
    assertThat(requesterTasks.status()).isEqualTo(200);
    assertThat(requesterTasks.json()).hasSize(1);
    assertThat(requesterTasks.json().get(0).get("taskDefinitionKey").asText()).isEqualTo("Task_ForRequester");

    var cabTasks = Http.as(port, "carlos").get("/engine-rest/task?processInstanceId=" + instanceId);
    assertThat(cabTasks.json()).hasSize(1);
    assertThat(cabTasks.json().get(0).get("taskDefinitionKey").asText()).isEqualTo("Task_ForCab");
  }

  @Test
  void aRequesterCannotCompleteTheCabTaskButACabMemberCanAndIsRecorded() {
    String otherInstance = runtimeService.startProcessInstanceByKey("it-group-tasks", "SEC-IT-2").getId();
    String cabTask = taskService.createTaskQuery().processInstanceId(otherInstance)
        .taskDefinitionKey("Task_ForCab").singleResult().getId();

    var refused = Http.as(port, "rachel").post("/engine-rest/task/" + cabTask + "/complete", "{}");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(taskService.createTaskQuery().taskId(cabTask).count()).as("task left as it was").isEqualTo(1);

    assertThat(Http.as(port, "carlos").post("/engine-rest/task/" + cabTask + "/claim", "{\"userId\":\"carlos\"}")
        .status()).isEqualTo(204);
    var completed = Http.as(port, "carlos").post("/engine-rest/task/" + cabTask + "/complete", "{}");
    assertThat(completed.status()).isEqualTo(204);
    var log = historyService.createUserOperationLogQuery().taskId(cabTask).operationType("Complete").singleResult();
    assertThat(log.getUserId()).isEqualTo("carlos");
    // the same operations are in the application's audit trail, with the user who did them
    assertThat(jdbc.queryForList("select action from audit_event where object_id = ? and actor = 'carlos' order by id",
        String.class, cabTask)).contains("engine.Claim", "engine.Complete");
  }

  @Test
  void valuesSubmittedThroughTheEngineRestApiAreAuditedWithTheUser() {
    String instance = runtimeService.startProcessInstanceByKey("it-group-tasks", "SEC-IT-3").getId();
    String requesterTask = taskService.createTaskQuery().processInstanceId(instance)
        .taskDefinitionKey("Task_ForRequester").singleResult().getId();
    Http.as(port, "rachel").post("/engine-rest/task/" + requesterTask + "/claim", "{\"userId\":\"rachel\"}");
    assertThat(Http.as(port, "rachel").post("/engine-rest/task/" + requesterTask + "/complete",
        "{\"variables\":{\"answer\":{\"value\":\"forty-two\"}}}").status()).isEqualTo(204);
    assertThat(jdbc.queryForObject("select details->>'value' from audit_event where action = 'engine.variable-update' "
        + "and object_id = 'answer' and actor = 'rachel'", String.class)).isEqualTo("forty-two");
  }

  @Test
  void anAuditorMayReadButNotStartOrComplete() {
    var auditor = Http.as(port, "audrey");
    assertThat(auditor.get("/engine-rest/process-instance?processDefinitionKey=it-group-tasks").json().size())
        .isPositive();
    var start = auditor.post("/engine-rest/process-definition/key/it-group-tasks/start", "{}");
    assertThat(start.status()).isEqualTo(403);
  }

  @Test
  void demoUsersExistForEveryRoleInCamundaToo() {
    for (Role role : Role.values()) {
      Integer members = jdbc.queryForObject("select count(*) from act_id_membership where group_id_ = ?",
          Integer.class, role.groupId());
      assertThat(members).as(role.groupId()).isPositive();
    }
    var me = Http.as(port, "carlos").get("/api/me").json();
    assertThat(me.get("roles").get(0).asText()).isEqualTo("cab");
  }
}
