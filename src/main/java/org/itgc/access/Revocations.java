package org.itgc.access;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.itgc.platform.web.ColumnTimestamp;
import org.itgc.access.AccessRevocationProcess.Data;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.camunda.bpm.engine.RuntimeService;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.controls.ControlExceptions;
import org.itgc.notify.Notifier;
import org.itgc.platform.calendar.BusinessCalendar;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.platform.web.InvalidInputException.FieldError;
import org.itgc.platform.Role;
import org.itgc.security.UserAccounts;
import org.itgc.systems.FinancialSystem;
import org.itgc.systems.SystemsInventory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Revocation of access (control AC-02): started by HR events (leavers: every grant; movers: the grants their new job
 * does not justify), certification revokes and SoD remediation. Each grant's deadline comes from {@code revocation-sla}
 * in business days of the calendar, counted from the trigger; the removal records when access actually went, the
 * registry ends the grant, and the business days taken are measured against the SLA.
 */
@Service
public class Revocations {

  public static final List<String> REASONS = List.of("termination", "role-change", "certification-revoke",
      "sod-remediation");

  private final JdbcTemplate jdbc;
  private final Identities identities;
  private final AccessRegistry registry;
  private final AccessCatalogue catalogue;
  private final SystemsInventory systems;
  private final Provisioning provisioning;
  private final ControlExceptions controlExceptions;
  private final UserAccounts users;
  private final Notifier notifier;
  private final AuditRecorder audit;
  private final BusinessCalendar calendar;
  private final RuntimeService runtimeService;
  private final Clock clock;
  private final String baseUrl;
  private final AccessIds ids;

  Revocations(JdbcTemplate jdbc, Identities identities, AccessRegistry registry, AccessCatalogue catalogue,
      SystemsInventory systems, Provisioning provisioning, ControlExceptions controlExceptions, UserAccounts users,
      Notifier notifier, AuditRecorder audit, BusinessCalendar calendar, RuntimeService runtimeService,
      Clock clock, @Value("${itgc.base-url}") String baseUrl, AccessIds ids) {
    this.jdbc = jdbc;
    this.identities = identities;
    this.registry = registry;
    this.catalogue = catalogue;
    this.systems = systems;
    this.provisioning = provisioning;
    this.controlExceptions = controlExceptions;
    this.users = users;
    this.notifier = notifier;
    this.audit = audit;
    this.calendar = calendar;
    this.runtimeService = runtimeService;
    this.clock = clock;
    this.baseUrl = baseUrl;
    this.ids = ids;
  }

  /** One removal of a revocation, as the SLA report shows it. */
  public record Item(long id, String revocationId, String identityId, String identityName, String reason,
      Instant triggeredAt, long grantId, String systemId, String entitlementId, boolean privileged,
      Integer slaBusinessDays, Instant deadline, Instant removedAt, String removedBy, String method, String reference,
      Integer businessDaysTaken, Boolean metSla, Long exceptionId, String status, Instant verifiedAt,
      String verification) {

    /** A removal without a read-back on the target (by hand, or by a connector that cannot read its target). */
    public Item(long id, String revocationId, String identityId, String identityName, String reason,
        Instant triggeredAt, long grantId, String systemId, String entitlementId, boolean privileged,
        Integer slaBusinessDays, Instant deadline, Instant removedAt, String removedBy, String method,
        String reference, Integer businessDaysTaken, Boolean metSla, Long exceptionId, String status) {
      this(id, revocationId, identityId, identityName, reason, triggeredAt, grantId, systemId, entitlementId,
          privileged, slaBusinessDays, deadline, removedAt, removedBy, method, reference, businessDaysTaken, metSla,
          exceptionId, status, null, null);
    }
  }

  // ---------------------------------------------------------------- starting

