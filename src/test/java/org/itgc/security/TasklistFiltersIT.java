package org.itgc.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.TaskService;
import org.itgc.support.ChangeRequests;
import org.itgc.support.DateSensitive;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Every role's people open Tasklist on a filter that shows their work: the tasks offered to their groups (also when
 * a colleague took one), the tasks assigned to them by name and those offered to them as a candidate user, with the
 * record's number and system as columns. Read through the filter REST API as each demo user.
 */
@IntegrationTest
@DateSensitive
class TasklistFiltersIT {

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired TaskService taskService;

  /** The filter Tasklist opens first for the user: the lowest priority among those they may read. */
  private JsonNode defaultFilter(String user) {
    var filters = Http.as(port, user).get("/engine-rest/filter?resourceType=Task");
    assertThat(filters.status()).as(filters.toString()).isEqualTo(200);
    JsonNode first = null;
    for (JsonNode filter : filters.json()) {
      if (first == null || filter.at("/properties/priority").asInt() < first.at("/properties/priority").asInt()) {
        first = filter;
      }
    }
    assertThat(first).as("%s reads a task filter", user).isNotNull();
    return first;
  }

  private List<String> taskIdsIn(String user, JsonNode filter) {
    var list = Http.as(port, user).post("/engine-rest/filter/" + filter.get("id").asText() + "/list?maxResults=2000",
        Http.json(Map.of()));
    assertThat(list.status()).as(list.toString()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    list.json().forEach(task -> ids.add(task.get("id").asText()));
    return ids;
  }

  @Test
  void eachRolesDefaultFilterShowsItsGroupsTasksAndItsOwnWithTheRecordsNumberAndSystem() {
    for (String user : List.of("rachel", "lucas", "sofia", "carlos", "ivan", "fiona", "dmitri", "sam", "grace")) {
      JsonNode filter = defaultFilter(user);
      assertThat(filter.get("name").asText()).as(user).isEqualTo(CamundaIdentity.FILTER_GROUP_TASKS);
      List<String> variables = new ArrayList<>();
      filter.at("/properties/variables").forEach(v -> variables.add(v.get("name").asText()));
      assertThat(variables).as(user).contains("changeId", "campaignId", "accessRequestId", "systemId");
    }

    // a group's task: the technical review of a change is offered to system owners, not to the CAB
    var submitted = Http.as(port, "rachel").post("/api/changes", Http.json(ChangeRequests.body("normal", "ERP-GL", null,
        ChangeRequests.plannedSaturday(43))));
    assertThat(submitted.status()).as(submitted.toString()).isEqualTo(201);
    String review = taskService.createTaskQuery().processInstanceBusinessKey(submitted.json().get("id").asText())
        .singleResult().getId();
    assertThat(taskIdsIn("sofia", defaultFilter("sofia"))).contains(review);
    assertThat(taskIdsIn("carlos", defaultFilter("carlos"))).doesNotContain(review);
    // still there once a colleague (or she herself) took it
    taskService.claim(review, "sofia");
    assertThat(taskIdsIn("sofia", defaultFilter("sofia"))).contains(review);
    // assigned by name to someone outside the task's groups: theirs to see in the same filter
    taskService.setAssignee(review, "carlos");
    assertThat(taskIdsIn("carlos", defaultFilter("carlos"))).contains(review);

    // a task assigned by name: the line manager's approval of an access request goes to the requester's manager
    Http.Response requested = null;
    for (String entitlement : List.of("BI-REPORTING/BI_AUTHOR", "BI-REPORTING/BI_VIEWER", "ERP-GL/GL_READ_ONLY")) {
      requested = Http.as(port, "ryan").post("/api/access/requests", Http.json(Map.of(
          "entitlements", List.of(entitlement), "justification", "Read the month-end dashboards")));
      if (requested.status() == 201) {
        break;
      }
    }
    assertThat(requested.status()).as(requested.toString()).isEqualTo(201);
    String instance = jdbc.queryForObject("select process_instance_id from access_request where id = ?", String.class,
        requested.json().get("id").asText());
    var approval = taskService.createTaskQuery().processInstanceId(instance).singleResult();
    assertThat(approval.getAssignee()).isNotNull();
    assertThat(taskIdsIn(approval.getAssignee(), defaultFilter(approval.getAssignee()))).contains(approval.getId());
    // the request does not stay open for the other tests of the shared context: its approver rejects it
    var rejected = Http.as(port, approval.getAssignee()).post("/engine-rest/task/" + approval.getId() + "/complete",
        Http.json(Map.of("variables", Map.of("decision", Map.of("value", "reject"),
            "comment", Map.of("value", "Only a test of the filters")))));
    assertThat(rejected.status()).as(rejected.toString()).isEqualTo(204);
  }
}
