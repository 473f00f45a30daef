package org.itgc.access;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.platform.calendar.BusinessCalendar;
import org.itgc.platform.csv.Csv;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.platform.web.InvalidInputException.FieldError;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The access registry (control AC-01): every grant with its provenance. Grants are ended, never deleted (a database
 * trigger refuses deletes and any change to a grant other than ending it once).
 */
@Service
public class AccessRegistry {

  static final List<String> BASELINE_COLUMNS = List.of("employeeId", "systemId", "entitlementId", "grantedAt");

  private final JdbcTemplate jdbc;
  private final TransactionTemplate transactions;
  private final AccessCatalogue catalogue;
  private final AuditRecorder audit;
  private final BusinessCalendar calendar;
  private final ObjectMapper json;
  private final Clock clock;

  AccessRegistry(JdbcTemplate jdbc, TransactionTemplate transactions, AccessCatalogue catalogue, AuditRecorder audit,
      BusinessCalendar calendar, ObjectMapper json, Clock clock) {
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.catalogue = catalogue;
    this.audit = audit;
    this.calendar = calendar;
    this.json = json;
    this.clock = clock;
  }

  /** One baseline row that was not loaded. */
  public record RowError(int line, String field, String reason) {}

  public record BaselineReport(int rows, int loaded, int alreadyHeld, List<RowError> errors) {}

  // ------------------------------------------------------------------ writes

  /** Records a grant and returns its id; the provenance says why (request, approvals, fulfilment). */
  public long grant(String identityId, String systemId, String entitlementId, Instant grantedAt, String grantedBy,
      String source, String requestId, Map<String, ?> provenance) {
    AccessCatalogue.Entitlement entitlement = catalogue.entitlement(systemId, entitlementId).orElseThrow(() ->
        InvalidInputException.of("entitlementId", "'" + systemId + "/" + entitlementId + "' is not in config/access.yaml"));
    Long id = jdbc.queryForObject("""
        insert into access_grant (identity_id, system_id, entitlement_id, privileged, granted_at, granted_by, source,
            request_id, provenance)
        values (?, ?, ?, ?, ?, ?, ?, ?, cast(? as jsonb)) returning id
        """, Long.class, identityId, systemId, entitlementId, entitlement.privileged(), Timestamp.from(grantedAt),
        grantedBy, source, requestId, toJson(provenance));
    audit.record(AuditEvent.of("access.grant", "access-grant", String.valueOf(id)).actor(grantedBy, null)
        .detail("identityId", identityId).detail("systemId", systemId).detail("entitlementId", entitlementId)
        .detail("privileged", entitlement.privileged()).detail("source", source).detail("requestId", requestId).build());
    return id;
  }

  /** Ends a grant: the access was removed at {@code removedAt}. */
  public void end(long grantId, Instant removedAt, String removedBy, String reason, String revocationId) {
    int ended = jdbc.update("""
        update access_grant set removed_at = ?, removed_by = ?, removal_reason = ?, revocation_id = ?
        where id = ? and removed_at is null
        """, Timestamp.from(removedAt), removedBy, reason, revocationId, grantId);
    if (ended == 1) {
      audit.record(AuditEvent.of("access.grant.end", "access-grant", String.valueOf(grantId)).actor(removedBy, null)
          .detail("removedAt", removedAt.toString()).detail("reason", reason).detail("revocationId", revocationId).build());
    }
  }

