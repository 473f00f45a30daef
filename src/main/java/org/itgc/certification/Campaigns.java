package org.itgc.certification;

import static org.itgc.certification.CertificationProcess.Variables;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.runtime.ActivityInstance;
import org.itgc.access.Identities;
import org.itgc.access.Revocations;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.controls.ControlExceptions;
import org.itgc.notify.Notifier;
import org.itgc.platform.TaskInputs;
import org.itgc.platform.calendar.BusinessCalendar;
import org.itgc.platform.web.ConflictException;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.platform.web.InvalidInputException.FieldError;
import org.itgc.platform.web.NotFoundException;
import org.itgc.platform.Role;
import org.itgc.security.UserAccount;
import org.itgc.security.UserAccounts;
import org.itgc.systems.FinancialSystem;
import org.itgc.systems.SystemsInventory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Access certification campaigns (controls AC-03, AC-04). At launch the in-scope grants of the access registry are
 * copied into the campaign's items (the frozen population, with its SHA-256) and each item gets its reviewer: the
 * person's manager; the system's owner for service accounts, privileged entitlements and people HR does not know; never
 * the person themselves. Reviewers decide in their worklist (one Tasklist task each, not one per item); a revoke
 * starts {@code access-revocation}; the campaign closes when every revocation is removed.
 */
@Service
public class Campaigns {

  public static final String CERTIFY = "certify";
  public static final String REVOKE = "revoke";

  private final JdbcTemplate jdbc;
  private final CertificationSettings settings;
  private final SystemsInventory systems;
  private final Identities identities;
  private final Revocations revocations;
  private final org.itgc.access.SodScan sodScan;
  private final ControlExceptions controlExceptions;
  private final UserAccounts users;
  private final Notifier notifier;
  private final AuditRecorder audit;
  private final TaskInputs inputs;
  private final BusinessCalendar calendar;
  private final RuntimeService runtimeService;
  private final org.itgc.platform.ProcessStarter starter;
  private final ObjectMapper json;
  private final Clock clock;
  private final String baseUrl;

  Campaigns(JdbcTemplate jdbc, CertificationSettings settings, SystemsInventory systems, Identities identities,
      Revocations revocations, org.itgc.access.SodScan sodScan, ControlExceptions controlExceptions, UserAccounts users, Notifier notifier,
      AuditRecorder audit, TaskInputs inputs, BusinessCalendar calendar, RuntimeService runtimeService,
      org.itgc.platform.ProcessStarter starter, ObjectMapper json, Clock clock, @Value("${itgc.base-url}") String baseUrl) {
    this.jdbc = jdbc;
    this.settings = settings;
    this.systems = systems;
    this.identities = identities;
    this.revocations = revocations;
    this.sodScan = sodScan;
    this.controlExceptions = controlExceptions;
    this.users = users;
    this.notifier = notifier;
    this.audit = audit;
    this.inputs = inputs;
    this.calendar = calendar;
    this.runtimeService = runtimeService;
    this.starter = starter;
    this.json = json;
    this.clock = clock;
    this.baseUrl = baseUrl;
  }

  /** What the API accepts to start a campaign by hand. */
  public record NewCampaign(@org.itgc.platform.web.FitsColumn("cert_campaign.name") String name, List<String> tiers, List<String> systems, Boolean includePrivileged,
      Boolean includeServiceAccounts, Integer dueBusinessDays) {}

  /** A campaign with its progress per reviewer. */
  public record Progress(Map<String, Object> campaign, List<Map<String, Object>> reviewers) {}

  /** One page of a reviewer's worklist and where they stand. */
  public record Worklist(List<Map<String, Object>> items, Long nextAfter, Map<String, Object> progress) {}

  // ---------------------------------------------------------------- API

  /** Starts a campaign for a governance lead with the engine's authorization checks; returns at once with its id. */
  public String start(NewCampaign request, String user, List<String> groups) {
    Map<String, Object> variables = new HashMap<>();
    variables.put(Variables.NAME, request.name());
    variables.put(Variables.TIERS, request.tiers() == null ? null : String.join(",", request.tiers()));
    variables.put(Variables.SYSTEMS, request.systems() == null ? null : String.join(",", request.systems()));
    variables.put(Variables.INCLUDE_PRIVILEGED, request.includePrivileged() == null || request.includePrivileged());
    variables.put(Variables.INCLUDE_SERVICE_ACCOUNTS, request.includeServiceAccounts() == null || request.includeServiceAccounts());
    variables.put(Variables.DUE_BUSINESS_DAYS, request.dueBusinessDays());
    return (String) starter.startAs(user, groups, CertificationProcess.KEY, variables).get(Variables.CAMPAIGN_ID);
  }

  public Map<String, Object> campaign(String id) {
    var rows = jdbc.queryForList("""
        select id, name, scope::text as scope, status, non_response_action, launched_by, launched_at, due_at, reminder_at,
               final_at, item_count, population_digest, closed_at, closure::text as closure, process_instance_id
        from cert_campaign where id = ?
        """, id);
    if (rows.isEmpty()) {
      throw new NotFoundException("campaign", id);
    }
    Map<String, Object> campaign = new LinkedHashMap<>(rows.get(0));
    campaign.put("scope", read((String) campaign.get("scope")));
    campaign.put("closure", campaign.get("closure") == null ? null : read((String) campaign.get("closure")));
    return campaign;
  }

