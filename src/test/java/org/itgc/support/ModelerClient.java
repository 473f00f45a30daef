package org.itgc.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.TaskService;
import org.itgc.change.ChangeProcess;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What Camunda Modeler's deploy dialog sends (POST /engine-rest/deployment/create with its multipart fields), and the
 * approvals a model change then needs, each given by its role's demo user.
 */
public final class ModelerClient {

  private static final Map<String, String> APPROVERS = Map.of(ChangeProcess.Elements.TECHNICAL_REVIEW, "sofia",
      ChangeProcess.Elements.CAB_REVIEW, "carlos", ChangeProcess.Elements.IT_APPROVAL, "ivan",
      ChangeProcess.Elements.FINANCE_APPROVAL, "fiona");

  private ModelerClient() {}

  /** A throwaway process a governance lead might draw: start, one flow, end (ids end in {@code suffix}). */
  public static String process(String key, String name, String suffix) {
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
            xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_%3$s" targetNamespace="http://itgc.org/test">
          <bpmn:process id="%1$s" name="%2$s" isExecutable="true" camunda:historyTimeToLive="P2557D">
            <bpmn:startEvent id="StartEvent_%3$s" name="Started" />
            <bpmn:sequenceFlow id="Flow_ToEnd" sourceRef="StartEvent_%3$s" targetRef="EndEvent_%3$s" />
            <bpmn:endEvent id="EndEvent_%3$s" name="Done" />
          </bpmn:process>
        </bpmn:definitions>
        """.formatted(key, name, suffix);
  }

  /** The same process with a check by the CAB between start and end. */
  public static String withCheck(String process, String suffix) {
    return process.replace("<bpmn:sequenceFlow id=\"Flow_ToEnd\" sourceRef=\"StartEvent_" + suffix
        + "\" targetRef=\"EndEvent_" + suffix + "\" />", "<bpmn:sequenceFlow id=\"Flow_ToEnd\" sourceRef=\"StartEvent_"
        + suffix + "\" targetRef=\"Task_Check\" />"
        + "<bpmn:userTask id=\"Task_Check\" name=\"Check\" camunda:candidateGroups=\"cab\" />"
        + "<bpmn:sequenceFlow id=\"Flow_Checked\" sourceRef=\"Task_Check\" targetRef=\"EndEvent_" + suffix + "\" />");
  }

  /** Deploys one file as Camunda Modeler does. */
  public static Http.Response deploy(int port, String user, String fileName, String content) {
    String boundary = "itgc-boundary-42";
    var body = new ByteArrayOutputStream();
    String part = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"deployment-name\"\r\n\r\nmodeler\r\n"
        + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"deploy-changed-only\"\r\n\r\ntrue\r\n"
        + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"data\"; filename=\"" + fileName + "\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n" + content + "\r\n--" + boundary + "--\r\n";
    body.writeBytes(part.getBytes(StandardCharsets.UTF_8));
    return Http.as(port, user).post("/engine-rest/deployment/create", "multipart/form-data; boundary=" + boundary,
        body.toByteArray());
  }

  /**
   * Gives every approval the change's assessment requires, each by its role's demo user, then waits for the server's
   * deployment that follows the approving transaction's commit; returns who approved.
   */
  public static List<String> approveAll(int port, TaskService taskService, JdbcTemplate jdbc, String changeId)
      throws InterruptedException {
    List<String> approvedBy = new ArrayList<>();
    for (int round = 0; round < 10; round++) {
      var open = taskService.createTaskQuery().processInstanceBusinessKey(changeId).list();
      var approval = open.stream().filter(t -> APPROVERS.containsKey(t.getTaskDefinitionKey())).findFirst();
      if (approval.isEmpty()) {
        break;
      }
      String user = APPROVERS.get(approval.get().getTaskDefinitionKey());
      var http = Http.as(port, user);
      assertThat(http.post("/engine-rest/task/" + approval.get().getId() + "/claim",
          Http.json(Map.of("userId", user))).status()).isEqualTo(204);
      Map<String, Object> variables = new HashMap<>();
      variables.put("decision", Map.of("value", "approve"));
      variables.put("comment", Map.of("value", "model change reviewed by " + user));
      var done = http.post("/engine-rest/task/" + approval.get().getId() + "/complete",
          Http.json(Map.of("variables", variables)));
      assertThat(done.status()).as(done.toString()).isEqualTo(204);
      approvedBy.add(user);
    }
    for (int i = 0; i < 50 && jdbc.queryForObject("select count(*) from model_change_deployment where change_id = ?",
        Integer.class, changeId) == 0; i++) {
      Thread.sleep(100);
    }
    return approvedBy;
  }
}
