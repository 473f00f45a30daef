package org.itgc.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.camunda.bpm.engine.TaskService;
import org.itgc.change.ChangeProcess;
import org.itgc.platform.Hashes;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.itgc.support.ModelerClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A release whose models differ from the ones the engine last ran with is a model change: a change of ITGC-ENGINE of
 * type emergency (live before approval) holding the files, the versions they replace and the diff, whose deployment
 * someone other than the release confirms and whose approvals follow within CM-04's deadline; approving it deploys
 * nothing again.
 */
@IntegrationTest
class ReleaseModelChangeIT {

  @Autowired TrackedFiles tracked;
  @Autowired JdbcTemplate jdbc;
  @Autowired TaskService taskService;

  @Test
  void aStartWithChangedModelsOpensAModelChangeWhoseApprovalsFollow() throws Exception {
    Map<String, byte[]> models = tracked.models();
    byte[] original = models.get("processes/change-request.bpmn");
    assertThat(original).isNotNull();
    assertThat(tracked.recordModels(models)).as("the same models as at start: nothing to record").isNull();

    Map<String, byte[]> released = new TreeMap<>(models);
    released.put("processes/change-request.bpmn", new String(original, StandardCharsets.UTF_8)
        .replace("name=\"Implement emergency change\"", "name=\"Implement the emergency change\"")
        .getBytes(StandardCharsets.UTF_8));
    String changeId = tracked.recordModels(released);
    try {
      assertThat(changeId).isNotNull();
      var change = jdbc.queryForMap("select system_id, change_type, requester, status from change_request where id = ?",
          changeId);
      assertThat(change.get("system_id")).isEqualTo(ModelChanges.SYSTEM);
      assertThat(change.get("change_type")).isEqualTo("emergency");
      assertThat(change.get("requester")).isEqualTo(ModelChanges.RELEASE_ACTOR);
      var file = jdbc.queryForMap("select sha256, replaces_sha256, diff from model_change_file where change_id = ?",
          changeId);
      assertThat(file.get("sha256")).isEqualTo(Hashes.sha256(released.get("processes/change-request.bpmn")));
      assertThat(file.get("replaces_sha256")).isEqualTo(Hashes.sha256(original));
      assertThat((String) file.get("diff")).contains("Implement the emergency change");
      assertThat(jdbc.queryForObject("select count(*) from model_change_deployment where change_id = ?", Integer.class,
          changeId)).as("already live: nothing is deployed again on approval").isEqualTo(1);
      // a person confirms the release's deployment, then the approvals follow (CM-04's deadline runs)
      assertThat(taskService.createTaskQuery().processInstanceBusinessKey(changeId)
          .taskDefinitionKey(ChangeProcess.Elements.IMPLEMENT_EMERGENCY).count()).isEqualTo(1);
      assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'model.release-change-open' "
          + "and object_id = ?", Integer.class, changeId)).isEqualTo(1);