  /**
   * Starts {@code access-revocation} for grants of one identity (all its active grants when {@code grantIds} is null).
   * Grants already being revoked are left to that revocation.
   *
   * @return the revocation's id, or empty when there was nothing to revoke
   */
  public Optional<String> start(String identityId, String reason, List<Long> grantIds, Instant triggeredAt,
      String sourceRef, String requestedBy) {
    if (!REASONS.contains(reason)) {
      throw InvalidInputException.of("reason", "'" + reason + "' must be one of " + String.join(", ", REASONS));
    }
    Identity identity = identities.require("identityId", identityId);
    List<Grant> grants;
    if (grantIds == null) {
      grants = registry.current(identity.id());
    } else {
      grants = new ArrayList<>();
      List<FieldError> errors = new ArrayList<>();
      for (Long id : grantIds) {
        Optional<Grant> grant = registry.find(id);
        if (grant.isEmpty() || !grant.get().identityId().equals(identity.id())) {
          errors.add(new FieldError("grantIds", "grant " + id + " is not a grant of " + identity.id()));
        } else if (!grant.get().active()) {
          errors.add(new FieldError("grantIds", "grant " + id + " already ended at " + grant.get().removedAt()));
        } else {
          grants.add(grant.get());
        }
      }
      if (!errors.isEmpty()) {
        throw new InvalidInputException(errors);
      }
    }
    grants = withElevationsTheyBack(grants).stream().filter(g -> !beingRevoked(g.id())).toList();
    if (grants.isEmpty()) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    String id = ids.next("RV");
    jdbc.update("""
        insert into access_revocation (id, identity_id, reason, triggered_at, source_ref, requested_by, created_at)
        values (?, ?, ?, ?, ?, ?, ?)
        """, id, identity.id(), reason, Timestamp.from(triggeredAt), sourceRef, requestedBy, Timestamp.from(now));
    for (Grant grant : grants) {
      jdbc.update("insert into access_revocation_item (revocation_id, grant_id) values (?, ?)", id, grant.id());
    }
    var instance = runtimeService.createProcessInstanceByKey(AccessRevocationProcess.KEY).businessKey(id)
        .setVariable(Data.REVOCATION.name(), id).setVariable(Data.IDENTITY.name(), identity.id())
        .setVariable(Data.REASON.name(), reason).execute();
    jdbc.update("update access_revocation set process_instance_id = ? where id = ?", instance.getId(), id);
    audit.record(AuditEvent.of("access.revocation.start", "access-revocation", id).actor(requestedBy, null)
        .detail("identityId", identity.id()).detail("reason", reason).detail("triggeredAt", triggeredAt.toString())
        .detail("grants", grants.stream().map(Grant::id).toList()).detail("sourceRef", sourceRef).build());
    return Optional.of(id);
  }

  /**
   * An elevation rests on its eligibility (AC-06): a revoked eligibility takes with it the grant of each elevation it
   * backs now, removed on the target like any grant, instead of leaving the privilege in place until its expiry.
   */
  private List<Grant> withElevationsTheyBack(List<Grant> grants) {
    List<Grant> all = new ArrayList<>(grants);
    for (Grant grant : grants) {
      if (!catalogue.registryOnly(grant.systemId(), grant.entitlementId())) {
        continue;
      }
      for (Long elevationGrant : jdbc.queryForList("""
          select grant_id from access_elevation where eligibility_grant_id = ? and status = 'provisioned'
            and grant_id is not null
          """, Long.class, grant.id())) {
        registry.find(elevationGrant).filter(Grant::active)
            .filter(g -> all.stream().noneMatch(held -> held.id() == g.id())).ifPresent(all::add);
      }
    }
    return all;
  }

  /** Leavers lose every grant; movers the grants their new job does not justify. */
  @EventListener
  void onHrEvent(HrEvent event) {
    if (!HrEvent.LEAVER.equals(event.kind()) && !HrEvent.MOVER.equals(event.kind())) {
      return;
    }
    Identity identity = identities.find(event.identityId()).orElseThrow();
    Optional<String> started = Optional.empty();
    if (HrEvent.LEAVER.equals(event.kind())) {
      started = start(identity.id(), "termination", null, event.effectiveAt(), "hr-event:" + event.id(),
          event.receivedBy());
    } else if (HrEvent.MOVER.equals(event.kind())) {
      List<Long> unjustified = registry.current(identity.id()).stream()
          .filter(g -> !catalogue.justifies(identity.job(), g.systemId(), g.entitlementId())).map(Grant::id).toList();
      if (!unjustified.isEmpty()) {
        started = start(identity.id(), "role-change", unjustified, event.effectiveAt(), "hr-event:" + event.id(),
            event.receivedBy());
      }
    }
    started.ifPresent(id -> identities.linkRevocation(event.id(), id));
  }

