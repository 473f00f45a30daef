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
import org.springframework.beans.factory.annotation.Autowired;
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
    } finally {
      // the shared engine runs the repository's models: record them again (a second release change, reverting)
      tracked.recordModels(models);
    }
  }
}