      // the change is an emergency change of ITGC-ENGINE, confirmed and approved by the CAB: still no break-glass,
      // since no person declared that emergency
      String implement = taskService.createTaskQuery().processInstanceBusinessKey(changeId)
          .taskDefinitionKey(ChangeProcess.Elements.IMPLEMENT_EMERGENCY).singleResult().getId();
      var dmitri = org.itgc.support.Http.as(port, "dmitri");
      dmitri.post("/engine-rest/task/" + implement + "/claim", org.itgc.support.Http.json(Map.of("userId", "dmitri")));
      assertThat(dmitri.post("/engine-rest/task/" + implement + "/complete", EngineSurfaceIT.typed(Map.of(
          "deploymentReference", "release at start", "implementationNotes", "confirmed"))).status()).isEqualTo(204);
      String cab = taskService.createTaskQuery().processInstanceBusinessKey(changeId)
          .taskDefinitionKey(ChangeProcess.Elements.RETRO_CAB).singleResult().getId();
      var carlos = org.itgc.support.Http.as(port, "carlos");
      carlos.post("/engine-rest/task/" + cab + "/claim", org.itgc.support.Http.json(Map.of("userId", "carlos")));
      assertThat(carlos.post("/engine-rest/task/" + cab + "/complete", EngineSurfaceIT.typed(Map.of(
          "decision", "approve", "comment", "the release is fine"))).status()).isEqualTo(204);
      String someInstance = taskService.createTaskQuery().taskDefinitionKey(ChangeProcess.Elements.RETRO_IT)
          .processInstanceBusinessKey(changeId).singleResult().getProcessInstanceId();
      var glass = org.itgc.support.Http.as(port, "admin").send("PUT", "/engine-rest/execution/" + someInstance
          + "/localVariables/note", "application/json", org.itgc.support.Http.json(Map.of("value", "x")),
          Map.of("X-ITGC-Break-Glass", changeId));
      assertThat(glass.status()).as(glass.toString()).isEqualTo(403);
      assertThat(glass.json().get("message").asText()).contains("not a release at start");
    } finally {
      // the shared engine runs the repository's models: record them again (a second release change, reverting)
      tracked.recordModels(models);
    }
  }

  @Test
  void aControlParameterChangedBetweenStartsIsRecordedWithItsHashAndDiff() throws Exception {
    Map<String, byte[]> config = tracked.configFiles();
    byte[] original = config.get("sampling.yaml");
    assertThat(original).as("the engine's config folder holds sampling.yaml").isNotNull();
    assertThat(tracked.record("config", config)).as("the files the engine started with").isEmpty();

    // someone lowers the daily sample from 25 to 2 and restarts
    String lowered = new String(original, StandardCharsets.UTF_8).replace("  daily: 25", "  daily: 2");
    assertThat(lowered).isNotEqualTo(new String(original, StandardCharsets.UTF_8));
    Map<String, byte[]> changed = new TreeMap<>(config);
    changed.put("sampling.yaml", lowered.getBytes(StandardCharsets.UTF_8));
    long before = jdbc.queryForObject("select coalesce(max(id), 0) from audit_event", Long.class);
    try {
      assertThat(tracked.record("config", changed)).containsExactly("sampling.yaml");
      var event = jdbc.queryForMap("select actor, details->>'from' as from_sha, details->>'to' as to_sha, "
          + "details->>'diff' as diff from audit_event where id > ? and action = 'config.change' and object_id = "
          + "'sampling.yaml'", before);
      assertThat(event.get("from_sha")).isEqualTo(Hashes.sha256(original));
      assertThat(event.get("to_sha")).isEqualTo(Hashes.sha256(changed.get("sampling.yaml")));
      assertThat((String) event.get("diff")).containsPattern("(?m)^-\\d+:   daily: 25$")
          .containsPattern("(?m)^\\+\\d+:   daily: 2$");
      var versions = tracked.versions("config", "sampling.yaml");
      assertThat(versions.get(0).sha256()).isEqualTo(Hashes.sha256(changed.get("sampling.yaml")));
      assertThat(versions.get(0).diff()).contains("daily: 2");
    } finally {
      // the shared engine's files are as they were: recorded again (another change, reverting)
      tracked.record("config", config);
    }
  }

  @LocalServerPort int port;

  @Test
  void aReleaseThatChangesAModelApprovedFromModelerShowsItsDifferenceToTheApprovedVersion() throws Exception {
    String key = "it-release-over-approved";
    String name = "processes/" + key + ".bpmn";
    String released = ModelerClient.process(key, "Release over approved", "Release");
    // the approved version adds a check by the CAB
    String approved = ModelerClient.withCheck(released, "Release");
    Map<String, byte[]> models = new TreeMap<>(tracked.models());
    models.put(name, released.getBytes(StandardCharsets.UTF_8));
    assertThat(tracked.recordModels(models)).as("first seen: part of the baseline").isNull();

    var opened = ModelerClient.deploy(port, "grace", key + ".bpmn", approved);
    assertThat(opened.status()).as(opened.toString()).isEqualTo(403);
    String modelChange = opened.json().get("changeId").asText();
    ModelerClient.approveAll(port, taskService, jdbc, modelChange);
    assertThat(jdbc.queryForObject("select deployment_id from model_change_deployment where change_id = ?",
        String.class, modelChange)).isNotNull();

    // the next release changes the file in the repository without the CAB's check: it replaces the approved version,
    // and says so, with the difference to what was live
    models.put(name, released.replace("name=\"Done\"", "name=\"Finished\"").getBytes(StandardCharsets.UTF_8));
    String release = tracked.recordModels(models);
    assertThat(release).isNotNull();
    var file = jdbc.queryForMap("select replaces_sha256, diff from model_change_file where change_id = ? "
        + "and resource_name = ?", release, name);
    assertThat(file.get("replaces_sha256")).isEqualTo(Hashes.sha256(approved.getBytes(StandardCharsets.UTF_8)));
    assertThat((String) file.get("diff")).contains("approved model change " + modelChange)
        .contains("removed userTask Task_Check").contains("name: 'Done' -> 'Finished'");
  }
}
