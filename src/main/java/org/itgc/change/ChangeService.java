package org.itgc.change;

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
import org.camunda.bpm.engine.impl.context.Context;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.change.ChangeProcess.Data;
import org.itgc.change.ChangeProcess.Fields;
import org.itgc.controls.ControlExceptions;
import org.itgc.platform.calendar.BusinessCalendar;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.platform.Role;
import org.itgc.security.UserAccounts;
import org.itgc.systems.FinancialSystem;
import org.itgc.systems.SystemsInventory;
import org.springframework.stereotype.Service;

/**
 * Change management: what each step of {@code change-request} does to the change record, with the segregation of
 * duties checked on the server. The BPMN calls it through {@link ChangeProcessGlue}, which hands over plain values and
 * records (never the engine's execution or task); the API through {@link ChangeController}. The rules the steps apply
 * are plain functions in {@link ChangeRules}.
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
      AuditRecorder audit, BusinessCalendar calendar, RuntimeService runtimeService,
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
    return id != null && records.find(id).filter(c -> c.changeType().equals(ChangeRules.EMERGENCY))
        .filter(c -> c.systemId().equals(systemId))
        .filter(c -> ChangeProcess.Status.APPROVED.equals(c.status()) || ChangeProcess.Status.IMPLEMENTED.equals(c.status()))
        .filter(c -> !c.requester().equals(admin) && !admin.equals(c.implementedBy()))
        // a change the server opened for a release at start is no emergency a person declared
        .filter(c -> !RELEASE_REQUESTER.equals(c.requester()))
        .filter(c -> ChangeRules.approvedByAnother(records.approvals(c.id()), admin, c.requester(), c.implementedBy()))
        .isPresent();
  }

  /** The requester of the model change a release opens at start: the release itself, so that no person is both. */
  public static final String RELEASE_REQUESTER = "release";

  /** The process instance of a change, so that break-glass never reaches the change that opened it. */
  public java.util.Optional<String> processInstanceOf(String changeId) {
    return records.find(changeId).map(ChangeRecords.Change::processInstanceId);
  }

  /** Starts a change for the logged-in requester, with the engine's authorization checks applied to them. */
  public String submit(ChangeRequestInput input, String requester, List<String> groups) {
    validation.check(input);
    Map<String, Object> variables = toVariables(input);
    return changeIdOf(starter.startAs(requester, groups, ChangeProcess.KEY, variables));
  }

  /**
   * Opens a change that the server itself raises for {@code requester} (a model change from Camunda Modeler): the
   * same validation, process and approvals as any change, started without the requester's own engine rights.
   */
  public String submitForServer(ChangeRequestInput input, String requester) {
    validation.check(input);
    Map<String, Object> variables = toVariables(input);
    variables.put(Data.REQUESTER.name(), requester);
    return changeIdOf(starter.startAsServer(ChangeProcess.KEY, variables));
  }

  /** The planned window of a change in a state that allows deployment (approved, implemented or closed). */
  public record ApprovedWindow(String changeId, String systemId, Instant start, Instant end) {

    /** Whether {@code at} lies in the window (start inclusive, end exclusive). */
    public boolean contains(Instant at) {
      return !at.isBefore(start) && at.isBefore(end);
    }
  }

  /** The windows of a system's approved changes (approved, implemented or closed), for other capabilities. */
  public List<ApprovedWindow> approvedWindows(String systemId) {
    return records.deployableFor(systemId).stream().filter(c -> c.plannedStart() != null && c.plannedEnd() != null)
        .map(c -> new ApprovedWindow(c.id(), c.systemId(), c.plannedStart(), c.plannedEnd())).toList();
  }

  /** A change's id, status and requester, for other capabilities. */
  public record ChangeState(String id, String systemId, String status, String requester) {}

  public java.util.Optional<ChangeState> state(String id) {
    return records.find(id).map(c -> new ChangeState(c.id(), c.systemId(), c.status(), c.requester()));
  }

  /** One change as a list shows it. */
  public record ChangeSummary(String id, String title, String systemId, String changeType, String status,
      String criticality, Instant createdAt, Instant updatedAt) {}

  /** The changes {@code requester} raised, newest first: one page and how many there are in all. */
  public org.itgc.platform.web.Slice<ChangeSummary> requestedBy(String requester, int offset, int limit) {
    return new org.itgc.platform.web.Slice<>(records.requestedBy(requester, offset, limit).stream()
        .map(c -> new ChangeSummary(c.id(), c.title(), c.systemId(), c.changeType(), c.status(), c.criticality(),
            c.createdAt(), c.updatedAt())).toList(), offset, limit, records.countRequestedBy(requester));
  }

  /** What the evidence browser searches changes by; every field is optional ({@code from} inclusive, {@code to} not). */
  public record Search(String text, String systemId, String status, Instant from, Instant to) {}

  /** Changes matching {@code search}, newest first: one page and how many match in all. */
  public org.itgc.platform.web.Slice<ChangeSummary> search(Search search, int offset, int limit) {
    return new org.itgc.platform.web.Slice<>(records.search(search.text(), search.systemId(), search.status(),
            search.from(), search.to(), offset, limit).stream()
        .map(c -> new ChangeSummary(c.id(), c.title(), c.systemId(), c.changeType(), c.status(), c.criticality(),
            c.createdAt(), c.updatedAt())).toList(), offset, limit,
        records.countSearch(search.text(), search.systemId(), search.status(), search.from(), search.to()));
  }

  /** Who approved a change, step by step ("cab: carlos"), for the evidence of what it put live. */
  public List<String> approvers(String id) {
    return records.approvals(id).stream().filter(a -> ChangeRules.APPROVE.equals(a.decision()))
        .map(a -> a.step() + ": " + a.decidedBy()).toList();
  }

  static Map<String, Object> toVariables(ChangeRequestInput input) {
    Map<String, Object> variables = new HashMap<>();
    variables.put(Fields.TITLE, input.title());
    variables.put(Fields.SYSTEM_ID, input.systemId());
    variables.put(Fields.CHANGE_TYPE, input.changeType());
    variables.put(Fields.STANDARD_CHANGE_TYPE, input.standardChangeType());
    variables.put(Fields.DESCRIPTION, input.description());
    variables.put(Fields.JUSTIFICATION, input.justification());
    variables.put(Fields.TOUCHES_FINANCIAL_DATA, input.touchesFinancialData());
    variables.put(Fields.IMPLEMENTATION_PLAN, input.implementationPlan());
    variables.put(Fields.HAS_TESTED_ROLLBACK, input.hasTestedRollback());
    variables.put(Fields.ROLLBACK_PLAN, input.rollbackPlan());
    variables.put(Fields.PLANNED_START, input.plannedStart().toString());
    variables.put(Fields.PLANNED_END, input.plannedEnd().toString());
    variables.put(Fields.REPOSITORY, input.repository());
    variables.put(Fields.COMMITS, String.join("\n", input.commits()));
    variables.put(Fields.TEST_EVIDENCE, input.testEvidence());
    variables.put(Fields.TEST_EVIDENCE_LINKS, String.join("\n", input.testEvidenceLinks()));
    return variables;
  }

  // ---------------------------------------------------------------- process steps (called by ChangeProcessGlue)
  //
  // Each step finds its change by the process instance id in the change's own table, never by a variable a client
  // could write, and reads the control facts (requester, deployer, commits, status) from there.

  /** Who completes a task of a change, and which task it is (its definition key and id, for the audit trail). */
  record Completion(String actor, String taskKey, String taskId) {}

  /** What Task_RegisterChange answers to the process: the change and the judgement of its schedule. */
  record Registered(String changeId, boolean first, String systemTier, boolean outsideMaintenanceWindow,
      boolean scheduleConflict, String scheduleFindings) {}

  /** What the change-criticality decision was given (as text, by input) and answered, and the test evidence sent. */
  record Assessed(Map<String, Object> outputs, Map<String, String> inputs, String changeType, String testEvidence) {}

  /** A decision on an approval task: the step (the task's {@code approvalStep}), the decision and its reasons. */
  record Decision(Completion by, ChangeProcess.ApprovalStep step, String decision, String comment) {}

  record Implementation(Completion by, String deploymentReference, String notes) {}

  record Review(Completion by, String outcome, String comment, String rollbackDetails) {}

  record Rollback(String actor, String details, boolean confirmed) {}

  /**
   * Task_RegisterChange: validates, records (or updates after rework), and judges the schedule. The requester of a
   * resubmitted change is the one recorded at its registration, not {@code requester}.
   */
  Registered register(String processInstanceId, ChangeRequestInput input, String requester, String followUpOf) {
    validation.check(input);
    if (requester == null) {
      throw InvalidInputException.of(Data.REQUESTER.name(), "a change needs a logged-in requester");
    }
    FinancialSystem system = systems.find(input.systemId()).orElseThrow();
    Instant now = clock.instant();
    boolean outside = schedule.outsideMaintenanceWindow(system, input.plannedStart(), input.plannedEnd());
    var freezes = schedule.freezesTouched(system, input.plannedStart(), input.plannedEnd());
    // which change this instance is, and who asked for it, are the server's records, never a variable a client sent
    var registered = records.ofProcessInstance(processInstanceId);
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
      records.insert(id, processInstanceId, input, requester, outside, !freezes.isEmpty(), findingText, now);
      history.grantReader(processInstanceId, requester);
      if (followUpOf != null) {
        records.followUpOf(id, followUpOf);
        records.followUp(followUpOf, id);
      }
    } else {
      records.update(id, input, requester, outside, !freezes.isEmpty(), findingText, now);
    }
    for (String other : overlapping) {
      records.collision(id, other, now);
    }
    audit.record(AuditEvent.of(first ? "change.request" : "change.resubmit", "change", id)
        .actor(requester, null)
        .detail("systemId", input.systemId()).detail("changeType", input.changeType())
        .detail("standardChangeType", input.standardChangeType()).detail("title", input.title())
        .detail("scheduleFindings", findingText).build());
    return new Registered(id, first, system.tier().value(), outside, !freezes.isEmpty() || !overlapping.isEmpty(),
        findingText);
  }

  /** End of Task_AssessCriticality: stores the decision's outputs and which decision version gave them. */
  /** The assessment recorded with the change; answers the decision definition that made it. */
  String recordAssessment(String processInstanceId, Assessed assessed) {
    String id = changeOf(processInstanceId).id();
    String decisionDefinitionId = repositoryService.createDecisionDefinitionQuery()
        .decisionDefinitionKey(ChangeProcess.DECISION_KEY).latestVersion().singleResult().getId();
    ChangeRules.Assessment assessment = ChangeRules.assessment(assessed.outputs());
    ChangeRules.missingTestEvidence(assessment, assessed.changeType(), assessed.testEvidence()).ifPresent(error -> {
      throw InvalidInputException.of(error.field(), error.reason());
    });
    records.assessment(id, assessment.criticality(), assessment.cabReviewRequired(),
        assessment.financeApprovalRequired(), assessment.testEvidenceRequired(), decisionDefinitionId,
        clock.instant());
    audit.record(AuditEvent.of("change.assess", "change", id)
        .detail("decision", decisionDefinitionId)
        .detail("inputs", assessed.inputs())
        .detail("outputs", assessed.outputs()).build());
    return decisionDefinitionId;
  }

  /** Completion of an approval task: who may decide, and what they decided. */
  void decide(String processInstanceId, Decision decision) {
    var change = changeOf(processInstanceId);
    String id = change.id();
    String actor = decision.by().actor();
    ChangeRules.requesterDecides(id, decision.step(), actor, change.requester())
        .ifPresent(reason -> refuse(id, decision.by(), reason));
    if (ChangeRules.APPROVE.equals(decision.decision())) {
      ChangeRules.secondApproval(id, actor, decision.decision(), records.approvedStepsBy(id, actor))
          .ifPresent(reason -> refuse(id, decision.by(), reason));
    }
    InvalidInputException.ifAny(ChangeRules.decisionErrors(decision.step(), decision.decision(), decision.comment()));
    Instant now = clock.instant();
    records.approval(id, decision.step(), decision.decision(), decision.comment(), actor, now);
    if (ChangeRules.rejects(decision.decision())) {
      records.status(id, ChangeProcess.Status.REJECTED, now);
    }
    audit.record(AuditEvent.of("change.decide", "change", id).actor(actor, null)
        .detail("step", decision.step().id()).detail("decision", decision.decision())
        .detail("comment", decision.comment()).detail("taskId", decision.by().taskId()).build());
  }

  /** Task_Implement is created: every approval the change needs has been given. */
  void readyForImplementation(String processInstanceId) {
    var change = changeOf(processInstanceId);
    String id = change.id();
    records.status(id, ChangeProcess.Status.APPROVED, clock.instant());
    audit.record(AuditEvent.system("change.approved", "change", id).build());
    events.publishEvent(new ChangeApproved(id, change.systemId(), change.requester()));
  }

  /** Completion of an implementation task: the deployer may be neither the requester nor an author of its commits. */
  void implement(String processInstanceId, Implementation implementation) {
    var change = changeOf(processInstanceId);
    String id = change.id();
    String actor = implementation.by().actor();
    ChangeRules.requesterDeploys(id, actor, change.requester())
        .ifPresent(reason -> refuse(id, implementation.by(), reason));
    Set<String> authors = reconciliation.authorsMatching(change.repository(), change.commits(), actor,
        users.email(actor).orElse(null));
    ChangeRules.authorDeploys(id, actor, authors).ifPresent(reason -> refuse(id, implementation.by(), reason));
    String reference = implementation.deploymentReference();
    InvalidInputException.ifAny(ChangeRules.implementationErrors(reference, implementation.notes()));
    Instant now = clock.instant();
    records.implementation(id, actor, now, reference, implementation.notes());
    reconciliation.recordProcessDeployment(change, actor, now, reference);
    audit.record(AuditEvent.of("change.implement", "change", id).actor(actor, null)
        .detail("deploymentReference", reference)
        .detail("emergency", ChangeRules.EMERGENCY.equals(change.changeType())).build());
  }

  /** Completion of the post-implementation review. */
  void review(String processInstanceId, Review review) {
    var change = changeOf(processInstanceId);
    String id = change.id();
    String actor = review.by().actor();
    ChangeRules.deployerReviews(id, actor, change.implementedBy()).ifPresent(reason -> refuse(id, review.by(), reason));
    InvalidInputException.ifAny(ChangeRules.reviewErrors(review.outcome(), review.comment(), review.rollbackDetails()));
    records.review(id, review.outcome(), review.comment(), review.rollbackDetails(), clock.instant());
    audit.record(AuditEvent.of("change.review", "change", id).actor(actor, null)
        .detail("outcome", review.outcome()).detail("comment", review.comment())
        .detail("rollbackDetails", review.rollbackDetails()).build());
  }

  /** Completion of Task_RollBackEmergency. */
  void rollBack(String processInstanceId, Rollback rollback) {
    String id = changeOf(processInstanceId).id();
    ChangeRules.rollbackError(rollback.details(), rollback.confirmed()).ifPresent(error -> {
      throw InvalidInputException.of(error.field(), error.reason());
    });
    records.rollback(id, rollback.details(), clock.instant());
    audit.record(AuditEvent.of("change.rollback", "change", id).actor(rollback.actor(), null)
        .detail("rollbackDetails", rollback.details()).build());
  }

  void reject(String processInstanceId) {
    String id = changeOf(processInstanceId).id();
    var change = records.find(id).orElseThrow();
    if (ChangeRules.recordAsRejected(change.status())) {
      records.status(id, ChangeProcess.Status.REJECTED, clock.instant());
    }
    audit.record(AuditEvent.system("change.close-rejected", "change", id).detail("status", change.status()).build());
  }

  void close(String processInstanceId) {
    String id = changeOf(processInstanceId).id();
    records.status(id, ChangeProcess.Status.CLOSED, clock.instant());
    audit.record(AuditEvent.system("change.close", "change", id).build());
  }

  /**
   * A failed change: record it and open a follow-up change that starts at rework for the same requester, with the
   * request's fields as the failed change's process holds them ({@code request}: the request's fields and the
   * requester, by variable name).
   */
  void openFollowUp(String processInstanceId, Map<String, Object> request) {
    String id = changeOf(processInstanceId).id();
    records.status(id, ChangeProcess.Status.FAILED, clock.instant());
    Map<String, Object> variables = new HashMap<>(request);
    variables.put(Fields.TITLE, ChangeRules.followUpTitle(id, String.valueOf(request.get(Fields.TITLE))));
    variables.put(Data.FOLLOW_UP_OF.name(), id);
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
  void emergencyApprovalOverdue(String processInstanceId) {
    String id = changeOf(processInstanceId).id();
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
    details.put("approvalsGiven", ChangeRules.retrospectiveDecisions(records.approvals(id)));
    controlExceptions.raise("CM-04", "change", id, "Emergency change " + id + " not approved within "
        + deadlines.emergencyApprovalBusinessDays() + " business days", details, recipients);
  }

  // ---------------------------------------------------------------- helpers

  /** The change of a process instance, from the change records (not from a variable a client can shadow). */
  private ChangeRecords.Change changeOf(String processInstanceId) {
    return records.ofProcessInstance(processInstanceId).orElseThrow(() -> new IllegalStateException(
        "process instance " + processInstanceId + " has registered no change"));
  }

  /** Refuses the completion of a task: audited in a transaction of its own, so the refusal outlives the rollback. */
  private void refuse(String changeId, Completion by, String reason) {
    audit.recordIndependently(AuditEvent.of("change.sod-violation", "change", changeId).actor(by.actor(), null)
        .denied(reason).detail("task", by.taskKey()).detail("taskId", by.taskId()).build());
    throw new AuthorizationException(reason);
  }

  /** The change id the process holds at its first wait state. */
  private static String changeIdOf(Map<String, Object> variables) {
    return variables.get(Data.CHANGE_ID.name()) instanceof String id ? id : null;
  }
}
