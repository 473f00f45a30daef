package org.itgc.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.camunda.bpm.engine.RepositoryService;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Governance leads deploy models from Camunda Modeler through /engine-rest: a broken model is refused with the
 * parser's message naming the file and line, and nothing of what was deployed before is lost.
 */
@IntegrationTest
class ModelDeploymentIT {

  private static final String BROKEN = """
      <?xml version="1.0" encoding="UTF-8"?>
      <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
          xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="http://itgc.org/test">
        <bpmn:process id="broken-model" isExecutable="true" camunda:historyTimeToLive="P1D">
          <bpmn:startEvent id="Start" />
          <bpmn:sequenceFlow id="Flow_Nowhere" sourceRef="Start" targetRef="Missing_Task" />
        </bpmn:process>
      </bpmn:definitions>
      """;

  private static final String NOT_XML = "<bpmn:definitions this is not xml";

  @LocalServerPort int port;
  @Autowired RepositoryService repositoryService;
  @Autowired org.springframework.jdbc.core.JdbcTemplate jdbc;

  @Test
  void anInvalidModelIsRefusedNamingTheFileAndNothingDeployedBeforeIsLost() {
    long definitionsBefore = repositoryService.createProcessDefinitionQuery().count();
    long deploymentsBefore = repositoryService.createDeploymentQuery().count();

    var response = deploy("grace", "broken-model.bpmn", BROKEN);
    assertThat(response.status()).as(response.toString()).isEqualTo(400);
    assertThat(response.body()).contains("broken-model.bpmn").contains("Missing_Task");

    var notXml = deploy("grace", "not-xml.bpmn", NOT_XML);
    assertThat(notXml.status()).as(notXml.toString()).isEqualTo(400);
    assertThat(notXml.body()).contains("not-xml.bpmn");

    assertThat(repositoryService.createProcessDefinitionQuery().count()).isEqualTo(definitionsBefore);
    assertThat(repositoryService.createDeploymentQuery().count()).isEqualTo(deploymentsBefore);
  }

  @Test
  void aDeploymentFromCamundaModelerIsInTheAuditTrailWithItsDeployer() {
    String model = BROKEN.replace("broken-model", "audited-model")
        .replace("<bpmn:sequenceFlow id=\"Flow_Nowhere\" sourceRef=\"Start\" targetRef=\"Missing_Task\" />", "");
    var response = deploy("grace", "audited-model.bpmn", model);
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    String deploymentId = response.json().get("id").asText();
    assertThat(jdbc.queryForObject("select count(*) from audit_event where actor = 'grace' and action = 'engine.Create' "
        + "and object_id = ?", Integer.class, deploymentId)).isPositive();
  }

  @Test
  void onlyGovernanceLeadsDeploy() {
    var response = deploy("rachel", "broken-model.bpmn", BROKEN);
    assertThat(response.status()).isEqualTo(403);
  }

  private Http.Response deploy(String user, String fileName, String content) {
    String boundary = "itgc-boundary-42";
    var body = new ByteArrayOutputStream();
    String part = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"deployment-name\"\r\n\r\nmodeler\r\n"
        + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"data\"; filename=\"" + fileName + "\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n" + content + "\r\n--" + boundary + "--\r\n";
    body.writeBytes(part.getBytes(StandardCharsets.UTF_8));
    return Http.as(port, user).post("/engine-rest/deployment/create", "multipart/form-data; boundary=" + boundary,
        body.toByteArray());
  }
}
