package org.itgc.access;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.camunda.bpm.engine.AuthorizationException;
import org.itgc.access.AccessRequestProcess.Elements;
import org.itgc.access.AccessRequests.Approval;
import org.itgc.access.AccessRequests.StoredRequest;
import org.itgc.access.SodRules.Conflict;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.controls.ControlExceptions;
import org.itgc.notify.Notifier;
import org.itgc.platform.Role;
import org.itgc.platform.calendar.BusinessCalendar;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.platform.web.InvalidInputException.FieldError;
import org.itgc.security.UserAccount;
import org.itgc.security.UserAccounts;
import org.itgc.systems.SystemsInventory;
import org.springframework.stereotype.Service;

/**
 * The approvals of an access request and the SoD exception (controls AC-01, AC-05): who may decide at each step is
 * checked here, on the server, whatever the form shows ({@link AccessRequestRules#refusal}); a refusal is audited
 * and the task stays open. An exception accepted by a security admin and a finance approver is recorded for each
 * conflict, and at its expiry the conflict is a finding again.
 */
@Service
class AccessRequestDecisions {

  private final AccessRequestStore store;
  private final AccessRequestRouting routing;
  private final Identities identities;
  private final AccessCatalogue catalogue;
  private final SystemsInventory systems;
  private final ControlExceptions controlExceptions;
  private final UserAccounts users;
  private final Notifier notifier;
  private final AuditRecorder audit;
  private final BusinessCalendar calendar;
  private final Clock clock;
  private final AccessIds ids;

  AccessRequestDecisions(AccessRequestStore store, AccessRequestRouting routing, Identities identities,
      AccessCatalogue catalogue, SystemsInventory systems, ControlExceptions controlExceptions, UserAccounts users,
      Notifier notifier, AuditRecorder audit, BusinessCalendar calendar, Clock clock, AccessIds ids) {
    this.store = store;
    this.routing = routing;
    this.identities = identities;
    this.catalogue = catalogue;
    this.systems = systems;
    this.controlExceptions = controlExceptions;
    this.users = users;
    this.notifier = notifier;
    this.audit = audit;
    this.calendar = calendar;
    this.clock = clock;
    this.ids = ids;
  }

  /**
   * One approval task completed.
   *
   * @param taskKey the task's definition key, {@code taskId} its id (for the audit of a refusal)
   * @param systemId the system of an owner's task: the engine's own loop variable on the task's execution, not a
   *     task-local variable a client could have set; null at the other steps
   * @param decision the form's fields as submitted (null when empty)
   */
  record Decision(String processInstanceId, String taskKey, String taskId, String systemId, String actor,
      String decision, String comment, String mitigatingControl, String exceptionExpires) {}

  /**
   * What the process keeps of a decision: whether it rejected, and (at the security admin's exception approval) the
   * terms the server accepted, null otherwise.
   */
  record Decided(boolean rejected, String mitigatingControl, Instant exceptionExpiresAt) {}

  /** The approval tasks: who may decide is checked here, on the server, whatever the form shows. */
  Decided decide(Decision decision) {
    String requestId = store.requestOfInstance(decision.processInstanceId());
    String actor = decision.actor();
    String step = AccessRequestRules.step(decision.taskKey(), decision.systemId());
    StoredRequest request = store.find(requestId).orElseThrow();
    Identity beneficiary = identities.find(request.beneficiaryId()).orElseThrow();
    String taskKey = decision.taskKey();
    boolean lineManagerStep = Elements.LINE_MANAGER_APPROVAL.equals(taskKey);
    boolean ownerStep = Elements.SYSTEM_OWNER_APPROVAL.equals(taskKey);
    var facts = new AccessRequestRules.DecisionFacts(requestId, taskKey, request.requester(),
        store.requesterIdentityOf(requestId).orElse(null), beneficiary.id(),
        beneficiary.name(), beneficiary.userName(),
        lineManagerStep ? routing.lineManager(beneficiary, request.requester()) : null,
        AccessRequestRules.engineRolesOnly(request.systemIds()),
        decision.systemId(), ownerStep ? routing.ownersOf(decision.systemId()).orElse(null) : null,
        request.approvals());
    Set<Role> roles = lineManagerStep || Elements.SECURITY_ADMIN_APPROVAL.equals(taskKey) ? rolesOf(actor) : Set.of();
    Optional<String> refusal = AccessRequestRules.refusal(facts, actor,
        identities.findByUserName(actor).map(Identity::id).orElse(null), roles);
    if (refusal.isPresent()) {
      throw refuse(audit, requestId, taskKey, decision.taskId(), actor, refusal.get());
    }
    List<FieldError> errors = new ArrayList<>();
    AccessRequestRules.checkDecision(decision.decision(), decision.comment(), errors);
    AccessRequestRules.ExceptionTerms terms = new AccessRequestRules.ExceptionTerms(null, null);
    boolean approve = AccessRequestRules.APPROVE.equals(decision.decision());
    if (approve && Elements.SECURITY_EXCEPTION_APPROVAL.equals(taskKey)) {
      terms = AccessRequestRules.exceptionTerms(decision.mitigatingControl(), decision.exceptionExpires(), today(),
          catalogue.exceptionMaxDays(), errors);
    }
    InvalidInputException.ifAny(errors);
    store.insertApproval(requestId, step, actor, approve ? "approved" : "rejected", decision.comment(),
        clock.instant());
    audit.record(AuditEvent.of("access.request." + (approve ? "approve" : "reject"), "access-request", requestId)
        .actor(actor, null).detail("step", step).detail("comment", decision.comment()).build());
    return new Decided(AccessRequestRules.REJECT.equals(decision.decision()), terms.mitigatingControl(),
        terms.expiresOn() == null ? null : terms.expiresOn().atStartOfDay(calendar.zone()).toInstant());
  }

