package org.itgc.change;

import static org.itgc.change.ChangeProcess.Variables;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.impl.context.Context;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.controls.ControlExceptions;
import org.itgc.platform.CurrentUser;
import org.itgc.platform.ModelProperties;
import org.itgc.platform.calendar.BusinessCalendar;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.platform.web.InvalidInputException.FieldError;
import org.itgc.platform.Role;
import org.itgc.security.UserAccounts;
import org.itgc.systems.FinancialSystem;
import org.itgc.systems.SystemsInventory;
import org.springframework.stereotype.Service;

/**
 * Change management: what each step of {@code change-request} does to the change record, with the segregation of
 * duties checked on the server. The BPMN calls it through {@link ChangeProcessGlue}; the API through
 * {@link ChangeController}.
 */
@Service
public class ChangeService {

  private final ChangeRecords records;
  private final ChangeValidation validation;
  private final ChangeSchedule schedule;
  private final SystemsInventory systems;
  private final DeploymentReconciliation reconciliation;
  private final ControlExceptions controlExceptions;
  private final UserAccounts users;
  private final AuditRecorder audit;
  private final CurrentUser currentUser;
  private final BusinessCalendar calendar;
  private final RuntimeService runtimeService;
  private final RepositoryService repositoryService;
  private final org.itgc.platform.ProcessStarter starter;
  private final Clock clock;
  private final ChangeDeadlines deadlines;
  private final org.springframework.context.ApplicationEventPublisher events;
  private final org.itgc.security.HistoryAccess history;

  /** Published when every approval a change needs has been given (in the approving transaction). */
  public record ChangeApproved(String changeId, String systemId, String requester) {}

  ChangeService(ChangeRecords records, ChangeValidation validation, ChangeSchedule schedule, SystemsInventory systems,
      DeploymentReconciliation reconciliation, ControlExceptions controlExceptions, UserAccounts users,
      AuditRecorder audit, CurrentUser currentUser, BusinessCalendar calendar, RuntimeService runtimeService,
      RepositoryService repositoryService, org.itgc.platform.ProcessStarter starter, Clock clock, ChangeDeadlines deadlines,
      org.springframework.context.ApplicationEventPublisher events, org.itgc.security.HistoryAccess history) {
    this.events = events;
    this.history = history;
    this.records = records;
    this.validation = validation;
    this.schedule = schedule;
    this.systems = systems;
    this.reconciliation = reconciliation;
    this.controlExceptions = controlExceptions;
    this.users = users;
    this.audit = audit;
    this.currentUser = currentUser;
    this.calendar = calendar;
    this.runtimeService = runtimeService;
    this.repositoryService = repositoryService;
    this.starter = starter;
    this.clock = clock;
    this.deadlines = deadlines;
  }

  // ---------------------------------------------------------------- API

  /**
   * Whether a change is an emergency change of {@code systemId} that is under way (approved, or implemented and
   * awaiting the rest of its retrospective approval; not closed), that {@code admin} neither requested nor implemented,
   * and that at least one other person has approved with nobody rejecting it: what an engine admin's break-glass on
   * the engine must name. An emergency change is approved after its implementation, so the first retrospective
   * approval (the CAB's, typically) is what opens the glass.
   */
  public boolean isActiveEmergencyChange(String id, String systemId, String admin) {
    return id != null && records.find(id).filter(c -> c.changeType().equals("emergency"))
        .filter(c -> c.systemId().equals(systemId))
        .filter(c -> ChangeProcess.Status.APPROVED.equals(c.status()) || ChangeProcess.Status.IMPLEMENTED.equals(c.status()))
        .filter(c -> !c.requester().equals(admin) && !admin.equals(c.implementedBy()))
        // a change the server opened for a release at start is no emergency a person declared
        .filter(c -> !RELEASE_REQUESTER.equals(c.requester()))
        .filter(c -> approvedByAnother(records.approvals(c.id()), admin, c.requester(), c.implementedBy()))
        .isPresent();
  }

  /** The requester of the model change a release opens at start: the release itself, so that no person is both. */
  public static final String RELEASE_REQUESTER = "release";

