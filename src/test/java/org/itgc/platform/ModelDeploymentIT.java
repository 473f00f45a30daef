package org.itgc.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.TaskService;
import org.itgc.change.ChangeProcess;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.itgc.support.ModelerClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Model changes are changes: a deployment from Camunda Modeler ({@code POST /engine-rest/deployment/create}, its
 * multipart form) by a governance lead opens a change of ITGC-ENGINE holding the files, their hashes and a diff, and
 * nothing goes live; the author cannot approve it; after the approvals its criticality requires, the server deploys
 * exactly the approved bytes; a rollback is an approved redeploy of an earlier version. Anyone else's deployment is
 * refused; a broken model opens nothing.
 */
@IntegrationTest
class ModelDeploymentIT {

  private static final String KEY = "it-model-change-demo";
  private static final String V1 = ModelerClient.process(KEY, "Model change demo", "Demo");
  private static final String V2 = ModelerClient.withCheck(V1, "Demo");
  private static final String BROKEN = V1.replace("targetRef=\"EndEvent_Demo\"", "targetRef=\"Missing_Task\"");

  @LocalServerPort int port;
  @Autowired RepositoryService repositoryService;
  @Autowired TaskService taskService;
  @Autowired org.springframework.jdbc.core.JdbcTemplate jdbc;