  /** Loads pre-existing grants (a baseline): each good row in its own transaction, bad rows reported. */
  public BaselineReport importBaseline(String text, String actor) {
    Csv.Table table;
    try {
      table = Csv.read(text);
    } catch (Csv.MalformedCsvException e) {
      throw InvalidInputException.of("file", e.getMessage());
    }
    List<String> missing = BASELINE_COLUMNS.stream().filter(c -> !table.header().contains(c)).toList();
    if (!missing.isEmpty()) {
      throw InvalidInputException.of("header", "missing columns " + String.join(", ", missing) + "; expected "
          + String.join(",", BASELINE_COLUMNS));
    }
    int loaded = 0;
    int held = 0;
    List<RowError> errors = new ArrayList<>();
    for (Csv.Row row : table.rows()) {
      List<FieldError> problems = new ArrayList<>();
      String identityId = row.get("employeeId");
      String systemId = row.get("systemId");
      String entitlementId = row.get("entitlementId");
      if (identityId == null) {
        problems.add(new FieldError("employeeId", "is required"));
      } else if (jdbc.queryForObject("select count(*) from access_identity where id = ?", Integer.class, identityId) == 0) {
        problems.add(new FieldError("employeeId", "'" + identityId + "' is not a known identity"));
      }
      if (systemId == null || !catalogue.systemIds().contains(systemId)) {
        problems.add(new FieldError("systemId", systemId == null ? "is required" : "'" + systemId + "' is not a system of config/access.yaml"));
      } else if (entitlementId == null || catalogue.entitlement(systemId, entitlementId).isEmpty()) {
        problems.add(new FieldError("entitlementId", entitlementId == null ? "is required"
            : "'" + entitlementId + "' is not an entitlement of " + systemId));
      }
      Instant grantedAt = null;
      String at = row.get("grantedAt");
      if (at == null) {
        problems.add(new FieldError("grantedAt", "is required"));
      } else {
        try {
          grantedAt = calendar.parseInstant(at);
        } catch (DateTimeParseException e) {
          problems.add(new FieldError("grantedAt", "'" + at + "' is not a date such as 2026-01-15"));
        }
      }
      if (problems.isEmpty() && catalogue.registryOnly(systemId, entitlementId) && jdbc.queryForObject(
          "select count(*) from access_identity where id = ? and user_name = ?", Integer.class, identityId, actor) > 0) {
        // an eligibility exists in the registry only: importing it grants it, and with it break-glass at once
        problems.add(new FieldError("entitlementId", "'" + entitlementId + "' is an eligibility, which exists only "
            + "in the registry: nobody imports their own; request it through an access request"));
      }
      if (!problems.isEmpty()) {
        problems.forEach(p -> errors.add(new RowError(row.line(), p.field(), p.reason())));
        continue;
      }
      Instant when = grantedAt;
      if (!active(identityId, systemId, entitlementId).isEmpty()) {
        held++;
        continue;
      }
      try {
        transactions.executeWithoutResult(status -> grant(identityId, systemId, entitlementId, when, actor, "imported",
            null, Map.of("note", "pre-existing, imported", "line", row.line())));
        loaded++;
      } catch (DuplicateKeyException e) {
        held++;
      }
    }
    audit.record(AuditEvent.of("access.baseline-import", "access-registry", "baseline").actor(actor, null)
        .detail("rows", table.rows().size()).detail("loaded", loaded).detail("alreadyHeld", held)
        .detail("rejected", errors.size()).build());
    return new BaselineReport(table.rows().size(), loaded, held, errors);
  }

  static final List<String> USAGE_COLUMNS = List.of("employeeId", "systemId", "entitlementId", "lastUsedAt");

  /** What a usage import did. */
  public record UsageReport(int rows, int updated, List<RowError> errors) {}

  /**
   * Records when grants were last used, as a system reports it (columns employeeId, systemId, entitlementId,
   * lastUsedAt). Each system named becomes a system that reports usage: certification then flags its grants that
   * were never used or not for 90 days.
   */
  public UsageReport importUsage(String text, String actor) {
    Csv.Table table;
    try {
      table = Csv.read(text);
    } catch (Csv.MalformedCsvException e) {
      throw InvalidInputException.of("file", e.getMessage());
    }
    List<String> missing = USAGE_COLUMNS.stream().filter(c -> !table.header().contains(c)).toList();
    if (!missing.isEmpty()) {
      throw InvalidInputException.of("header", "missing columns " + String.join(", ", missing) + "; expected "
          + String.join(",", USAGE_COLUMNS));
    }
    int updated = 0;
    List<RowError> errors = new ArrayList<>();
    java.util.Set<String> systemsSeen = new java.util.TreeSet<>();
    for (Csv.Row row : table.rows()) {
      String systemId = row.get("systemId");
      if (systemId == null || !catalogue.systemIds().contains(systemId)) {
        errors.add(new RowError(row.line(), "systemId", systemId == null ? "is required"
            : "'" + systemId + "' is not a system of config/access.yaml"));
        continue;
      }
      Instant used;
      try {
        used = row.get("lastUsedAt") == null ? null : calendar.parseInstant(row.get("lastUsedAt"));
      } catch (DateTimeParseException e) {
        errors.add(new RowError(row.line(), "lastUsedAt", "'" + row.get("lastUsedAt") + "' is not a date such as 2026-11-02"));
        continue;
      }
      if (used == null) {
        errors.add(new RowError(row.line(), "lastUsedAt", "is required"));
        continue;
      }
      int changed = jdbc.update("""
          update access_grant set last_used_at = greatest(coalesce(last_used_at, ?), ?)
          where identity_id = ? and system_id = ? and entitlement_id = ? and removed_at is null
          """, Timestamp.from(used), Timestamp.from(used), row.get("employeeId"), systemId, row.get("entitlementId"));
      if (changed == 0) {
        errors.add(new RowError(row.line(), "entitlementId", row.get("employeeId") + " holds no active grant of "
            + systemId + "/" + row.get("entitlementId")));
        continue;
      }
      systemsSeen.add(systemId);
      updated += changed;
    }
    Instant now = clock.instant();
    for (String systemId : systemsSeen) {
      jdbc.update("""
          insert into access_usage_feed (system_id, last_received_at, last_received_by) values (?, ?, ?)
          on conflict (system_id) do update set last_received_at = excluded.last_received_at,
              last_received_by = excluded.last_received_by
          """, systemId, Timestamp.from(now), actor);
    }
    audit.record(AuditEvent.of("access.usage-import", "access-registry", "usage").actor(actor, null)
        .detail("rows", table.rows().size()).detail("updated", updated).detail("rejected", errors.size())
        .detail("systems", List.copyOf(systemsSeen)).build());
    return new UsageReport(table.rows().size(), updated, errors);
  }

