package org.itgc.access;

import static org.itgc.access.AccessRequestProcess.Elements;
import static org.itgc.access.AccessRequestProcess.Variables;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.itgc.access.SodRules.Conflict;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.controls.ControlExceptions;
import org.itgc.notify.Notifier;
import org.itgc.platform.TaskInputs;
import org.itgc.platform.calendar.BusinessCalendar;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.platform.web.InvalidInputException.FieldError;
import org.itgc.platform.Role;
import org.itgc.security.UserAccounts;
import org.itgc.systems.FinancialSystem;
import org.itgc.systems.SystemsInventory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * What each step of {@code access-request} does (control AC-01, preventive SoD check AC-05): the request is
 * validated and checked against {@code sod-conflicts} on the person's current plus requested functions, approved by
 * the line manager, each system's owner and (for privileged access) a security admin, and provisioned by a
 * connector or a fulfilment task that records the grants with their provenance. A conflict is rejected, or accepted
 * only as an exception with a mitigating control and an expiry approved by a security admin and a finance approver.
 */
@Service
public class AccessRequests {

  static final String APPROVE = "approve";
  static final String REJECT = "reject";

  private final JdbcTemplate jdbc;
  private final Identities identities;
  private final AccessRegistry registry;
  private final AccessCatalogue catalogue;
  private final SodRules sodRules;
  private final SystemsInventory systems;
  private final Provisioning provisioning;
  private final ControlExceptions controlExceptions;
  private final UserAccounts users;
  private final Notifier notifier;
  private final AuditRecorder audit;
  private final TaskInputs inputs;
  private final BusinessCalendar calendar;
  private final org.itgc.platform.ProcessStarter starter;
  private final ObjectMapper json;
  private final Clock clock;
  private final AccessIds ids;
  private final org.itgc.security.HistoryAccess history;

  AccessRequests(JdbcTemplate jdbc, Identities identities, AccessRegistry registry, AccessCatalogue catalogue,
      SodRules sodRules, SystemsInventory systems, Provisioning provisioning, ControlExceptions controlExceptions,
      UserAccounts users, Notifier notifier, AuditRecorder audit, TaskInputs inputs, BusinessCalendar calendar,
      org.itgc.platform.ProcessStarter starter, ObjectMapper json, Clock clock, AccessIds ids,
      org.itgc.security.HistoryAccess history) {
    this.history = history;
    this.jdbc = jdbc;
    this.identities = identities;
    this.registry = registry;
    this.catalogue = catalogue;
    this.sodRules = sodRules;
    this.systems = systems;
    this.provisioning = provisioning;
    this.controlExceptions = controlExceptions;
    this.users = users;
    this.notifier = notifier;
    this.audit = audit;
    this.inputs = inputs;
    this.calendar = calendar;
    this.starter = starter;
    this.json = json;
    this.clock = clock;
    this.ids = ids;
  }

  /** What the API accepts. */
  public record NewRequest(String beneficiaryId, List<String> entitlements,
      @org.itgc.platform.web.FitsColumn(value = "access_request.justification", max = 4000) String justification,
      Boolean exceptionRequested) {}

  /** A stored request with its approvals. */
  public record StoredRequest(String id, String processInstanceId, String requester, String beneficiaryId,
      String justification, List<Map<String, Object>> items, Map<String, Object> sodCheck, String status,
      Instant createdAt, Instant closedAt, List<Map<String, Object>> approvals) {}

  // ---------------------------------------------------------------- API

  /** Starts a request for the logged-in requester, with the engine's authorization checks applied to them. */
  public String submit(NewRequest request, String requester, List<String> groups) {
    Map<String, Object> variables = new HashMap<>();
    variables.put(Variables.BENEFICIARY_ID, request.beneficiaryId());
    variables.put(Variables.ENTITLEMENTS, request.entitlements() == null ? null : String.join(",", request.entitlements()));
    variables.put(Variables.JUSTIFICATION, request.justification());
    variables.put(Variables.EXCEPTION_REQUESTED, Boolean.TRUE.equals(request.exceptionRequested()));
    return (String) starter.startAs(requester, groups, AccessRequestProcess.KEY, variables).get(Variables.REQUEST_ID);
  }

  public java.util.Optional<StoredRequest> find(String id) {
    var approvals = jdbc.queryForList("""
        select step, approver, decision, comment, decided_at from access_approval where request_id = ? order by id
        """, id);
    return jdbc.query("select * from access_request where id = ?", (rs, i) -> new StoredRequest(rs.getString("id"),
        rs.getString("process_instance_id"), rs.getString("requester"), rs.getString("beneficiary_id"),
        rs.getString("justification"), read(rs.getString("items"), new TypeReference<>() {}),
        read(rs.getString("conflicts"), new TypeReference<>() {}), rs.getString("status"),
        rs.getTimestamp("created_at").toInstant(),
        rs.getTimestamp("closed_at") == null ? null : rs.getTimestamp("closed_at").toInstant(), approvals), id)
        .stream().findFirst();
  }

