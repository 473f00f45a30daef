package org.itgc.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import org.springframework.beans.factory.annotation.Qualifier;
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
 * on it) through the caller's JDBC transaction.
 */
@Service
class JdbcAuditRecorder implements AuditRecorder {

  private final JdbcTemplate jdbc;
  private final ObjectMapper json;
  private final Clock clock;
  private final TransactionTemplate independent;

  JdbcAuditRecorder(JdbcTemplate jdbc, ObjectMapper json, @Qualifier("auditTrailClock") Clock clock, PlatformTransactionManager transactionManager) {
    this.jdbc = jdbc;
    this.json = json;
    this.clock = clock;
    this.independent = new TransactionTemplate(transactionManager);
    this.independent.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
  }

  @Override
  public long record(AuditEvent event) {
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
    String clientAddress = event.clientAddress() != null ? event.clientAddress() : currentClientAddress();
    List<String> actorRoles = roles;
    String actorName = actor;
    Long id = jdbc.query(con -> {
      var ps = con.prepareStatement("""
          insert into audit_event (occurred_at, actor, actor_roles, client_address, action, object_type, object_id,
                                   outcome, details)
          values (?, ?, ?, ?, ?, ?, ?, ?, cast(? as jsonb)) returning id
          """);
      ps.setTimestamp(1, Timestamp.from(clock.instant()));
      ps.setString(2, actorName);
      ps.setArray(3, con.createArrayOf("varchar", actorRoles.toArray()));
      ps.setString(4, clientAddress);
      ps.setString(5, event.action());
      ps.setString(6, event.objectType());
      ps.setString(7, event.objectId());
      ps.setString(8, event.outcome().name());
      ps.setString(9, toJson(event));
      return ps;
    }, rs -> rs.next() ? rs.getLong(1) : null);
    if (id == null) {
      throw new IllegalStateException("audit event was not stored: " + event.action());
    }
    return id;
  }

  @Override
  public long recordIndependently(AuditEvent event) {
    // resolve the actor on this thread before switching transactions (same thread, so nothing is lost)
    Long id = independent.execute(status -> record(event));
    return id == null ? -1 : id;
  }

  private String toJson(AuditEvent event) {
    try {
      return json.writeValueAsString(event.details());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("audit details of " + event.action() + " cannot be written as JSON", e);
    }
  }

  private static String currentClientAddress() {
    if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
      HttpServletRequest request = attributes.getRequest();
      return request.getRemoteAddr();
    }
    return null;
  }
}