  /**
   * At least one approval by someone who is neither the admin nor the change's requester or implementer, and no
   * rejection: the emergency is one an independent person vouches for.
   */
  private static boolean approvedByAnother(List<ChangeRecords.Approval> approvals, String admin, String requester,
      String implementer) {
    return approvals.stream().noneMatch(a -> "reject".equals(a.decision()))
        && approvals.stream().anyMatch(a -> "approve".equals(a.decision()) && !admin.equals(a.decidedBy())
            && !a.decidedBy().equals(requester) && !a.decidedBy().equals(implementer));
  }

  /** The process instance of a change, so that break-glass never reaches the change that opened it. */
  public java.util.Optional<String> processInstanceOf(String changeId) {
    return records.find(changeId).map(ChangeRecords.Change::processInstanceId);
  }

  /** Starts a change for the logged-in requester, with the engine's authorization checks applied to them. */
  public String submit(ChangeRequestInput input, String requester, List<String> groups) {
    validation.check(input);
    Map<String, Object> variables = toVariables(input);
    return (String) starter.startAs(requester, groups, ChangeProcess.KEY, variables).get(Variables.CHANGE_ID);
  }

  /**
   * Opens a change that the server itself raises for {@code requester} (a model change from Camunda Modeler): the
   * same validation, process and approvals as any change, started without the requester's own engine rights.
   */
  public String submitForServer(ChangeRequestInput input, String requester) {
    validation.check(input);
    Map<String, Object> variables = toVariables(input);
    variables.put(Variables.REQUESTER, requester);
    return (String) starter.startAsServer(ChangeProcess.KEY, variables).get(Variables.CHANGE_ID);
  }

  /** A change's id, status and requester, for other capabilities. */
  public record ChangeState(String id, String systemId, String status, String requester) {}

  public java.util.Optional<ChangeState> state(String id) {
    return records.find(id).map(c -> new ChangeState(c.id(), c.systemId(), c.status(), c.requester()));
  }

  /** Who approved a change, step by step ("cab: carlos"), for the evidence of what it put live. */
  public List<String> approvers(String id) {
    return records.approvals(id).stream().filter(a -> "approve".equals(a.decision()))
        .map(a -> a.step() + ": " + a.decidedBy()).toList();
  }

  static Map<String, Object> toVariables(ChangeRequestInput input) {
    Map<String, Object> variables = new HashMap<>();
    variables.put(Variables.TITLE, input.title());
    variables.put(Variables.SYSTEM_ID, input.systemId());
    variables.put(Variables.CHANGE_TYPE, input.changeType());
    variables.put(Variables.STANDARD_CHANGE_TYPE, input.standardChangeType());
    variables.put(Variables.DESCRIPTION, input.description());
    variables.put(Variables.JUSTIFICATION, input.justification());
    variables.put(Variables.TOUCHES_FINANCIAL_DATA, input.touchesFinancialData());
    variables.put(Variables.IMPLEMENTATION_PLAN, input.implementationPlan());
    variables.put(Variables.HAS_TESTED_ROLLBACK, input.hasTestedRollback());
    variables.put(Variables.ROLLBACK_PLAN, input.rollbackPlan());
    variables.put(Variables.PLANNED_START, input.plannedStart().toString());
    variables.put(Variables.PLANNED_END, input.plannedEnd().toString());
    variables.put(Variables.REPOSITORY, input.repository());
    variables.put(Variables.COMMITS, String.join("\n", input.commits()));
    variables.put(Variables.TEST_EVIDENCE, input.testEvidence());
    variables.put(Variables.TEST_EVIDENCE_LINKS, String.join("\n", input.testEvidenceLinks()));
    return variables;
  }

  // ---------------------------------------------------------------- process steps