  // ---------------------------------------------------------------- process steps

  /** Task_RegisterRequest: validates, checks SoD on current plus requested functions, records the request. */
  void register(DelegateExecution execution) {
    List<FieldError> errors = new ArrayList<>();
    String requester = (String) execution.getVariable(Variables.REQUESTER);
    Identity requesterIdentity = null;
    if (requester == null) {
      errors.add(new FieldError(Variables.REQUESTER, "an access request needs a logged-in requester"));
    } else {
      requesterIdentity = identities.findByUserName(requester).orElse(null);
      if (requesterIdentity == null) {
        errors.add(new FieldError(Variables.REQUESTER, "login '" + requester + "' is not linked to an HR identity"));
      }
    }
    List<AccessCatalogue.SystemEntitlement> requested = requestedEntitlements(execution, errors);
    Identity beneficiary = requesterIdentity;
    String beneficiaryId = text(execution, Variables.BENEFICIARY_ID);
    if (beneficiaryId != null) {
      beneficiary = identities.find(beneficiaryId).orElse(null);
      if (beneficiary == null) {
        errors.add(new FieldError(Variables.BENEFICIARY_ID, "'" + beneficiaryId + "' is not a known identity"));
      } else if (requesterIdentity != null && !beneficiary.id().equals(requesterIdentity.id())
          && !requesterIdentity.id().equals(beneficiary.managerId())
          && !(engineRolesOnly(requested) && holds(requester, Role.SECURITY_ADMIN))) {
        errors.add(new FieldError(Variables.BENEFICIARY_ID, "'" + beneficiaryId
            + "' is not you nor one of your reports: ask their manager to request (a security admin requests "
            + "this engine's roles for anyone)"));
      }
    }
    if (beneficiary != null && !beneficiary.active()) {
      errors.add(new FieldError(Variables.BENEFICIARY_ID, "'" + beneficiary.id() + "' is not active (terminated)"));
    }
    String justification = text(execution, Variables.JUSTIFICATION);
    if (justification == null) {
      errors.add(new FieldError(Variables.JUSTIFICATION, "is required: why the person needs this access"));
    }
    if (beneficiary != null) {
      for (AccessCatalogue.SystemEntitlement item : requested) {
        if (!registry.active(beneficiary.id(), item.systemId(), item.entitlement().id()).isEmpty()) {
          errors.add(new FieldError(Variables.ENTITLEMENTS, beneficiary.id() + " already holds " + item.key()));
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    SodCheck check = sodCheck(beneficiary.id(), requested);
    Instant now = clock.instant();
    String id = ids.next("AR");
    List<Map<String, Object>> items = requested.stream().map(item -> Map.<String, Object>of(
        "systemId", item.systemId(), "entitlementId", item.entitlement().id(), "privileged", item.entitlement().privileged(),
        "functions", item.entitlement().functions())).toList();
    jdbc.update("""
        insert into access_request (id, process_instance_id, requester, beneficiary_id, justification, items, conflicts,
            status, created_at)
        values (?, ?, ?, ?, ?, cast(? as jsonb), cast(? as jsonb), 'open', ?)
        """, id, execution.getProcessInstanceId(), requester, beneficiary.id(), justification, write(items),
        write(check.asMap()), Timestamp.from(now));
    history.grantReader(execution.getProcessInstanceId(), requester);
    boolean privileged = requested.stream().anyMatch(i -> i.entitlement().privileged());
    execution.setVariable(Variables.REQUEST_ID, id);
    execution.setVariable(Variables.BENEFICIARY_ID, beneficiary.id());
    execution.setVariable(Variables.SOD_CONFLICT, !check.uncovered().isEmpty());
    execution.setVariable(Variables.SOD_CONFLICTS, check.describe());
    execution.setVariable(Variables.PRIVILEGED, privileged);
    execution.setVariable(Variables.REJECTED, false);
    execution.setVariable(Variables.EXCEPTION_GRANTED, false);
    if (execution.getVariable(Variables.EXCEPTION_REQUESTED) == null) {
      execution.setVariable(Variables.EXCEPTION_REQUESTED, false);
    }
    execution.setVariable(Variables.SUMMARY, beneficiary.name() + " (" + beneficiary.id() + "): "
        + requested.stream().map(i -> i.key() + (i.entitlement().privileged() ? " [privileged]" : ""))
            .collect(Collectors.joining(", ")) + ". Justification: " + justification);
    audit.record(AuditEvent.of("access.request.submit", "access-request", id).actor(requester, null)
        .detail("beneficiaryId", beneficiary.id()).detail("entitlements", requested.stream().map(AccessCatalogue.SystemEntitlement::key).toList())
        .detail("privileged", privileged).detail("sodConflicts", check.uncovered().stream().map(Conflict::ruleId).toList())
        .detail("decisionDefinitionId", check.decisionDefinitionId()).build());
  }

  /** The preventive check: conflicts the request would add, and which of them an active exception already covers. */
  SodCheck sodCheck(String identityId, List<AccessCatalogue.SystemEntitlement> requested) {
    List<String> current = registry.currentFunctions(identityId);
    Set<String> after = new LinkedHashSet<>(current);
    requested.forEach(i -> after.addAll(i.entitlement().functions()));
    SodRules.Batch rules = sodRules.batch();
    Set<String> existing = rules.evaluate(current).stream().map(Conflict::ruleId).collect(Collectors.toSet());
    SodRules.Evaluation evaluation = new SodRules.Evaluation(rules.evaluate(after), rules.decisionDefinitionId(),
        rules.decisionVersion());
    Set<String> covered = new LinkedHashSet<>(jdbc.queryForList("""
        select rule_id from sod_exception where identity_id = ? and status = 'active' and expires_at > ?
        """, String.class, identityId, Timestamp.from(clock.instant())));
    List<Conflict> added = evaluation.conflicts().stream().filter(c -> !existing.contains(c.ruleId())).toList();
    List<Conflict> uncovered = added.stream().filter(c -> !covered.contains(c.ruleId())).toList();
    return new SodCheck(List.copyOf(after), added, uncovered, evaluation.decisionDefinitionId(), evaluation.decisionVersion());
  }

  /** The outcome of a preventive check, stored with the request as the explanation of what decided. */
  record SodCheck(List<String> functions, List<Conflict> added, List<Conflict> uncovered, String decisionDefinitionId,
      int decisionVersion) {
    Map<String, Object> asMap() {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("functions", functions);
      map.put("conflicts", added);
      map.put("uncovered", uncovered);
      map.put("decisionDefinitionId", decisionDefinitionId);
      map.put("decisionVersion", decisionVersion);
      return map;
    }

    String describe() {
      if (added.isEmpty()) {
        return "No SoD conflict (sod-conflicts version " + decisionVersion + ").";
      }
      return added.stream().map(c -> c.ruleId() + " (" + c.risk() + "): " + c.description()
          + (uncovered.contains(c) ? "" : " [covered by an active exception]")).collect(Collectors.joining("; "))
          + " (sod-conflicts version " + decisionVersion + ")";
    }
  }

  /** The distinct systems of a request, for the system owners' approvals. */
  List<String> systemsOf(DelegateExecution execution) {
    return items(requestId(execution)).stream().map(i -> (String) i.get("systemId")).distinct().toList();
  }

  /** The login of the beneficiary's manager, for the line manager's task; null when they have none. */
  String lineManagerOf(DelegateExecution execution) {
    Identity beneficiary = identities.find((String) execution.getVariable(Variables.BENEFICIARY_ID)).orElseThrow();
    return lineManager(beneficiary, (String) execution.getVariable(Variables.REQUESTER));
  }

  /**
   * Who approves as line manager: the beneficiary's manager; when that manager is the requester (a manager asking for
   * a report), the manager's own manager, so that nobody approves their own request. Null when HR names nobody with a
   * login: then a security admin approves in the manager's place (never any line manager: see
   * {@link #lineManagerGroupOf}), and the person is a finding of {@code /api/access/identities/without-manager}.
   */
  String lineManager(Identity beneficiary, String requester) {
    return identities.managerLogin(beneficiary, requester).orElse(null);
  }

  /**
   * The group of the line manager's task: line managers, or security admins when HR names no manager (and, for a
   * request of this engine's own roles only, governance leads too: a security admin asks for most of those, and
   * nobody approves their own request).
   */
  String lineManagerGroupOf(DelegateExecution execution) {
    return lineManagerOf(execution) != null ? Role.LINE_MANAGER.groupId()
        : String.join(",", standInGroups(requestOfInstance(execution.getProcessInstanceId())));
  }

  /**
   * The groups of the privileged approval: security admins; for a request of this engine's own roles only, governance
   * leads too, so that a security admin's request for a privileged engine role is approved by a second security admin
   * or a governance lead.
   */
  String privilegedApproverGroupsOf(DelegateExecution execution) {
    return String.join(",", standInGroups(requestOfInstance(execution.getProcessInstanceId())));
  }

  /**
   * The owners' logins of the system of one system owner's task (the engine's own loop variable on the task's
   * execution), as its candidate users: an owner who does not hold the {@code system-owner} role (the governance lead
   * owning this engine, say) still finds the task.
   */
  List<String> systemOwnersOf(DelegateExecution execution) {
    return systems.find((String) execution.getVariableLocal(Variables.SYSTEM_ID)).map(AccessRequests::owners)
        .map(List::copyOf).orElse(List.of());
  }

  private static Set<String> owners(FinancialSystem system) {
    Set<String> owners = new LinkedHashSet<>();
    if (system.businessOwner().user() != null) {
      owners.add(system.businessOwner().user());
    }
    if (system.technicalOwner().user() != null) {
      owners.add(system.technicalOwner().user());
    }
    return owners;
  }

  private List<String> standInGroups(String requestId) {
    return engineRolesOnly(requestId) ? List.of(Role.SECURITY_ADMIN.groupId(), Role.GOVERNANCE_LEAD.groupId())
        : List.of(Role.SECURITY_ADMIN.groupId());
  }

  private boolean engineRolesOnly(String requestId) {
    List<Map<String, Object>> items = items(requestId);
    return !items.isEmpty() && items.stream().allMatch(i -> EngineRoleRequests.SYSTEM.equals(i.get("systemId")));
  }

  private static boolean engineRolesOnly(List<AccessCatalogue.SystemEntitlement> requested) {
    return !requested.isEmpty() && requested.stream().allMatch(i -> EngineRoleRequests.SYSTEM.equals(i.systemId()));
  }

  private boolean holds(String login, Role role) {
    return login != null && users.find(login).filter(a -> a.enabled() && a.roles().contains(role)).isPresent();
  }

  /** The approval tasks: who may decide is checked here, on the server, whatever the form shows. */
  void decide(DelegateTask task) {
    String requestId = requestOfInstance(task.getProcessInstanceId());
    String actor = inputs.requireActor(task);
    String step = step(task);
    StoredRequest request = find(requestId).orElseThrow();
    Identity beneficiary = identities.find(request.beneficiaryId()).orElseThrow();
    if (actor.equals(request.requester())) {
      refuse(requestId, task, actor, "nobody approves their own request: " + actor + " requested " + requestId);
    }
    if (actor.equals(beneficiary.userName())) {
      refuse(requestId, task, actor, "nobody approves access for themselves: " + requestId + " is for " + actor);
    }
    switch (task.getTaskDefinitionKey()) {
      case Elements.LINE_MANAGER_APPROVAL -> {
        String manager = lineManager(beneficiary, request.requester());
        if (manager != null && !manager.equals(actor)) {
          refuse(requestId, task, actor, "only " + beneficiary.name() + "'s line manager (" + manager
              + ") approves as line manager");
        }
        if (manager == null && standInGroups(requestId).stream().noneMatch(g -> holds(actor, Role.fromGroupId(g)
            .orElseThrow()))) {
          refuse(requestId, task, actor, "HR names no line manager for " + beneficiary.name() + " ("
              + beneficiary.id() + "): a security admin approves in the manager's place until HR names one");
        }
      }
      case Elements.SYSTEM_OWNER_APPROVAL -> {
        // the system of this instance of the multi-instance task: the engine's own loop variable on the task's
        // execution, not a task-local variable a client could have set
        FinancialSystem system = systems.find((String) task.getExecution().getVariableLocal(Variables.SYSTEM_ID))
            .orElseThrow();
        Set<String> owners = owners(system);
        if (!owners.isEmpty() && !owners.contains(actor)) {
          refuse(requestId, task, actor, "only an owner of " + system.id() + " (" + String.join(", ", owners)
              + ") approves access to it");
        }
      }
      case Elements.FINANCE_EXCEPTION_APPROVAL -> {
        boolean sameAsSecurity = request.approvals().stream().anyMatch(a -> "exception-security".equals(a.get("step"))
            && actor.equals(a.get("approver")));
        if (sameAsSecurity) {
          refuse(requestId, task, actor, "an SoD exception needs two different approvers: " + actor
              + " already approved it as security admin");
        }
      }
      case Elements.SECURITY_ADMIN_APPROVAL -> {
        if (standInGroups(requestId).stream().noneMatch(g -> holds(actor, Role.fromGroupId(g).orElseThrow()))) {
          refuse(requestId, task, actor, "privileged access is approved by a security admin"
              + (engineRolesOnly(requestId) ? " or a governance lead" : ""));
        }
      }
      default -> { }
    }
    // a security admin gives one approval of a request: standing in for a missing line manager, approving privileged
    // access and approving an SoD exception are three different people's
    boolean securityAdminStep = Elements.SECURITY_ADMIN_APPROVAL.equals(task.getTaskDefinitionKey())
        || Elements.SECURITY_EXCEPTION_APPROVAL.equals(task.getTaskDefinitionKey())
        || (Elements.LINE_MANAGER_APPROVAL.equals(task.getTaskDefinitionKey())
            && lineManager(beneficiary, request.requester()) == null);
    if (securityAdminStep) {
      request.approvals().stream().filter(a -> actor.equals(a.get("approver")) && !step.equals(a.get("step")))
          .findFirst().ifPresent(a -> refuse(requestId, task, actor, actor + " already gave the " + a.get("step")
              + " approval of " + requestId + "; a security admin (or a governance lead standing in) gives one approval "
              + "of a request"));
    }
    List<FieldError> errors = new ArrayList<>();
    String decision = TaskInputs.required(task, "decision", errors);
    if (decision != null && !List.of(APPROVE, REJECT).contains(decision)) {
      errors.add(new FieldError("decision", "'" + decision + "' must be approve or reject"));
    }
    String comment = TaskInputs.optional(task, Variables.COMMENT);
    if (REJECT.equals(decision) && comment == null) {
      errors.add(new FieldError(Variables.COMMENT, "is required when rejecting: say why"));
    }
    if (APPROVE.equals(decision) && Elements.SECURITY_EXCEPTION_APPROVAL.equals(task.getTaskDefinitionKey())) {
      exceptionTerms(task, errors);
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    jdbc.update("""
        insert into access_approval (request_id, step, approver, decision, comment, decided_at) values (?, ?, ?, ?, ?, ?)
        """, requestId, step, actor, APPROVE.equals(decision) ? "approved" : "rejected", comment,
        Timestamp.from(clock.instant()));
    if (REJECT.equals(decision)) {
      task.getExecution().getProcessInstance().setVariable(Variables.REJECTED, true);
    }
    audit.record(AuditEvent.of("access.request." + (APPROVE.equals(decision) ? "approve" : "reject"), "access-request",
        requestId).actor(actor, null).detail("step", step).detail("comment", comment).build());
  }

  private void exceptionTerms(DelegateTask task, List<FieldError> errors) {
    String control = TaskInputs.required(task, Variables.MITIGATING_CONTROL, errors);
    String expires = TaskInputs.required(task, Variables.EXCEPTION_EXPIRES, errors);
    if (control != null && control.length() < 10) {
      errors.add(new FieldError(Variables.MITIGATING_CONTROL, "must say what control mitigates the conflict"));
    } else if (control != null) {
      // the form's answers stay with its task; the process keeps what the server accepted
      task.getExecution().getProcessInstance().setVariable(Variables.MITIGATING_CONTROL, control);
    }
    if (expires != null) {
      try {
        LocalDate date = LocalDate.parse(expires.length() > 10 ? expires.substring(0, 10) : expires);
        LocalDate today = clock.instant().atZone(calendar.zone()).toLocalDate();
        if (!date.isAfter(today)) {
          errors.add(new FieldError(Variables.EXCEPTION_EXPIRES, "must be after today"));
        } else if (date.isAfter(today.plusDays(catalogue.exceptionMaxDays()))) {
          errors.add(new FieldError(Variables.EXCEPTION_EXPIRES, "must be at most " + catalogue.exceptionMaxDays()
              + " days from today (config/access.yaml exceptionMaxDays)"));
        } else {
          task.getExecution().getProcessInstance().setVariable(Variables.EXCEPTION_EXPIRES_AT,
              Date.from(date.atStartOfDay(calendar.zone()).toInstant()));
        }
      } catch (DateTimeParseException e) {
        errors.add(new FieldError(Variables.EXCEPTION_EXPIRES, "'" + expires + "' is not a date such as 2027-06-30"));
      }
    }
  }

  /** Task_RecordSodException: both approvers agreed; the registry records the exception for each conflict. */
  void recordException(DelegateExecution execution) {
    String requestId = requestId(execution);
    StoredRequest request = find(requestId).orElseThrow();
    Date expires = (Date) execution.getVariable(Variables.EXCEPTION_EXPIRES_AT);
    String control = (String) execution.getVariable(Variables.MITIGATING_CONTROL);
    String security = approver(request, "exception-security");
    String finance = approver(request, "exception-finance");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> uncovered = (List<Map<String, Object>>) request.sodCheck().get("uncovered");
    for (Map<String, Object> conflict : uncovered) {
      String id = this.ids.next("SE");
      jdbc.update("""
          insert into sod_exception (id, identity_id, rule_id, risk, description, mitigating_control, request_id,
              security_approver, finance_approver, approved_at, expires_at, status)
          values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active')
          """, id, request.beneficiaryId(), conflict.get("ruleId"), conflict.get("risk"), conflict.get("description"),
          control, requestId, security, finance, Timestamp.from(clock.instant()), new Timestamp(expires.getTime()));
      audit.record(AuditEvent.of("access.sod-exception.approve", "sod-exception", id).detail("requestId", requestId)
          .detail("identityId", request.beneficiaryId()).detail("ruleId", conflict.get("ruleId"))
          .detail("mitigatingControl", control).detail("expiresAt", expires.toInstant().toString())
          .detail("approvers", List.of(security, finance)).build());
    }
    execution.setVariable(Variables.EXCEPTION_GRANTED, true);
  }

  /** Whether every system of the request has a connector; otherwise a person fulfils the whole request. */
  boolean provisionedByConnector(DelegateExecution execution) {
    return items(requestId(execution)).stream()
        .allMatch(i -> catalogue.connectorOf((String) i.get("systemId")).isPresent());
  }

  /** Task_ProvisionByConnector: grants through each system's connector; on the last failed attempt, a person takes over. */
  void provisionByConnector(DelegateExecution execution) {
    String requestId = requestId(execution);
    StoredRequest request = find(requestId).orElseThrow();
    Identity beneficiary = identities.find(request.beneficiaryId()).orElseThrow();
    provisioning.attempt(execution.getProcessInstanceId(), execution.getCurrentActivityId(),
        "access-request:" + requestId, () -> {
      for (Map<String, Object> item : request.items()) {
        String systemId = (String) item.get("systemId");
        String entitlementId = (String) item.get("entitlementId");
        if (!registry.active(beneficiary.id(), systemId, entitlementId).isEmpty()) {
          continue;
        }
        ProvisioningConnector connector = provisioning.connector(catalogue.connectorOf(systemId).orElseThrow());
        String reference = connector.grant(beneficiary, systemId, entitlementId);
        grant(request, systemId, entitlementId, "connector:" + connector.id(), "connector", reference);
      }
    });
    close(requestId, "granted");
    notifyOutcome(request, "granted", "Provisioned by connector.");
  }

  /** Task_FulfilRequest: a security admin records how and where the access was granted. */
  void fulfil(DelegateTask task) {
    String requestId = requestOfInstance(task.getProcessInstanceId());
    String actor = inputs.requireActor(task);
    StoredRequest request = find(requestId).orElseThrow();
    Identity beneficiary = identities.find(request.beneficiaryId()).orElseThrow();
    if (actor.equals(beneficiary.userName()) || actor.equals(request.requester())) {
      refuse(requestId, task, actor, "nobody provisions access they requested or receive: " + actor);
    }
    List<FieldError> errors = new ArrayList<>();
    String method = TaskInputs.required(task, Variables.FULFILMENT_METHOD, errors);
    String reference = TaskInputs.required(task, Variables.FULFILMENT_REFERENCE, errors);
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    for (Map<String, Object> item : request.items()) {
      String systemId = (String) item.get("systemId");
      String entitlementId = (String) item.get("entitlementId");
      if (registry.active(beneficiary.id(), systemId, entitlementId).isEmpty()) {
        grant(request, systemId, entitlementId, actor, method, reference);
      }
    }
    close(requestId, "granted");
    notifyOutcome(request, "granted", "Fulfilled by " + actor + " (" + method + ", " + reference + ").");
  }

  private void grant(StoredRequest request, String systemId, String entitlementId, String grantedBy, String method,
      String reference) {
    Map<String, Object> provenance = new LinkedHashMap<>();
    provenance.put("requestId", request.id());
    provenance.put("requester", request.requester());
    provenance.put("justification", request.justification());
    provenance.put("approvals", request.approvals().stream().map(a -> a.get("step") + ": " + a.get("decision") + " by "
        + a.get("approver") + " at " + a.get("decided_at")).toList());
    provenance.put("sodCheck", request.sodCheck().get("conflicts"));
    provenance.put("decisionDefinitionId", request.sodCheck().get("decisionDefinitionId"));
    provenance.put("fulfilment", method);
    provenance.put("reference", reference);
    registry.grant(request.beneficiaryId(), systemId, entitlementId, clock.instant(), grantedBy, "request",
        request.id(), provenance);
  }

  /** Task_RecordRejection: an approver rejected. */
  void reject(DelegateExecution execution) {
    String requestId = requestId(execution);
    close(requestId, "rejected");
    StoredRequest request = find(requestId).orElseThrow();
    String reason = request.approvals().stream().filter(a -> "rejected".equals(a.get("decision")))
        .map(a -> "Rejected at " + a.get("step") + " by " + a.get("approver") + ": " + a.get("comment"))
        .collect(Collectors.joining(" "));
    notifyOutcome(request, "rejected", reason);
  }

  /** Task_RejectForConflict: the request would create an SoD conflict and no exception was asked for. */
  void rejectForConflict(DelegateExecution execution) {
    String requestId = requestId(execution);
    close(requestId, "rejected-sod");
    StoredRequest request = find(requestId).orElseThrow();
    audit.record(AuditEvent.system("access.request.sod-reject", "access-request", requestId)
        .outcome(AuditEvent.Outcome.DENIED).detail("conflicts", execution.getVariable(Variables.SOD_CONFLICTS)).build());
    notifyOutcome(request, "rejected before any approval", "It would create a segregation-of-duties conflict: "
        + execution.getVariable(Variables.SOD_CONFLICTS) + ". Request again with an SoD exception if the business needs it.");
  }

  /** Task_ReopenExpiredException: the exception's expiry came; the conflict is a finding again (AC-05). */
  void reopenExpiredException(DelegateExecution execution) {
    String requestId = requestId(execution);
    StoredRequest request = find(requestId).orElseThrow();
    Identity identity = identities.find(request.beneficiaryId()).orElseThrow();
    var exceptions = jdbc.queryForList("select * from sod_exception where request_id = ? and status = 'active'", requestId);
    Set<String> recipients = new LinkedHashSet<>(users.emailsOf(Role.SECURITY_ADMIN));
    recipients.addAll(users.emailsOf(Role.FINANCE_APPROVER));
    if (identity.managerId() != null) {
      identities.find(identity.managerId()).map(Identity::email).ifPresent(recipients::add);
    }
    for (Map<String, Object> item : request.items()) {
      systems.find((String) item.get("systemId")).ifPresent(s -> {
        recipients.add(s.businessOwner().email());
        recipients.add(s.technicalOwner().email());
      });
    }
    recipients.removeIf(r -> r == null || r.isBlank());
    for (Map<String, Object> exception : exceptions) {
      String id = (String) exception.get("id");
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("identityId", identity.id());
      details.put("ruleId", exception.get("rule_id"));
      details.put("mitigatingControl", exception.get("mitigating_control"));
      details.put("expiresAt", exception.get("expires_at").toString());
      details.put("requestId", requestId);
      long finding = controlExceptions.raise("AC-05", "sod-exception", id, "SoD exception " + id + " of " + identity.id()
          + " expired: " + exception.get("rule_id") + " is a finding again", details, List.of());
      jdbc.update("update sod_exception set status = 'expired', expired_finding_id = ? where id = ?", finding, id);
      Map<String, Object> variables = new LinkedHashMap<>();
      variables.put("recipientName", "owner");
      variables.put("exceptionId", id);
      variables.put("ruleId", exception.get("rule_id"));
      variables.put("description", exception.get("description"));
      variables.put("identity", identity.name() + " (" + identity.id() + ")");
      variables.put("expiresAt", exception.get("expires_at").toString());
      variables.put("mitigatingControl", exception.get("mitigating_control"));
      variables.put("findingId", finding);
      notifier.send("sod-exception-expired", recipients, variables);
      audit.record(AuditEvent.system("access.sod-exception.expire", "sod-exception", id).detail("findingId", finding)
          .detail("recipients", List.copyOf(recipients)).build());
    }
  }

  // ---------------------------------------------------------------- helpers

  private List<AccessCatalogue.SystemEntitlement> requestedEntitlements(DelegateExecution execution,
      List<FieldError> errors) {
    Set<String> keys = new LinkedHashSet<>();
    String listed = text(execution, Variables.ENTITLEMENTS);
    if (listed != null) {
      for (String key : listed.split(",")) {
        if (!key.isBlank()) {
          keys.add(key.strip());
        }
      }
    }
    for (String field : List.of(Variables.ENTITLEMENT_1, Variables.ENTITLEMENT_2, Variables.ENTITLEMENT_3)) {
      String key = text(execution, field);
      if (key != null) {
        keys.add(key);
      }
    }
    if (keys.isEmpty()) {
      errors.add(new FieldError(Variables.ENTITLEMENTS, "name at least one entitlement as SYSTEM/ENTITLEMENT"));
    }
    List<AccessCatalogue.SystemEntitlement> result = new ArrayList<>();
    for (String key : keys) {
      String[] parts = key.split("/", 2);
      if (parts.length != 2) {
        errors.add(new FieldError(Variables.ENTITLEMENTS, "'" + key + "' is not SYSTEM/ENTITLEMENT"));
      } else if (!catalogue.systemIds().contains(parts[0])) {
        errors.add(new FieldError(Variables.ENTITLEMENTS, "'" + parts[0] + "' is not a system of config/access.yaml"));
      } else {
        catalogue.entitlement(parts[0], parts[1]).ifPresentOrElse(
            e -> {
              if (e.isRequestable()) {
                result.add(new AccessCatalogue.SystemEntitlement(parts[0], e));
              } else {
                errors.add(new FieldError(Variables.ENTITLEMENTS, "'" + key
                    + "' is an API credential: a security admin issues it, nobody requests it"));
              }
            },
            () -> errors.add(new FieldError(Variables.ENTITLEMENTS, "'" + parts[1] + "' is not an entitlement of "
                + parts[0])));
      }
    }
    return result;
  }

  private String step(DelegateTask task) {
    return switch (task.getTaskDefinitionKey()) {
      case Elements.LINE_MANAGER_APPROVAL -> "line-manager";
      case Elements.SYSTEM_OWNER_APPROVAL -> "system-owner:" + task.getExecution().getVariableLocal(Variables.SYSTEM_ID);
      case Elements.SECURITY_ADMIN_APPROVAL -> "security-admin";
      case Elements.SECURITY_EXCEPTION_APPROVAL -> "exception-security";
      case Elements.FINANCE_EXCEPTION_APPROVAL -> "exception-finance";
      default -> throw new IllegalStateException("not an approval: " + task.getTaskDefinitionKey());
    };
  }

  private static String approver(StoredRequest request, String step) {
    return request.approvals().stream().filter(a -> step.equals(a.get("step")) && "approved".equals(a.get("decision")))
        .map(a -> (String) a.get("approver")).reduce((a, b) -> b).orElseThrow();
  }

  private void refuse(String requestId, DelegateTask task, String actor, String reason) {
    audit.recordIndependently(AuditEvent.of("access.request.sod-violation", "access-request", requestId)
        .actor(actor, null).denied(reason).detail("task", task.getTaskDefinitionKey()).detail("taskId", task.getId())
        .build());
    throw new AuthorizationException(reason);
  }

  private void close(String requestId, String status) {
    jdbc.update("update access_request set status = ?, closed_at = ? where id = ?", status,
        Timestamp.from(clock.instant()), requestId);
  }

  private void notifyOutcome(StoredRequest request, String outcome, String reason) {
    Set<String> to = new LinkedHashSet<>();
    users.email(request.requester()).ifPresent(to::add);
    identities.find(request.beneficiaryId()).map(Identity::email).ifPresent(to::add);
    to.removeIf(r -> r == null || r.isBlank());
    if (to.isEmpty()) {
      return;
    }
    Map<String, Object> variables = new LinkedHashMap<>();
    variables.put("recipientName", request.requester());
    variables.put("requestId", request.id());
    variables.put("beneficiary", request.beneficiaryId());
    variables.put("entitlements", request.items().stream().map(i -> i.get("systemId") + "/" + i.get("entitlementId"))
        .collect(Collectors.joining(", ")));
    variables.put("outcome", outcome);
    variables.put("reason", reason == null ? "" : reason);
    notifier.send("access-request-outcome", to, variables);
  }

  private List<Map<String, Object>> items(String requestId) {
    return read(jdbc.queryForObject("select items from access_request where id = ?", String.class, requestId),
        new TypeReference<>() {});
  }

  /**
   * The request of an instance, from the request table (the server's record of which request an instance is),
   * never from a variable that a task's client could shadow.
   */
  private String requestId(DelegateExecution execution) {
    return requestOfInstance(execution.getProcessInstanceId());
  }

  private String requestOfInstance(String processInstanceId) {
    return jdbc.query("select id from access_request where process_instance_id = ?",
        (rs, n) -> rs.getString(1), processInstanceId).stream().findFirst().orElseThrow(() ->
        new IllegalStateException("process instance " + processInstanceId + " has registered no access request"));
  }

  private static String text(DelegateExecution execution, String name) {
    Object value = execution.getVariable(name);
    return value == null || value.toString().isBlank() ? null : value.toString().strip();
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private <T> T read(String value, TypeReference<T> type) {
    try {
      return json.readValue(value, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
