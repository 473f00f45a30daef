package org.itgc.certification;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.itgc.certification.CertificationRules.ItemState;
import org.itgc.certification.CertificationRules.ReassignedItem;
import org.itgc.platform.csv.Columns;
import org.itgc.platform.web.ColumnTimestamp;
import org.itgc.platform.web.NotFoundException;
import org.itgc.systems.SystemsInventory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/**
 * Every statement over the certification tables ({@code cert_campaign}, {@code cert_item}, {@code cert_reviewer},
 * {@code cert_reassignment}, {@code cert_notice}), answering records. A campaign's process instance is the server's
 * record of which campaign an instance is. The access registry is read through the views access publishes for
 * it ({@code access_identity_published}, {@code access_grant_published}, {@code access_revocation_item_published},
 * changeset 027), never its tables, and the systems of a tier are asked of {@link SystemsInventory} (issue #21); the
 * launch still snapshots the population in one statement.
 */
@Repository
class CampaignStore {

  private static final String TIMESTAMP = "yyyy-MM-dd'T'HH:mm:ss.SSSxxx";

  private final JdbcTemplate jdbc;
  private final ObjectMapper json;
  private final SystemsInventory systems;

  CampaignStore(JdbcTemplate jdbc, ObjectMapper json, SystemsInventory systems) {
    this.jdbc = jdbc;
    this.json = json;
    this.systems = systems;
  }