  private boolean beingRevoked(long grantId) {
    return jdbc.queryForObject("select count(*) from access_revocation_item where grant_id = ? and removed_at is null",
        Integer.class, grantId) > 0;
  }

  // ---------------------------------------------------------------- process steps

  /** The items of a revocation, one removal each (the loop of access-revocation). */
  List<String> itemIdsOf(String revocationId) {
    return jdbc.queryForList("select id from access_revocation_item where revocation_id = ? order by id", Long.class,
        revocationId).stream().map(String::valueOf).toList();
  }

  /** What the SLA decision and the removal's task need to know about one item. */
  record Removal(String systemId, String entitlementId, String systemTier, boolean privileged, String summary) {}

  /** Start of one removal: what the SLA decision needs. */
  Removal startItem(long itemId) {
    Item item = item(itemId);
    FinancialSystem system = systems.find(item.systemId()).orElseThrow();
    return new Removal(item.systemId(), item.entitlementId(), system.tier().value(), item.privileged(),
        "Remove " + item.systemId() + "/" + item.entitlementId() + (item.privileged() ? " (privileged)" : "")
            + " from " + item.identityName() + " (" + item.identityId() + "), reason " + item.reason()
            + ", triggered " + item.triggeredAt());
  }

  /** When a removal is due, and when its reminder goes. */
  record Schedule(int slaBusinessDays, Instant deadline, Instant reminderAt) {
    String summary(String before) {
      return before + "; SLA " + slaBusinessDays + " business days, due " + deadline;
    }
  }

  /** Task_ScheduleRemoval: the deadline in business days from the trigger (revocation-sla's answer). */
  Schedule schedule(long itemId, Long slaBusinessDays) {
    Item item = item(itemId);
    if (slaBusinessDays == null || slaBusinessDays < 1) {
      throw new IllegalStateException("revocation-sla gave no business days for " + item.reason() + " on "
          + item.systemId() + ": " + slaBusinessDays);
    }
    int days = slaBusinessDays.intValue();
    Instant deadline = calendar.addBusinessDays(item.triggeredAt(), days);
    Instant reminder = deadline.minus(catalogue.revocationReminderBefore());
    jdbc.update("update access_revocation_item set sla_business_days = ?, deadline = ? where id = ?", days,
        Timestamp.from(deadline), item.id());
    audit.record(AuditEvent.system("access.revocation.schedule", "access-revocation", item.revocationId())
        .detail("grantId", item.grantId()).detail("slaBusinessDays", days).detail("deadline", deadline.toString())
        .build());
    return new Schedule(days, deadline, reminder);
  }

  boolean removedByConnector(String systemId) {
    return catalogue.connectorOf(systemId).isPresent();
  }

  /** Task_RemoveByConnector: the connector removes the grant; failures are retried, then handed to a person. */
  void removeByConnector(long itemId, String processInstanceId, String activityId) {
    Item item = item(itemId);
    Identity identity = identities.find(item.identityId()).orElseThrow();
    ProvisioningConnector connector = provisioning.connector(catalogue.connectorOf(item.systemId()).orElseThrow());
    if (catalogue.registryOnly(item.systemId(), item.entitlementId())) {
      // an eligibility is the registry's only: ending it removes nothing on the target
      removed(item, clock.instant(), "connector:" + connector.id(), "registry-only",
          "eligibility ended in the registry; nothing to remove on the target");
      return;
    }
    provisioning.attempt(processInstanceId, activityId, "revocation-item:" + item.id(), () -> {
      String reference = connector.remove(identity, item.systemId(), item.entitlementId());
      Instant removedAt = clock.instant();
      // a connector that can read its target back verifies the removal there; access still held fails the step
      Optional<String> verification = connector.verifyRemoved(identity, item.systemId(), item.entitlementId());
      // the column holds 500 characters: long DNs are cut, the read-back below keeps what the target answered
      removed(item, removedAt, "connector:" + connector.id(), "connector",
          reference.length() > 500 ? reference.substring(0, 497) + "..." : reference);
      verification.ifPresent(found -> verified(item, connector.id(), found));
    });
  }

