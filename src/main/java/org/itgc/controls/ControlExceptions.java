package org.itgc.controls;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.notify.Notifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Control exceptions: a control did not operate as designed (an approval came too late, a deployment matched no
 * approved change). Each is stored, audited and mailed to the people named by the caller, and stays open until
 * remediated.
 */
@Service
public class ControlExceptions {

  private final JdbcTemplate jdbc;
  private final ControlsCatalogue catalogue;
  private final AuditRecorder audit;
  private final Notifier notifier;
  private final ObjectMapper json;
  private final Clock clock;

  public ControlExceptions(JdbcTemplate jdbc, ControlsCatalogue catalogue, AuditRecorder audit, Notifier notifier,
      ObjectMapper json, Clock clock) {
    this.jdbc = jdbc;
    this.catalogue = catalogue;
    this.audit = audit;
    this.notifier = notifier;
    this.json = json;
    this.clock = clock;
  }

  /** A stored exception. */
  public record ControlException(long id, String controlId, String objectType, String objectId, String summary,
      Map<String, Object> details, java.time.Instant raisedAt, String raisedBy, String status) {}

  /**
   * Records an exception of {@code controlId} and mails it to {@code recipients}.
   *
   * @return the exception's id
   */
  public long raise(String controlId, String objectType, String objectId, String summary, Map<String, ?> details,
      Collection<String> recipients) {
    if (catalogue.find(controlId).isEmpty()) {
      throw new IllegalArgumentException("control " + controlId + " is not in config/controls.yaml");
    }
    String detailJson;
    try {
      detailJson = json.writeValueAsString(details);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
    Long id = jdbc.queryForObject("""
        insert into control_exception (control_id, object_type, object_id, summary, details, raised_at, raised_by)
        values (?, ?, ?, ?, cast(? as jsonb), ?, 'system') returning id
        """, Long.class, controlId, objectType, objectId, summary, detailJson, Timestamp.from(clock.instant()));
    audit.record(AuditEvent.system("control.exception.raise", objectType, objectId)
        .detail("controlId", controlId).detail("exceptionId", id).detail("summary", summary).build());
    var to = new LinkedHashSet<>(recipients);
    to.removeIf(r -> r == null || r.isBlank());
    if (!to.isEmpty()) {
      var lines = new ArrayList<String>();
      details.forEach((k, v) -> lines.add(k + ": " + Notifier.summary(v)));
      Map<String, Object> variables = new LinkedHashMap<>();
      variables.put("recipientName", "control owner");
      variables.put("controlId", controlId);
      variables.put("summary", summary);
      variables.put("objectType", objectType);
      variables.put("objectId", objectId);
      variables.put("details", String.join("; ", lines));
      notifier.send("control-exception", to, variables);
    }
    return id == null ? -1 : id;
  }

  /** How many of a control's exceptions raised in a period are open and how many closed. */
  public record Counts(String controlId, long open, long closed) {}

  /** The exceptions raised in [from, to), counted by control and status; controls without any are absent. */
  public Map<String, Counts> countsRaisedBetween(java.time.Instant from, java.time.Instant to) {
    Map<String, Counts> counts = new java.util.TreeMap<>();
    jdbc.query("""
        select control_id, count(*) filter (where status = 'open') as open, count(*) filter (where status = 'closed') as closed
        from control_exception where raised_at >= ? and raised_at < ? group by control_id
        """, rs -> {
          counts.put(rs.getString("control_id"), new Counts(rs.getString("control_id"), rs.getLong("open"),
              rs.getLong("closed")));
        }, Timestamp.from(from), Timestamp.from(to));
    return counts;
  }

  /**
   * One page of the exceptions of a control (all when null) raised in [from, to), of one status (both when null),
   * newest first, and how many there are in all.
   */
  public org.itgc.platform.web.Slice<ControlException> raisedBetween(String controlId, String status,
      java.time.Instant from, java.time.Instant to, int offset, int limit) {
    var where = new StringBuilder(" where raised_at >= ? and raised_at < ?");
    List<Object> args = new ArrayList<>(List.of(Timestamp.from(from), Timestamp.from(to)));
    if (controlId != null) {
      where.append(" and control_id = ?");
      args.add(controlId);
    }
    if (status != null) {
      where.append(" and status = ?");
      args.add(status);
    }
    Long total = jdbc.queryForObject("select count(*) from control_exception" + where, Long.class, args.toArray());
    args.add(offset);
    args.add(limit);
    List<ControlException> rows = jdbc.query("select * from control_exception" + where
        + " order by raised_at desc, id desc offset ? limit ?", this::map, args.toArray());
    return new org.itgc.platform.web.Slice<>(rows, offset, limit, total == null ? 0 : total);
  }

  public List<ControlException> find(String controlId, String objectId) {
    var sql = new StringBuilder("select * from control_exception where true");
    List<Object> args = new ArrayList<>();
    if (controlId != null) {
      sql.append(" and control_id = ?");
      args.add(controlId);
    }
    if (objectId != null) {
      sql.append(" and object_id = ?");
      args.add(objectId);
    }
    sql.append(" order by id");
    return jdbc.query(sql.toString(), this::map, args.toArray());
  }

  private ControlException map(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
    Map<String, Object> details;
    try {
      details = json.readValue(rs.getString("details"), new com.fasterxml.jackson.core.type.TypeReference<>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return new ControlException(rs.getLong("id"), rs.getString("control_id"), rs.getString("object_type"),
        rs.getString("object_id"), rs.getString("summary"), details, rs.getTimestamp("raised_at").toInstant(),
        rs.getString("raised_by"), rs.getString("status"));
  }
}
