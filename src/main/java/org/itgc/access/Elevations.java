package org.itgc.access;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.camunda.bpm.dmn.engine.DmnDecisionResultEntries;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.DecisionService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.repository.DecisionDefinition;
import org.itgc.access.PrivilegedElevationProcess.Fields;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.audit.AuditTrail;
import org.itgc.audit.StoredAuditEvent;
import org.itgc.change.ChangeService;
import org.itgc.controls.ControlExceptions;
import org.itgc.notify.Notifier;
import org.itgc.platform.Role;
import org.itgc.platform.calendar.BusinessCalendar;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.platform.web.InvalidInputException.FieldError;
import org.itgc.security.UserAccount;
import org.itgc.security.UserAccounts;
import org.itgc.systems.FinancialSystem;
import org.itgc.systems.SystemsInventory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Just-in-time elevation and break-glass to privileged entitlements (control AC-06, issue #20). A person eligible for a
 * {@code jit} entitlement (a grant of its eligibility in the registry, itself requested and approved) asks for it for a
 * bounded time with a reason; {@code dmn/privileged-elevation.dmn}, evaluated here through the engine's decision
 * service, sets the longest duration, who approves (or that a rule does), whether a change or incident is required and,
 * for break-glass, the business days of the post-facto review. The answer is stored with the elevation in
 * {@code access_elevation}; the process {@code privileged-elevation} reads it back from there at each step. The
 * system's connector grants the entitlement, the registry records the grant with the elevation as its provenance, and
 * at expiry the connector removes it and reads the target back; the grant is then ended. Nobody approves or reviews
 * their own elevation.
 */
@Service
public class Elevations {

  public static final String JIT = "jit";
  public static final String BREAK_GLASS = "break-glass";
  static final String CONTROL = "AC-06";
  static final String STANDING = "standing-privilege";
  static final int MAX_REASON = 2000;
  static final int WINDOW_EVENTS = 200;
  /** The statuses of a change that is approved and not yet closed, rejected or failed. */
  static final List<String> CHANGE_UNDER_WAY = List.of("approved", "implemented");

  private final JdbcTemplate jdbc;
  private final Identities identities;
  private final AccessRegistry registry;
  private final AccessCatalogue catalogue;
  private final SystemsInventory systems;
  private final Provisioning provisioning;
  private final AccessRequestRouting routing;
  private final ControlExceptions controlExceptions;
  private final UserAccounts users;
  private final Notifier notifier;
  private final AuditRecorder audit;
  private final AuditTrail trail;
  private final BusinessCalendar calendar;
  private final RuntimeService runtimeService;
  private final DecisionService decisionService;
  private final RepositoryService repositoryService;
  private final AccessDisplay display;
  private final AccessIds ids;
  private final ChangeService changes;
  private final Clock clock;
  private final String baseUrl;

  private final ObjectProvider<PersonActivity> personActivity;

  Elevations(JdbcTemplate jdbc, Identities identities, AccessRegistry registry, AccessCatalogue catalogue,
      SystemsInventory systems, Provisioning provisioning, AccessRequestRouting routing,
      ControlExceptions controlExceptions, UserAccounts users, Notifier notifier, AuditRecorder audit, AuditTrail trail,
      BusinessCalendar calendar, RuntimeService runtimeService, DecisionService decisionService,
      RepositoryService repositoryService, AccessDisplay display, AccessIds ids, ChangeService changes, Clock clock,
      @Value("${itgc.base-url}") String baseUrl, ObjectProvider<PersonActivity> personActivity) {
    this.personActivity = personActivity;
    this.jdbc = jdbc;
    this.identities = identities;
    this.registry = registry;
    this.catalogue = catalogue;
    this.systems = systems;
    this.provisioning = provisioning;
    this.routing = routing;
    this.controlExceptions = controlExceptions;
    this.users = users;
    this.notifier = notifier;
    this.audit = audit;
    this.trail = trail;
    this.calendar = calendar;
    this.runtimeService = runtimeService;
    this.decisionService = decisionService;
    this.repositoryService = repositoryService;
    this.display = display;
    this.ids = ids;
    this.changes = changes;
    this.clock = clock;
    this.baseUrl = baseUrl;
  }

  /** What a person asks for: {@code entitlement} as SYSTEM/ENTITLEMENT, {@code minutes} or {@code until}. */
  public record Request(String entitlement, Integer minutes, String until, String reason, String changeId,
      String incidentId, Boolean breakGlass) {}

  /** One elevation as the evidence shows it. */
  public record Elevation(String id, String identityId, String identityName, String requestedBy, String systemId,
      String entitlementId, String kind, String reason, String changeId, String incidentId, Long eligibilityGrantId,
      Instant requestedAt, int requestedMinutes, int maxMinutes, String approverGroups, boolean autoApprove,
      boolean referenceRequired, Integer reviewBusinessDays, String decisionDefinitionId, int decisionVersion,
      String processInstanceId, String status, String approvedBy, Instant approvedAt, String approvalComment,
      Instant provisionedAt, String provisionedBy, String provisioningReference, Long grantId, Instant expiresAt,
      Instant removedAt, String removedBy, String removalReference, Instant verifiedAt, String verification,
      Instant reviewDue, String reviewedBy, Instant reviewedAt, String reviewOutcome, String reviewComment,
      Long reviewExceptionId) {

    boolean breakGlass() {
      return BREAK_GLASS.equals(kind);
    }

    String key() {
      return systemId + "/" + entitlementId;
    }
  }

  /** The rules the decision gave an elevation. */
  record Rules(int maxMinutes, String approverGroups, boolean autoApprove, boolean referenceRequired,
      Integer reviewBusinessDays, String definitionId, int version) {}

  // ---------------------------------------------------------------- asking

  /**
   * A person asks for an elevation for themselves: checked whole (400 naming each field at fault), then the decision is
   * evaluated and its answer stored with the elevation, and {@code privileged-elevation} starts.
   */
  @org.springframework.transaction.annotation.Transactional
  public Elevation request(String login, Request body) {
    try {
      return checkAndStart(login, body);
    } catch (InvalidInputException refused) {
      // every refusal is evidence too: who asked for what, and why it was refused
      audit.recordIndependently(AuditEvent.of("access.elevation.refuse", "access-elevation",
          body == null || body.entitlement() == null ? "-" : body.entitlement()).actor(login, null)
          .denied(refused.errors().toString()).detail("breakGlass", body != null && Boolean.TRUE.equals(body.breakGlass()))
          .detail("minutes", body == null ? null : body.minutes()).build());
      throw refused;
    }
  }

  private Elevation checkAndStart(String login, Request body) {
    Identity identity = identities.findByUserName(login).orElseThrow(() -> InvalidInputException.of("entitlement",
        "your login " + login + " is bound to no identity of the registry: only a person of the registry is elevated"));
    List<FieldError> errors = new ArrayList<>();
    boolean breakGlass = body != null && Boolean.TRUE.equals(body.breakGlass());
    if (body == null) {
      throw InvalidInputException.of("body", "send entitlement, minutes or until, and reason");
    }
    if (!Identity.ACTIVE.equals(identity.status())) {
      errors.add(new FieldError("entitlement", "you are not an active identity (" + identity.status() + ")"));
    }
    AccessCatalogue.Entitlement entitlement = null;
    String systemId = null;
    if (body.entitlement() == null || body.entitlement().isBlank()) {
      errors.add(new FieldError("entitlement", "name the privileged entitlement as SYSTEM/ENTITLEMENT"));
    } else {
      String[] parts = body.entitlement().strip().split("/", 2);
      Optional<AccessCatalogue.Entitlement> found = parts.length == 2 ? catalogue.entitlement(parts[0], parts[1])
          : Optional.empty();
      if (found.isEmpty()) {
        errors.add(new FieldError("entitlement", "'" + body.entitlement() + "' is not SYSTEM/ENTITLEMENT of "
            + AccessCatalogue.FILE));
      } else if (!found.get().isJit()) {
        errors.add(new FieldError("entitlement", "'" + body.entitlement()
            + "' is not a just-in-time privileged entitlement (jit: true in " + AccessCatalogue.FILE + ")"));
      } else {
        entitlement = found.get();
        systemId = parts[0];
      }
    }
    String reason = body.reason() == null ? null : body.reason().strip();
    if (reason == null || reason.isEmpty()) {
      errors.add(new FieldError("reason", "say why you need the elevation"));
    } else if (reason.length() > MAX_REASON) {
      errors.add(new FieldError("reason", "at most " + MAX_REASON + " characters"));
    }
    String changeId = reference("changeId", body.changeId(), errors);
    String incidentId = reference("incidentId", body.incidentId(), errors);
    Instant now = clock.instant();
    Integer minutes = null;
    String durationField = body.until() != null && body.minutes() == null ? "until" : "minutes";
    if (body.minutes() != null && body.until() != null) {
      errors.add(new FieldError("minutes", "give minutes or until, not both"));
    } else if (body.minutes() != null) {
      if (body.minutes() < 1) {
        errors.add(new FieldError("minutes", "must be at least 1"));
      } else {
        minutes = body.minutes();
      }
    } else if (body.until() != null) {
      try {
        Instant until = Instant.parse(body.until().strip());
        if (!until.isAfter(now)) {
          errors.add(new FieldError("until", "must be in the future"));
        } else {
          minutes = (int) Math.min(Integer.MAX_VALUE, (Duration.between(now, until).toSeconds() + 59) / 60);
        }
      } catch (DateTimeParseException e) {
        errors.add(new FieldError("until", "'" + body.until() + "' is not an ISO-8601 instant such as 2026-12-04T18:00:00Z"));
      }
    } else {
      errors.add(new FieldError("minutes", "give how long (minutes) or until when (until)"));
    }
    InvalidInputException.ifAny(errors);
    String key = systemId + "/" + entitlement.id();
    // eligibility: a grant of the entitlement's eligibility, with its provenance, held now
    AccessCatalogue.Entitlement eligibility = catalogue.eligibilityFor(systemId, entitlement.id()).orElse(null);
    Grant eligible = eligibility == null ? null
        : registry.active(identity.id(), systemId, eligibility.id()).stream().findFirst().orElse(null);
    if (eligible == null) {
      String why = "you are not eligible for " + key + ": you hold no grant of "
          + (eligibility == null ? "an eligibility for it" : systemId + "/" + eligibility.id())
          + " (request it through an access request)";
      throw InvalidInputException.of("entitlement", why);
    }
    // one request of a person at a time: two parallel requests would both pass the check below (read committed)
    // and start two elevations of one entitlement; the second waits here for the first's commit, then sees it
    jdbc.queryForList("select id from access_identity where id = ? for update", String.class, identity.id());
    List<String> open = jdbc.queryForList("""
        select id from access_elevation where identity_id = ? and system_id = ? and entitlement_id = ?
          and status in ('requested', 'approved', 'provisioned')
        """, String.class, identity.id(), systemId, entitlement.id());
    if (!open.isEmpty()) {
      throw InvalidInputException.of("entitlement", "you already have elevation " + open.get(0) + " of " + key
          + " under way");
    }
    FinancialSystem system = systems.find(systemId).orElseThrow();
    String kind = breakGlass ? BREAK_GLASS : JIT;
    // a rule may approve on a change reference alone: only a change of this system the change process approved and
    // that is under way counts; an id that merely looks like one (or an incident id nobody can check) goes to a person
    Rules rules = decide(kind, system.tier().value(), entitlement.id(), minutes, changeUnderWay(changeId, systemId));
    if (minutes > rules.maxMinutes()) {
      throw InvalidInputException.of(durationField, minutes + " minutes asked; the rules allow at most "
          + rules.maxMinutes() + " minutes for a " + kind + " elevation of " + key + " (decision "
          + PrivilegedElevationProcess.DECISION + " v" + rules.version() + ")");
    }
    if (rules.referenceRequired() && changeId == null && incidentId == null) {
      throw InvalidInputException.of("changeId", "the rules require a change or an incident for " + kind + " of "
          + key + ": give changeId or incidentId");
    }
    String id = ids.next("ELV");
    jdbc.update("""
        insert into access_elevation (id, identity_id, requested_by, system_id, entitlement_id, kind, reason, change_id,
            incident_id, eligibility_grant_id, requested_at, requested_minutes, max_minutes, approver_groups,
            auto_approve, reference_required, review_business_days, decision_definition_id, decision_version, status)
        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'requested')
        """, id, identity.id(), login, systemId, entitlement.id(), kind, reason, changeId, incidentId, eligible.id(),
        Timestamp.from(now), minutes, rules.maxMinutes(), rules.approverGroups(), rules.autoApprove(),
        rules.referenceRequired(), rules.reviewBusinessDays(), rules.definitionId(), rules.version());
    audit.record(AuditEvent.of("access.elevation.request", "access-elevation", id).actor(login, null)
        .detail("identityId", identity.id()).detail("entitlement", key).detail("kind", kind)
        .detail("minutes", minutes).detail("reason", reason).detail("changeId", changeId)
        .detail("incidentId", incidentId).detail("eligibilityGrantId", eligible.id())
        .detail("maxMinutes", rules.maxMinutes()).detail("approverGroups", rules.approverGroups())
        .detail("autoApprove", rules.autoApprove()).detail("decisionDefinitionId", rules.definitionId()).build());
    runtimeService.createProcessInstanceByKey(PrivilegedElevationProcess.KEY).businessKey(id)
        .setVariable(PrivilegedElevationProcess.Data.ELEVATION.name(), id).execute();
    return find(id).orElseThrow();
  }

  private boolean changeUnderWay(String changeId, String systemId) {
    return changeId != null && changes.state(changeId).filter(c -> c.systemId().equals(systemId))
        .filter(c -> CHANGE_UNDER_WAY.contains(c.status())).isPresent();
  }

  private static String reference(String field, String value, List<FieldError> errors) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String stripped = value.strip();
    if (!stripped.matches("[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}")) {
      errors.add(new FieldError(field, "'" + value + "' is not an id (letters, digits and . _ : / -, at most 100)"));
      return null;
    }
    return stripped;
  }

  /** The rules of dmn/privileged-elevation.dmn for this elevation, through the engine's decision service (history). */
  Rules decide(String kind, String systemTier, String entitlementId, int minutes, boolean hasReference) {
    Map<String, Object> inputs = new LinkedHashMap<>();
    inputs.put("kind", kind);
    inputs.put("systemTier", systemTier);
    inputs.put("entitlementId", entitlementId);
    inputs.put("requestedMinutes", minutes);
    inputs.put("hasChangeReference", hasReference);
    DecisionDefinition definition = repositoryService.createDecisionDefinitionQuery()
        .decisionDefinitionKey(PrivilegedElevationProcess.DECISION).latestVersion().withoutTenantId().singleResult();
    if (definition == null) {
      throw new IllegalStateException("decision " + PrivilegedElevationProcess.DECISION + " is not deployed");
    }
    DmnDecisionResultEntries result = decisionService.evaluateDecisionById(definition.getId()).variables(inputs)
        .evaluate().getFirstResult();
    if (result == null || result.getEntryMap().get("maxMinutes") == null) {
      throw InvalidInputException.of("entitlement", "no rule of " + PrivilegedElevationProcess.DECISION + " v"
          + definition.getVersion() + " covers a " + kind + " elevation of " + entitlementId + " on a " + systemTier
          + " system");
    }
    Number max = (Number) result.getEntryMap().get("maxMinutes");
    String groups = (String) result.getEntryMap().get("approverGroups");
    Number review = (Number) result.getEntryMap().get("reviewBusinessDays");
    return new Rules(max.intValue(), groups == null || groups.isBlank() ? null : groups.strip(),
        Boolean.TRUE.equals(result.getEntryMap().get("autoApprove")), Boolean.TRUE.equals(result.getEntryMap().get("referenceRequired")),
        review == null ? null : review.intValue(), definition.getId(), definition.getVersion());
  }

  // ---------------------------------------------------------------- process steps

  /**
   * Task_RegisterElevation: binds the instance to its elevation, once. An instance that names an elevation the server
   * did not start for it (a forged start, a second start) fails here and changes nothing.
   */
  String register(String elevationId, String processInstanceId) {
    int bound = elevationId == null ? 0 : jdbc.update("""
        update access_elevation set process_instance_id = ? where id = ? and process_instance_id is null
          and status = 'requested'
        """, processInstanceId, elevationId);
    if (bound != 1) {
      throw new AuthorizationException("privileged-elevation is started by the server only, for an elevation asked "
          + "through POST /api/access/elevations: " + elevationId + " is not one waiting for its process");
    }
    return describe(require(elevationId));
  }

  Elevation ofInstance(String processInstanceId) {
    return jdbc.query(SELECT + " where e.process_instance_id = ?", this::map, processInstanceId).stream().findFirst()
        .orElseThrow(() -> new IllegalStateException("no elevation for process instance " + processInstanceId));
  }

  /** What the forms show of an elevation (display only). */
  String describe(Elevation e) {
    StringBuilder text = new StringBuilder();
    text.append("**").append(e.breakGlass() ? "Break-glass" : "Just-in-time elevation").append(":** ")
        .append(display.entitlement(e.systemId(), e.entitlementId(), true)).append("\n\n");
    text.append("**For:** ").append(e.identityName()).append(" (").append(e.identityId()).append(", login ")
        .append(e.requestedBy()).append(")\n\n");
    text.append("**Reason:** ").append(e.reason()).append("\n\n");
    if (e.changeId() != null) {
      text.append("**Change:** ").append(e.changeId()).append("\n\n");
    }
    if (e.incidentId() != null) {
      text.append("**Incident:** ").append(e.incidentId()).append("\n\n");
    }
    text.append("**Duration:** ").append(e.requestedMinutes()).append(" minutes (the rules allow ")
        .append(e.maxMinutes()).append("), asked ").append(display.time(e.requestedAt())).append("\n\n");
    if (e.provisionedAt() != null) {
      text.append("**Window:** ").append(display.time(e.provisionedAt())).append(" to ")
          .append(display.time(e.removedAt() != null ? e.removedAt() : e.expiresAt())).append("\n\n");
    }
    if (e.approvedBy() != null) {
      text.append("**Approved by:** ").append(e.approvedBy()).append("\n\n");
    }
    text.append("**Eligibility:** grant ").append(e.eligibilityGrantId());
    return text.toString();
  }

  boolean breakGlass(String processInstanceId) {
    return ofInstance(processInstanceId).breakGlass();
  }

  boolean autoApproved(String processInstanceId) {
    return ofInstance(processInstanceId).autoApprove();
  }

  boolean rejected(String processInstanceId) {
    return "rejected".equals(ofInstance(processInstanceId).status());
  }

  /** The candidate groups of the approval: the decision's approver roles. */
  String approverGroupsOf(String processInstanceId) {
    String groups = ofInstance(processInstanceId).approverGroups();
    return groups == null ? Role.SECURITY_ADMIN.groupId() : groups;
  }

  /** An approval is due within a business day of the request. */
  Date approvalDue(String processInstanceId) {
    return Date.from(calendar.addBusinessDays(ofInstance(processInstanceId).requestedAt(), 1));
  }

  Date expiresAt(String processInstanceId) {
    Elevation e = ofInstance(processInstanceId);
    Instant at = e.expiresAt() != null ? e.expiresAt() : clock.instant().plus(Duration.ofMinutes(e.requestedMinutes()));
    return Date.from(at);
  }

  Date reviewDue(String processInstanceId) {
    Elevation e = ofInstance(processInstanceId);
    if (e.reviewDue() == null) {
      throw new IllegalStateException(e.id() + " has no review due date: its window has not ended");
    }
    return Date.from(e.reviewDue());
  }

  /** Task_AlertBreakGlass: the security admins and governance leads are mailed at once; no approval is waited for. */
  void alertBreakGlass(String processInstanceId) {
    Elevation e = ofInstance(processInstanceId);
    Instant now = clock.instant();
    jdbc.update("update access_elevation set status = 'approved', approved_by = ?, approved_at = ? where id = ?",
        "none: break-glass, reviewed after the fact", Timestamp.from(now), e.id());
    Set<String> to = new LinkedHashSet<>(users.emailsOf(Role.SECURITY_ADMIN));
    to.addAll(users.emailsOf(Role.GOVERNANCE_LEAD));
    Map<String, Object> variables = new LinkedHashMap<>();
    variables.put("elevationId", e.id());
    variables.put("identity", e.identityName() + " (" + e.identityId() + ", login " + e.requestedBy() + ")");
    variables.put("entitlement", e.key());
    variables.put("minutes", e.requestedMinutes());
    variables.put("reason", e.reason());
    variables.put("incidentId", e.incidentId() != null ? e.incidentId() : e.changeId() != null ? e.changeId() : "none given");
    variables.put("reviewBusinessDays", e.reviewBusinessDays());
    variables.put("elevationUrl", baseUrl + "/api/access/elevations/" + e.id());
    if (!to.isEmpty()) {
      notifier.send("privileged-break-glass", to, variables);
    }
    audit.record(AuditEvent.system("access.elevation.break-glass", "access-elevation", e.id())
        .detail("identityId", e.identityId()).detail("entitlement", e.key()).detail("recipients", List.copyOf(to))
        .build());
  }

  /** Task_RecordAutoApproval: a rule of the decision allowed this elevation without a person's approval. */
  void recordAutoApproval(String processInstanceId) {
    Elevation e = ofInstance(processInstanceId);
    String by = "rule: " + PrivilegedElevationProcess.DECISION + " v" + e.decisionVersion();
    jdbc.update("update access_elevation set status = 'approved', approved_by = ?, approved_at = ? where id = ?", by,
        Timestamp.from(clock.instant()), e.id());
    audit.record(AuditEvent.system("access.elevation.approve", "access-elevation", e.id()).detail("approvedBy", by)
        .detail("decisionDefinitionId", e.decisionDefinitionId()).build());
  }

  /** The approver's answer on Task_ApproveElevation. */
  record Decision(String processInstanceId, String taskId, String actor, String decision, String comment) {}

  /**
   * Task_ApproveElevation: the approver is checked on the server: not the person elevated (by identity), holding one of
   * the decision's approver roles (an owner of the system when approving as system owner); a rejection needs a comment.
   */
  void decide(Decision decision) {
    Elevation e = ofInstance(decision.processInstanceId());
    List<FieldError> errors = new ArrayList<>();
    if (decision.decision() == null || !List.of("approve", "reject").contains(decision.decision())) {
      errors.add(new FieldError(Fields.DECISION, "must be approve or reject"));
    }
    if ("reject".equals(decision.decision()) && decision.comment() == null) {
      errors.add(new FieldError(Fields.COMMENT, "say why you reject"));
    }
    InvalidInputException.ifAny(errors);
    String actor = decision.actor();
    if (samePerson(actor, e)) {
      throw refuse(e, "access.elevation.approve", actor, "nobody approves their own elevation: " + e.id()
          + " elevates " + e.identityId());
    }
    Set<Role> roles = rolesOf(actor);
    List<String> allowed = Arrays.stream(approverGroupsOf(decision.processInstanceId()).split(","))
        .map(String::strip).toList();
    boolean may = false;
    for (String group : allowed) {
      Optional<Role> role = Role.fromGroupId(group);
      if (role.isEmpty() || !roles.contains(role.get())) {
        continue;
      }
      if (role.get() == Role.SYSTEM_OWNER
          && !routing.ownersOf(e.systemId()).orElse(Set.of()).contains(actor)) {
        continue;
      }
      may = true;
    }
    if (!may) {
      throw refuse(e, "access.elevation.approve", actor, "only " + String.join(" or ", allowed)
          + (allowed.contains(Role.SYSTEM_OWNER.groupId()) ? " (an owner of " + e.systemId() + ")" : "")
          + " approve elevation " + e.id() + " under its rule");
    }
    boolean approve = "approve".equals(decision.decision());
    Grant eligibility = registry.find(e.eligibilityGrantId()).orElse(null);
    if (approve && (eligibility == null || !eligibility.active())) {
      // the eligibility was revoked while the request waited: there is no basis left to approve on
      throw InvalidInputException.of(Fields.DECISION, e.identityId() + "'s eligibility (grant "
          + e.eligibilityGrantId() + ") ended" + (eligibility == null ? "" : " at " + eligibility.removedAt())
          + ": elevation " + e.id() + " can only be rejected");
    }
    jdbc.update("""
        update access_elevation set status = ?, approved_by = ?, approved_at = ?, approval_comment = ? where id = ?
        """, approve ? "approved" : "rejected", actor, Timestamp.from(clock.instant()), decision.comment(), e.id());
    audit.record(AuditEvent.of(approve ? "access.elevation.approve" : "access.elevation.reject", "access-elevation",
        e.id()).actor(actor, null).detail("taskId", decision.taskId()).detail("comment", decision.comment()).build());
  }

  /** Task_RecordRejection. */
  void recordRejection(String processInstanceId) {
    Elevation e = ofInstance(processInstanceId);
    audit.record(AuditEvent.system("access.elevation.closed", "access-elevation", e.id()).detail("status", "rejected")
        .detail("rejectedBy", e.approvedBy()).detail("comment", e.approvalComment()).build());
  }

  /** Task_ProvisionElevation: the connector grants the entitlement; failures are retried, then handed to a person. */
  void provision(String processInstanceId, String activityId) {
    Elevation e = ofInstance(processInstanceId);
    Identity identity = identities.find(e.identityId()).orElseThrow();
    ProvisioningConnector connector = provisioning.connector(catalogue.connectorOf(e.systemId()).orElseThrow(() ->
        new IllegalStateException(e.systemId() + " has no connector: elevations need one")));
    provisioning.attempt(processInstanceId, activityId, "elevation:" + e.id(), () -> {
      String reference = connector.grant(identity, e.systemId(), e.entitlementId());
      provisioned(e, "connector:" + connector.id(), "connector", reference);
    });
  }

  /** What a security admin records of work done by hand when the connector failed. */
  record ByHand(String processInstanceId, String taskId, String actor, String methodField, String referenceField,
      String method, String reference) {}

  /** Task_ProvisionByHand. */
  void provisionByHand(ByHand work) {
    Elevation e = ofInstance(work.processInstanceId());
    checkByHand(e, work, "access.elevation.provision");
    provisioned(e, work.actor(), work.method(), work.reference());
  }

  private void checkByHand(Elevation e, ByHand work, String action) {
    List<FieldError> errors = new ArrayList<>();
    if (work.method() == null) {
      errors.add(new FieldError(work.methodField(), "is required"));
    }
    if (work.reference() == null) {
      errors.add(new FieldError(work.referenceField(), "is required"));
    }
    InvalidInputException.ifAny(errors);
    if (samePerson(work.actor(), e)) {
      throw refuse(e, action, work.actor(), "nobody provisions or removes their own elevation: " + e.id());
    }
  }

  private void provisioned(Elevation e, String by, String method, String reference) {
    Instant now = clock.instant();
    Instant expires = now.plus(Duration.ofMinutes(e.requestedMinutes()));
    String ref = cut(method + ": " + reference);
    Map<String, Object> provenance = new LinkedHashMap<>();
    provenance.put("elevationId", e.id());
    provenance.put("kind", e.kind());
    provenance.put("requester", e.requestedBy());
    provenance.put("justification", e.reason());
    provenance.put("changeId", e.changeId());
    provenance.put("incidentId", e.incidentId());
    provenance.put("eligibilityGrantId", e.eligibilityGrantId());
    provenance.put("approvals", List.of("elevation: approved by " + e.approvedBy() + " at " + e.approvedAt()));
    provenance.put("decisionDefinitionId", e.decisionDefinitionId());
    provenance.put("fulfilment", method);
    provenance.put("reference", reference);
    provenance.put("expiresAt", expires.toString());
    long grant = registry.grant(e.identityId(), e.systemId(), e.entitlementId(), now, by, "elevation", null,
        provenance);
    jdbc.update("""
        update access_elevation set status = 'provisioned', provisioned_at = ?, provisioned_by = ?,
            provisioning_reference = ?, grant_id = ?, expires_at = ? where id = ?
        """, Timestamp.from(now), by, ref, grant, Timestamp.from(expires), e.id());
    audit.record(AuditEvent.system("access.elevation.provision", "access-elevation", e.id()).detail("grantId", grant)
        .detail("by", by).detail("reference", ref).detail("expiresAt", expires.toString()).build());
  }

  /**
   * Task_RemoveElevation: at expiry the connector removes the entitlement and reads the target back (access still there
   * fails the step, which is retried, then handed to a person); the grant is ended.
   */
  void remove(String processInstanceId, String activityId) {
    Elevation e = ofInstance(processInstanceId);
    Identity identity = identities.find(e.identityId()).orElseThrow();
    ProvisioningConnector connector = provisioning.connector(catalogue.connectorOf(e.systemId()).orElseThrow());
    Grant grant = registry.find(e.grantId()).orElseThrow();
    provisioning.attempt(processInstanceId, activityId, "elevation-removal:" + e.id(), () -> {
      // ended before its expiry (a leaver's or a security admin's revocation): only the read-back is left to do
      String reference = grant.active() ? connector.remove(identity, e.systemId(), e.entitlementId())
          : "already removed at " + grant.removedAt() + " by " + grant.removedBy()
              + (grant.revocationId() == null ? "" : " (revocation " + grant.revocationId() + ")");
      Optional<String> verification = connector.verifyRemoved(identity, e.systemId(), e.entitlementId());
      removed(e, "connector:" + connector.id(), reference, verification.orElse(null));
    });
  }

  /** Task_RemoveByHand: a security admin records the removal; it is not read back. */
  void removeByHand(ByHand work) {
    Elevation e = ofInstance(work.processInstanceId());
    checkByHand(e, work, "access.elevation.remove");
    removed(e, work.actor(), work.method() + ": " + work.reference(), null);
  }

  private void removed(Elevation e, String by, String reference, String verification) {
    Instant now = clock.instant();
    Instant reviewDue = e.breakGlass() && e.reviewBusinessDays() != null
        ? calendar.addBusinessDays(now, e.reviewBusinessDays()) : null;
    jdbc.update("""
        update access_elevation set status = ?, removed_at = ?, removed_by = ?, removal_reference = ?,
            verified_at = ?, verification = ?, review_due = ? where id = ?
        """, e.breakGlass() ? "review-pending" : "ended", Timestamp.from(now), by, cut(reference),
        verification == null ? null : Timestamp.from(now), verification == null ? null : cut(verification),
        reviewDue == null ? null : Timestamp.from(reviewDue), e.id());
    registry.end(e.grantId(), now, by, "elevation-expired " + e.id(), null);
    audit.record(AuditEvent.system("access.elevation.remove", "access-elevation", e.id()).detail("grantId", e.grantId())
        .detail("by", by).detail("removedAt", now.toString()).detail("reference", cut(reference))
        .detail("reviewDue", reviewDue == null ? null : reviewDue.toString()).build());
    if (verification != null) {
      audit.record(AuditEvent.system("access.elevation.verify", "access-elevation", e.id())
          .detail("grantId", e.grantId()).detail("verifiedAt", now.toString()).detail("readBack", cut(verification))
          .build());
    }
  }

  /** The person's events in this engine's audit trail during the window, newest first (the review's evidence). */
  List<StoredAuditEvent> windowActivity(Elevation e) {
    if (e.provisionedAt() == null) {
      return List.of();
    }
    Instant to = e.removedAt() != null ? e.removedAt() : clock.instant();
    return trail.find(new AuditTrail.Query(e.requestedBy(), null, null, null, e.provisionedAt(), to.plusMillis(1), 0,
        WINDOW_EVENTS));
  }

  /**
   * What the person did on the financial systems during the window, from their collected logs (issue #19), under any
   * name they may appear as there (login, e-mail, employee id); empty when no logs capability is present.
   */
  Optional<PersonActivity.Found> windowLogs(Elevation e) {
    PersonActivity logs = personActivity.getIfAvailable();
    if (logs == null || e.provisionedAt() == null) {
      return Optional.empty();
    }
    Instant to = e.removedAt() != null ? e.removedAt() : clock.instant();
    List<String> names = new ArrayList<>(List.of(e.requestedBy(), e.identityId()));
    identities.find(e.identityId()).ifPresent(i -> {
      names.add(i.userName());
      names.add(i.email());
    });
    return Optional.of(logs.of(names, e.provisionedAt(), to.plusMillis(1), WINDOW_EVENTS));
  }

  /** The review form's text of the window's activity (display only): the engine's trail, then the systems' logs. */
  String windowActivityText(String processInstanceId) {
    Elevation e = ofInstance(processInstanceId);
    List<StoredAuditEvent> events = windowActivity(e);
    StringBuilder text = new StringBuilder();
    if (events.isEmpty()) {
      text.append("No event of ").append(e.requestedBy()).append(" in the engine's audit trail during the window.\n");
    } else {
      text.append(events.size()).append(" event(s) of ").append(e.requestedBy())
          .append(events.size() == WINDOW_EVENTS ? " (the latest " + WINDOW_EVENTS + ")" : "")
          .append(" in the engine's audit trail:\n\n");
      for (StoredAuditEvent event : events) {
        text.append("- ").append(display.time(event.occurredAt())).append(": ").append(event.action()).append(" ")
            .append(event.objectType()).append(" ").append(event.objectId()).append(" (").append(event.outcome())
            .append(")\n");
      }
    }
    Optional<PersonActivity.Found> logs = windowLogs(e);
    if (logs.isEmpty() || logs.get().actions().isEmpty()) {
      text.append("\nNo action of ").append(e.requestedBy()).append(" in the financial systems' collected logs during ")
          .append("the window.\n");
    } else {
      List<PersonActivity.Action> actions = logs.get().actions();
      text.append("\n").append(actions.size()).append(" action(s) in the financial systems' collected logs")
          .append(logs.get().more() ? " (the first " + WINDOW_EVENTS + "; ask GET /api/logs/actors/... for all)" : "")
          .append(":\n\n");
      for (PersonActivity.Action a : actions) {
        text.append("- ").append(display.time(a.at())).append(": ").append(a.systemId()).append(" ").append(a.action())
            .append(a.objectType() == null ? "" : " " + a.objectType() + " " + a.objectId()).append(" as ")
            .append(a.actor()).append(a.verified() ? "" : " (its proof does not verify)").append("\n");
      }
    }
    return text.toString();
  }

  /** Task_ReviewBreakGlass: a governance lead or security admin who is not the person reviews the window. */
  record Review(String processInstanceId, String taskId, String actor, String outcome, String comment) {}

  void review(Review review) {
    Elevation e = ofInstance(review.processInstanceId());
    List<FieldError> errors = new ArrayList<>();
    if (review.outcome() == null || !List.of("appropriate", "inappropriate").contains(review.outcome())) {
      errors.add(new FieldError(Fields.REVIEW_OUTCOME, "must be appropriate or inappropriate"));
    }
    if (review.comment() == null) {
      errors.add(new FieldError(Fields.REVIEW_COMMENT, "say what you checked and found"));
    }
    InvalidInputException.ifAny(errors);
    if (samePerson(review.actor(), e)) {
      throw refuse(e, "access.elevation.review", review.actor(), "nobody reviews their own break-glass: " + e.id());
    }
    Set<Role> roles = rolesOf(review.actor());
    if (!roles.contains(Role.GOVERNANCE_LEAD) && !roles.contains(Role.SECURITY_ADMIN)) {
      throw refuse(e, "access.elevation.review", review.actor(), "only a governance lead or a security admin reviews "
          + "break-glass " + e.id());
    }
    int events = windowActivity(e).size();
    jdbc.update("""
        update access_elevation set status = 'reviewed', reviewed_by = ?, reviewed_at = ?, review_outcome = ?,
            review_comment = ? where id = ?
        """, review.actor(), Timestamp.from(clock.instant()), review.outcome(), review.comment(), e.id());
    audit.record(AuditEvent.of("access.elevation.review", "access-elevation", e.id()).actor(review.actor(), null)
        .detail("outcome", review.outcome()).detail("comment", review.comment()).detail("windowEvents", events)
        .build());
    if ("inappropriate".equals(review.outcome())) {
      raise(e, "Break-glass " + e.id() + " of " + e.identityId() + " on " + e.key() + " judged inappropriate by "
          + review.actor() + ": " + review.comment(), "inappropriate");
    }
  }

  /** BoundaryEvent_ReviewOverdue: the post-facto review was not done in time; an AC-06 exception, mailed. */
  void raiseReviewException(String processInstanceId) {
    Elevation e = ofInstance(processInstanceId);
    long exception = raise(e, "Break-glass " + e.id() + " of " + e.identityId() + " on " + e.key()
        + " not reviewed within " + e.reviewBusinessDays() + " business days (due " + e.reviewDue() + ")",
        "review-overdue");
    jdbc.update("update access_elevation set review_exception_id = ? where id = ?", exception, e.id());
  }

  private long raise(Elevation e, String summary, String problem) {
    Set<String> to = new LinkedHashSet<>(users.emailsOf(Role.SECURITY_ADMIN));
    to.addAll(users.emailsOf(Role.GOVERNANCE_LEAD));
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("problem", problem);
    details.put("identity", e.identityName() + " (" + e.identityId() + ")");
    details.put("entitlement", e.key());
    details.put("kind", e.kind());
    details.put("reason", e.reason());
    details.put("window", e.provisionedAt() + " to " + e.removedAt());
    details.put("reviewDue", String.valueOf(e.reviewDue()));
    return controlExceptions.raise(CONTROL, "access-elevation", e.id(), summary, details, to);
  }

  // ---------------------------------------------------------------- detective scan

  /** A grant of a just-in-time entitlement held outside an active elevation, which no rule allows. */
  public record StandingGrant(long grantId, String identityId, String systemId, String entitlementId,
      Instant grantedAt, String grantedBy, String source, boolean exceptionRaised) {}

  /**
   * The detective scan: every active grant of a jit entitlement not backed by a provisioned elevation is a standing
   * privilege; {@code dmn/privileged-standing.dmn} says whether it may be; each one it does not allow is reported and
   * raised once as an AC-06 exception (object type {@value #STANDING}, id the grant).
   */
  public List<StandingGrant> scanStanding(String actor) {
    List<StandingGrant> found = new ArrayList<>();
    DecisionDefinition standing = repositoryService.createDecisionDefinitionQuery()
        .decisionDefinitionKey(PrivilegedElevationProcess.STANDING_DECISION).latestVersion().withoutTenantId()
        .singleResult();
    for (AccessCatalogue.SystemEntitlement jit : catalogue.entitlements()) {
      if (!jit.entitlement().isJit()) {
        continue;
      }
      for (Grant grant : registry.holders(jit.systemId(), jit.entitlement().id())) {
        // backed only within its window: a grant still held after its elevation expired (its removal failed or
        // waits for a person) is standing privilege like any other
        Integer backed = jdbc.queryForObject("""
            select count(*) from access_elevation where grant_id = ? and status = 'provisioned' and expires_at > ?
            """, Integer.class, grant.id(), Timestamp.from(clock.instant()));
        if (backed != null && backed > 0) {
          continue;
        }
        String kind = identities.find(grant.identityId()).map(Identity::kind).orElse(Identity.PERSON);
        Map<String, Object> inputs = Map.of("systemId", grant.systemId(), "entitlementId", grant.entitlementId(),
            "holderKind", kind);
        var result = decisionService.evaluateDecisionById(standing.getId()).variables(inputs).evaluate()
            .getFirstResult();
        if (result != null && Boolean.TRUE.equals(result.getEntryMap().get("standingAllowed"))) {
          continue;
        }
        String key = String.valueOf(grant.id());
        boolean open = controlExceptions.find(CONTROL, key).stream()
            .anyMatch(x -> STANDING.equals(x.objectType()) && "open".equals(x.status()));
        if (!open) {
          Set<String> to = new LinkedHashSet<>(users.emailsOf(Role.SECURITY_ADMIN));
          to.addAll(users.emailsOf(Role.GOVERNANCE_LEAD));
          Map<String, Object> details = new LinkedHashMap<>();
          details.put("identityId", grant.identityId());
          details.put("entitlement", grant.systemId() + "/" + grant.entitlementId());
          details.put("grantedAt", grant.grantedAt().toString());
          details.put("grantedBy", grant.grantedBy());
          details.put("source", grant.source());
          controlExceptions.raise(CONTROL, STANDING, key, "Standing privileged grant " + key + ": "
              + grant.identityId() + " holds " + grant.systemId() + "/" + grant.entitlementId()
              + " outside any elevation, and no rule of " + PrivilegedElevationProcess.STANDING_DECISION
              + " allows it", details, to);
        }
        found.add(new StandingGrant(grant.id(), grant.identityId(), grant.systemId(), grant.entitlementId(),
            grant.grantedAt(), grant.grantedBy(), grant.source(), !open));
      }
    }
    var event = "system".equals(actor)
        ? AuditEvent.system("access.elevation.standing-scan", "report", "standing-privilege")
        : AuditEvent.of("access.elevation.standing-scan", "report", "standing-privilege").actor(actor, null);
    audit.record(event.outcome(found.isEmpty() ? AuditEvent.Outcome.SUCCESS : AuditEvent.Outcome.FAILURE)
        .detail("standing", found.stream().map(StandingGrant::grantId).toList()).build());
    return found;
  }

  // ---------------------------------------------------------------- evidence

  public Optional<Elevation> find(String id) {
    return jdbc.query(SELECT + " where e.id = ?", this::map, id).stream().findFirst();
  }

  private Elevation require(String id) {
    return find(id).orElseThrow(() -> new IllegalStateException("no elevation " + id));
  }

  /** Every elevation asked in [from, to), per privileged entitlement, oldest first. */
  public List<Elevation> population(Instant from, Instant to) {
    return jdbc.query(SELECT + " where e.requested_at >= ? and e.requested_at < ? order by e.system_id, "
        + "e.entitlement_id, e.requested_at, e.id", this::map, Timestamp.from(from), Timestamp.from(to));
  }

  /** The person's own elevations, newest first. */
  public List<Elevation> ofIdentity(String identityId) {
    return jdbc.query(SELECT + " where e.identity_id = ? order by e.requested_at desc", this::map, identityId);
  }

  private static final String SELECT = """
      select e.*, a.name as identity_name from access_elevation e join access_identity a on a.id = e.identity_id
      """;

  private Elevation map(ResultSet rs, int row) throws SQLException {
    return new Elevation(rs.getString("id"), rs.getString("identity_id"), rs.getString("identity_name"),
        rs.getString("requested_by"), rs.getString("system_id"), rs.getString("entitlement_id"), rs.getString("kind"),
        rs.getString("reason"), rs.getString("change_id"), rs.getString("incident_id"),
        (Long) rs.getObject("eligibility_grant_id"), instant(rs, "requested_at"), rs.getInt("requested_minutes"),
        rs.getInt("max_minutes"), rs.getString("approver_groups"), rs.getBoolean("auto_approve"),
        rs.getBoolean("reference_required"), (Integer) rs.getObject("review_business_days"),
        rs.getString("decision_definition_id"), rs.getInt("decision_version"), rs.getString("process_instance_id"),
        rs.getString("status"), rs.getString("approved_by"), instant(rs, "approved_at"),
        rs.getString("approval_comment"), instant(rs, "provisioned_at"), rs.getString("provisioned_by"),
        rs.getString("provisioning_reference"), (Long) rs.getObject("grant_id"), instant(rs, "expires_at"),
        instant(rs, "removed_at"), rs.getString("removed_by"), rs.getString("removal_reference"),
        instant(rs, "verified_at"), rs.getString("verification"), instant(rs, "review_due"),
        rs.getString("reviewed_by"), instant(rs, "reviewed_at"), rs.getString("review_outcome"),
        rs.getString("review_comment"), (Long) rs.getObject("review_exception_id"));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp value = rs.getTimestamp(column);
    return value == null ? null : value.toInstant();
  }

  // ---------------------------------------------------------------- who

  /** Whether a login is the person elevated: their own login, or another login bound to the same identity. */
  private boolean samePerson(String login, Elevation e) {
    return login.equals(e.requestedBy())
        || identities.findByUserName(login).map(Identity::id).filter(e.identityId()::equals).isPresent();
  }

  private Set<Role> rolesOf(String login) {
    return users.find(login).filter(UserAccount::enabled).map(UserAccount::roles).orElse(Set.of());
  }

  private AuthorizationException refuse(Elevation e, String action, String actor, String reason) {
    audit.recordIndependently(AuditEvent.of(action, "access-elevation", e.id()).actor(actor, null).denied(reason)
        .build());
    return new AuthorizationException(reason);
  }

  private static String cut(String text) {
    return text == null || text.length() <= 500 ? text : text.substring(0, 497) + "...";
  }
}