  /** Records the read-back of a connector's removal with the removal, and in the trail. */
  private void verified(Item item, String connectorId, String found) {
    Instant at = clock.instant();
    String text = found.length() > 500 ? found.substring(0, 500) : found;
    jdbc.update("update access_revocation_item set verified_at = ?, verification = ? where id = ?", Timestamp.from(at),
        text, item.id());
    audit.record(AuditEvent.system("access.revocation.verify", "access-revocation", item.revocationId())
        .detail("grantId", item.grantId()).detail("connector", connectorId).detail("systemId", item.systemId())
        .detail("entitlementId", item.entitlementId()).detail("verifiedAt", at.toString()).detail("readBack", text)
        .build());
  }

  /** What a security admin records of a removal done by hand. */
  record ManualRemoval(Instant removedAt, String method, String reference, String actor) {}

  /**
   * Task_RemoveAccess: a security admin records when the access was actually removed: not in the future, not before
   * the grant was made.
   */
  void remove(long itemId, ManualRemoval removal) {
    Item item = item(itemId);
    Grant grant = registry.find(item.grantId()).orElseThrow();
    List<FieldError> errors = new ArrayList<>();
    RevocationRules.checkRemoval(removal.removedAt(), clock.instant(), grant.grantedAt(), errors);
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    Identity holder = identities.find(item.identityId()).orElseThrow();
    if (removal.actor().equals(holder.userName())
        || identities.findByUserName(removal.actor()).map(Identity::id).filter(holder.id()::equals).isPresent()) {
      String reason = "nobody records the removal of their own access: " + item.revocationId() + " removes "
          + holder.id() + "'s " + item.systemId() + "/" + item.entitlementId();
      audit.recordIndependently(AuditEvent.of("access.revocation.remove", "access-revocation", item.revocationId())
          .actor(removal.actor(), null).denied(reason).detail("grantId", item.grantId()).build());
      throw new org.camunda.bpm.engine.AuthorizationException(reason);
    }
    String reference = removal.reference();
    if (EngineRoleRequests.SYSTEM.equals(item.systemId())) {
      // this engine's roles exist only as its logins' memberships: a removal recorded by hand runs the connector once
      // more, so that the grant never ends while the role stays
      ProvisioningConnector connector = provisioning.connector(catalogue.connectorOf(item.systemId()).orElseThrow());
      try {
        reference = reference + "; " + connector.remove(holder, item.systemId(), item.entitlementId());
      } catch (RuntimeException e) {
        throw InvalidInputException.of(AccessRevocationProcess.Fields.METHOD, "this engine's roles are removed by its connector only, and "
            + "it could not remove " + item.systemId() + "/" + item.entitlementId() + ": " + e.getMessage()
            + "; correct that, then complete again");
      }
    }
    removed(item, removal.removedAt(), removal.actor(), removal.method(), reference);
  }

  private void removed(Item item, Instant removedAt, String removedBy, String method, String reference) {
    int taken = Math.max(0, calendar.businessDaysBetween(item.triggeredAt(), removedAt));
    boolean met = !removedAt.isAfter(item.deadline());
    jdbc.update("""
        update access_revocation_item set removed_at = ?, removed_by = ?, method = ?, reference = ?,
            business_days_taken = ?, met_sla = ? where id = ?
        """, Timestamp.from(removedAt), removedBy, method, reference, taken, met, item.id());
    registry.end(item.grantId(), removedAt, removedBy, item.reason(), item.revocationId());
    audit.record(AuditEvent.of("access.revocation.remove", "access-revocation", item.revocationId())
        .actor(removedBy, null).detail("grantId", item.grantId()).detail("removedAt", removedAt.toString())
        .detail("businessDaysTaken", taken).detail("slaBusinessDays", item.slaBusinessDays()).detail("metSla", met)
        .detail("exceptionId", item.exceptionId()).build());
  }

