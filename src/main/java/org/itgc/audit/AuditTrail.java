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
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Reads the audit trail: by actor, by object, by action and time range, newest first, paged; and answers the questions
 * other capabilities ask of it (issue #21: they never read {@code audit_event} or {@code audit_chain} in SQL of their
 * own): the objects a {@link TrailScope} names, how often an action was recorded on an object, a detail of an
 * action's events, an object's events in chain order.
 */
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

  /** How many events {@code query} matches, its page and size aside. */
  public long count(Query query) {
    var sql = new StringBuilder("select count(*) from audit_event e where true");
    List<Object> args = new ArrayList<>();
    condition(sql, args, " and e.actor = ?", query.actor());
    condition(sql, args, " and e.action = ?", query.action());
    condition(sql, args, " and e.object_type = ?", query.objectType());
    condition(sql, args, " and e.object_id = ?", query.objectId());
    condition(sql, args, " and e.occurred_at >= ?", query.from() == null ? null : Timestamp.from(query.from()));
    condition(sql, args, " and e.occurred_at < ?", query.to() == null ? null : Timestamp.from(query.to()));
    Long count = jdbc.queryForObject(sql.toString(), Long.class, args.toArray());
    return count == null ? 0 : count;
  }

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

  /** The events with these ids ({@code sequence} as the API names it) that the hot tier holds, in id order. */
  public List<StoredAuditEvent> byIds(Collection<Long> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    return jdbc.query(con -> {
      var ps = con.prepareStatement("""
          select e.id, e.occurred_at, e.actor, e.actor_roles, e.client_address, e.action, e.object_type, e.object_id,
                 e.outcome, e.details, c.seq as chain_seq, c.hash, c.prev_hash
          from audit_event e left join audit_chain c on c.event_id = e.id and c.occurred_at = e.occurred_at
          where e.id = any(?) order by e.id""");
      ps.setArray(1, con.createArrayOf("bigint", ids.toArray()));
      return ps;
    }, this::map);
  }

  /** The ids the scope's events of [from, to) name (by the database's clock). */
  public Set<String> namedIn(TrailScope scope, Instant from, Instant to) {
    return named(scope, " and e.occurred_at >= ? and e.occurred_at < ?", List.of(Timestamp.from(from),
        Timestamp.from(to)));
  }

  /** Of the given ids, those the scope's events name (at any time the hot tier holds). */
  public Set<String> namedAmong(TrailScope scope, Collection<String> ids) {
    return named(scope, " and %s = any(?)", List.<Object>of((Object) ids.toArray(String[]::new)));
  }

  /** One select per part, united; {@code restriction} (%s: the named id's expression) and its values end each. */
  private Set<String> named(TrailScope scope, String restriction, List<Object> restrictionValues) {
    StringBuilder sql = new StringBuilder();
    List<Object> args = new ArrayList<>();
    for (TrailScope.Part part : scope.parts()) {
      sql.append(sql.isEmpty() ? "" : " union ");
      String id;
      if (part.listedIn() == null) {
        id = "e.object_id";
        sql.append("select e.object_id from audit_event e where e.action = any(?) and e.object_id is not null");
        args.add(part.actions().toArray(String[]::new));
      } else {
        id = "i.id";
        sql.append("select i.id from audit_event e, jsonb_array_elements_text(e.details->?::text) as i(id) "
            + "where e.action = any(?) and jsonb_typeof(e.details->?::text) = 'array'");
        args.add(part.listedIn());
        args.add(part.actions().toArray(String[]::new));
        args.add(part.listedIn());
      }
      part.details().forEach((detail, value) -> {
        sql.append(" and e.details->>?::text = ?");
        args.add(detail);
        args.add(value);
      });
      sql.append(restriction.formatted(id));
      args.addAll(restrictionValues);
    }
    if (sql.isEmpty()) {
      return Set.of();
    }
    return new HashSet<>(jdbc.query(con -> {
      var ps = con.prepareStatement(sql.toString());
      for (int i = 0; i < args.size(); i++) {
        if (args.get(i) instanceof String[] array) {
          ps.setArray(i + 1, con.createArrayOf("varchar", array));
        } else {
          ps.setObject(i + 1, args.get(i));
        }
      }
      return ps;
    }, (rs, i) -> rs.getString(1)));
  }

  /** How many events of an action were recorded on an object whose details hold these values (as text). */
  public long count(String action, String objectId, Map<String, String> details) {
    StringBuilder sql = new StringBuilder("select count(*) from audit_event where action = ? and object_id = ?");
    List<Object> args = new ArrayList<>(List.of(action, objectId));
    new java.util.TreeMap<>(details).forEach((detail, value) -> {
      sql.append(" and details->>?::text = ?");
      args.add(detail);
      args.add(value);
    });
    Long count = jdbc.queryForObject(sql.toString(), Long.class, args.toArray());
    return count == null ? 0 : count;
  }

  /** An event's object, time and the text of one of its details (null when it has none). */
  public record ObjectDetail(String objectId, Instant occurredAt, String value) {}

  /** The object, time and detail {@code detail} of every event of an action. */
  public List<ObjectDetail> detailOf(String action, String detail) {
    return jdbc.query("select object_id, occurred_at, details->>?::text from audit_event where action = ?",
        (rs, i) -> new ObjectDetail(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getString(3)), detail, action);
  }

  /** An event with its link of the hash chain; {@code details} is the JSON text. */
  public record ChainedEvent(long seq, String hash, Instant occurredAt, String actor, String action, String objectType,
      String objectId, String outcome, String details) {}

  /** The first {@code limit} events of an object the hot tier holds, in chain order, with their links. */
  public List<ChainedEvent> chainedEventsOf(String objectId, int limit) {
    return jdbc.query("""
        select c.seq, c.hash, e.occurred_at, e.actor, e.action, e.object_type, e.object_id, e.outcome, e.details::text as details
        from audit_event e join audit_chain c on c.event_id = e.id and c.occurred_at = e.occurred_at where e.object_id = ? order by c.seq limit ?
        """, (rs, i) -> new ChainedEvent(rs.getLong("seq"), rs.getString("hash").strip(),
            rs.getTimestamp("occurred_at").toInstant(), rs.getString("actor"), rs.getString("action"),
            rs.getString("object_type"), rs.getString("object_id"), rs.getString("outcome"), rs.getString("details")),
        objectId, limit);
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