  // ------------------------------------------------------------------ queries

  public Optional<Grant> find(long id) {
    return jdbc.query("select * from access_grant where id = ?", this::map, id).stream().findFirst();
  }

  /** What a person holds now. */
  public List<Grant> current(String identityId) {
    return jdbc.query("select * from access_grant where identity_id = ? and removed_at is null order by system_id, entitlement_id",
        this::map, identityId);
  }

  /** What a person held at an instant. */
  public List<Grant> heldAt(String identityId, Instant at) {
    Timestamp t = Timestamp.from(at);
    return jdbc.query("""
        select * from access_grant where identity_id = ? and granted_at <= ? and (removed_at is null or removed_at > ?)
        order by system_id, entitlement_id
        """, this::map, identityId, t, t);
  }

  /** Every grant a person ever had. */
  public List<Grant> history(String identityId) {
    return jdbc.query("select * from access_grant where identity_id = ? order by granted_at, id", this::map, identityId);
  }

  /** Who holds an entitlement now. */
  public List<Grant> holders(String systemId, String entitlementId) {
    return jdbc.query("""
        select * from access_grant where system_id = ? and entitlement_id = ? and removed_at is null order by identity_id
        """, this::map, systemId, entitlementId);
  }

  /** Every active grant of a system. */
  List<Grant> activeOfSystem(String systemId) {
    return jdbc.query("""
        select * from access_grant where system_id = ? and removed_at is null order by entitlement_id, identity_id
        """, this::map, systemId);
  }

  List<Grant> active(String identityId, String systemId, String entitlementId) {
    return jdbc.query("""
        select * from access_grant where identity_id = ? and system_id = ? and entitlement_id = ? and removed_at is null
        """, this::map, identityId, systemId, entitlementId);
  }

  /** The SoD functions a person holds now. */
  public List<String> currentFunctions(String identityId) {
    List<String> functions = new ArrayList<>();
    for (Grant grant : current(identityId)) {
      for (String code : catalogue.functionsOf(grant.systemId(), grant.entitlementId())) {
        if (!functions.contains(code)) {
          functions.add(code);
        }
      }
    }
    return functions;
  }

  private Grant map(ResultSet rs, int row) throws SQLException {
    Timestamp removed = rs.getTimestamp("removed_at");
    return new Grant(rs.getLong("id"), rs.getString("identity_id"), rs.getString("system_id"),
        rs.getString("entitlement_id"), rs.getBoolean("privileged"), rs.getTimestamp("granted_at").toInstant(),
        rs.getString("granted_by"), rs.getString("source"), rs.getString("request_id"), fromJson(rs.getString("provenance")),
        removed == null ? null : removed.toInstant(), rs.getString("removed_by"), rs.getString("removal_reason"),
        rs.getString("revocation_id"));
  }

  private String toJson(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private Map<String, Object> fromJson(String value) {
    try {
      return json.readValue(value, new TypeReference<>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  Instant now() {
    return clock.instant();
  }
}