  /** Task_RegisterChange: validates, records (or updates after rework), and judges the schedule. */
  void register(DelegateExecution execution) {
    ChangeRequestInput input = validation.fromVariables(execution.getVariables());
    validation.check(input);
    String requester = (String) execution.getVariable(Variables.REQUESTER);
    if (requester == null) {
      throw InvalidInputException.of("requester", "a change needs a logged-in requester");
    }
    FinancialSystem system = systems.find(input.systemId()).orElseThrow();
    Instant now = clock.instant();
    boolean outside = schedule.outsideMaintenanceWindow(system, input.plannedStart(), input.plannedEnd());
    var freezes = schedule.freezesTouched(system, input.plannedStart(), input.plannedEnd());
    // which change this instance is, and who asked for it, are the server's records, never a variable a client sent
    var registered = records.ofProcessInstance(execution.getProcessInstanceId());
    boolean first = registered.isEmpty();
    String id = first ? records.nextId(now) : registered.get().id();
    if (!first) {
      requester = registered.get().requester();
    }
    List<String> findings = new ArrayList<>();
    if (outside) {
      findings.add("planned outside the maintenance windows of " + system.id());
    }
    freezes.forEach(f -> findings.add("inside the freeze period " + f.from() + " to " + f.to() + " (" + f.reason() + ")"));
    List<String> overlapping = records.overlapping(id, system.id(), input.plannedStart(), input.plannedEnd());
    if (!overlapping.isEmpty()) {
      findings.add("overlaps " + String.join(", ", overlapping) + " on " + system.id());
    }
    String findingText = findings.isEmpty() ? "none" : String.join("; ", findings);
    if (first) {
      records.insert(id, execution.getProcessInstanceId(), input, requester, outside, !freezes.isEmpty(), findingText, now);
      history.grantReader(execution.getProcessInstanceId(), requester);
      execution.setProcessBusinessKey(id);
      execution.setVariable(Variables.CHANGE_ID, id);
      Object followUpOf = execution.getVariable(Variables.FOLLOW_UP_OF);
      if (followUpOf != null) {
        records.followUpOf(id, followUpOf.toString());
        records.followUp(followUpOf.toString(), id);
      }
    } else {
      records.update(id, input, requester, outside, !freezes.isEmpty(), findingText, now);
    }
    for (String other : overlapping) {
      records.collision(id, other, now);
    }
    execution.setVariable(Variables.SYSTEM_TIER, system.tier().value());
    execution.setVariable(Variables.OUTSIDE_MAINTENANCE_WINDOW, outside);
    execution.setVariable(Variables.SCHEDULE_CONFLICT, !freezes.isEmpty() || !overlapping.isEmpty());
    execution.setVariable(Variables.SCHEDULE_FINDINGS, findingText);
    audit.record(AuditEvent.of(first ? "change.request" : "change.resubmit", "change", id)
        .actor(requester, null)
        .detail("systemId", input.systemId()).detail("changeType", input.changeType())
        .detail("standardChangeType", input.standardChangeType()).detail("title", input.title())
        .detail("scheduleFindings", findingText).build());
  }

  /** End of Task_AssessCriticality: stores the decision's outputs and which decision version gave them. */
  void recordAssessment(DelegateExecution execution) {
    String id = changeOf(execution).id();
    @SuppressWarnings("unchecked")
    Map<String, Object> assessment = (Map<String, Object>) execution.getVariable("assessment");
    String decisionDefinitionId = repositoryService.createDecisionDefinitionQuery()
        .decisionDefinitionKey(ChangeProcess.DECISION_KEY).latestVersion().singleResult().getId();
    boolean testRequired = Boolean.TRUE.equals(assessment.get(Variables.TEST_EVIDENCE_REQUIRED));
    Object evidence = execution.getVariable(Variables.TEST_EVIDENCE);
    if (testRequired && !"emergency".equals(execution.getVariable(Variables.CHANGE_TYPE))
        && (evidence == null || evidence.toString().isBlank())) {
      throw InvalidInputException.of("testEvidence", "is required for this change (criticality "
          + assessment.get(Variables.CRITICALITY) + "): describe what was tested and the result");
    }
    records.assessment(id, (String) assessment.get(Variables.CRITICALITY),
        Boolean.TRUE.equals(assessment.get(Variables.CAB_REVIEW_REQUIRED)),
        Boolean.TRUE.equals(assessment.get(Variables.FINANCE_APPROVAL_REQUIRED)), testRequired, decisionDefinitionId,
        clock.instant());
    audit.record(AuditEvent.of("change.assess", "change", id)
        .detail("decision", decisionDefinitionId)
        .detail("inputs", Map.of("systemTier", String.valueOf(execution.getVariable(Variables.SYSTEM_TIER)),
            "changeType", String.valueOf(execution.getVariable(Variables.CHANGE_TYPE)),
            "touchesFinancialData", String.valueOf(execution.getVariable(Variables.TOUCHES_FINANCIAL_DATA)),
            "hasTestedRollback", String.valueOf(execution.getVariable(Variables.HAS_TESTED_ROLLBACK)),
            "outsideMaintenanceWindow", String.valueOf(execution.getVariable(Variables.OUTSIDE_MAINTENANCE_WINDOW))))
        .detail("outputs", assessment).build());
  }