  @Test
  void aModelFromCamundaModelerGoesLiveOnlyAsAnApprovedChangeWithExactlyTheApprovedBytes() throws Exception {
    long deploymentsBefore = repositoryService.createDeploymentQuery().count();
    var response = deploy("grace", "it-model-change-demo.bpmn", V1);
    assertThat(response.status()).as(response.toString()).isEqualTo(403);
    String changeId = response.json().get("changeId").asText();
    assertThat(response.json().get("message").asText()).startsWith("Not deployed: model change " + changeId);
    assertThat(repositoryService.createProcessDefinitionQuery().processDefinitionKey(KEY).count()).isZero();
    assertThat(repositoryService.createDeploymentQuery().count()).isEqualTo(deploymentsBefore);

    JsonNode change = Http.as(port, "audrey").get("/api/model-changes/" + changeId).json();
    assertThat(change.at("/change/systemId").asText()).isEqualTo("ITGC-ENGINE");
    assertThat(change.at("/change/requester").asText()).isEqualTo("grace");
    JsonNode file = change.get("files").get(0);
    assertThat(file.get("sha256").asText()).isEqualTo(Hashes.sha256(V1.getBytes(StandardCharsets.UTF_8)));
    assertThat(file.path("replacesDeploymentId").isTextual()).as("a new model replaces nothing").isFalse();
    assertThat(file.get("diff").toString()).contains("added process it-model-change-demo")
        .contains("added sequenceFlow Flow_ToEnd");

    // the author cannot approve their own model change
    String review = task(changeId, ChangeProcess.Elements.TECHNICAL_REVIEW);
    long before = jdbc.queryForObject("select coalesce(max(id), 0) from audit_event", Long.class);
    var own = Http.as(port, "grace").post("/engine-rest/task/" + review + "/complete",
        Http.json(Map.of("variables", Map.of("decision", Map.of("value", "approve"), "comment", Map.of("value", "mine")))));
    assertThat(own.status()).isEqualTo(403);
    assertThat(jdbc.queryForObject("select count(*) from audit_event where id > ? and actor = 'grace' "
        + "and outcome = 'DENIED' and object_id like ?", Integer.class, before, "%" + review + "%"))
        .as("the refused self-approval is on the trail").isPositive();

    List<String> approvedBy = approveAll(changeId);
    assertThat(approvedBy).contains("sofia").doesNotContain("grace");
    JsonNode deployed = Http.as(port, "audrey").get("/api/model-changes/" + changeId).json().get("deployment");
    assertThat(deployed.path("problem").isTextual()).as(deployed.toString()).isFalse();
    String deploymentId = deployed.get("deployment_id").asText();
    var definition = repositoryService.createProcessDefinitionQuery().processDefinitionKey(KEY).singleResult();
    assertThat(definition.getDeploymentId()).isEqualTo(deploymentId);
    try (InputStream in = repositoryService.getResourceAsStream(deploymentId, "it-model-change-demo.bpmn")) {
      assertThat(Hashes.sha256(in.readAllBytes())).as("exactly the approved bytes").isEqualTo(file.get("sha256").asText());
    }
    assertThat(deployed.get("approvers").asText()).contains("technical-review: sofia");
    assertThat(deployed.get("deployed_at").asText()).matches("\\d{4}-\\d{2}-\\d{2}T[\\d:]{8}\\.\\d{3}\\+00:00");
    assertThat(deployed.has("problem")).as("a column without a value is left out, as it always was").isFalse();
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'model.deploy' and object_id = ? "
        + "and outcome = 'SUCCESS'", Integer.class, changeId)).isEqualTo(1);

    // the next version shows what changes against the deployed one
    var second = deploy("grace", "it-model-change-demo.bpmn", V2);
    String secondId = second.json().get("changeId").asText();
    JsonNode secondFile = Http.as(port, "audrey").get("/api/model-changes/" + secondId).json().get("files").get(0);
    assertThat(secondFile.get("replacesDeploymentId").asText()).isEqualTo(deploymentId);
    assertThat(secondFile.get("diff").toString()).contains("added userTask Task_Check")
        .contains("candidateGroups='cab'").contains("changed sequenceFlow Flow_ToEnd: targetRef: 'EndEvent_Demo' -> 'Task_Check'");

    approveAll(secondId);
    String secondDeployment = deployedBy(secondId);
    assertThat(sha256(secondDeployment)).isEqualTo(Hashes.sha256(V2.getBytes(StandardCharsets.UTF_8)));

    // a rollback is a model change of the earlier version's bytes, approved like any other, then live
    var rollback = Http.as(port, "grace").post("/api/model-changes/rollback", Http.json(Map.of(
        "deploymentId", deploymentId, "resourceName", "it-model-change-demo.bpmn")));
    assertThat(rollback.status()).as(rollback.toString()).isEqualTo(201);
    String rollbackId = rollback.json().get("id").asText();
    JsonNode rolledBack = Http.as(port, "audrey").get("/api/model-changes/" + rollbackId).json();
    assertThat(rolledBack.get("files").get(0).get("sha256").asText()).isEqualTo(file.get("sha256").asText());
    assertThat(rolledBack.get("files").get(0).get("replacesDeploymentId").asText()).isEqualTo(secondDeployment);
    assertThat(rolledBack.get("files").get(0).get("diff").toString()).contains("removed userTask Task_Check");
    assertThat(repositoryService.createProcessDefinitionQuery().processDefinitionKey(KEY).latestVersion()
        .singleResult().getDeploymentId()).as("nothing changes before the approval").isEqualTo(secondDeployment);
    assertThat(approveAll(rollbackId)).doesNotContain("grace");
    String rolledBackDeployment = deployedBy(rollbackId);
    var live = repositoryService.createProcessDefinitionQuery().processDefinitionKey(KEY).latestVersion().singleResult();
    assertThat(live.getDeploymentId()).isEqualTo(rolledBackDeployment);
    assertThat(live.getVersion()).as("a rollback is a new version holding the old bytes").isEqualTo(3);
    assertThat(sha256(rolledBackDeployment)).as("the first version's bytes are live again")
        .isEqualTo(file.get("sha256").asText());
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'model.deploy' and object_id = ? "
        + "and outcome = 'SUCCESS'", Integer.class, rollbackId)).isEqualTo(1);
  }

  private static String readString(String path) {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of(path), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private String deployedBy(String changeId) {
    JsonNode deployed = Http.as(port, "audrey").get("/api/model-changes/" + changeId).json().get("deployment");
    assertThat(deployed.path("problem").isTextual()).as(deployed.toString()).isFalse();
    return deployed.get("deployment_id").asText();
  }

  private String sha256(String deploymentId) throws java.io.IOException {
    try (InputStream in = repositoryService.getResourceAsStream(deploymentId, "it-model-change-demo.bpmn")) {
      return Hashes.sha256(in.readAllBytes());
    }
  }

  @Test
  void twoModelChangesThatPassAloneButBreakTheRulesTogetherAreNotBothDeployed() throws Exception {
    // a new form with a control fact, used by nothing yet; then a process whose approver uses it: each passes when
    // opened, and the second is checked again against what is live when it is approved
    String form = """
        {"id": "it-armed-form", "type": "default", "schemaVersion": 16, "components": [
          {"type": "select", "key": "decision", "label": "Decision",
           "values": [{"label": "Approve", "value": "approve"}], "validate": {"required": true}},
          {"type": "checkbox", "key": "cabReviewRequired", "label": "CAB review required"}]}
        """;
    var formChange = deploy("grace", "it-armed-form.form", form);
    assertThat(formChange.status()).as(formChange.toString()).isEqualTo(403);
    String process = V1.replace("it-model-change-demo", "it-combined").replace("Definitions_Demo", "Definitions_Combined")
        .replace("<bpmn:sequenceFlow id=\"Flow_ToEnd\" sourceRef=\"StartEvent_Demo\" targetRef=\"EndEvent_Demo\" />",
            "<bpmn:sequenceFlow id=\"Flow_ToEnd\" sourceRef=\"StartEvent_Demo\" targetRef=\"Task_Approve\" />"
                + "<bpmn:userTask id=\"Task_Approve\" name=\"Approve\" camunda:candidateGroups=\"cab\" "
                + "camunda:formRef=\"it-armed-form\" camunda:formRefBinding=\"latest\" />"
                + "<bpmn:sequenceFlow id=\"Flow_Approved\" sourceRef=\"Task_Approve\" targetRef=\"EndEvent_Demo\" />");
    var processChange = deploy("grace", "it-combined.bpmn", process);
    assertThat(processChange.status()).as("no such form is live yet: " + processChange).isEqualTo(403);
    String formChangeId = formChange.json().get("changeId").asText();
    String processChangeId = processChange.json().get("changeId").asText();

    approveAll(formChangeId);
    assertThat(deployedBy(formChangeId)).isNotBlank();
    approveAll(processChangeId);
    var outcome = jdbc.queryForMap("select deployment_id, problem from model_change_deployment where change_id = ?",
        processChangeId);
    assertThat(outcome.get("deployment_id")).as("not deployed").isNull();
    assertThat((String) outcome.get("problem")).contains("declares control fact 'cabReviewRequired'");
    assertThat(repositoryService.createProcessDefinitionQuery().processDefinitionKey("it-combined").count()).isZero();
    assertThat(jdbc.queryForObject("select count(*) from control_exception where control_id = 'CM-03' "
        + "and object_id = ?", Integer.class, processChangeId)).isEqualTo(1);
  }

  @Test
  void onlyGovernanceLeadsOpenModelChangesAndABrokenModelOpensNothing() {
    int changes = jdbc.queryForObject("select count(*) from change_request", Integer.class);
    for (String user : new String[] {"rachel", "admin"}) {
      var refused = deploy(user, "it-model-change-demo.bpmn", V1);
      assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
      assertThat(refused.json().get("message").asText()).contains("only governance leads");
      assertThat(jdbc.queryForObject("select count(*) from audit_event where actor = ? "
          + "and action = 'engine.write-refused' and object_id = 'POST deployment/create'", Integer.class, user))
          .isPositive();
    }
    var broken = deploy("grace", "broken-model.bpmn", BROKEN);
    assertThat(broken.status()).as(broken.toString()).isEqualTo(400);
    assertThat(broken.json().get("message").asText()).contains("broken-model.bpmn");
    var notXml = deploy("grace", "not-xml.bpmn", "<bpmn:definitions this is not xml");
    assertThat(notXml.status()).isEqualTo(400);
    assertThat(notXml.json().get("message").asText()).contains("not-xml.bpmn");
    var script = deploy("grace", "run.sh", "rm -rf /");
    assertThat(script.status()).isEqualTo(400);
    // an approval form that would let its approver decide whether the CAB sees the change: refused before anyone
    // approves it, naming the deployed processes whose approvers it would arm
    String approvalForm = readString("forms/change-approval.form");
    var armed = deploy("grace", "change-approval.form", approvalForm.replaceFirst("\"components\": \\[",
        "\"components\": [ { \"type\": \"checkbox\", \"key\": \"cabReviewRequired\", \"label\": \"CAB\" },"));
    assertThat(armed.status()).as(armed.toString()).isEqualTo(400);
    assertThat(armed.json().get("message").asText()).contains("change-request.bpmn (deployed)")
        .contains("declares control fact 'cabReviewRequired'");
    // a process whose gateway reads an answer of an approver's form other than the task right before it
    String process = readString("processes/change-request.bpmn");
    var steered = deploy("grace", "change-request.bpmn", process.replace("${changeType == 'emergency'}",
        "${decision == 'emergency'}"));
    assertThat(steered.status()).as(steered.toString()).isEqualTo(400);
    assertThat(steered.json().get("message").asText()).contains("gateway Gateway_ChangeType reads 'decision'");
    assertThat(jdbc.queryForObject("select count(*) from change_request", Integer.class)).isEqualTo(changes);
  }

  @Test
  void theModelsAndConfigFilesTheEngineStartedWithAreTrackedWithTheirHashes() {
    JsonNode config = Http.as(port, "audrey").get("/api/tracked-files?kind=config&name=sampling.yaml").json();
    assertThat(config).isNotEmpty();
    assertThat(config.get(0).get("sha256").asText()).hasSize(64);
    JsonNode models = Http.as(port, "audrey").get("/api/tracked-files?kind=model&name=processes/change-request.bpmn").json();
    assertThat(models).isNotEmpty();
    assertThat(Http.as(port, "audrey").get("/api/tracked-files?kind=other").status()).isEqualTo(400);
  }

  private String task(String changeId, String key) {
    return taskService.createTaskQuery().processInstanceBusinessKey(changeId).taskDefinitionKey(key).singleResult()
        .getId();
  }

  private List<String> approveAll(String changeId) throws InterruptedException {
    return ModelerClient.approveAll(port, taskService, jdbc, changeId);
  }

  private Http.Response deploy(String user, String fileName, String content) {
    return ModelerClient.deploy(port, user, fileName, content);
  }
}