  /** The campaign and each reviewer's progress. */
  public Progress progress(String id) {
    Map<String, Object> campaign = campaign(id);
    var reviewers = jdbc.queryForList("""
        select reviewer, count(*) as items, count(decision) as decided,
               count(*) filter (where decision = 'certify') as certified,
               count(*) filter (where decision = 'revoke') as revoked,
               count(*) filter (where non_response) as non_response
        from cert_item where campaign_id = ? group by reviewer order by reviewer
        """, id);
    return new Progress(campaign, reviewers);
  }

  /** One page of the caller's items (keyset on item id), filtered by system, entitlement, flag or open only. */
  public Worklist worklist(String id, String reviewer, String system, String entitlement, String flag, boolean openOnly,
      Long after, int size) {
    campaign(id);
    StringBuilder sql = new StringBuilder("""
        select id, identity_id, identity_name, identity_kind, identity_status, system_id, entitlement_id, privileged,
               granted_at, flags, reviewer_basis, decision, decision_reason, decided_by, decided_at, revocation_id
        from cert_item where campaign_id = ? and reviewer = ? and id > ?
        """);
    List<Object> args = new ArrayList<>(List.of(id, reviewer, after == null ? 0L : after));
    if (system != null) {
      sql.append(" and system_id = ?");
      args.add(system);
    }
    if (entitlement != null) {
      sql.append(" and entitlement_id = ?");
      args.add(entitlement);
    }
    if (flag != null) {
      sql.append(" and ? = any(flags)");
      args.add(flag);
    }
    if (openOnly) {
      sql.append(" and decision is null and not non_response");
    }
    sql.append(" order by id limit ?");
    args.add(size + 1);
    List<Map<String, Object>> items = new ArrayList<>(jdbc.query(sql.toString(), (rs, i) -> {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("id", rs.getLong("id"));
      item.put("identityId", rs.getString("identity_id"));
      item.put("identityName", rs.getString("identity_name"));
      item.put("identityKind", rs.getString("identity_kind"));
      item.put("identityStatus", rs.getString("identity_status"));
      item.put("systemId", rs.getString("system_id"));
      item.put("entitlementId", rs.getString("entitlement_id"));
      item.put("privileged", rs.getBoolean("privileged"));
      item.put("grantedAt", rs.getTimestamp("granted_at").toInstant().toString());
      item.put("flags", Arrays.asList((String[]) rs.getArray("flags").getArray()));
      item.put("reviewerBasis", rs.getString("reviewer_basis"));
      item.put("decision", rs.getString("decision"));
      item.put("decisionReason", rs.getString("decision_reason"));
      item.put("decidedAt", rs.getTimestamp("decided_at") == null ? null : rs.getTimestamp("decided_at").toInstant().toString());
      item.put("revocationId", rs.getString("revocation_id"));
      return item;
    }, args.toArray()));
    Long next = null;
    if (items.size() > size) {
      items = items.subList(0, size);
      next = (Long) items.get(size - 1).get("id");
    }
    Map<String, Object> progress = jdbc.queryForList(
        "select items, decided from cert_reviewer where campaign_id = ? and reviewer = ?", id, reviewer).stream()
        .findFirst().orElse(Map.of("items", 0, "decided", 0));
    return new Worklist(items, next, progress);
  }

