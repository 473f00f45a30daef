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
    return jdbc.query(sql.toString(), (rs, i) -> {
      Map<String, Object> details;
      try {
        details = json.readValue(rs.getString("details"), new com.fasterxml.jackson.core.type.TypeReference<>() {});
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
      return new ControlException(rs.getLong("id"), rs.getString("control_id"), rs.getString("object_type"),
          rs.getString("object_id"), rs.getString("summary"), details, rs.getTimestamp("raised_at").toInstant(),
          rs.getString("raised_by"), rs.getString("status"));
    }, args.toArray());
  }
}
