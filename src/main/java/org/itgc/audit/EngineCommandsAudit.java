package org.itgc.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.impl.cmd.AddCommentCmd;
import org.camunda.bpm.engine.impl.cmd.DeployCmd;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.interceptor.CommandInterceptor;
import org.camunda.bpm.engine.impl.persistence.entity.DeploymentEntity;
import org.camunda.bpm.engine.repository.ResourceDefinition;
import org.camunda.bpm.engine.task.Comment;

/**
 * The engine's state changes that its user operation log leaves out or leaves bare reach the audit trail in the
 * command's own transaction: a task comment (who, which task and instance, the text), and a deployment with its name,
 * source, every resource's SHA-256 and the definitions (key, version) it made. Registered after the command context
 * (inside the transaction), so a command that fails leaves no event and an event never outlives its command.
 */
public class EngineCommandsAudit extends CommandInterceptor {

  private static final int MAX_TEXT = 2000;

  private final AuditRecorder audit;

  public EngineCommandsAudit(AuditRecorder audit) {
    this.audit = audit;
  }

  @Override
  public <T> T execute(Command<T> command) {
    T result = next.execute(command);
    if (command instanceof AddCommentCmd && result instanceof Comment comment) {
      String text = comment.getFullMessage();
      audit.record(AuditEvent.of("engine.AddComment", "task", comment.getTaskId())
          .actor(comment.getUserId() != null ? comment.getUserId() : actingUser(), null)
          .detail("commentId", comment.getId())
          .detail("processInstanceId", comment.getProcessInstanceId())
          .detail("message", text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "...")
          .build());
    } else if (command instanceof DeployCmd && result instanceof DeploymentEntity deployment) {
      List<Map<String, Object>> resources = new ArrayList<>();
      if (deployment.getResources() != null) {
        deployment.getResources().values().stream()
            .sorted(java.util.Comparator.comparing(r -> r.getName()))
            .forEach(r -> resources.add(Map.of("name", r.getName(),
                "sha256", org.itgc.platform.Hashes.sha256(r.getBytes() == null ? new byte[0] : r.getBytes()))));
      }
      List<Map<String, Object>> definitions = new ArrayList<>();
      addDefinitions(definitions, deployment.getDeployedProcessDefinitions());
      addDefinitions(definitions, deployment.getDeployedDecisionDefinitions());
      addDefinitions(definitions, deployment.getDeployedDecisionRequirementsDefinitions());
      audit.record(AuditEvent.of("engine.deployment", "deployment", deployment.getId())
          .actor(actingUser(), null)
          .detail("name", deployment.getName())
          .detail("source", deployment.getSource())
          .detail("resources", resources)
          .detail("definitions", definitions)
          .build());
    }
    return result;
  }

  private static void addDefinitions(List<Map<String, Object>> out, List<? extends ResourceDefinition> definitions) {
    if (definitions != null) {
      for (ResourceDefinition definition : definitions) {
        out.add(Map.of("key", definition.getKey(), "version", definition.getVersion(), "id", definition.getId(),
            "resource", String.valueOf(definition.getResourceName())));
      }
    }
  }

  private static String actingUser() {
    var context = Context.getCommandContext();
    String user = context == null ? null : context.getAuthenticatedUserId();
    return user == null ? AuditEvent.SYSTEM_ACTOR : user;
  }
}
