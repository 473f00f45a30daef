package org.itgc.audit;

import java.util.List;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.history.event.HistoricVariableUpdateEventEntity;
import org.camunda.bpm.engine.impl.history.event.HistoryEvent;
import org.camunda.bpm.engine.impl.history.event.UserOperationLogEntryEventEntity;
import org.camunda.bpm.engine.impl.history.handler.HistoryEventHandler;

/**
 * Everything people do in the engine reaches the audit trail, whatever the client (Tasklist, Cockpit, Admin,
 * {@code /engine-rest}, the application): the engine's user operation log entries (start, cancel, claim, assign,
 * complete, deploy, suspend...) and the variable values written while a user acts (the values a form submitted).
 * Called by the engine for every history event, inside the engine command's transaction.
 */
public class EngineOperationsAudit implements HistoryEventHandler {

  private static final int MAX_VALUE = 500;

  private final AuditRecorder audit;

  public EngineOperationsAudit(AuditRecorder audit) {
    this.audit = audit;
  }

  @Override
  public void handleEvent(HistoryEvent event) {
    if (event instanceof UserOperationLogEntryEventEntity entry) {
      String objectType = entry.getEntityType() == null ? "engine" : entry.getEntityType();
      audit.record(AuditEvent.of("engine." + entry.getOperationType(), objectType, objectId(entry))
          .actor(entry.getUserId() == null ? AuditEvent.SYSTEM_ACTOR : entry.getUserId(), null)
          .detail("operationId", entry.getOperationId())
          .detail("property", entry.getProperty())
          .detail("from", truncate(entry.getOrgValue()))
          .detail("to", truncate(entry.getNewValue()))
          .detail("processDefinitionKey", entry.getProcessDefinitionKey())
          .detail("processInstanceId", entry.getProcessInstanceId())
          .detail("taskId", entry.getTaskId())
          .detail("deploymentId", entry.getDeploymentId())
          .build());
    } else if (event instanceof HistoricVariableUpdateEventEntity update && actingUser() != null) {
      audit.record(AuditEvent.of("engine.variable-update", "variable", update.getVariableName())
          .actor(actingUser(), null)
          .detail("value", truncate(update.getTextValue() != null ? update.getTextValue()
              : update.getDoubleValue() != null ? String.valueOf(update.getDoubleValue())
              : update.getLongValue() != null ? String.valueOf(update.getLongValue()) : null))
          .detail("type", update.getSerializerName())
          .detail("taskId", update.getTaskId())
          .detail("processInstanceId", update.getProcessInstanceId())
          .detail("processDefinitionKey", update.getProcessDefinitionKey())
          .build());
    }
  }

  @Override
  public void handleEvents(List<HistoryEvent> events) {
    events.forEach(this::handleEvent);
  }

  private static String objectId(UserOperationLogEntryEventEntity entry) {
    for (String id : new String[] {entry.getTaskId(), entry.getProcessInstanceId(), entry.getDeploymentId(),
        entry.getProcessDefinitionId(), entry.getJobId(), entry.getBatchId()}) {
      if (id != null) {
        return id;
      }
    }
    return entry.getProcessDefinitionKey();
  }

  private static String actingUser() {
    var context = Context.getCommandContext();
    return context == null ? null : context.getAuthenticatedUserId();
  }

  private static String truncate(String value) {
    return value == null || value.length() <= MAX_VALUE ? value : value.substring(0, MAX_VALUE) + "...";
  }
}
