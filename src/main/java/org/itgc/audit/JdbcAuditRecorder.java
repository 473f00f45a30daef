package org.itgc.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Writes audit events to the append-only table {@code audit_event} (the database refuses UPDATE, DELETE and TRUNCATE
 * on it) through the caller's JDBC transaction, by the database function {@code audit_record}, which stamps the event
 * with the database's clock: no caller chooses when an event happened.
 */
@Service
class JdbcAuditRecorder implements AuditRecorder {

  private final JdbcTemplate jdbc;
  private final ObjectMapper json;
  private final TransactionTemplate independent;

  JdbcAuditRecorder(JdbcTemplate jdbc, ObjectMapper json, PlatformTransactionManager transactionManager) {
    this.jdbc = jdbc;
    this.json = json;
    this.independent = new TransactionTemplate(transactionManager);
    this.independent.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
  }

  @Override
  public long record(AuditEvent event) {
    Stamp stamp = stamp(event);
    Long id = jdbc.query(con -> {
      // the database stamps the time and the id (the application's role may not insert events itself)
      var ps = con.prepareStatement("select audit_record(?, ?::varchar[], ?, ?, ?, ?, ?, cast(? as jsonb))");
      ps.setString(1, stamp.actor());
      ps.setArray(2, con.createArrayOf("varchar", stamp.roles().toArray()));
      ps.setString(3, stamp.clientAddress());
      ps.setString(4, event.action());
      ps.setString(5, event.objectType());
      ps.setString(6, event.objectId());
      ps.setString(7, event.outcome().name());
      ps.setString(8, toJson(event));
      return ps;
    }, rs -> rs.next() ? rs.getLong(1) : null);
    if (id == null) {
      throw new IllegalStateException("audit event was not stored: " + event.action());
    }
    RecordedOnThisThread.recorded(false);
    return id;
  }

  /**
   * The same function, called once per event in one statement over arrays of the events' fields; the rows of
   * {@code unnest} come in the arrays' order, so the events get their ids (and chain positions) in the given order.
   */
  @Override
  public void recordAll(List<AuditEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    int n = events.size();
    String[] actors = new String[n];
    String[] roles = new String[n];
    String[] addresses = new String[n];
    String[] actions = new String[n];
    String[] types = new String[n];
    String[] objects = new String[n];
    String[] outcomes = new String[n];
    String[] details = new String[n];
    for (int i = 0; i < n; i++) {
      AuditEvent event = events.get(i);
      Stamp stamp = stamp(event);
      actors[i] = stamp.actor();
      roles[i] = toJson(stamp.roles());
      addresses[i] = stamp.clientAddress();
      actions[i] = event.action();
      types[i] = event.objectType();
      objects[i] = event.objectId();
      outcomes[i] = event.outcome().name();
      details[i] = toJson(event);
    }
    Integer stored = jdbc.query(con -> {
      var ps = con.prepareStatement("""
          select count(audit_record(e.actor, array(select jsonb_array_elements_text(e.roles::jsonb))::varchar[],
                 e.address, e.action, e.object_type, e.object_id, e.outcome, e.details::jsonb))
          from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
            as e(actor, roles, address, action, object_type, object_id, outcome, details)
          """);
      Object[][] columns = {actors, roles, addresses, actions, types, objects, outcomes, details};
      for (int c = 0; c < columns.length; c++) {
        ps.setArray(c + 1, con.createArrayOf("text", columns[c]));
      }
      return ps;
    }, rs -> rs.next() ? rs.getInt(1) : null);
    if (stored == null || stored != n) {
      throw new IllegalStateException("audit events were not stored: " + stored + " of " + n);
    }
    RecordedOnThisThread.recorded(false);
  }

  /** Who, with which roles and from where: given by the event, else the logged-in user and the current request. */
  private record Stamp(String actor, List<String> roles, String clientAddress) {}

  private Stamp stamp(AuditEvent event) {
    String actor = event.actor();
    List<String> roles = event.actorRoles();
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    boolean loggedIn = authentication != null && authentication.isAuthenticated()
        && !(authentication instanceof AnonymousAuthenticationToken);
    if (actor == null) {
      actor = loggedIn ? authentication.getName() : AuditEvent.SYSTEM_ACTOR;
    }
    if (roles == null && loggedIn && actor.equals(authentication.getName())) {
      roles = authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority).sorted().toList();
    }
    if (roles == null) {
      roles = List.of();
    }
    return new Stamp(actor, roles,
        event.clientAddress() != null ? event.clientAddress() : currentClientAddress());
  }

  @Override
  public long recordIndependently(AuditEvent event) {
    // resolve the actor on this thread before switching transactions (same thread, so nothing is lost)
    Long id = independent.execute(status -> record(event));
    RecordedOnThisThread.recorded(true);
    return id == null ? -1 : id;
  }

  private String toJson(List<String> roles) {
    try {
      return json.writeValueAsString(roles);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private String toJson(AuditEvent event) {
    try {
      return json.writeValueAsString(event.details());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("audit details of " + event.action() + " cannot be written as JSON", e);
    }
  }

  private static String currentClientAddress() {
    if (OnBehalfOfRequest.clientAddress() != null) {
      return OnBehalfOfRequest.clientAddress();
    }
    if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
      HttpServletRequest request = attributes.getRequest();
      return request.getRemoteAddr();
    }
    return null;
  }
}