  /**
   * Audits a refusal of {@code actor} at a task (in a transaction of its own, so that it outlives the refused
   * completion) and answers the exception to throw: the task stays open.
   */
  static AuthorizationException refuse(AuditRecorder audit, String requestId, String taskKey, String taskId,
      String actor, String reason) {
    audit.recordIndependently(AuditEvent.of("access.request.sod-violation", "access-request", requestId)
        .actor(actor, null).denied(reason).detail("task", taskKey).detail("taskId", taskId).build());
    return new AuthorizationException(reason);
  }

  /** The roles of an enabled login; none for a disabled or unknown one. */
  private Set<Role> rolesOf(String login) {
    return users.find(login).filter(UserAccount::enabled).map(UserAccount::roles).orElse(Set.of());
  }

  private LocalDate today() {
    return clock.instant().atZone(calendar.zone()).toLocalDate();
  }

  /**
   * Task_RecordSodException: both approvers agreed; the registry records the exception for each conflict no active
   * exception covers.
   *
   * @param expiresAt and {@code mitigatingControl}: what the server accepted at the security admin's approval
   */
  void recordException(String processInstanceId, Instant expiresAt, String mitigatingControl) {
    String requestId = store.requestOfInstance(processInstanceId);
    StoredRequest request = store.find(requestId).orElseThrow();
    String security = approver(request, "exception-security");
    String finance = approver(request, "exception-finance");
    for (Conflict conflict : request.sodCheck().uncovered()) {
      String id = ids.next("SE");
      store.insertException(new AccessRequestStore.NewException(id, request.beneficiaryId(), conflict,
          mitigatingControl, requestId, security, finance, clock.instant(), expiresAt));
      audit.record(AuditEvent.of("access.sod-exception.approve", "sod-exception", id).detail("requestId", requestId)
          .detail("identityId", request.beneficiaryId()).detail("ruleId", conflict.ruleId())
          .detail("mitigatingControl", mitigatingControl).detail("expiresAt", expiresAt.toString())
          .detail("approvers", List.of(security, finance)).build());
    }
  }

  /** The last approver who approved at {@code step}. */
  private static String approver(StoredRequest request, String step) {
    return request.approvals().stream().filter(a -> step.equals(a.step()) && "approved".equals(a.decision()))
        .map(Approval::approver).reduce((a, b) -> b).orElseThrow();
  }

  /** Task_ReopenExpiredException: the exception's expiry came; the conflict is a finding again (AC-05). */
  void reopenExpiredException(String processInstanceId) {
    String requestId = store.requestOfInstance(processInstanceId);
    StoredRequest request = store.find(requestId).orElseThrow();
    Identity identity = identities.find(request.beneficiaryId()).orElseThrow();
    List<AccessRequestStore.SodException> exceptions = store.activeExceptionsOfRequest(requestId);
    Set<String> recipients = new LinkedHashSet<>(users.emailsOf(Role.SECURITY_ADMIN));
    recipients.addAll(users.emailsOf(Role.FINANCE_APPROVER));
    if (identity.managerId() != null) {
      identities.find(identity.managerId()).map(Identity::email).ifPresent(recipients::add);
    }
    for (AccessRequests.Item item : request.items()) {
      systems.find(item.systemId()).ifPresent(s -> {
        recipients.add(s.businessOwner().email());
        recipients.add(s.technicalOwner().email());
      });
    }
    recipients.removeIf(r -> r == null || r.isBlank());
    for (AccessRequestStore.SodException exception : exceptions) {
      String id = exception.id();
      // the expiry as the finding and the mail always showed it (the database timestamp's text)
      String expiresAt = Timestamp.from(exception.expiresAt()).toString();
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("identityId", identity.id());
      details.put("ruleId", exception.ruleId());
      details.put("mitigatingControl", exception.mitigatingControl());
      details.put("expiresAt", expiresAt);
      details.put("requestId", requestId);
      long finding = controlExceptions.raise("AC-05", "sod-exception", id, "SoD exception " + id + " of "
          + identity.id() + " expired: " + exception.ruleId() + " is a finding again", details, List.of());
      store.expire(id, finding);
      Map<String, Object> variables = new LinkedHashMap<>();
      variables.put("recipientName", "owner");
      variables.put("exceptionId", id);
      variables.put("ruleId", exception.ruleId());
      variables.put("description", exception.description());
      variables.put("identity", identity.name() + " (" + identity.id() + ")");
      variables.put("expiresAt", expiresAt);
      variables.put("mitigatingControl", exception.mitigatingControl());
      variables.put("findingId", finding);
      notifier.send("sod-exception-expired", recipients, variables);
      audit.record(AuditEvent.system("access.sod-exception.expire", "sod-exception", id).detail("findingId", finding)
          .detail("recipients", List.copyOf(recipients)).build());
    }
  }
}