  /** BoundaryEvent_RemovalReminder: the deadline is near. */
  void remind(long itemId) {
    Item item = item(itemId);
    Set<String> to = new LinkedHashSet<>(users.emailsOf(Role.SECURITY_ADMIN));
    Map<String, Object> variables = new LinkedHashMap<>();
    variables.put("recipientName", "security admin");
    variables.put("identity", item.identityName() + " (" + item.identityId() + ")");
    variables.put("systemId", item.systemId());
    variables.put("entitlementId", item.entitlementId());
    variables.put("deadline", item.deadline().toString());
    variables.put("reason", item.reason());
    variables.put("slaBusinessDays", item.slaBusinessDays());
    variables.put("revocationId", item.revocationId());
    variables.put("tasklistUrl", baseUrl + "/camunda/app/tasklist/");
    if (!to.isEmpty()) {
      notifier.send("access-removal-reminder", to, variables);
    }
    jdbc.update("update access_revocation_item set reminded_at = ? where id = ?", Timestamp.from(clock.instant()),
        item.id());
    audit.record(AuditEvent.system("access.revocation.remind", "access-revocation", item.revocationId())
        .detail("grantId", item.grantId()).detail("recipients", List.copyOf(to)).build());
  }

  /** BoundaryEvent_RemovalDeadline: not removed in time; an AC-02 exception with the business days measured so far. */
  void escalate(long itemId) {
    Item item = item(itemId);
    Instant now = clock.instant();
    int elapsed = Math.max(0, calendar.businessDaysBetween(item.triggeredAt(), now));
    Set<String> to = new LinkedHashSet<>(users.emailsOf(Role.SECURITY_ADMIN));
    to.addAll(users.emailsOf(Role.GOVERNANCE_LEAD));
    systems.find(item.systemId()).ifPresent(s -> {
      to.add(s.businessOwner().email());
      to.add(s.technicalOwner().email());
    });
    identities.find(item.identityId()).map(Identity::managerId).flatMap(identities::find).map(Identity::email)
        .ifPresent(to::add);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("identity", item.identityName() + " (" + item.identityId() + ")");
    details.put("system", item.systemId());
    details.put("entitlement", item.entitlementId());
    details.put("reason", item.reason());
    details.put("triggeredAt", item.triggeredAt().toString());
    details.put("deadline", item.deadline().toString());
    details.put("slaBusinessDays", item.slaBusinessDays());
    details.put("businessDaysElapsed", elapsed);
    long exception = controlExceptions.raise("AC-02", "access-revocation", item.revocationId(),
        "Access of " + item.identityId() + " to " + item.systemId() + "/" + item.entitlementId() + " not removed within "
            + item.slaBusinessDays() + " business days (" + elapsed + " so far)", details, to);
    jdbc.update("update access_revocation_item set exception_id = ? where id = ?", exception, item.id());
  }

  // ---------------------------------------------------------------- report

  /** Every removal of the revocations triggered in [from, to), with its SLA result. */
  public List<Item> report(Instant from, Instant to) {
    return jdbc.query(ITEM_SQL + " where r.triggered_at >= ? and r.triggered_at < ? order by r.triggered_at, i.id",
        (rs, n) -> mapItem(rs), Timestamp.from(from), Timestamp.from(to));
  }

  /**
   * One revocation of a grant, as a grant's history shows it (the columns' names in JSON, and the database timestamps'
   * format, as the API always had).
   */
  public record GrantRevocation(@JsonProperty("revocation_id") String revocationId, String reason,
      @JsonProperty("triggered_at") @ColumnTimestamp Instant triggeredAt,
      @JsonProperty("sla_business_days") Integer slaBusinessDays, @ColumnTimestamp Instant deadline,
      @JsonProperty("removed_at") @ColumnTimestamp Instant removedAt, @JsonProperty("removed_by") String removedBy,
      String method, String reference, @JsonProperty("business_days_taken") Integer businessDaysTaken,
      @JsonProperty("met_sla") Boolean metSla, @JsonProperty("exception_id") Long exceptionId) {}