  /**
   * Decides items of the caller's worklist, all or none: each must be the caller's, undecided, in an open campaign.
   *
   * @return how many were decided and the revocations started
   */
  @Transactional
  public Map<String, Object> decide(String id, String reviewer, List<Long> itemIds, String decision, String reason) {
    Map<String, Object> campaign = campaign(id);
    if (!"open".equals(campaign.get("status"))) {
      throw new ConflictException("campaign " + id + " is " + campaign.get("status") + ": decisions are closed");
    }
    List<FieldError> errors = new ArrayList<>();
    if (!List.of(CERTIFY, REVOKE).contains(decision)) {
      errors.add(new FieldError("decision", "'" + decision + "' must be certify or revoke"));
    }
    if (itemIds == null || itemIds.isEmpty()) {
      errors.add(new FieldError("itemIds", "name at least one item"));
    }
    String why = reason == null || reason.isBlank() ? null : reason.strip();
    if (REVOKE.equals(decision) && why == null) {
      errors.add(new FieldError("reason", "is required to revoke: say why the access goes"));
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    Long[] ids = itemIds.stream().distinct().toArray(Long[]::new);
    var found = jdbc.queryForList("select id, reviewer, decision, non_response from cert_item where campaign_id = ? and id = any(?)",
        id, ids);
    if (found.size() != ids.length) {
      Set<Long> known = found.stream().map(r -> ((Number) r.get("id")).longValue()).collect(Collectors.toSet());
      throw new NotFoundException("item of campaign " + id, Arrays.stream(ids).filter(i -> !known.contains(i))
          .map(String::valueOf).collect(Collectors.joining(", ")));
    }
    List<Long> others = found.stream().filter(r -> !reviewer.equals(r.get("reviewer")))
        .map(r -> ((Number) r.get("id")).longValue()).toList();
    if (!others.isEmpty()) {
      audit.recordIndependently(AuditEvent.of("certification.decide.refused", "campaign", id).actor(reviewer, null)
          .denied("items of another reviewer").detail("items", others.size() > 20 ? others.subList(0, 20) : others).build());
      throw new AuthorizationException(reviewer + " does not review item(s) " + others.stream().limit(20)
          .map(String::valueOf).collect(Collectors.joining(", ")));
    }
    List<Long> decided = found.stream().filter(r -> r.get("decision") != null || Boolean.TRUE.equals(r.get("non_response")))
        .map(r -> ((Number) r.get("id")).longValue()).toList();
    if (!decided.isEmpty()) {
      throw new ConflictException("item(s) " + decided.stream().limit(20).map(String::valueOf)
          .collect(Collectors.joining(", ")) + " already decided: the first decision stands");
    }
    Instant now = clock.instant();
    int updated = jdbc.update(con -> {
      var ps = con.prepareStatement("""
          update cert_item set decision = ?, decision_reason = ?, decided_by = ?, decided_at = ?
          where campaign_id = ? and id = any(?) and reviewer = ? and decision is null and not non_response
          """);
      ps.setString(1, decision);
      ps.setString(2, why);
      ps.setString(3, reviewer);
      ps.setTimestamp(4, Timestamp.from(now));
      ps.setString(5, id);
      ps.setArray(6, con.createArrayOf("bigint", ids));
      ps.setString(7, reviewer);
      return ps;
    });
    if (updated != ids.length) {
      throw new ConflictException("item(s) were decided meanwhile; nothing was changed, load the worklist again");
    }
    jdbc.update("update cert_reviewer set decided = decided + ? where campaign_id = ? and reviewer = ?", updated, id,
        reviewer);
    List<String> started = REVOKE.equals(decision) ? startRevocations(id, ids, reviewer) : List.of();
    audit.record(AuditEvent.of("certification." + decision, "campaign", id).actor(reviewer, null)
        .detail("items", ids.length).detail("itemIds", Arrays.asList(ids))
        .detail("reason", why).detail("revocations", started).build());
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("decided", updated);
    result.put("decision", decision);
    result.put("revocations", started);
    return result;
  }

  /** Starts access-revocation (certification-revoke) for revoked items, one per person, and links them. */
  private List<String> startRevocations(String campaignId, Long[] itemIds, String by) {
    var rows = jdbc.queryForList("""
        select c.id, c.identity_id, c.grant_id, g.removed_at from cert_item c join access_grant g on g.id = c.grant_id
        where c.campaign_id = ? and c.id = any(?) order by c.identity_id, c.id
        """, campaignId, itemIds);
    Map<String, List<Map<String, Object>>> byIdentity = rows.stream()
        .collect(Collectors.groupingBy(r -> (String) r.get("identity_id"), LinkedHashMap::new, Collectors.toList()));
    List<String> started = new ArrayList<>();
    byIdentity.forEach((identity, items) -> {
      List<Long> grants = items.stream().filter(r -> r.get("removed_at") == null)
          .map(r -> ((Number) r.get("grant_id")).longValue()).toList();
      if (grants.isEmpty()) {
        return;
      }
      revocations.start(identity, "certification-revoke", grants, clock.instant(), "certification:" + campaignId, by)
          .ifPresent(started::add);
      for (Map<String, Object> item : items) {
        jdbc.update("""
            update cert_item set revocation_id = (select i.revocation_id from access_revocation_item i
                where i.grant_id = ? order by i.id desc limit 1) where id = ?
            """, item.get("grant_id"), item.get("id"));
      }
    });
    return started;
  }

  /**
   * Moves items to another eligible reviewer (a login with the line-manager or system-owner role who is not the
   * person of any item), with a reason; the new reviewer gets a review task if they have none.
   */
  @Transactional
  public Map<String, Object> reassign(String id, String actor, boolean governanceLead, List<Long> itemIds, String to,
      String reason) {
    Map<String, Object> campaign = campaign(id);
    if (!"open".equals(campaign.get("status"))) {
      throw new ConflictException("campaign " + id + " is " + campaign.get("status") + ": nothing can be reassigned");
    }
    List<FieldError> errors = new ArrayList<>();
    if (itemIds == null || itemIds.isEmpty()) {
      errors.add(new FieldError("itemIds", "name at least one item"));
    }
    if (reason == null || reason.isBlank()) {
      errors.add(new FieldError("reason", "is required: why someone else should review"));
    }
    Optional<UserAccount> target = to == null ? Optional.empty() : users.find(to);
    if (target.isEmpty() || !target.get().enabled()) {
      errors.add(new FieldError("to", "'" + to + "' is not an active login of this engine"));
    } else if (target.get().roles().stream().noneMatch(r -> r == Role.LINE_MANAGER || r == Role.SYSTEM_OWNER)) {
      errors.add(new FieldError("to", "'" + to + "' is neither a line manager nor a system owner"));
    } else if (to.equals(actor)) {
      errors.add(new FieldError("to", "is you"));
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    Long[] ids = itemIds.stream().distinct().toArray(Long[]::new);
    var rows = jdbc.queryForList("""
        select c.id, c.reviewer, c.decision, a.user_name from cert_item c join access_identity a on a.id = c.identity_id
        where c.campaign_id = ? and c.id = any(?)
        """, id, ids);
    if (rows.size() != ids.length) {
      throw new NotFoundException("item of campaign " + id, itemIds.toString());
    }
    for (Map<String, Object> row : rows) {
      if (!governanceLead && !actor.equals(row.get("reviewer"))) {
        throw new AuthorizationException(actor + " does not review item " + row.get("id"));
      }
      if (row.get("decision") != null) {
        throw new ConflictException("item " + row.get("id") + " is decided already");
      }
      if (to.equals(row.get("user_name"))) {
        throw InvalidInputException.of("to", "'" + to + "' would review their own access (item " + row.get("id") + ")");
      }
    }
    Instant now = clock.instant();
    for (Map<String, Object> row : rows) {
      jdbc.update("""
          insert into cert_reassignment (campaign_id, item_id, from_reviewer, to_reviewer, reason, reassigned_by, reassigned_at)
          values (?, ?, ?, ?, ?, ?, ?)
          """, id, row.get("id"), row.get("reviewer"), to, reason.strip(), actor, Timestamp.from(now));
    }
    rows.stream().collect(Collectors.groupingBy(r -> (String) r.get("reviewer"), Collectors.counting()))
        .forEach((from, count) -> jdbc.update(
            "update cert_reviewer set items = items - ? where campaign_id = ? and reviewer = ?", count, id, from));
    jdbc.update("""
        insert into cert_reviewer (campaign_id, reviewer, items, decided) values (?, ?, ?, 0)
        on conflict (campaign_id, reviewer) do update set items = cert_reviewer.items + excluded.items
        """, id, to, ids.length);
    jdbc.update(con -> {
      var ps = con.prepareStatement("update cert_item set reviewer = ?, reviewer_basis = 'reassigned' where campaign_id = ? and id = any(?)");
      ps.setString(1, to);
      ps.setString(2, id);
      ps.setArray(3, con.createArrayOf("bigint", ids));
      return ps;
    });
    boolean newTask = ensureReviewTask((String) campaign.get("process_instance_id"), to);
    audit.record(AuditEvent.of("certification.reassign", "campaign", id).actor(actor, null).detail("to", to)
        .detail("items", ids.length).detail("reason", reason.strip()).detail("newTask", newTask).build());
    return Map.of("reassigned", ids.length, "to", to, "newTask", newTask);
  }

  /** Gives a reviewer a review task in the running campaign when they have none: one more instance of the reviews. */
  private boolean ensureReviewTask(String processInstanceId, String reviewer) {
    Long open = jdbc.queryForObject("""
        select count(*) from act_ru_task where proc_inst_id_ = ? and task_def_key_ = ? and assignee_ = ?
        """, Long.class, processInstanceId, CertificationProcess.Elements.REVIEW, reviewer);
    if (open != null && open > 0) {
      return false;
    }
    ActivityInstance tree = runtimeService.getActivityInstance(processInstanceId);
    ActivityInstance body = Arrays.stream(tree.getChildActivityInstances())
        .filter(a -> (CertificationProcess.Elements.REVIEWS + "#multiInstanceBody").equals(a.getActivityId()))
        .findFirst().orElseThrow(() -> new ConflictException("the campaign's reviews have ended"));
    runtimeService.createProcessInstanceModification(processInstanceId)
        .startBeforeActivity(CertificationProcess.Elements.REVIEWS, body.getId())
        .setVariableLocal(Variables.REVIEWER, reviewer)
        .execute();
    return true;
  }

  /** Asks a campaign whose reviews are done to close now, with what is still open recorded as exceptions. */
  public void requestClose(String id, String actor) {
    Map<String, Object> campaign = campaign(id);
    var waiting = runtimeService.createExecutionQuery().processInstanceId((String) campaign.get("process_instance_id"))
        .messageEventSubscriptionName(CertificationProcess.CLOSE_MESSAGE).list();
    if (waiting.isEmpty()) {
      throw new ConflictException("campaign " + id + " is " + campaign.get("status")
          + ": it can be closed by hand once every review is done and it waits for revocations");
    }
    runtimeService.createMessageCorrelation(CertificationProcess.CLOSE_MESSAGE)
        .processInstanceId((String) campaign.get("process_instance_id")).correlate();
    audit.record(AuditEvent.of("certification.close-requested", "campaign", id).actor(actor, null).build());
  }

  // ---------------------------------------------------------------- process steps

  /** Task_RegisterCampaign: checks the scope, records the campaign and its deadlines. */
  void register(DelegateExecution execution) {
    String initiator = (String) execution.getVariable(Variables.INITIATOR);
    List<FieldError> errors = new ArrayList<>();
    CertificationSettings.Scope scope = scope(execution, errors);
    Object due = execution.getVariable(Variables.DUE_BUSINESS_DAYS);
    int dueDays = settings.dueBusinessDays();
    if (due != null && !due.toString().isBlank()) {
      try {
        dueDays = (int) Double.parseDouble(due.toString());
        if (dueDays < 1 || dueDays > 60) {
          errors.add(new FieldError(Variables.DUE_BUSINESS_DAYS, "must be between 1 and 60 business days"));
        }
      } catch (NumberFormatException e) {
        errors.add(new FieldError(Variables.DUE_BUSINESS_DAYS, "'" + due + "' is not a number of business days"));
      }
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    Instant now = clock.instant();
    Instant dueAt = calendar.addBusinessDays(now, dueDays);
    Instant reminderAt = calendar.addBusinessDays(now, Math.max(0, dueDays - settings.reminderBusinessDaysBefore()));
    Instant finalAt = calendar.addBusinessDays(dueAt, settings.finalDeadlineBusinessDays());
    String id = "CERT-" + now.atZone(calendar.zone()).getYear() + "-"
        + String.format("%05d", jdbc.queryForObject("select nextval('certification_number')", Long.class));
    Object name = execution.getVariable(Variables.NAME);
    String campaignName = name == null || name.toString().isBlank()
        ? "Access review " + now.atZone(calendar.zone()).getYear() + " Q" + ((now.atZone(calendar.zone()).getMonthValue() - 1) / 3 + 1)
        : name.toString().strip();
    jdbc.update("""
        insert into cert_campaign (id, process_instance_id, name, scope, status, non_response_action, launched_by,
            launched_at, due_at, reminder_at, final_at)
        values (?, ?, ?, cast(? as jsonb), 'launching', ?, ?, ?, ?, ?, ?)
        """, id, execution.getProcessInstanceId(), campaignName, write(scope), settings.nonResponseAction(),
        initiator == null ? "schedule" : initiator, Timestamp.from(now), Timestamp.from(dueAt), Timestamp.from(reminderAt),
        Timestamp.from(finalAt));
    execution.setVariable(Variables.CAMPAIGN_ID, id);
    execution.setVariable(Variables.NAME, campaignName);
    execution.setVariable(Variables.REVIEW_DUE, Date.from(dueAt));
    execution.setVariable(Variables.REMINDER_AT, Date.from(reminderAt));
    execution.setVariable(Variables.FINAL_DEADLINE, Date.from(finalAt));
    execution.setVariable(Variables.WORKLIST_URL, baseUrl + "/certification/worklist.html?campaign=" + id);
    audit.record(AuditEvent.of("certification.start", "campaign", id).actor(initiator == null ? "schedule" : initiator, null)
        .detail("scope", write(scope)).detail("dueAt", dueAt.toString()).build());
  }

  private CertificationSettings.Scope scope(DelegateExecution execution, List<FieldError> errors) {
    String tiers = text(execution, Variables.TIERS);
    String systemIds = text(execution, Variables.SYSTEMS);
    if (tiers == null && systemIds == null && execution.getVariable(Variables.INITIATOR) == null) {
      return settings.scheduledScope();
    }
    List<FinancialSystem.Tier> tierList = new ArrayList<>();
    for (String tier : split(tiers)) {
      try {
        tierList.add(FinancialSystem.Tier.of(tier));
      } catch (IllegalArgumentException e) {
        errors.add(new FieldError(Variables.TIERS, e.getMessage()));
      }
    }
    List<String> systemList = split(systemIds);
    for (String system : systemList) {
      if (systems.find(system).isEmpty()) {
        errors.add(new FieldError(Variables.SYSTEMS, "'" + system + "' is not a system of config/systems.yaml"));
      }
    }
    boolean privileged = !Boolean.FALSE.equals(execution.getVariable(Variables.INCLUDE_PRIVILEGED));
    boolean service = !Boolean.FALSE.equals(execution.getVariable(Variables.INCLUDE_SERVICE_ACCOUNTS));
    return new CertificationSettings.Scope(tierList, systemList, privileged, service);
  }

  /** Task_LaunchCampaign (asynchronous): the frozen population, its digest, and a reviewer for every item. */
  void launch(DelegateExecution execution) {
    String id = (String) execution.getVariable(Variables.CAMPAIGN_ID);
    Map<String, Object> campaign = campaign(id);
    @SuppressWarnings("unchecked")
    Map<String, Object> scopeMap = (Map<String, Object>) campaign.get("scope");
    CertificationSettings.Scope scope = json.convertValue(scopeMap, CertificationSettings.Scope.class);
    // flags come from a detective scan of today, not of last night
    sodScan.scan("certification", "campaign:" + id);
    String[] tiers = scope.tiers().stream().map(FinancialSystem.Tier::value).toArray(String[]::new);
    String[] systemIds = scope.systems().toArray(String[]::new);
    int items = jdbc.update(con -> {
      var ps = con.prepareStatement("""
          insert into cert_item (campaign_id, grant_id, identity_id, identity_name, identity_kind, identity_status,
              manager_id, system_id, entitlement_id, privileged, granted_at, flags)
          select ?, g.id, a.id, a.name, a.kind, a.status, a.manager_id, g.system_id, g.entitlement_id, g.privileged,
                 g.granted_at,
                 array_remove(array[
                   case when a.status = 'terminated' then 'terminated' end,
                   case when a.kind = 'person' and a.source not in ('hr-csv', 'scim') then 'orphan' end,
                   case when a.kind = 'service' then 'service-account' end,
                   case when g.privileged then 'privileged' end,
                   case when exists (select 1 from sod_finding f where f.identity_id = a.id and f.resolved_at is null)
                        then 'sod-conflict' end,
                   case when exists (select 1 from access_usage_feed u where u.system_id = g.system_id)
                         and (g.last_used_at is null or g.last_used_at < ?::timestamptz - interval '90 days')
                        then 'unused' end]::varchar[], null)
          from access_grant g join access_identity a on a.id = g.identity_id join itgc_system s on s.id = g.system_id
          where g.removed_at is null
            and (cardinality(?::varchar[]) = 0 or s.tier = any(?::varchar[]))
            and (cardinality(?::varchar[]) = 0 or g.system_id = any(?::varchar[]))
            and (? or not g.privileged) and (? or a.kind <> 'service')
          order by g.id
          """);
      ps.setString(1, id);
      ps.setTimestamp(2, java.sql.Timestamp.from(clock.instant()));
      var tierArray = con.createArrayOf("varchar", tiers);
      var systemArray = con.createArrayOf("varchar", systemIds);
      ps.setArray(3, tierArray);
      ps.setArray(4, tierArray);
      ps.setArray(5, systemArray);
      ps.setArray(6, systemArray);
      ps.setBoolean(7, scope.includePrivileged());
      ps.setBoolean(8, scope.includeServiceAccounts());
      return ps;
    });
    assignReviewers(id, (String) campaign.get("launched_by"));
    jdbc.update("""
        insert into cert_reviewer (campaign_id, reviewer, items, decided)
        select campaign_id, reviewer, count(*), 0 from cert_item where campaign_id = ? group by campaign_id, reviewer
        """, id);
    PopulationDigest digest = new PopulationDigest();
    jdbc.query("""
        select grant_id, identity_id, system_id, entitlement_id, privileged, granted_at from cert_item
        where campaign_id = ? order by grant_id
        """, rs -> {
          digest.add(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getBoolean(5),
              rs.getTimestamp(6).toInstant());
        }, id);
    String hex = digest.hex();
    jdbc.update("update cert_campaign set status = 'open', item_count = ?, population_digest = ? where id = ?", items, hex, id);
    execution.setVariable(Variables.SUMMARY, campaign.get("name") + ": " + items + " grants, due " + campaign.get("due_at"));
    audit.record(AuditEvent.system("certification.launch", "campaign", id).detail("items", items)
        .detail("populationDigest", hex).build());
  }

  private void assignReviewers(String id, String launchedBy) {
    // a person's grants: their manager, when the manager has a login
    jdbc.update("""
        update cert_item c set reviewer = m.user_name, reviewer_basis = 'manager'
        from access_identity m
        where c.campaign_id = ? and c.identity_kind = 'person' and not c.privileged and not ('orphan' = any(c.flags))
          and m.id = c.manager_id and m.user_name is not null
        """, id);
    // the rest (service accounts, privileged, orphans, managers without a login): the system's owner
    for (String systemId : jdbc.queryForList("select distinct system_id from cert_item where campaign_id = ? and reviewer is null",
        String.class, id)) {
      String owner = owner(systemId, null).orElse(launchedBy);
      jdbc.update("""
          update cert_item set reviewer = ?, reviewer_basis = 'system-owner' where campaign_id = ? and reviewer is null
            and system_id = ?
          """, owner, id, systemId);
    }
    // nobody reviews their own access: their manager (or another owner) does
    var own = jdbc.queryForList("""
        select c.id, c.reviewer, c.system_id from cert_item c join access_identity a on a.id = c.identity_id
        where c.campaign_id = ? and a.user_name = c.reviewer
        """, id);
    for (Map<String, Object> item : own) {
      String self = (String) item.get("reviewer");
      String other = managerLogin(self).or(() -> owner((String) item.get("system_id"), self))
          .orElse(launchedBy.equals(self) ? null : launchedBy);
      if (other == null) {
        throw new IllegalStateException("no reviewer other than " + self + " for item " + item.get("id"));
      }
      jdbc.update("update cert_item set reviewer = ?, reviewer_basis = 'not-self' where id = ?", other, item.get("id"));
    }
  }

  private Optional<String> managerLogin(String login) {
    return identities.findByUserName(login).flatMap(identity -> identities.managerLogin(identity, login));
  }

  private Optional<String> owner(String systemId, String notThisOne) {
    return systems.find(systemId).flatMap(s -> java.util.stream.Stream.of(s.technicalOwner().user(), s.businessOwner().user())
        .filter(u -> u != null && !u.equals(notThisOne)).findFirst());
  }

  List<String> reviewers(DelegateExecution execution) {
    return jdbc.queryForList("select distinct reviewer from cert_item where campaign_id = ? order by reviewer",
        String.class, execution.getVariable(Variables.CAMPAIGN_ID));
  }

  /** Task_ReviewAccess completed: only by its reviewer, and only when every item has a decision. */
  void reviewDone(DelegateTask task) {
    String id = (String) task.getVariable(Variables.CAMPAIGN_ID);
    String reviewer = (String) task.getVariable(Variables.REVIEWER);
    String actor = inputs.requireActor(task);
    if (!actor.equals(reviewer)) {
      audit.recordIndependently(AuditEvent.of("certification.review.refused", "campaign", id).actor(actor, null)
          .denied("review task of " + reviewer).build());
      throw new AuthorizationException("only " + reviewer + " completes their review of " + id);
    }
    Long open = jdbc.queryForObject("""
        select count(*) from cert_item where campaign_id = ? and reviewer = ? and decision is null and not non_response
        """, Long.class, id, reviewer);
    if (open != null && open > 0) {
      throw InvalidInputException.of("items", open + " of your items have no decision yet: decide them in your worklist");
    }
    audit.record(AuditEvent.of("certification.review.complete", "campaign", id).actor(actor, null).build());
  }

  /** BoundaryEvent_ReviewReminder. */
  void remind(DelegateExecution execution) {
    notice(execution, "reminder");
  }

  /** BoundaryEvent_ReviewDue: the reviewer's manager and the governance leads hear of it. */
  void escalate(DelegateExecution execution) {
    notice(execution, "escalation");
  }

  private void notice(DelegateExecution execution, String kind) {
    String id = (String) execution.getVariable(Variables.CAMPAIGN_ID);
    String reviewer = (String) execution.getVariable(Variables.REVIEWER);
    Map<String, Object> campaign = campaign(id);
    Map<String, Object> counts = jdbc.queryForMap("""
        select count(*) as items, count(*) filter (where decision is null and not non_response) as undecided
        from cert_item where campaign_id = ? and reviewer = ?
        """, id, reviewer);
    long undecided = ((Number) counts.get("undecided")).longValue();
    if (undecided == 0) {
      return;
    }
    Set<String> to = new LinkedHashSet<>();
    Map<String, Object> variables = new LinkedHashMap<>();
    variables.put("campaignId", id);
    variables.put("campaignName", campaign.get("name"));
    variables.put("undecided", undecided);
    variables.put("items", counts.get("items"));
    variables.put("dueDate", String.valueOf(campaign.get("due_at")));
    if ("reminder".equals(kind)) {
      users.email(reviewer).ifPresent(to::add);
      variables.put("recipientName", reviewer);
      variables.put("worklistUrl", execution.getVariable(Variables.WORKLIST_URL));
      send("certification-reminder", to, variables);
    } else {
      managerLogin(reviewer).flatMap(users::email).ifPresent(to::add);
      to.addAll(users.emailsOf(Role.GOVERNANCE_LEAD));
      users.email(reviewer).ifPresent(to::add);
      variables.put("recipientName", "colleague");
      variables.put("reviewer", reviewer);
      variables.put("finalDeadline", String.valueOf(campaign.get("final_at")));
      variables.put("action", "revoke".equals(campaign.get("non_response_action"))
          ? "revoke every undecided item" : "record the undecided items as an AC-03 exception");
      send("certification-escalation", to, variables);
    }
    jdbc.update(con -> {
      var ps = con.prepareStatement("""
          insert into cert_notice (campaign_id, reviewer, kind, sent_at, recipients, undecided) values (?, ?, ?, ?, ?, ?)
          """);
      ps.setString(1, id);
      ps.setString(2, reviewer);
      ps.setString(3, kind);
      ps.setTimestamp(4, Timestamp.from(clock.instant()));
      ps.setArray(5, con.createArrayOf("varchar", to.toArray()));
      ps.setInt(6, (int) undecided);
      return ps;
    });
    audit.record(AuditEvent.system("certification." + kind, "campaign", id).detail("reviewer", reviewer)
        .detail("undecided", undecided).detail("recipients", List.copyOf(to)).build());
  }

  /** BoundaryEvent_FinalDeadline: the configured action for every item the reviewer left undecided. */
  void applyNonResponse(DelegateExecution execution) {
    String id = (String) execution.getVariable(Variables.CAMPAIGN_ID);
    String reviewer = (String) execution.getVariable(Variables.REVIEWER);
    Map<String, Object> campaign = campaign(id);
    Long[] undecided = jdbc.queryForList("""
        select id from cert_item where campaign_id = ? and reviewer = ? and decision is null and not non_response order by id
        """, Long.class, id, reviewer).toArray(Long[]::new);
    if (undecided.length == 0) {
      return;
    }
    Instant now = clock.instant();
    List<String> started = List.of();
    Long exception = null;
    if ("revoke".equals(campaign.get("non_response_action"))) {
      jdbc.update(con -> {
        var ps = con.prepareStatement("""
            update cert_item set decision = 'revoke', decision_reason = 'no decision by the final deadline',
                decided_by = 'non-response', decided_at = ?, non_response = true where campaign_id = ? and id = any(?)
            """);
        ps.setTimestamp(1, Timestamp.from(now));
        ps.setString(2, id);
        ps.setArray(3, con.createArrayOf("bigint", undecided));
        return ps;
      });
      started = startRevocations(id, undecided, "non-response");
    } else {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("reviewer", reviewer);
      details.put("undecided", undecided.length);
      details.put("items", Arrays.asList(undecided).subList(0, Math.min(50, undecided.length)));
      exception = controlExceptions.raise("AC-03", "campaign", id, reviewer + " left " + undecided.length
          + " grants undecided in access review " + id, details, users.emailsOf(Role.GOVERNANCE_LEAD));
      Long exceptionId = exception;
      jdbc.update(con -> {
        var ps = con.prepareStatement("update cert_item set non_response = true, exception_id = ? where campaign_id = ? and id = any(?)");
        ps.setLong(1, exceptionId);
        ps.setString(2, id);
        ps.setArray(3, con.createArrayOf("bigint", undecided));
        return ps;
      });
    }
    jdbc.update("update cert_reviewer set decided = decided + ? where campaign_id = ? and reviewer = ?", undecided.length,
        id, reviewer);
    jdbc.update(con -> {
      var ps = con.prepareStatement("""
          insert into cert_notice (campaign_id, reviewer, kind, sent_at, recipients, undecided) values (?, ?, 'non-response', ?, ?, ?)
          """);
      ps.setString(1, id);
      ps.setString(2, reviewer);
      ps.setTimestamp(3, Timestamp.from(now));
      ps.setArray(4, con.createArrayOf("varchar", new String[0]));
      ps.setInt(5, undecided.length);
      return ps;
    });
    audit.record(AuditEvent.system("certification.non-response", "campaign", id).detail("reviewer", reviewer)
        .detail("items", undecided.length).detail("itemIds", Arrays.asList(undecided))
        .detail("action", campaign.get("non_response_action"))
        .detail("revocations", started).detail("exceptionId", exception).build());
  }

  /** Whether every revocation the campaign started has its access removed. */
  boolean revocationsRemoved(DelegateExecution execution) {
    String id = (String) execution.getVariable(Variables.CAMPAIGN_ID);
    jdbc.update("update cert_campaign set status = 'reviewed' where id = ? and status = 'open'", id);
    return openRevocations(id) == 0;
  }

  private long openRevocations(String id) {
    Long open = jdbc.queryForObject("""
        select count(*) from cert_item c join access_revocation_item i on i.revocation_id = c.revocation_id
          and i.grant_id = c.grant_id
        where c.campaign_id = ? and i.removed_at is null
        """, Long.class, id);
    return open == null ? 0 : open;
  }

  /** Task_CloseCampaign: the closure, with anything still open recorded as an AC-03 exception. */
  void close(DelegateExecution execution) {
    String id = (String) execution.getVariable(Variables.CAMPAIGN_ID);
    Map<String, Object> campaign = campaign(id);
    Map<String, Object> counts = jdbc.queryForMap("""
        select count(*) as items, count(*) filter (where decision = 'certify') as certified,
               count(*) filter (where decision = 'revoke') as revoked,
               count(*) filter (where decision is null) as undecided,
               count(*) filter (where non_response) as non_response
        from cert_item where campaign_id = ?
        """, id);
    long openRevocations = openRevocations(id);
    long undecided = ((Number) counts.get("undecided")).longValue();
    Long exception = null;
    if (openRevocations > 0 || undecided > 0) {
      exception = controlExceptions.raise("AC-03", "campaign", id, "Access review " + id + " closed with "
          + openRevocations + " revocations not yet removed and " + undecided + " items undecided",
          Map.of("openRevocations", openRevocations, "undecided", undecided), users.emailsOf(Role.GOVERNANCE_LEAD));
    }
    Map<String, Object> closure = new LinkedHashMap<>(counts);
    closure.put("openRevocations", openRevocations);
    closure.put("populationDigest", campaign.get("population_digest"));
    closure.put("exceptionId", exception);
    jdbc.update("update cert_campaign set status = 'closed', closed_at = ?, closure = cast(? as jsonb) where id = ?",
        Timestamp.from(clock.instant()), write(closure), id);
    Map<String, Object> variables = new LinkedHashMap<>();
    variables.put("recipientName", "governance lead");
    variables.put("campaignId", id);
    variables.put("campaignName", campaign.get("name"));
    variables.put("items", counts.get("items"));
    variables.put("digest", campaign.get("population_digest"));
    variables.put("certified", counts.get("certified"));
    variables.put("revoked", counts.get("revoked"));
    variables.put("open", openRevocations + undecided);
    variables.put("reportUrl", baseUrl + "/api/certifications/" + id + "/report?format=xlsx");
    send("certification-closed", new LinkedHashSet<>(users.emailsOf(Role.GOVERNANCE_LEAD)), variables);
    audit.record(AuditEvent.system("certification.close", "campaign", id).detail("closure", write(closure)).build());
  }

  // ---------------------------------------------------------------- report

  /** Everything an auditor needs: campaign, digest (recomputed), items with decisions, reassignments, notices, revocations. */
  public Map<String, Object> report(String id) {
    Map<String, Object> campaign = campaign(id);
    List<Map<String, Object>> items = jdbc.queryForList("""
        select c.id as item_id, c.grant_id, c.identity_id, c.identity_name, c.identity_kind, c.identity_status,
               c.system_id, c.entitlement_id, c.privileged, c.granted_at, array_to_string(c.flags, ' ') as flags,
               c.reviewer, c.reviewer_basis, c.decision, c.decision_reason, c.decided_by, c.decided_at, c.non_response,
               c.revocation_id, i.sla_business_days, i.deadline as removal_deadline, i.removed_at, i.met_sla,
               c.exception_id
        from cert_item c left join access_revocation_item i on i.revocation_id = c.revocation_id and i.grant_id = c.grant_id
        where c.campaign_id = ? order by c.grant_id
        """, id);
    PopulationDigest digest = new PopulationDigest();
    for (Map<String, Object> item : items) {
      digest.add(((Number) item.get("grant_id")).longValue(), (String) item.get("identity_id"),
          (String) item.get("system_id"), (String) item.get("entitlement_id"), (Boolean) item.get("privileged"),
          ((Timestamp) item.get("granted_at")).toInstant());
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("campaign", campaign);
    report.put("populationDigest", campaign.get("population_digest"));
    report.put("recomputedDigest", digest.hex());
    report.put("items", items);
    report.put("reassignments", jdbc.queryForList("""
        select item_id, from_reviewer, to_reviewer, reason, reassigned_by, reassigned_at from cert_reassignment
        where campaign_id = ? order by id
        """, id));
    report.put("notices", jdbc.queryForList("""
        select reviewer, kind, sent_at, array_to_string(recipients, ' ') as recipients, undecided from cert_notice
        where campaign_id = ? order by id
        """, id));
    return report;
  }

  // ---------------------------------------------------------------- helpers

  private void send(String template, Set<String> to, Map<String, Object> variables) {
    to.removeIf(r -> r == null || r.isBlank());
    if (!to.isEmpty()) {
      notifier.send(template, to, variables);
    }
  }

  private static List<String> split(String value) {
    if (value == null) {
      return List.of();
    }
    return Arrays.stream(value.split("[,\\s]+")).map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
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

  private Map<String, Object> read(String value) {
    try {
      return json.readValue(value, new TypeReference<>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
