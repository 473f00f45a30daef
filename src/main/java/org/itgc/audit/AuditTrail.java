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
        select e.id, e.occurred_at, e.actor, e.actor_roles, e.client_address, e.action, e.object_type, e.object_id,
               e.outcome, e.details, c.seq as chain_seq, c.hash, c.prev_hash
        from audit_event e left join audit_chain c on c.event_id = e.id and c.occurred_at = e.occurred_at
        where true""");
    List<Object> args = new ArrayList<>();
    condition(sql, args, " and e.actor = ?", query.actor());
    condition(sql, args, " and e.action = ?", query.action());
    condition(sql, args, " and e.object_type = ?", query.objectType());
    condition(sql, args, " and e.object_id = ?", query.objectId());
    condition(sql, args, " and e.occurred_at >= ?", query.from() == null ? null : Timestamp.from(query.from()));
    condition(sql, args, " and e.occurred_at < ?", query.to() == null ? null : Timestamp.from(query.to()));
    sql.append(" order by e.id desc limit ? offset ?");
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
        rs.getString("object_id"), AuditEvent.Outcome.valueOf(rs.getString("outcome")), details,
        (Long) rs.getObject("chain_seq"), rs.getString("hash"), rs.getString("prev_hash"));
  }
}
