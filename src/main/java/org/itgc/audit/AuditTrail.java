package org.itgc.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/** Reads the audit trail: by actor, by object, by action and time range, newest first, paged. */
@Service
public class AuditTrail {

  private final JdbcTemplate jdbc;
  private final ObjectMapper json;

  public AuditTrail(JdbcTemplate jdbc, ObjectMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /** A query; every field is optional, {@code from} inclusive and {@code to} exclusive. */
  public record Query(String actor, String action, String objectType, String objectId, Instant from, Instant to,
      int page, int size) {}

  public List<StoredAuditEvent> find(Query query) {
    var sql = new StringBuilder("""
        select id, occurred_at, actor, actor_roles, client_address, action, object_type, object_id, outcome, details
        from audit_event where true""");
    List<Object> args = new ArrayList<>();
    condition(sql, args, " and actor = ?", query.actor());
    condition(sql, args, " and action = ?", query.action());
    condition(sql, args, " and object_type = ?", query.objectType());
    condition(sql, args, " and object_id = ?", query.objectId());
    condition(sql, args, " and occurred_at >= ?", query.from() == null ? null : Timestamp.from(query.from()));
    condition(sql, args, " and occurred_at < ?", query.to() == null ? null : Timestamp.from(query.to()));
    sql.append(" order by id desc limit ? offset ?");
    args.add(query.size());
    args.add((long) query.page() * query.size());
    return jdbc.query(sql.toString(), this::map, args.toArray());
  }

  private static void condition(StringBuilder sql, List<Object> args, String clause, Object value) {
    if (value != null) {
      sql.append(clause);
      args.add(value);
    }
  }

  private StoredAuditEvent map(ResultSet rs, int row) throws SQLException {
    String[] roles = (String[]) rs.getArray("actor_roles").getArray();
    Map<String, Object> details;
    try {
      details = json.readValue(rs.getString("details"), new TypeReference<Map<String, Object>>() {});
    } catch (JsonProcessingException e) {
      throw new SQLException("audit event " + rs.getLong("id") + " has unreadable details", e);
    }
    return new StoredAuditEvent(rs.getLong("id"), rs.getTimestamp("occurred_at").toInstant(), rs.getString("actor"),
        Arrays.asList(roles), rs.getString("client_address"), rs.getString("action"), rs.getString("object_type"),
        rs.getString("object_id"), AuditEvent.Outcome.valueOf(rs.getString("outcome")), details);
  }
}