  /** A campaign (a row of {@code cert_campaign}), with its columns' names in JSON as the API always had. */
  record Campaign(String id, String name, Map<String, Object> scope, String status,
      @JsonProperty("non_response_action") String nonResponseAction,
      @JsonProperty("launched_by") String launchedBy,
      @JsonProperty("launched_at") @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = TIMESTAMP, timezone = "UTC") Instant launchedAt,
      @JsonProperty("due_at") @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = TIMESTAMP, timezone = "UTC") Instant dueAt,
      @JsonProperty("reminder_at") @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = TIMESTAMP, timezone = "UTC") Instant reminderAt,
      @JsonProperty("final_at") @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = TIMESTAMP, timezone = "UTC") Instant finalAt,
      @JsonProperty("item_count") Integer itemCount,
      @JsonProperty("population_digest") String populationDigest,
      @JsonProperty("closed_at") @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = TIMESTAMP, timezone = "UTC") Instant closedAt,
      Map<String, Object> closure,
      @JsonProperty("process_instance_id") String processInstanceId) {

    /** The columns by name, in the table's order, for the report's campaign sheet. */
    Map<String, Object> columns() {
      Map<String, Object> columns = new LinkedHashMap<>();
      columns.put("id", id);
      columns.put("name", name);
      columns.put("scope", scope);
      columns.put("status", status);
      columns.put("non_response_action", nonResponseAction);
      columns.put("launched_by", launchedBy);
      columns.put("launched_at", launchedAt);
      columns.put("due_at", dueAt);
      columns.put("reminder_at", reminderAt);
      columns.put("final_at", finalAt);
      columns.put("item_count", itemCount);
      columns.put("population_digest", populationDigest);
      columns.put("closed_at", closedAt);
      columns.put("closure", closure);
      columns.put("process_instance_id", processInstanceId);
      return columns;
    }

    /** A point in time as mails and the task's summary have always shown it (the database's timestamp text). */
    static String shown(Instant value) {
      return String.valueOf(value == null ? null : Timestamp.from(value));
    }
  }

  /** One reviewer's progress in a campaign. */
  record ReviewerProgress(String reviewer, long items, long decided, long certified, long revoked,
      @JsonProperty("non_response") long nonResponse) {}

  /** How many items a reviewer has and has decided ({@code cert_reviewer}). */
  record ReviewerCount(long items, long decided) {}

  /** One item of a reviewer's worklist, as the worklist page reads it. */
  record WorklistItem(long id, String identityId, String identityName, String identityKind, String identityStatus,
      String systemId, String entitlementId, boolean privileged, String grantedAt, List<String> flags,
      String reviewerBasis, String decision, String decisionReason, String decidedAt, String revocationId,
      String identityJob, String lastUsedAt, boolean usageFed, String entitlementName) {

    /** The item with the entitlement's name from the access catalogue. */
    WorklistItem named(String name) {
      return new WorklistItem(id, identityId, identityName, identityKind, identityStatus, systemId, entitlementId,
          privileged, grantedAt, flags, reviewerBasis, decision, decisionReason, decidedAt, revocationId, identityJob,
          lastUsedAt, usageFed, name);
    }
  }

  /** The worklist's filters. */
  record WorklistFilter(String system, String entitlement, String flag, boolean openOnly, Long after, int size) {}

  /** A revoked item and its grant, with whether the grant is removed already. */
  record RevokedItem(long id, String identityId, long grantId, boolean grantRemoved) {}

  /** An item of the reviewer's own access, found after assignment. */
  record OwnItem(long id, String reviewer, String systemId) {}

  /** A reviewer's items and how many are still undecided. */
  record UndecidedCount(long items, long undecided) {}

  /** The counts a closure records. */
  record ClosureCounts(long items, long certified, long revoked, long undecided, long nonResponse) {}

  /** A campaign as registered. */
  record NewCampaign(String id, String processInstanceId, String name, CertificationSettings.Scope scope,
      String nonResponseAction, String launchedBy, Instant launchedAt, Instant dueAt, Instant reminderAt,
      Instant finalAt) {}

  // ---------------------------------------------------------------- campaigns

  long nextNumber() {
    return jdbc.queryForObject("select nextval('certification_number')", Long.class);
  }

  void insert(NewCampaign campaign) {
    jdbc.update("""
        insert into cert_campaign (id, process_instance_id, name, scope, status, non_response_action, launched_by,
            launched_at, due_at, reminder_at, final_at)
        values (?, ?, ?, cast(? as jsonb), 'launching', ?, ?, ?, ?, ?, ?)
        """, campaign.id(), campaign.processInstanceId(), campaign.name(), toJson(campaign.scope()),
        campaign.nonResponseAction(), campaign.launchedBy(), Timestamp.from(campaign.launchedAt()),
        Timestamp.from(campaign.dueAt()), Timestamp.from(campaign.reminderAt()), Timestamp.from(campaign.finalAt()));
  }

  Optional<Campaign> find(String id) {
    return jdbc.query("""
        select id, name, scope::text as scope, status, non_response_action, launched_by, launched_at, due_at, reminder_at,
               final_at, item_count, population_digest, closed_at, closure::text as closure, process_instance_id
        from cert_campaign where id = ?
        """, CAMPAIGN, id).stream().findFirst();
  }

  /** The campaigns running at some time in [from, to): launched before {@code to}, not closed before {@code from}. */
  List<String> idsRunningBetween(Instant from, Instant to) {
    return jdbc.queryForList("""
        select id from cert_campaign where launched_at < ? and (closed_at is null or closed_at >= ?)
        order by launched_at desc, id desc
        """, String.class, Timestamp.from(to), Timestamp.from(from));
  }

  /** The campaign, or a 404 naming it. */
  Campaign get(String id) {
    return find(id).orElseThrow(() -> new NotFoundException("campaign", id));
  }

  /** The campaign a process instance runs, as registered. */
  String idOf(String processInstanceId) {
    return jdbc.queryForList("select id from cert_campaign where process_instance_id = ?", String.class,
        processInstanceId).stream().findFirst()
        .orElseThrow(() -> new IllegalStateException("no campaign is registered for process instance " + processInstanceId));
  }

  CertificationSettings.Scope scopeOf(Campaign campaign) {
    return json.convertValue(campaign.scope(), CertificationSettings.Scope.class);
  }

  void open(String id, int items, String populationDigest) {
    jdbc.update("update cert_campaign set status = 'open', item_count = ?, population_digest = ? where id = ?", items,
        populationDigest, id);
  }

  /** The reviews are done: an open campaign is reviewed (and waits for its revocations). */
  void markReviewed(String id) {
    jdbc.update("update cert_campaign set status = 'reviewed' where id = ? and status = 'open'", id);
  }

  void close(String id, Instant closedAt, Map<String, Object> closure) {
    jdbc.update("update cert_campaign set status = 'closed', closed_at = ?, closure = cast(? as jsonb) where id = ?",
        Timestamp.from(closedAt), toJson(closure), id);
  }

  // ---------------------------------------------------------------- the population and its reviewers

  /**
   * Copies the in-scope grants of the access registry into the campaign's items, with their flags of today. A service
   * account's grants are in scope on a system of any tier (control AC-04 reviews every service account every quarter);
   * a campaign that names its systems still reviews only those.
   */
  int insertItems(String id, CertificationSettings.Scope scope, Instant now) {
    boolean anyTier = scope.tiers().isEmpty();
    String[] tierSystemIds = anyTier ? new String[0]
        : systems.registeredIdsOfTiers(scope.tiers()).toArray(String[]::new);
    String[] systemIds = scope.systems().toArray(String[]::new);
    return jdbc.update(con -> {
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
                   case when a.open_sod_finding then 'sod-conflict' end,
                   case when g.usage_fed
                         and (g.last_used_at is null or g.last_used_at < ?::timestamptz - interval '90 days')
                        then 'unused' end]::varchar[], null)
          from access_grant_published g join access_identity_published a on a.id = g.identity_id
          where g.removed_at is null
            and (? or g.system_id = any(?::varchar[]) or (? and a.kind = 'service'))
            and (cardinality(?::varchar[]) = 0 or g.system_id = any(?::varchar[]))
            and (? or not g.privileged) and (? or a.kind <> 'service')
          order by g.id
          """);
      ps.setString(1, id);
      ps.setTimestamp(2, Timestamp.from(now));
      var systemArray = con.createArrayOf("varchar", systemIds);
      ps.setBoolean(3, anyTier);
      ps.setArray(4, con.createArrayOf("varchar", tierSystemIds));
      // service accounts are reviewed every quarter on every system (AC-04): the tiers narrow people's grants only
      ps.setBoolean(5, scope.includeServiceAccounts());
      ps.setArray(6, systemArray);
      ps.setArray(7, systemArray);
      ps.setBoolean(8, scope.includePrivileged());
      ps.setBoolean(9, scope.includeServiceAccounts());
      return ps;
    });
  }

  /** A person's grants go to their manager, when the manager has a login (not privileged ones, nor orphans'). */
  void assignToManagers(String id) {
    jdbc.update("""
        update cert_item c set reviewer = m.user_name, reviewer_basis = 'manager'
        from access_identity_published m
        where c.campaign_id = ? and c.identity_kind = 'person' and not c.privileged and not ('orphan' = any(c.flags))
          and m.id = c.manager_id and m.user_name is not null
        """, id);
  }

  /** The service accounts whose items have no reviewer yet. */
  List<String> serviceAccountsWithoutReviewer(String id) {
    return jdbc.queryForList("select distinct identity_id from cert_item where campaign_id = ? and reviewer is null "
        + "and identity_kind = 'service' order by identity_id", String.class, id);
  }

  /** A service account's items without a reviewer go to one reviewer, on the basis given. */
  void assignServiceAccount(String id, String serviceAccountId, String reviewer, String basis) {
    jdbc.update("""
        update cert_item set reviewer = ?, reviewer_basis = ? where campaign_id = ? and reviewer is null
          and identity_kind = 'service' and identity_id = ?
        """, reviewer, basis, id, serviceAccountId);
  }

  List<String> systemsWithoutReviewer(String id) {
    return jdbc.queryForList("select distinct system_id from cert_item where campaign_id = ? and reviewer is null",
        String.class, id);
  }

  void assignToOwner(String id, String systemId, String owner) {
    jdbc.update("""
        update cert_item set reviewer = ?, reviewer_basis = 'system-owner' where campaign_id = ? and reviewer is null
          and system_id = ?
        """, owner, id, systemId);
  }

  /** The items whose reviewer is the person whose access they are. */
  List<OwnItem> ownAccessItems(String id) {
    return jdbc.query("""
        select c.id, c.reviewer, c.system_id from cert_item c join access_identity_published a on a.id = c.identity_id
        where c.campaign_id = ? and a.user_name = c.reviewer
        """, (rs, n) -> new OwnItem(rs.getLong("id"), rs.getString("reviewer"), rs.getString("system_id")), id);
  }

  void assignNotSelf(long itemId, String reviewer) {
    jdbc.update("update cert_item set reviewer = ?, reviewer_basis = 'not-self' where id = ?", reviewer, itemId);
  }

  void countReviewers(String id) {
    jdbc.update("""
        insert into cert_reviewer (campaign_id, reviewer, items, decided)
        select campaign_id, reviewer, count(*), 0 from cert_item where campaign_id = ? group by campaign_id, reviewer
        """, id);
  }

  /** The SHA-256 of the campaign's population (its items' grants, in grant order). */
  String populationDigest(String id) {
    PopulationDigest digest = new PopulationDigest();
    jdbc.query("""
        select grant_id, identity_id, system_id, entitlement_id, privileged, granted_at from cert_item
        where campaign_id = ? order by grant_id
        """, rs -> {
          digest.add(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getBoolean(5),
              rs.getTimestamp(6).toInstant());
        }, id);
    return digest.hex();
  }

  List<String> reviewers(String id) {
    return jdbc.queryForList("select distinct reviewer from cert_item where campaign_id = ? order by reviewer",
        String.class, id);
  }

  // ---------------------------------------------------------------- progress and worklists

  List<ReviewerProgress> progress(String id) {
    return jdbc.query("""
        select reviewer, count(*) as items, count(decision) as decided,
               count(*) filter (where decision = 'certify') as certified,
               count(*) filter (where decision = 'revoke') as revoked,
               count(*) filter (where non_response) as non_response
        from cert_item where campaign_id = ? group by reviewer order by reviewer
        """, (rs, n) -> new ReviewerProgress(rs.getString("reviewer"), rs.getLong("items"), rs.getLong("decided"),
            rs.getLong("certified"), rs.getLong("revoked"), rs.getLong("non_response")), id);
  }

  /** Up to {@code size + 1} of a reviewer's items after {@code after}, so that the caller sees whether more follow. */
  List<WorklistItem> worklist(String id, String reviewer, WorklistFilter filter) {
    // the holder's job and the grant's last use as access publishes them today (the item itself stays as frozen)
    StringBuilder sql = new StringBuilder("""
        select c.id, c.identity_id, c.identity_name, c.identity_kind, c.identity_status, c.system_id, c.entitlement_id,
               c.privileged, c.granted_at, c.flags, c.reviewer_basis, c.decision, c.decision_reason, c.decided_by,
               c.decided_at, c.revocation_id, a.job as identity_job, g.last_used_at, coalesce(g.usage_fed, false) as usage_fed
        from cert_item c
        left join access_identity_published a on a.id = c.identity_id
        left join access_grant_published g on g.id = c.grant_id
        where c.campaign_id = ? and c.reviewer = ? and c.id > ?
        """);
    List<Object> args = new java.util.ArrayList<>(List.of(id, reviewer, filter.after() == null ? 0L : filter.after()));
    if (filter.system() != null) {
      sql.append(" and c.system_id = ?");
      args.add(filter.system());
    }
    if (filter.entitlement() != null) {
      sql.append(" and c.entitlement_id = ?");
      args.add(filter.entitlement());
    }
    if (filter.flag() != null) {
      sql.append(" and ? = any(c.flags)");
      args.add(filter.flag());
    }
    if (filter.openOnly()) {
      sql.append(" and c.decision is null and not c.non_response");
    }
    sql.append(" order by c.id limit ?");
    args.add(filter.size() + 1);
    return jdbc.query(sql.toString(), WORKLIST_ITEM, args.toArray());
  }

  Optional<ReviewerCount> reviewerCount(String id, String reviewer) {
    return jdbc.query("select items, decided from cert_reviewer where campaign_id = ? and reviewer = ?",
        (rs, n) -> new ReviewerCount(rs.getLong("items"), rs.getLong("decided")), id, reviewer).stream().findFirst();
  }

  long openItems(String id, String reviewer) {
    Long open = jdbc.queryForObject("""
        select count(*) from cert_item where campaign_id = ? and reviewer = ? and decision is null and not non_response
        """, Long.class, id, reviewer);
    return open == null ? 0 : open;
  }

  // ---------------------------------------------------------------- decisions

  List<ItemState> itemStates(String id, Long[] itemIds) {
    return jdbc.query("select id, reviewer, decision, non_response, privileged, flags from cert_item "
        + "where campaign_id = ? and id = any(?)",
        (rs, n) -> new ItemState(rs.getLong("id"), rs.getString("reviewer"), rs.getString("decision"),
            rs.getBoolean("non_response"), rs.getBoolean("privileged"),
            List.of((String[]) rs.getArray("flags").getArray())), id, itemIds);
  }

  /** Decides the reviewer's undecided items among {@code itemIds}; answers how many it decided. */
  int decide(String id, Long[] itemIds, String reviewer, String decision, String reason, Instant at) {
    return jdbc.update(con -> {
      var ps = con.prepareStatement("""
          update cert_item set decision = ?, decision_reason = ?, decided_by = ?, decided_at = ?
          where campaign_id = ? and id = any(?) and reviewer = ? and decision is null and not non_response
          """);
      ps.setString(1, decision);
      ps.setString(2, reason);
      ps.setString(3, reviewer);
      ps.setTimestamp(4, Timestamp.from(at));
      ps.setString(5, id);
      ps.setArray(6, con.createArrayOf("bigint", itemIds));
      ps.setString(7, reviewer);
      return ps;
    });
  }

  void addDecided(String id, String reviewer, int decided) {
    jdbc.update("update cert_reviewer set decided = decided + ? where campaign_id = ? and reviewer = ?", decided, id,
        reviewer);
  }

  /** Revoked items with their grants, by person. */
  List<RevokedItem> revokedItems(String id, Long[] itemIds) {
    return jdbc.query("""
        select c.id, c.identity_id, c.grant_id, g.removed_at from cert_item c join access_grant_published g on g.id = c.grant_id
        where c.campaign_id = ? and c.id = any(?) order by c.identity_id, c.id
        """, (rs, n) -> new RevokedItem(rs.getLong("id"), rs.getString("identity_id"), rs.getLong("grant_id"),
            rs.getTimestamp("removed_at") != null), id, itemIds);
  }

  /** Links an item to the latest revocation of its grant. */
  void linkRevocation(long itemId, long grantId) {
    jdbc.update("""
        update cert_item set revocation_id = (select i.revocation_id from access_revocation_item_published i
            where i.grant_id = ? order by i.id desc limit 1) where id = ?
        """, grantId, itemId);
  }

  /** The revocations the campaign started whose access is not yet removed. */
  long openRevocations(String id) {
    Long open = jdbc.queryForObject("""
        select count(*) from cert_item c join access_revocation_item_published i on i.revocation_id = c.revocation_id
          and i.grant_id = c.grant_id
        where c.campaign_id = ? and i.removed_at is null
        """, Long.class, id);
    return open == null ? 0 : open;
  }

  // ---------------------------------------------------------------- reassignment

  List<ReassignedItem> reassignedItems(String id, Long[] itemIds) {
    return jdbc.query("""
        select c.id, c.reviewer, c.decision, a.user_name from cert_item c join access_identity_published a on a.id = c.identity_id
        where c.campaign_id = ? and c.id = any(?)
        """, (rs, n) -> new ReassignedItem(rs.getLong("id"), rs.getString("reviewer"), rs.getString("decision"),
            rs.getString("user_name")), id, itemIds);
  }

  void recordReassignment(String id, ReassignedItem item, String to, String reason, String by, Instant at) {
    jdbc.update("""
        insert into cert_reassignment (campaign_id, item_id, from_reviewer, to_reviewer, reason, reassigned_by, reassigned_at)
        values (?, ?, ?, ?, ?, ?, ?)
        """, id, item.id(), item.reviewer(), to, reason, by, Timestamp.from(at));
  }

  void removeItemsOf(String id, String reviewer, long count) {
    jdbc.update("update cert_reviewer set items = items - ? where campaign_id = ? and reviewer = ?", count, id, reviewer);
  }

  void addItemsTo(String id, String reviewer, int count) {
    jdbc.update("""
        insert into cert_reviewer (campaign_id, reviewer, items, decided) values (?, ?, ?, 0)
        on conflict (campaign_id, reviewer) do update set items = cert_reviewer.items + excluded.items
        """, id, reviewer, count);
  }

  void reassign(String id, Long[] itemIds, String to) {
    jdbc.update(con -> {
      var ps = con.prepareStatement("update cert_item set reviewer = ?, reviewer_basis = 'reassigned' where campaign_id = ? and id = any(?)");
      ps.setString(1, to);
      ps.setString(2, id);
      ps.setArray(3, con.createArrayOf("bigint", itemIds));
      return ps;
    });
  }

  /** The reviewer's open review tasks in the campaign's process instance (the engine's task table). */
  long openReviewTasks(String processInstanceId, String reviewer) {
    Long open = jdbc.queryForObject("""
        select count(*) from act_ru_task where proc_inst_id_ = ? and task_def_key_ = ? and assignee_ = ?
        """, Long.class, processInstanceId, CertificationProcess.Elements.REVIEW, reviewer);
    return open == null ? 0 : open;
  }

  // ---------------------------------------------------------------- deadlines

  UndecidedCount undecidedCount(String id, String reviewer) {
    return jdbc.queryForObject("""
        select count(*) as items, count(*) filter (where decision is null and not non_response) as undecided
        from cert_item where campaign_id = ? and reviewer = ?
        """, (rs, n) -> new UndecidedCount(rs.getLong("items"), rs.getLong("undecided")), id, reviewer);
  }

  List<Long> undecidedItems(String id, String reviewer) {
    return jdbc.queryForList("""
        select id from cert_item where campaign_id = ? and reviewer = ? and decision is null and not non_response order by id
        """, Long.class, id, reviewer);
  }

  void revokeForNonResponse(String id, Long[] itemIds, Instant at) {
    jdbc.update(con -> {
      var ps = con.prepareStatement("""
          update cert_item set decision = 'revoke', decision_reason = 'no decision by the final deadline',
              decided_by = 'non-response', decided_at = ?, non_response = true where campaign_id = ? and id = any(?)
          """);
      ps.setTimestamp(1, Timestamp.from(at));
      ps.setString(2, id);
      ps.setArray(3, con.createArrayOf("bigint", itemIds));
      return ps;
    });
  }

  void markNonResponse(String id, Long[] itemIds, long exceptionId) {
    jdbc.update(con -> {
      var ps = con.prepareStatement("update cert_item set non_response = true, exception_id = ? where campaign_id = ? and id = any(?)");
      ps.setLong(1, exceptionId);
      ps.setString(2, id);
      ps.setArray(3, con.createArrayOf("bigint", itemIds));
      return ps;
    });
  }

  void recordNotice(String id, String reviewer, String kind, Instant at, List<String> recipients, int undecided) {
    jdbc.update(con -> {
      var ps = con.prepareStatement("""
          insert into cert_notice (campaign_id, reviewer, kind, sent_at, recipients, undecided) values (?, ?, ?, ?, ?, ?)
          """);
      ps.setString(1, id);
      ps.setString(2, reviewer);
      ps.setString(3, kind);
      ps.setTimestamp(4, Timestamp.from(at));
      ps.setArray(5, con.createArrayOf("varchar", recipients.toArray()));
      ps.setInt(6, undecided);
      return ps;
    });
  }

  // ---------------------------------------------------------------- closure and report

  ClosureCounts closureCounts(String id) {
    return jdbc.queryForObject("""
        select count(*) as items, count(*) filter (where decision = 'certify') as certified,
               count(*) filter (where decision = 'revoke') as revoked,
               count(*) filter (where decision is null) as undecided,
               count(*) filter (where non_response) as non_response
        from cert_item where campaign_id = ?
        """, (rs, n) -> new ClosureCounts(rs.getLong("items"), rs.getLong("certified"), rs.getLong("revoked"),
            rs.getLong("undecided"), rs.getLong("non_response")), id);
  }

  /**
   * One item of a closure report with its revocation: the columns' names in JSON, the database timestamps' format the
   * report always had. {@link #COLUMNS} are the report's CSV and workbook columns, in this order.
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record ReportItem(long itemId, long grantId, String identityId, String identityName, String identityKind,
      String identityStatus, String systemId, String entitlementId, boolean privileged,
      @ColumnTimestamp Instant grantedAt, String flags, String reviewer, String reviewerBasis, String decision,
      String decisionReason, String decidedBy, @ColumnTimestamp Instant decidedAt, boolean nonResponse,
      String revocationId, Integer slaBusinessDays, @ColumnTimestamp Instant removalDeadline,
      @ColumnTimestamp Instant removedAt, Boolean metSla, Long exceptionId) {

    static final Columns<ReportItem> COLUMNS = Columns.of(ReportItem.class)
        .column("item_id", ReportItem::itemId).column("grant_id", ReportItem::grantId)
        .column("identity_id", ReportItem::identityId).column("identity_name", ReportItem::identityName)
        .column("identity_kind", ReportItem::identityKind).column("identity_status", ReportItem::identityStatus)
        .column("system_id", ReportItem::systemId).column("entitlement_id", ReportItem::entitlementId)
        .column("privileged", ReportItem::privileged).column("granted_at", ReportItem::grantedAt)
        .column("flags", ReportItem::flags).column("reviewer", ReportItem::reviewer)
        .column("reviewer_basis", ReportItem::reviewerBasis).column("decision", ReportItem::decision)
        .column("decision_reason", ReportItem::decisionReason).column("decided_by", ReportItem::decidedBy)
        .column("decided_at", ReportItem::decidedAt).column("non_response", ReportItem::nonResponse)
        .column("revocation_id", ReportItem::revocationId).column("sla_business_days", ReportItem::slaBusinessDays)
        .column("removal_deadline", ReportItem::removalDeadline).column("removed_at", ReportItem::removedAt)
        .column("met_sla", ReportItem::metSla).column("exception_id", ReportItem::exceptionId);
  }

  /** A reassignment of an item to another reviewer. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Reassignment(long itemId, String fromReviewer, String toReviewer, String reason, String reassignedBy,
      @ColumnTimestamp Instant reassignedAt) {

    static final Columns<Reassignment> COLUMNS = Columns.of(Reassignment.class)
        .column("item_id", Reassignment::itemId).column("from_reviewer", Reassignment::fromReviewer)
        .column("to_reviewer", Reassignment::toReviewer).column("reason", Reassignment::reason)
        .column("reassigned_by", Reassignment::reassignedBy).column("reassigned_at", Reassignment::reassignedAt);
  }

  /** A reminder, escalation or non-response notice sent to a reviewer. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Notice(String reviewer, String kind, @ColumnTimestamp Instant sentAt, String recipients, int undecided) {

    static final Columns<Notice> COLUMNS = Columns.of(Notice.class)
        .column("reviewer", Notice::reviewer).column("kind", Notice::kind).column("sent_at", Notice::sentAt)
        .column("recipients", Notice::recipients).column("undecided", Notice::undecided);
  }

  /** The report's items with their revocations, by grant. */
  List<ReportItem> reportItems(String id) {
    return reportItems(id, false);
  }

  /** The items a reviewer (or the non-response action) revoked, with their revocations, by grant. */
  List<ReportItem> revokedItems(String id) {
    return reportItems(id, true);
  }

  private List<ReportItem> reportItems(String id, boolean revokedOnly) {
    return jdbc.query("""
        select c.id as item_id, c.grant_id, c.identity_id, c.identity_name, c.identity_kind, c.identity_status,
               c.system_id, c.entitlement_id, c.privileged, c.granted_at, array_to_string(c.flags, ' ') as flags,
               c.reviewer, c.reviewer_basis, c.decision, c.decision_reason, c.decided_by, c.decided_at, c.non_response,
               c.revocation_id, i.sla_business_days, i.deadline as removal_deadline, i.removed_at, i.met_sla,
               c.exception_id
        from cert_item c left join access_revocation_item_published i on i.revocation_id = c.revocation_id and i.grant_id = c.grant_id
        where c.campaign_id = ? and (not ? or c.decision = 'revoke') order by c.grant_id
        """, (rs, n) -> new ReportItem(rs.getLong("item_id"), rs.getLong("grant_id"), rs.getString("identity_id"),
        rs.getString("identity_name"), rs.getString("identity_kind"), rs.getString("identity_status"),
        rs.getString("system_id"), rs.getString("entitlement_id"), rs.getBoolean("privileged"),
        instant(rs, "granted_at"), rs.getString("flags"), rs.getString("reviewer"),
        rs.getString("reviewer_basis"), rs.getString("decision"), rs.getString("decision_reason"),
        rs.getString("decided_by"), instant(rs, "decided_at"), rs.getBoolean("non_response"),
        rs.getString("revocation_id"), (Integer) rs.getObject("sla_business_days"),
        instant(rs, "removal_deadline"), instant(rs, "removed_at"),
        (Boolean) rs.getObject("met_sla"), (Long) rs.getObject("exception_id")), id, revokedOnly);
  }

  /** A decision of a campaign on one grant (its item), as the grant's evidence shows it. */
  record GrantDecision(String campaignId, String campaignName, String reviewer, String decision, String decisionReason,
      String decidedBy, Instant decidedAt, boolean nonResponse, String revocationId) {}

  /** Every campaign's item on one grant, oldest campaign first (decided or not). */
  List<GrantDecision> decisionsOnGrant(long grantId) {
    return jdbc.query("""
        select c.campaign_id, k.name as campaign_name, c.reviewer, c.decision, c.decision_reason, c.decided_by,
               c.decided_at, c.non_response, c.revocation_id
        from cert_item c join cert_campaign k on k.id = c.campaign_id where c.grant_id = ?
        order by k.launched_at, c.campaign_id
        """, (rs, n) -> new GrantDecision(rs.getString("campaign_id"), rs.getString("campaign_name"),
        rs.getString("reviewer"), rs.getString("decision"), rs.getString("decision_reason"),
        rs.getString("decided_by"), instant(rs, "decided_at"), rs.getBoolean("non_response"),
        rs.getString("revocation_id")), grantId);
  }

  List<Reassignment> reportReassignments(String id) {
    return jdbc.query("""
        select item_id, from_reviewer, to_reviewer, reason, reassigned_by, reassigned_at from cert_reassignment
        where campaign_id = ? order by id
        """, (rs, n) -> new Reassignment(rs.getLong("item_id"), rs.getString("from_reviewer"),
        rs.getString("to_reviewer"), rs.getString("reason"), rs.getString("reassigned_by"),
        instant(rs, "reassigned_at")), id);
  }

  List<Notice> reportNotices(String id) {
    return jdbc.query("""
        select reviewer, kind, sent_at, array_to_string(recipients, ' ') as recipients, undecided from cert_notice
        where campaign_id = ? order by id
        """, (rs, n) -> new Notice(rs.getString("reviewer"), rs.getString("kind"), instant(rs, "sent_at"),
        rs.getString("recipients"), rs.getInt("undecided")), id);
  }

  // ---------------------------------------------------------------- rows

  private final RowMapper<Campaign> CAMPAIGN = (rs, n) -> new Campaign(rs.getString("id"), rs.getString("name"),
      readMap(rs.getString("scope")), rs.getString("status"), rs.getString("non_response_action"),
      rs.getString("launched_by"), instant(rs, "launched_at"), instant(rs, "due_at"), instant(rs, "reminder_at"),
      instant(rs, "final_at"), (Integer) rs.getObject("item_count"), rs.getString("population_digest"),
      instant(rs, "closed_at"), rs.getString("closure") == null ? null : readMap(rs.getString("closure")),
      rs.getString("process_instance_id"));

  private static final RowMapper<WorklistItem> WORKLIST_ITEM = (rs, n) -> new WorklistItem(rs.getLong("id"),
      rs.getString("identity_id"), rs.getString("identity_name"), rs.getString("identity_kind"),
      rs.getString("identity_status"), rs.getString("system_id"), rs.getString("entitlement_id"),
      rs.getBoolean("privileged"), rs.getTimestamp("granted_at").toInstant().toString(),
      Arrays.asList((String[]) rs.getArray("flags").getArray()), rs.getString("reviewer_basis"),
      rs.getString("decision"), rs.getString("decision_reason"),
      rs.getTimestamp("decided_at") == null ? null : rs.getTimestamp("decided_at").toInstant().toString(),
      rs.getString("revocation_id"), rs.getString("identity_job"),
      rs.getTimestamp("last_used_at") == null ? null : rs.getTimestamp("last_used_at").toInstant().toString(),
      rs.getBoolean("usage_fed"), null);

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp value = rs.getTimestamp(column);
    return value == null ? null : value.toInstant();
  }

  String toJson(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private Map<String, Object> readMap(String value) {
    try {
      return json.readValue(value, new TypeReference<>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
