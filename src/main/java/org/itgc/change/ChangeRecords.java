package org.itgc.change;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.Year;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The change tables: change_request, change_approval, change_collision. Only this package touches them. */
@Repository
public class ChangeRecords {

  private final JdbcTemplate jdbc;

  ChangeRecords(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** One row of change_request, as stored. */
  public record Change(String id, String processInstanceId, String title, String systemId, String changeType,
      String standardChangeType, String requester,
      String description, String justification, boolean touchesFinancialData, String implementationPlan,
      boolean hasTestedRollback, String rollbackPlan, Instant plannedStart, Instant plannedEnd, String repository,
      List<String> commits, String testEvidence, List<String> testEvidenceLinks, boolean outsideMaintenanceWindow,
      boolean inFreeze, String scheduleFindings, String criticality, Boolean cabReviewRequired,
      Boolean financeApprovalRequired, Boolean testEvidenceRequired, String decisionDefinitionId, String status,
      String implementedBy, Instant implementedAt, String deploymentReference, String implementationNotes,
      String reviewOutcome, String reviewComment, String rollbackDetails, String followUpOf, String followUpId,
      Instant createdAt, Instant updatedAt) {}

  /** One decision on a change. */
  public record Approval(String step, String decision, String comment, String decidedBy, Instant decidedAt, boolean retrospective) {}

  String nextId(Instant now) {
    Long number = jdbc.queryForObject("select nextval('change_request_number')", Long.class);
    return "CHG-" + Year.from(now.atZone(java.time.ZoneOffset.UTC)) + "-" + String.format("%06d", number);
  }

  void insert(String id, String processInstanceId, ChangeRequestInput input, String requester, boolean outsideWindow,
      boolean inFreeze, String findings, Instant now) {
    jdbc.update(con -> {
      var ps = con.prepareStatement("""
          insert into change_request (id, process_instance_id, title, system_id, change_type, standard_change_type,
              requester, description,
              justification, touches_financial_data, implementation_plan, has_tested_rollback, rollback_plan,
              planned_start, planned_end, repository, commits, test_evidence, test_evidence_links,
              outside_maintenance_window, in_freeze, schedule_findings, status, created_at, updated_at)
          values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'requested', ?, ?)
          """);
      int i = 1;
      ps.setString(i++, id);
      ps.setString(i++, processInstanceId);
      i = setInput(ps, i, input, requester, con);
      ps.setBoolean(i++, outsideWindow);
      ps.setBoolean(i++, inFreeze);
      ps.setString(i++, findings);
      ps.setTimestamp(i++, Timestamp.from(now));
      ps.setTimestamp(i, Timestamp.from(now));
      return ps;
    });
  }

  void update(String id, ChangeRequestInput input, String requester, boolean outsideWindow, boolean inFreeze,
      String findings, Instant now) {
    jdbc.update(con -> {
      var ps = con.prepareStatement("""
          update change_request set title = ?, system_id = ?, change_type = ?, standard_change_type = ?,
              requester = ?, description = ?,
              justification = ?, touches_financial_data = ?, implementation_plan = ?, has_tested_rollback = ?,
              rollback_plan = ?, planned_start = ?, planned_end = ?, repository = ?, commits = ?, test_evidence = ?,
              test_evidence_links = ?, outside_maintenance_window = ?, in_freeze = ?, schedule_findings = ?,
              status = 'requested', updated_at = ?
          where id = ?
          """);
      int i = setInput(ps, 1, input, requester, con);
      ps.setBoolean(i++, outsideWindow);
      ps.setBoolean(i++, inFreeze);
      ps.setString(i++, findings);
      ps.setTimestamp(i++, Timestamp.from(now));
      ps.setString(i, id);
      return ps;
    });
  }

  private static int setInput(java.sql.PreparedStatement ps, int i, ChangeRequestInput input, String requester,
      java.sql.Connection con) throws SQLException {
    ps.setString(i++, input.title());
    ps.setString(i++, input.systemId());
    ps.setString(i++, input.changeType());
    ps.setString(i++, input.standardChangeType());
    ps.setString(i++, requester);
    ps.setString(i++, input.description());
    ps.setString(i++, input.justification());
    ps.setBoolean(i++, input.touchesFinancialData());
    ps.setString(i++, input.implementationPlan());
    ps.setBoolean(i++, input.hasTestedRollback());
    ps.setString(i++, input.rollbackPlan());
    ps.setTimestamp(i++, Timestamp.from(input.plannedStart()));
    ps.setTimestamp(i++, Timestamp.from(input.plannedEnd()));
    ps.setString(i++, input.repository());
    ps.setArray(i++, con.createArrayOf("varchar", input.commits().toArray()));
    ps.setString(i++, input.testEvidence());
    ps.setArray(i++, con.createArrayOf("text", input.testEvidenceLinks().toArray()));
    return i;
  }

  void assessment(String id, String criticality, boolean cab, boolean finance, boolean testEvidence,
      String decisionDefinitionId, Instant now) {
    jdbc.update("""
        update change_request set criticality = ?, cab_review_required = ?, finance_approval_required = ?,
            test_evidence_required = ?, decision_definition_id = ?, updated_at = ? where id = ?
        """, criticality, cab, finance, testEvidence, decisionDefinitionId, Timestamp.from(now), id);
  }

  void status(String id, String status, Instant now) {
    jdbc.update("update change_request set status = ?, updated_at = ? where id = ?", status, Timestamp.from(now), id);
  }

  void approval(String id, ChangeProcess.ApprovalStep step, String decision, String comment, String by, Instant at) {
    jdbc.update("""
        insert into change_approval (change_id, step, decision, comment, decided_by, decided_at, retrospective)
        values (?, ?, ?, ?, ?, ?, ?)
        """, id, step.id(), decision, comment, by, Timestamp.from(at), step.retrospective());
  }

  /** The steps this user approved on this change (approvals count once per person). */
  List<String> approvedStepsBy(String id, String user) {
    return jdbc.queryForList("select step from change_approval where change_id = ? and decided_by = ? "
        + "and decision = 'approve'", String.class, id, user);
  }

  List<Approval> approvals(String id) {
    return jdbc.query("select * from change_approval where change_id = ? order by id", (rs, i) -> new Approval(
        rs.getString("step"), rs.getString("decision"), rs.getString("comment"), rs.getString("decided_by"),
        rs.getTimestamp("decided_at").toInstant(), rs.getBoolean("retrospective")), id);
  }

  void implementation(String id, String by, Instant at, String reference, String notes) {
    jdbc.update("""
        update change_request set implemented_by = ?, implemented_at = ?, deployment_reference = ?,
            implementation_notes = ?, status = 'implemented', updated_at = ? where id = ?
        """, by, Timestamp.from(at), reference, notes, Timestamp.from(at), id);
  }

  void review(String id, String outcome, String comment, String rollbackDetails, Instant now) {
    jdbc.update("""
        update change_request set review_outcome = ?, review_comment = ?, rollback_details = coalesce(?, rollback_details),
            updated_at = ? where id = ?
        """, outcome, comment, rollbackDetails, Timestamp.from(now), id);
  }

  void rollback(String id, String details, Instant now) {
    jdbc.update("update change_request set rollback_details = ?, status = 'rolled-back', updated_at = ? where id = ?",
        details, Timestamp.from(now), id);
  }

  void followUp(String id, String followUpId) {
    jdbc.update("update change_request set follow_up_id = ? where id = ?", followUpId, id);
  }

  void followUpOf(String id, String original) {
    jdbc.update("update change_request set follow_up_of = ? where id = ?", original, id);
  }

  /** Changes of the same system whose planned windows overlap and which are still in flight or approved. */
  List<String> overlapping(String id, String systemId, Instant start, Instant end) {
    return jdbc.queryForList("""
        select id from change_request where system_id = ? and id <> ? and planned_start < ? and ? < planned_end
        and status in ('requested', 'approved', 'implemented') order by id
        """, String.class, systemId, id == null ? "" : id, Timestamp.from(end), Timestamp.from(start));
  }

  void collision(String a, String b, Instant now) {
    for (String[] pair : new String[][] {{a, b}, {b, a}}) {
      jdbc.update("insert into change_collision (change_id, other_change_id, detected_at) values (?, ?, ?) "
          + "on conflict do nothing", pair[0], pair[1], Timestamp.from(now));
    }
  }

  List<String> collisions(String id) {
    return jdbc.queryForList("select other_change_id from change_collision where change_id = ? order by other_change_id",
        String.class, id);
  }

  Optional<Change> find(String id) {
    return jdbc.query("select * from change_request where id = ?", this::map, id).stream().findFirst();
  }

  /** The change a process instance registered: the server's own record of which change an instance is. */
  Optional<Change> ofProcessInstance(String processInstanceId) {
    return jdbc.query("select * from change_request where process_instance_id = ?", this::map, processInstanceId)
        .stream().findFirst();
  }

  /** A requester's changes, newest first, one page. */
  List<Change> requestedBy(String requester, int offset, int limit) {
    return jdbc.query("select * from change_request where requester = ? order by created_at desc, id desc offset ? limit ?",
        this::map, requester, offset, limit);
  }

  long countRequestedBy(String requester) {
    return jdbc.queryForObject("select count(*) from change_request where requester = ?", Long.class, requester);
  }

  /**
   * Changes whose id or title contains {@code text} (case-insensitive; all when null), optionally of one system and
   * status, created in [from, to) (either may be null), newest first: one page.
   */
  List<Change> search(String text, String systemId, String status, Instant from, Instant to, int offset, int limit) {
    List<Object> args = new java.util.ArrayList<>();
    String where = searchCondition(text, systemId, status, from, to, args);
    args.add(offset);
    args.add(limit);
    return jdbc.query("select * from change_request" + where + " order by created_at desc, id desc offset ? limit ?",
        this::map, args.toArray());
  }

  long countSearch(String text, String systemId, String status, Instant from, Instant to) {
    List<Object> args = new java.util.ArrayList<>();
    String where = searchCondition(text, systemId, status, from, to, args);
    return jdbc.queryForObject("select count(*) from change_request" + where, Long.class, args.toArray());
  }

  private static String searchCondition(String text, String systemId, String status, Instant from, Instant to,
      List<Object> args) {
    var where = new StringBuilder(" where true");
    if (text != null && !text.isBlank()) {
      String like = "%" + text.trim().toLowerCase(java.util.Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%")
          .replace("_", "\\_") + "%";
      where.append(" and (lower(id) like ? or lower(title) like ?)");
      args.add(like);
      args.add(like);
    }
    if (systemId != null && !systemId.isBlank()) {
      where.append(" and system_id = ?");
      args.add(systemId);
    }
    if (status != null && !status.isBlank()) {
      where.append(" and status = ?");
      args.add(status);
    }
    if (from != null) {
      where.append(" and created_at >= ?");
      args.add(Timestamp.from(from));
    }
    if (to != null) {
      where.append(" and created_at < ?");
      args.add(Timestamp.from(to));
    }
    return where.toString();
  }

  /** Changes of a system whose listed commits or id match, in a state that allows deployment. */
  List<Change> deployableFor(String systemId) {
    return jdbc.query("select * from change_request where system_id = ? and status in ('approved', 'implemented', 'closed')",
        this::map, systemId);
  }

  private Change map(ResultSet rs, int row) throws SQLException {
    return new Change(rs.getString("id"), rs.getString("process_instance_id"), rs.getString("title"),
        rs.getString("system_id"), rs.getString("change_type"), rs.getString("standard_change_type"),
        rs.getString("requester"), rs.getString("description"),
        rs.getString("justification"), rs.getBoolean("touches_financial_data"), rs.getString("implementation_plan"),
        rs.getBoolean("has_tested_rollback"), rs.getString("rollback_plan"), instant(rs, "planned_start"),
        instant(rs, "planned_end"), rs.getString("repository"), list(rs.getArray("commits")), rs.getString("test_evidence"),
        list(rs.getArray("test_evidence_links")), rs.getBoolean("outside_maintenance_window"), rs.getBoolean("in_freeze"),
        rs.getString("schedule_findings"), rs.getString("criticality"), (Boolean) rs.getObject("cab_review_required"),
        (Boolean) rs.getObject("finance_approval_required"), (Boolean) rs.getObject("test_evidence_required"),
        rs.getString("decision_definition_id"), rs.getString("status"), rs.getString("implemented_by"),
        instant(rs, "implemented_at"), rs.getString("deployment_reference"), rs.getString("implementation_notes"),
        rs.getString("review_outcome"), rs.getString("review_comment"), rs.getString("rollback_details"),
        rs.getString("follow_up_of"), rs.getString("follow_up_id"), instant(rs, "created_at"), instant(rs, "updated_at"));
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp value = rs.getTimestamp(column);
    return value == null ? null : value.toInstant();
  }

  static List<String> list(Array array) throws SQLException {
    return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
  }
}
