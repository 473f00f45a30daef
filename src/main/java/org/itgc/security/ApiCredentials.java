package org.itgc.security;

import org.itgc.platform.Role;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.platform.web.InvalidInputException.FieldError;
import org.itgc.platform.web.NotFoundException;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.stereotype.Service;

/**
 * Credentials of machines: a bearer token {@code itgc_<id>_<secret>} issued by a security admin, named, limited to the
 * endpoints of its scopes, stored as a SHA-256 of the token (it has 256 random bits), with an expiry, listable and
 * revocable. Each scope names the endpoints it opens and the role those endpoints require; a credential acts as
 * itself, never as a person, and the web UI does not take it.
 */
@Service
public class ApiCredentials {

  /** What a scope opens: endpoints and the role they require. */
  public record Scope(String id, String description, String authority, List<RequestMatcher> endpoints) {
    boolean allows(HttpServletRequest request) {
      return endpoints.stream().anyMatch(m -> m.matches(request));
    }
  }

  private static final PathPatternRequestMatcher.Builder PATHS = PathPatternRequestMatcher.withDefaults();
  /** The scope of a system's log sender; a credential of this scope is bound to one system. */
  public static final String LOGS = "logs";
  public static final Map<String, Scope> SCOPES = Map.of(
      "deployments", new Scope("deployments", "CI pipelines report production deployments", Role.DEPLOYER.groupId(),
          List.of(PATHS.matcher(HttpMethod.POST, "/api/changes/deployments"))),
      "hr-feed", new Scope("hr-feed", "HR imports: identities, baseline grants, usage", Role.SECURITY_ADMIN.groupId(),
          List.of(PATHS.matcher(HttpMethod.POST, "/api/access/identities/import"),
              PATHS.matcher(HttpMethod.GET, "/api/access/identities/imports/**"),
              PATHS.matcher(HttpMethod.POST, "/api/access/grants/import"),
              PATHS.matcher(HttpMethod.POST, "/api/access/usage"))),
      "scim", new Scope("scim", "an identity provider pushing users by SCIM 2.0", "hr-feed",
          List.of(PATHS.matcher("/scim/v2/**"))),
      "model-deploy", new Scope("model-deploy", "Camunda Modeler deploying BPMN, DMN and forms", Role.GOVERNANCE_LEAD.groupId(),
          List.of(PATHS.matcher(HttpMethod.POST, "/engine-rest/deployment/create"),
              PATHS.matcher(HttpMethod.GET, "/engine-rest/deployment/**"), PATHS.matcher(HttpMethod.GET, "/engine-rest/version"))),
      "audit-read", new Scope("audit-read", "a SIEM or auditor tool reading the audit trail", Role.AUDITOR.groupId(),
          List.of(PATHS.matcher(HttpMethod.GET, "/api/audit/**"))),
      LOGS, new Scope(LOGS, "a financial system or its log shipper sending its logs (HEC, syslog); bound to one system",
          "logs-source", List.of(PATHS.matcher(HttpMethod.POST, "/services/collector/**"))));
  static final Duration MAX_LIFETIME = Duration.ofDays(366);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A credential as listed (never its token). */
  public record Credential(String id, String name, List<String> scopes, String system, String issuedBy,
      Instant issuedAt, Instant expiresAt, Instant revokedAt, String revokedBy, Instant lastUsedAt) {}

  /** A credential of scope {@code logs} that authenticated a log sender, with the system it is bound to. */
  public record LogSender(String id, String name, String system) {}

  /** A credential that authenticated a request. */
  record Authenticated(String id, String name, List<String> scopes) {}

  /** A credential issued or revoked, for the access registry (published inside the transaction). */
  public record Event(String id, String name, List<String> scopes, String by, boolean issued) {}

  private final JdbcTemplate jdbc;
  private final AuditRecorder audit;
  private final Clock clock;
  private final org.springframework.context.ApplicationEventPublisher events;

  private final org.itgc.systems.SystemsInventory systems;