  /** Completion of an approval task: who may decide, and what they decided. */
  void decide(DelegateTask task) {
    var change = changeOf(task);
    String id = change.id();
    ChangeProcess.ApprovalStep step = ModelProperties.of(task, "approvalStep").flatMap(ChangeProcess.ApprovalStep::of)
        .orElseThrow(() -> new IllegalStateException("task " + task.getTaskDefinitionKey() + " has no approvalStep"));
    String actor = actor(task);
    String requester = change.requester();
    String decision = (String) task.getVariable(Variables.DECISION);
    if (actor.equals(requester)) {
      refuse(id, task, actor, "The requester of " + id + " cannot decide on it (" + step.id() + ")");
    }
    if ("approve".equals(decision)) {
      List<String> earlier = records.approvedStepsBy(id, actor);
      if (!earlier.isEmpty()) {
        refuse(id, task, actor, actor + " already approved " + id + " (" + String.join(", ", earlier)
            + "); one person gives one approval of a change");
      }
    }
    List<FieldError> errors = new ArrayList<>();
    if (decision == null || !step.decisions().contains(decision)) {
      errors.add(new FieldError("decision", "must be one of " + step.decisions().stream().sorted().toList()));
    }
    Object comment = task.getVariable(Variables.COMMENT);
    if (comment == null || comment.toString().isBlank()) {
      errors.add(new FieldError("comment", "is required: give the reasons for the decision"));
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    Instant now = clock.instant();
    records.approval(id, step, decision, comment.toString(), actor, now);
    if ("reject".equals(decision)) {
      records.status(id, ChangeProcess.Status.REJECTED, now);
    }
    audit.record(AuditEvent.of("change.decide", "change", id).actor(actor, null)
        .detail("step", step.id()).detail("decision", decision).detail("comment", comment.toString())
        .detail("taskId", task.getId()).build());
  }

  /** Task_Implement is created: every approval the change needs has been given. */
  void readyForImplementation(DelegateTask task) {
    var change = changeOf(task);
    String id = change.id();
    records.status(id, ChangeProcess.Status.APPROVED, clock.instant());
    audit.record(AuditEvent.system("change.approved", "change", id).build());
    events.publishEvent(new ChangeApproved(id, change.systemId(), change.requester()));
  }

  /** Completion of an implementation task: the deployer may be neither the requester nor an author of its commits. */
  void implement(DelegateTask task) {
    var change = changeOf(task);
    String id = change.id();
    String actor = actor(task);
    if (actor.equals(change.requester())) {
      refuse(id, task, actor, "The requester of " + id + " cannot deploy it (developer and deployer must differ)");
    }
    Set<String> authors = reconciliation.authorsMatching(change.repository(), change.commits(), actor,
        users.email(actor).orElse(null));
    if (!authors.isEmpty()) {
      refuse(id, task, actor, actor + " wrote commit(s) " + String.join(", ", authors) + " of " + id
          + " and cannot deploy it (developer and deployer must differ)");
    }
    String reference = string(task, Variables.DEPLOYMENT_REFERENCE);
    String notes = string(task, Variables.IMPLEMENTATION_NOTES);
    List<FieldError> errors = new ArrayList<>();
    if (reference == null) {
      errors.add(new FieldError(Variables.DEPLOYMENT_REFERENCE, "is required: the pipeline run, release or ticket"));
    }
    if (notes == null) {
      errors.add(new FieldError(Variables.IMPLEMENTATION_NOTES, "is required"));
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    Instant now = clock.instant();
    records.implementation(id, actor, now, reference, notes);
    reconciliation.recordProcessDeployment(change, actor, now, reference);
    audit.record(AuditEvent.of("change.implement", "change", id).actor(actor, null)
        .detail("deploymentReference", reference).detail("emergency", "emergency".equals(change.changeType())).build());
  }

  /** Completion of the post-implementation review. */
  void review(DelegateTask task) {
    var change = changeOf(task);
    String id = change.id();
    String actor = actor(task);
    if (actor.equals(change.implementedBy())) {
      refuse(id, task, actor, "The deployer of " + id + " cannot review its implementation");
    }
    String outcome = string(task, Variables.REVIEW_OUTCOME);
    String comment = string(task, Variables.REVIEW_COMMENT);
    String rollback = string(task, Variables.ROLLBACK_DETAILS);
    List<FieldError> errors = new ArrayList<>();
    if (!"success".equals(outcome) && !"failed".equals(outcome)) {
      errors.add(new FieldError(Variables.REVIEW_OUTCOME, "must be success or failed"));
    }
    if (comment == null) {
      errors.add(new FieldError(Variables.REVIEW_COMMENT, "is required"));
    }
    if ("failed".equals(outcome) && rollback == null) {
      errors.add(new FieldError(Variables.ROLLBACK_DETAILS, "is required when the change failed: what was rolled back"));
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    records.review(id, outcome, comment, rollback, clock.instant());
    audit.record(AuditEvent.of("change.review", "change", id).actor(actor, null)
        .detail("outcome", outcome).detail("comment", comment).detail("rollbackDetails", rollback).build());
  }

  /** Completion of Task_RollBackEmergency. */
  void rollBack(DelegateTask task) {
    String id = changeOf(task).id();
    String details = string(task, Variables.ROLLBACK_DETAILS);
    if (details == null || !Boolean.TRUE.equals(task.getVariable("rollbackConfirmed"))) {
      throw InvalidInputException.of(details == null ? Variables.ROLLBACK_DETAILS : "rollbackConfirmed",
          details == null ? "is required" : "confirm that the change was rolled back");
    }
    records.rollback(id, details, clock.instant());
    audit.record(AuditEvent.of("change.rollback", "change", id).actor(actor(task), null)
        .detail("rollbackDetails", details).build());
  }

  void reject(DelegateExecution execution) {
    String id = changeOf(execution).id();
    var change = records.find(id).orElseThrow();
    if (!ChangeProcess.Status.ROLLED_BACK.equals(change.status())) {
      records.status(id, ChangeProcess.Status.REJECTED, clock.instant());
    }
    audit.record(AuditEvent.system("change.close-rejected", "change", id).detail("status", change.status()).build());
  }

  void close(DelegateExecution execution) {
    String id = changeOf(execution).id();
    records.status(id, ChangeProcess.Status.CLOSED, clock.instant());
    audit.record(AuditEvent.system("change.close", "change", id).build());
  }

  /** A failed change: record it and open a follow-up change that starts at rework for the same requester. */
  void openFollowUp(DelegateExecution execution) {
    String id = changeOf(execution).id();
    records.status(id, ChangeProcess.Status.FAILED, clock.instant());
    Map<String, Object> variables = new HashMap<>();
    for (String name : List.of(Variables.REQUESTER, Variables.TITLE, Variables.SYSTEM_ID, Variables.CHANGE_TYPE,
        Variables.STANDARD_CHANGE_TYPE,
        Variables.DESCRIPTION, Variables.JUSTIFICATION, Variables.TOUCHES_FINANCIAL_DATA, Variables.IMPLEMENTATION_PLAN,
        Variables.HAS_TESTED_ROLLBACK, Variables.ROLLBACK_PLAN, Variables.PLANNED_START, Variables.PLANNED_END,
        Variables.REPOSITORY, Variables.COMMITS, Variables.TEST_EVIDENCE, Variables.TEST_EVIDENCE_LINKS)) {
      variables.put(name, execution.getVariable(name));
    }
    variables.put(Variables.TITLE, "Follow-up to " + id + ": " + execution.getVariable(Variables.TITLE));
    variables.put(Variables.FOLLOW_UP_OF, id);
    var commandContext = Context.getCommandContext();
    boolean checks = commandContext.isAuthorizationCheckEnabled();
    commandContext.disableAuthorizationCheck();
    try {
      runtimeService.createProcessInstanceByKey(ChangeProcess.KEY).startBeforeActivity(ChangeProcess.Elements.REWORK)
          .setVariables(variables).execute();
    } finally {
      if (checks) {
        commandContext.enableAuthorizationCheck();
      }
    }
    audit.record(AuditEvent.system("change.follow-up", "change", id)
        .detail("rollbackDetails", records.find(id).map(ChangeRecords.Change::rollbackDetails).orElse(null)).build());
  }

  /** The retrospective approval of an emergency change missed its deadline: control exception CM-04 and escalation. */
  void emergencyApprovalOverdue(DelegateExecution execution) {
    String id = changeOf(execution).id();
    var change = records.find(id).orElseThrow();
    Instant now = clock.instant();
    int businessDays = change.implementedAt() == null ? -1 : calendar.businessDaysBetween(change.implementedAt(), now);
    Set<String> recipients = new LinkedHashSet<>();
    for (Role role : List.of(Role.CAB, Role.IT_APPROVER, Role.FINANCE_APPROVER, Role.GOVERNANCE_LEAD)) {
      recipients.addAll(users.emailsOf(role));
    }
    systems.find(change.systemId()).ifPresent(s -> recipients.add(s.businessOwner().email()));
    Map<String, Object> details = new HashMap<>();
    details.put("implementedAt", String.valueOf(change.implementedAt()));
    details.put("businessDaysSinceImplementation", businessDays);
    details.put("deadlineBusinessDays", deadlines.emergencyApprovalBusinessDays());
    details.put("approvalsGiven", records.approvals(id).stream().filter(a -> a.retrospective())
        .map(a -> a.step() + "=" + a.decision()).toList());
    controlExceptions.raise("CM-04", "change", id, "Emergency change " + id + " not approved within "
        + deadlines.emergencyApprovalBusinessDays() + " business days", details, recipients);
  }

  // ---------------------------------------------------------------- helpers

  private ChangeRecords.Change changeOf(DelegateExecution execution) {
    return records.ofProcessInstance(execution.getProcessInstanceId()).orElseThrow(() -> new IllegalStateException(
        "process instance " + execution.getProcessInstanceId() + " has registered no change"));
  }

  /** The change of the task's process instance, from the change records (not from a variable a client can shadow). */
  private ChangeRecords.Change changeOf(DelegateTask task) {
    return records.ofProcessInstance(task.getProcessInstanceId()).orElseThrow(() -> new IllegalStateException(
        "process instance " + task.getProcessInstanceId() + " has registered no change"));
  }

  private String actor(DelegateTask task) {
    String name = currentUser.name();
    if (name == null) {
      name = task.getAssignee();
    }
    if (name == null) {
      throw new AuthorizationException("Task " + task.getName() + " can only be completed by a logged-in user");
    }
    return name;
  }

  private void refuse(String changeId, DelegateTask task, String actor, String reason) {
    audit.recordIndependently(AuditEvent.of("change.sod-violation", "change", changeId).actor(actor, null)
        .denied(reason).detail("task", task.getTaskDefinitionKey()).detail("taskId", task.getId()).build());
    throw new AuthorizationException(reason);
  }

  private static String string(DelegateTask task, String name) {
    Object value = task.getVariable(name);
    return value == null || value.toString().isBlank() ? null : value.toString().strip();
  }
}