  /** The revocations of one grant, oldest first. */
  public List<GrantRevocation> ofGrant(long grantId) {
    return jdbc.query("""
        select i.revocation_id, r.reason, r.triggered_at, i.sla_business_days, i.deadline, i.removed_at, i.removed_by,
               i.method, i.reference, i.business_days_taken, i.met_sla, i.exception_id
        from access_revocation_item i join access_revocation r on r.id = i.revocation_id where i.grant_id = ?
        order by r.triggered_at
        """, (rs, n) -> new GrantRevocation(rs.getString("revocation_id"), rs.getString("reason"),
        instant(rs.getTimestamp("triggered_at")), (Integer) rs.getObject("sla_business_days"),
        instant(rs.getTimestamp("deadline")), instant(rs.getTimestamp("removed_at")), rs.getString("removed_by"),
        rs.getString("method"), rs.getString("reference"), (Integer) rs.getObject("business_days_taken"),
        (Boolean) rs.getObject("met_sla"), (Long) rs.getObject("exception_id")), grantId);
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }

  /**
   * A revocation itself, as its evidence page shows it: whose access, why, what triggered it (the HR event, the
   * campaign or the finding it names) and who asked for it.
   */
  public record Revocation(String id, String identityId, String reason, Instant triggeredAt, String sourceRef,
      String requestedBy, Instant createdAt) {}

  /** One revocation by id; empty for an unknown id. */
  public Optional<Revocation> find(String revocationId) {
    return jdbc.query("""
        select id, identity_id, reason, triggered_at, source_ref, requested_by, created_at from access_revocation
        where id = ?
        """, (rs, n) -> new Revocation(rs.getString("id"), rs.getString("identity_id"), rs.getString("reason"),
        instant(rs.getTimestamp("triggered_at")), rs.getString("source_ref"), rs.getString("requested_by"),
        instant(rs.getTimestamp("created_at"))), revocationId).stream().findFirst();
  }

  /** The removals of one revocation, with their SLA result and read-back (as the SLA report computes them). */
  public List<Item> itemsOf(String revocationId) {
    return jdbc.query(ITEM_SQL + " where r.id = ? order by i.id", (rs, n) -> mapItem(rs), revocationId);
  }

  private Item item(long id) {
    return jdbc.query(ITEM_SQL + " where i.id = ?", (rs, n) -> mapItem(rs), id).get(0);
  }

  private static final String ITEM_SQL = """
      select i.*, r.identity_id, r.reason, r.triggered_at, a.name as identity_name, g.system_id, g.entitlement_id,
             g.privileged
      from access_revocation_item i join access_revocation r on r.id = i.revocation_id
           join access_identity a on a.id = r.identity_id join access_grant g on g.id = i.grant_id
      """;

  private Item mapItem(java.sql.ResultSet rs) throws java.sql.SQLException {
    Timestamp deadline = rs.getTimestamp("deadline");
    Timestamp removed = rs.getTimestamp("removed_at");
    Integer sla = (Integer) rs.getObject("sla_business_days");
    Integer taken = (Integer) rs.getObject("business_days_taken");
    Boolean met = (Boolean) rs.getObject("met_sla");
    Long exception = (Long) rs.getObject("exception_id");
    Instant now = clock.instant();
    String status = removed != null ? (Boolean.TRUE.equals(met) ? "removed-in-sla" : "removed-late")
        : deadline != null && deadline.toInstant().isBefore(now) ? "overdue" : "open";
    return new Item(rs.getLong("id"), rs.getString("revocation_id"), rs.getString("identity_id"),
        rs.getString("identity_name"), rs.getString("reason"), rs.getTimestamp("triggered_at").toInstant(),
        rs.getLong("grant_id"), rs.getString("system_id"), rs.getString("entitlement_id"), rs.getBoolean("privileged"),
        sla, deadline == null ? null : deadline.toInstant(), removed == null ? null : removed.toInstant(),
        rs.getString("removed_by"), rs.getString("method"), rs.getString("reference"), taken, met, exception, status,
        rs.getTimestamp("verified_at") == null ? null : rs.getTimestamp("verified_at").toInstant(),
        rs.getString("verification"));
  }
}