  ApiCredentials(JdbcTemplate jdbc, AuditRecorder audit, Clock clock,
      org.springframework.context.ApplicationEventPublisher events, org.itgc.systems.SystemsInventory systems) {
    this.systems = systems;
    this.jdbc = jdbc;
    this.audit = audit;
    this.clock = clock;
    this.events = events;
  }

  /** Issues a credential; the token is returned once and never stored. */
  @org.springframework.transaction.annotation.Transactional
  public Map<String, Object> issue(String name, List<String> scopes, Instant expiresAt, String by) {
    return issue(name, scopes, null, expiresAt, by);
  }

  /**
   * Issues a credential; the token is returned once and never stored. A credential of scope {@code logs} names the
   * system of {@code config/systems.yaml} whose logs it sends (and then no other scope); others name none.
   */
  @org.springframework.transaction.annotation.Transactional
  public Map<String, Object> issue(String name, List<String> scopes, String system, Instant expiresAt, String by) {
    List<FieldError> errors = new ArrayList<>();
    boolean logs = scopes != null && scopes.contains(LOGS);
    if (logs && (system == null || systems.find(system).isEmpty())) {
      errors.add(new FieldError("system", "a credential of scope logs names the system whose logs it sends, one of "
          + systems.all().stream().map(org.itgc.systems.FinancialSystem::id).toList()));
    } else if (logs && scopes.stream().distinct().count() > 1) {
      errors.add(new FieldError("scopes", "a credential of scope logs has no other scope: a system's log sender "
          + "reaches nothing else"));
    } else if (!logs && system != null) {
      errors.add(new FieldError("system", "only a credential of scope logs is bound to a system"));
    }
    if (name == null || name.isBlank() || name.length() > 200) {
      errors.add(new FieldError("name", "is required (at most 200 characters): say which machine uses it"));
    }
    if (scopes == null || scopes.isEmpty()) {
      errors.add(new FieldError("scopes", "name at least one of " + String.join(", ", SCOPES.keySet())));
    } else {
      scopes.stream().filter(s -> !SCOPES.containsKey(s)).forEach(s ->
          errors.add(new FieldError("scopes", "'" + s + "' is not one of " + String.join(", ", SCOPES.keySet()))));
    }
    Instant now = clock.instant();
    if (expiresAt == null) {
      errors.add(new FieldError("expiresAt", "is required"));
    } else if (!expiresAt.isAfter(now) || expiresAt.isAfter(now.plus(MAX_LIFETIME))) {
      errors.add(new FieldError("expiresAt", "must be in the future and at most a year ahead"));
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    String id = random(6);
    String token = "itgc_" + id + "_" + random(32);
    jdbc.update(con -> {
      var ps = con.prepareStatement("""
          insert into api_credential (id, name, token_hash, scopes, issued_by, issued_at, expires_at, system_id)
          values (?, ?, ?, ?, ?, ?, ?, ?)
          """);
      ps.setString(1, id);
      ps.setString(2, name.strip());
      ps.setString(3, org.itgc.platform.Hashes.sha256(token));
      ps.setArray(4, con.createArrayOf("varchar", scopes.stream().distinct().toArray()));
      ps.setString(5, by);
      ps.setTimestamp(6, Timestamp.from(now));
      ps.setTimestamp(7, Timestamp.from(expiresAt));
      ps.setString(8, system);
      return ps;
    });
    audit.record(AuditEvent.of("api-credential.issue", "api-credential", id).detail("name", name.strip())
        .detail("scopes", scopes).detail("system", system).detail("expiresAt", expiresAt.toString()).build());
    events.publishEvent(new Event(id, name.strip(), List.copyOf(scopes), by, true));
    var answer = new java.util.LinkedHashMap<String, Object>(Map.of("id", id, "name", name.strip(), "scopes", scopes,
        "expiresAt", expiresAt.toString(), "token", token));
    if (system != null) {
      answer.put("system", system);
    }
    return answer;
  }

  public void revoke(String id, String by) {
    if (!revokeIfActive(id, by)) {
      throw new NotFoundException("active API credential", id);
    }
  }

  /** Revokes a credential unless it is revoked already; false when there is no such active credential. */
  @org.springframework.transaction.annotation.Transactional
  public boolean revokeIfActive(String id, String by) {
    int changed = jdbc.update("update api_credential set revoked_at = ?, revoked_by = ? where id = ? and revoked_at is null",
        Timestamp.from(clock.instant()), by, id);
    if (changed == 0) {
      return false;
    }
    audit.record(AuditEvent.of("api-credential.revoke", "api-credential", id).detail("by", by).build());
    events.publishEvent(new Event(id, null, List.of(), by, false));
    return true;
  }

  public List<Credential> list() {
    return jdbc.query("select * from api_credential order by issued_at", (rs, i) -> new Credential(rs.getString("id"),
        rs.getString("name"), Arrays.asList((String[]) rs.getArray("scopes").getArray()), rs.getString("system_id"),
        rs.getString("issued_by"),
        rs.getTimestamp("issued_at").toInstant(), rs.getTimestamp("expires_at").toInstant(),
        rs.getTimestamp("revoked_at") == null ? null : rs.getTimestamp("revoked_at").toInstant(), rs.getString("revoked_by"),
        rs.getTimestamp("last_used_at") == null ? null : rs.getTimestamp("last_used_at").toInstant()));
  }

  /** A credential as stored: its token only as a hash. */
  private record Stored(String name, String tokenHash, List<String> scopes, Instant expiresAt, boolean revoked,
      String system) {}

  /**
   * The log sender of a token: a credential that exists, is not revoked, has not expired and has scope {@code logs}
   * (so it is bound to a system). Empty for any other token; the caller refuses and audits.
   */
  public Optional<LogSender> authenticateLogSender(String token) {
    var sender = valid(token).filter(c -> c.stored().scopes().contains(LOGS) && c.stored().system() != null);
    sender.ifPresent(c -> used(c.id()));
    return sender.map(c -> new LogSender(c.id(), c.stored().name(), c.stored().system()));
  }

  /**
   * Whether a token is that of a valid credential at all (of whichever scope), for the wording of a refusal; not a
   * use of the credential.
   */
  public boolean isValidCredential(String token) {
    return valid(token).isPresent();
  }

  /** The credential of a token, if it exists, is not revoked and has not expired. */
  Optional<Authenticated> authenticate(String token) {
    var credential = valid(token);
    credential.ifPresent(c -> used(c.id()));
    return credential.map(c -> new Authenticated(c.id(), c.stored().name(), c.stored().scopes()));
  }

  private void used(String id) {
    jdbc.update("update api_credential set last_used_at = ? where id = ?", Timestamp.from(clock.instant()), id);
  }

  private record Valid(String id, Stored stored) {}

  private Optional<Valid> valid(String token) {
    String[] parts = token == null ? new String[0] : token.split("_", 3);
    if (parts.length != 3 || !parts[0].equals("itgc")) {
      return Optional.empty();
    }
    var rows = jdbc.query("""
        select name, token_hash, scopes, expires_at, revoked_at, system_id from api_credential where id = ?
        """, (rs, i) -> new Stored(rs.getString("name"), rs.getString("token_hash"),
        List.of((String[]) rs.getArray("scopes").getArray()), rs.getTimestamp("expires_at").toInstant(),
        rs.getTimestamp("revoked_at") != null, rs.getString("system_id")), parts[1]);
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    Stored stored = rows.get(0);
    boolean match = MessageDigest.isEqual(org.itgc.platform.Hashes.sha256(token).getBytes(StandardCharsets.US_ASCII),
        stored.tokenHash().getBytes(StandardCharsets.US_ASCII));
    Instant now = clock.instant();
    if (!match || stored.revoked() || !stored.expiresAt().isAfter(now)) {
      return Optional.empty();
    }
    return Optional.of(new Valid(parts[1], stored));
  }

  private static String random(int bytes) {
    byte[] value = new byte[bytes];
    RANDOM.nextBytes(value);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(value).replace("_", "-");
  }
}
