package org.itgc.change;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.history.HistoricDecisionInstance;
import org.itgc.audit.AuditTrail;
import org.itgc.audit.StoredAuditEvent;
import org.itgc.platform.web.NotFoundException;
import org.springframework.stereotype.Service;

/**
 * The complete record of one change for auditors: the request, every decision with who, when and why, the
 * criticality decision as the engine's history holds it (inputs, outputs, matched rule, decision version), collisions,
 * deployments, task history, attachments and the audit trail of the change.
 */
@Service
public class ChangeEvidence {

  private final ChangeRecords records;
  private final DeploymentReconciliation reconciliation;
  private final HistoryService historyService;
  private final TaskService taskService;
  private final AuditTrail auditTrail;
  private final org.itgc.audit.AuditRecorder auditRecorder;

  ChangeEvidence(ChangeRecords records, DeploymentReconciliation reconciliation, HistoryService historyService,
      TaskService taskService, AuditTrail auditTrail, org.itgc.audit.AuditRecorder auditRecorder) {
    this.auditRecorder = auditRecorder;
    this.records = records;
    this.reconciliation = reconciliation;
    this.historyService = historyService;
    this.taskService = taskService;
    this.auditTrail = auditTrail;
  }

  public record Evidence(ChangeRecords.Change change, List<ChangeRecords.Approval> approvals,
      List<CriticalityDecision> criticalityDecisions, List<String> collisions,
      List<DeploymentReconciliation.Row> deployments, List<TaskRecord> tasks, List<Attachment> attachments,
      List<StoredAuditEvent> auditTrail) {}

  public record CriticalityDecision(String decisionDefinitionId, Integer version, Instant evaluatedAt,
      Map<String, Object> inputs, Map<String, Object> outputs, List<String> matchedRules) {}

  public record TaskRecord(String taskId, String name, String assignee, Instant created, Instant ended,
      Instant due, String deleteReason) {}

  public record Attachment(String id, String name, String type, String url, String taskId) {}

  /** The roles that take part in change control and read every change; a requester reads their own. */
  public static final List<String> READERS = List.of("auditor", "governance-lead", "cab", "it-approver",
      "finance-approver", "system-owner", "deployer", "engine-admin");

  /**
   * The evidence of a change as {@code user} may read it: a reader role, or the change's requester; the read is
   * recorded ({@code change.read}).
   */
  public Evidence readBy(String id, String user, java.util.Collection<String> authorities) {
    var record = of(id);
    if (authorities.stream().noneMatch(READERS::contains) && !user.equals(record.change().requester())) {
      throw new org.springframework.security.access.AccessDeniedException(
          "Only the requester and the change-control roles may read " + id);
    }
    auditRecorder.record(org.itgc.audit.AuditEvent.of("change.read", "change", id).build());
    return record;
  }

  public Evidence of(String id) {
    var change = records.find(id).orElseThrow(() -> new NotFoundException("change", id));
    String pid = change.processInstanceId();
    List<CriticalityDecision> decisions = historyService.createHistoricDecisionInstanceQuery().processInstanceId(pid)
        .decisionDefinitionKey(ChangeProcess.DECISION_KEY).includeInputs().includeOutputs()
        .orderByEvaluationTime().asc().list().stream().map(ChangeEvidence::decision).toList();
    List<TaskRecord> tasks = historyService.createHistoricTaskInstanceQuery().processInstanceId(pid)
        .orderByHistoricActivityInstanceStartTime().asc().list().stream()
        .map(t -> new TaskRecord(t.getId(), t.getName(), t.getAssignee(), instant(t.getStartTime()),
            instant(t.getEndTime()), instant(t.getDueDate()), t.getDeleteReason())).toList();
    Map<String, Attachment> attachments = new java.util.LinkedHashMap<>();
    java.util.stream.Stream.concat(taskService.getProcessInstanceAttachments(pid).stream(),
            tasks.stream().flatMap(t -> taskService.getTaskAttachments(t.taskId()).stream()))
        .forEach(a -> attachments.putIfAbsent(a.getId(),
            new Attachment(a.getId(), a.getName(), a.getType(), a.getUrl(), a.getTaskId())));
    List<StoredAuditEvent> trail = auditTrail.find(new AuditTrail.Query(null, null, "change", id, null, null, 0, 1000));
    return new Evidence(change, records.approvals(id), decisions, records.collisions(id), reconciliation.forChange(id),
        tasks, List.copyOf(attachments.values()), trail);
  }

  private static CriticalityDecision decision(HistoricDecisionInstance instance) {
    Map<String, Object> inputs = new java.util.LinkedHashMap<>();
    instance.getInputs().forEach(i -> inputs.put(i.getClauseName(), i.getValue()));
    Map<String, Object> outputs = new java.util.LinkedHashMap<>();
    List<String> rules = new java.util.ArrayList<>();
    instance.getOutputs().forEach(o -> {
      outputs.put(o.getVariableName(), o.getValue());
      if (!rules.contains(o.getRuleId())) {
        rules.add(o.getRuleId());
      }
    });
    String definitionId = instance.getDecisionDefinitionId();
    Integer version = null;
    int colon = definitionId.indexOf(':');
    if (colon > 0) {
      try {
        version = Integer.valueOf(definitionId.substring(colon + 1, definitionId.indexOf(':', colon + 1)));
      } catch (RuntimeException ignored) {
        version = null;
      }
    }
    return new CriticalityDecision(definitionId, version, instant(instance.getEvaluationTime()), inputs, outputs, rules);
  }

  private static Instant instant(java.util.Date date) {
    return date == null ? null : date.toInstant();
  }
}
