package org.itgc.access;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.platform.calendar.BusinessCalendar;
import org.itgc.platform.csv.Csv;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.platform.web.InvalidInputException.FieldError;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Identities from HR and their HR events. An update from a feed (CSV import or SCIM) is compared with what is
 * stored: a new person is a joiner, a termination a leaver, a new job or department a mover, a return a rehire.
 * Each event is stored, audited and published in the same transaction, so that revocation starts with it or not at
 * all.
 */
@Service
public class Identities {

  static final List<String> CSV_COLUMNS = List.of("employeeId", "name", "email", "managerId", "department", "job",
      "status", "hireDate", "terminationDate", "userName");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Identities.class);

  private final JdbcTemplate jdbc;
  private final TransactionTemplate transactions;
  private final ApplicationEventPublisher events;
  private final AuditRecorder audit;
  private final BusinessCalendar calendar;
  private final ObjectMapper json;
  private final Clock clock;

  Identities(JdbcTemplate jdbc, TransactionTemplate transactions, ApplicationEventPublisher events, AuditRecorder audit,
      BusinessCalendar calendar, ObjectMapper json, Clock clock) {
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.events = events;
    this.audit = audit;
    this.calendar = calendar;
    this.json = json;
    this.clock = clock;
  }

  /** What one update did. */
  public record Outcome(String identityId, String change, HrEvent event) {}

  /** One CSV row that was not imported: its line, the field and why. */
  public record RowError(int line, String field, String reason) {}

  /** What a CSV import did. */
  public record ImportReport(int rows, int created, int updated, int unchanged, List<RowError> errors,
      List<HrEvent> events) {}

  // ------------------------------------------------------------------ queries

  public Optional<Identity> find(String id) {
    return jdbc.query("select * from access_identity where id = ?", Identities::map, id).stream().findFirst();
  }

  public Optional<Identity> findByUserName(String userName) {
    if (userName == null) {
      return Optional.empty();
    }
    return jdbc.query("select * from access_identity where user_name = ?", Identities::map, userName).stream().findFirst();
  }

  public Identity require(String field, String id) {
    if (id == null || id.isBlank()) {
      throw InvalidInputException.of(field, "is required");
    }
    return find(id.strip()).orElseThrow(() -> InvalidInputException.of(field, "'" + id + "' is not a known identity"));
  }

  public List<Identity> search(String text, int limit) {
    String like = "%" + (text == null ? "" : text.toLowerCase()) + "%";
    return jdbc.query("""
        select * from access_identity where lower(id) like ? or lower(name) like ? or lower(coalesce(user_name, '')) like ?
        order by id limit ?
        """, Identities::map, like, like, like, limit);
  }

  /**
   * The login of the first manager above {@code from}, in HR's chain, who has a login and is not
   * {@code notThisLogin} (a requester, or the person themselves); empty when HR names nobody such.
   */
  public Optional<String> managerLogin(Identity from, String notThisLogin) {
    Identity current = from;
    for (int depth = 0; depth < 10 && current.managerId() != null; depth++) {
      Identity manager = find(current.managerId()).orElse(null);
      if (manager == null) {
        return Optional.empty();
      }
      if (manager.userName() != null && !manager.userName().equals(notThisLogin)) {
        return Optional.of(manager.userName());
      }
      current = manager;
    }
    return Optional.empty();
  }

  // ------------------------------------------------------------------ updates

  /**
   * Stores one identity from a feed and the HR event it means, in one transaction.
   *
   * @throws InvalidInputException naming every field at fault; nothing is stored then
   */
  public Outcome apply(Identity incoming, String source, String actor) {
    List<FieldError> errors = validate(incoming);
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    return transactions.execute(status -> store(incoming, source, actor));
  }

  /** Imports an HR CSV file: each good row is stored in its own transaction; bad rows are reported, not stored. */
  public ImportReport importCsv(String text, String actor) {
    Csv.Table table;
    try {
      table = Csv.read(text);
    } catch (Csv.MalformedCsvException e) {
      throw InvalidInputException.of("file", e.getMessage());
    }
    List<String> missing = CSV_COLUMNS.stream().filter(c -> !table.header().contains(c)).toList();
    if (!missing.isEmpty()) {
      throw InvalidInputException.of("header", "missing columns " + String.join(", ", missing) + "; expected "
          + String.join(",", CSV_COLUMNS));
    }
    int created = 0;
    int updated = 0;
    int unchanged = 0;
    List<RowError> rowErrors = new ArrayList<>();
    List<HrEvent> hrEvents = new ArrayList<>();
    // each row read and checked on its own first
    List<Identity> parsed = new ArrayList<>();
    List<List<FieldError>> rowFieldErrors = new ArrayList<>();
    for (Csv.Row row : table.rows()) {
      List<FieldError> errors = new ArrayList<>();
      Identity identity = fromRow(row, errors);
      if (identity != null) {
        errors.addAll(validate(identity));
      }
      parsed.add(identity);
      rowFieldErrors.add(errors);
    }
    // HR's chain as it will be: the registry's managers, with this file's accepted rows over them; a row held for its
    // manager leaves the chain, so the rows it manages are checked again
    java.util.Map<String, String> registry = new java.util.HashMap<>();
    jdbc.query("select id, manager_id from access_identity", rs -> {
      registry.put(rs.getString(1), rs.getString(2));
    });
    java.util.Map<String, String> managers = new java.util.HashMap<>(registry);
    for (int i = 0; i < parsed.size(); i++) {
      if (parsed.get(i) != null && rowFieldErrors.get(i).isEmpty()) {
        managers.put(parsed.get(i).id(), parsed.get(i).managerId());
      }
    }
    for (boolean changed = true; changed; ) {
      changed = false;
      var chains = new ManagerChains(managers);
      for (int i = 0; i < parsed.size(); i++) {
        Identity identity = parsed.get(i);
        if (identity == null || !rowFieldErrors.get(i).isEmpty()) {
          continue;
        }
        var problem = chains.problem(identity.id(), identity.managerId());
        if (problem.isPresent()) {
          rowFieldErrors.get(i).add(new FieldError("managerId", problem.get()));
          if (registry.containsKey(identity.id())) {
            managers.put(identity.id(), registry.get(identity.id()));
          } else {
            managers.remove(identity.id());
          }
          changed = true;
        }
      }
    }
    for (int r = 0; r < table.rows().size(); r++) {
      Csv.Row row = table.rows().get(r);
      Identity identity = parsed.get(r);
      List<FieldError> errors = rowFieldErrors.get(r);
      if (!errors.isEmpty()) {
        errors.forEach(e -> rowErrors.add(new RowError(row.line(), e.field(), e.reason())));
        continue;
      }
      try {
        Outcome outcome = transactions.execute(status -> store(identity, "hr-csv", actor));
        switch (outcome.change()) {
          case "created" -> created++;
          case "updated" -> updated++;
          default -> unchanged++;
        }
        if (outcome.event() != null) {
          hrEvents.add(outcome.event());
        }
      } catch (InvalidInputException e) {
        e.errors().forEach(f -> rowErrors.add(new RowError(row.line(), f.field(), f.reason())));
      } catch (org.springframework.dao.DataAccessException e) {
        // a value the database refuses (a check missed it): this row is not stored, the others go on
        var refused = org.itgc.platform.web.DataRefusals.problem(e);
        if (refused.isEmpty() || org.itgc.platform.web.DatabaseOutage.isOutage(e)) {
          throw e;
        }
        log.warn("HR row {} refused by the database", row.line(), e);
        rowErrors.add(new RowError(row.line(), "row", refused.get().getDetail().replaceFirst("^body: ", "")));
      }
    }
    audit.record(AuditEvent.of("access.hr-import", "hr-feed", "csv").detail("rows", table.rows().size())
        .detail("created", created).detail("updated", updated).detail("unchanged", unchanged)
        .detail("rejected", rowErrors.stream().map(RowError::line).distinct().count()).detail("events", hrEvents.size())
        .build());
    return new ImportReport(table.rows().size(), created, updated, unchanged, rowErrors, hrEvents);
  }

  /** Why a manager cannot stand, or empty (see {@link ManagerChains}). */
  static java.util.Optional<String> managerProblem(String id, String managerId, java.util.Map<String, String> managers) {
    return new ManagerChains(managers).problem(id, managerId);
  }

  /** Service accounts of config/access.yaml, kept as identities of their own (source {@code config}). */
  void storeServiceAccounts(List<AccessCatalogue.ServiceAccount> accounts) {
    for (AccessCatalogue.ServiceAccount account : accounts) {
      Identity identity = new Identity(account.id(), Identity.SERVICE, account.name(), account.email(), null, null,
          null, Identity.ACTIVE, null, null, null, account.owner(), "config", null);
      transactions.execute(status -> store(identity, "config", "system"));
    }
  }

  /** A service identity of the engine's own making (an API credential), owned by the employee who issued it. */
  void ensureService(String id, String name, String ownerId, String source, String actor) {
    Identity identity = new Identity(id, Identity.SERVICE, name, null, null, null, null, Identity.ACTIVE, null, null,
        null, ownerId, source, null);
    transactions.execute(status -> store(identity, source, actor));
  }

  /** Ends a service identity (its credential was revoked); its grants are ended by the caller first. */
  void endService(String id, String source, String actor) {
    find(id).filter(Identity::active).ifPresent(identity -> transactions.execute(status -> store(
        identity.withStatus(Identity.TERMINATED, clock.instant().atZone(calendar.zone()).toLocalDate()), source, actor)));
  }

  private Outcome store(Identity incoming, String source, String actor) {
    Instant now = clock.instant();
    Optional<Identity> stored = jdbc.query("select * from access_identity where id = ? for update", Identities::map,
        incoming.id()).stream().findFirst();
    if (incoming.userName() != null) {
      Optional<Identity> holder = findByUserName(incoming.userName());
      if (holder.isPresent() && !holder.get().id().equals(incoming.id())) {
        throw InvalidInputException.of("userName", "'" + incoming.userName() + "' already belongs to identity "
            + holder.get().id());
      }
    }
    if (stored.isEmpty()) {
      jdbc.update("""
          insert into access_identity (id, kind, name, email, manager_id, department, job, status, hire_date,
              termination_date, user_name, owner_id, source, scim_id, created_at, updated_at)
          values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """, incoming.id(), incoming.kind(), incoming.name(), incoming.email(), incoming.managerId(),
          incoming.department(), incoming.job(), incoming.status(), date(incoming.hireDate()),
          date(incoming.terminationDate()), incoming.userName(), incoming.ownerId(), source, incoming.scimId(),
          Timestamp.from(now), Timestamp.from(now));
      audit.record(AuditEvent.of("access.identity.create", "identity", incoming.id()).actor(actor, null)
          .detail("source", source).detail("status", incoming.status()).detail("job", incoming.job()).build());
      HrEvent event = Identity.PERSON.equals(incoming.kind()) && incoming.active()
          ? event(incoming, HrEvent.JOINER,
              Map.of("job", String.valueOf(incoming.job()), "department", String.valueOf(incoming.department())),
              source, actor, now)
          : null;
      return new Outcome(incoming.id(), "created", event);
    }
    Identity before = stored.get();
    Identity after = incoming.scimId() == null && before.scimId() != null ? incoming.withScimId(before.scimId()) : incoming;
    if (same(before, after)) {
      return new Outcome(after.id(), "unchanged", null);
    }
    jdbc.update("""
        update access_identity set kind = ?, name = ?, email = ?, manager_id = ?, department = ?, job = ?, status = ?,
            hire_date = ?, termination_date = ?, user_name = ?, owner_id = ?, source = ?, scim_id = ?, updated_at = ?
        where id = ?
        """, after.kind(), after.name(), after.email(), after.managerId(), after.department(), after.job(),
        after.status(), date(after.hireDate()), date(after.terminationDate()), after.userName(), after.ownerId(), source,
        after.scimId(), Timestamp.from(now), after.id());
    Map<String, Object> changed = differences(before, after);
    audit.record(AuditEvent.of("access.identity.update", "identity", after.id()).actor(actor, null)
        .detail("source", source).detail("changed", changed).build());
    HrEvent event = null;
    if (before.active() && !after.active()) {
      event = event(after, HrEvent.LEAVER, changed, source, actor, now);
    } else if (!before.active() && after.active()) {
      event = event(after, HrEvent.REHIRE, changed, source, actor, now);
    } else if (after.active() && Identity.PERSON.equals(after.kind())
        && (!Objects.equals(before.job(), after.job()) || !Objects.equals(before.department(), after.department()))) {
      event = event(after, HrEvent.MOVER, changed, source, actor, now);
    }
    return new Outcome(after.id(), "updated", event);
  }

  private HrEvent event(Identity identity, String kind, Map<String, Object> details, String source, String actor,
      Instant now) {
    Instant effective = now;
    if (HrEvent.LEAVER.equals(kind) && identity.terminationDate() != null) {
      effective = identity.terminationDate().atStartOfDay(calendar.zone()).toInstant();
    }
    Long id = jdbc.queryForObject("""
        insert into access_hr_event (identity_id, kind, effective_at, details, source, received_at, received_by)
        values (?, ?, ?, cast(? as jsonb), ?, ?, ?) returning id
        """, Long.class, identity.id(), kind, Timestamp.from(effective), toJson(details), source, Timestamp.from(now),
        actor);
    HrEvent event = new HrEvent(id, identity.id(), kind, effective, details, actor);
    audit.record(AuditEvent.of("access.hr-event", "identity", identity.id()).actor(actor, null).detail("kind", kind)
        .detail("hrEventId", id).detail("effectiveAt", effective.toString()).detail("source", source).build());
    events.publishEvent(event);
    return event;
  }

  void linkRevocation(long hrEventId, String revocationId) {
    jdbc.update("update access_hr_event set revocation_id = ? where id = ?", revocationId, hrEventId);
  }

  // ------------------------------------------------------------------ validation and mapping

  private static Identity fromRow(Csv.Row row, List<FieldError> errors) {
    LocalDate hire = dateCell(row, "hireDate", errors);
    LocalDate terminated = dateCell(row, "terminationDate", errors);
    String status = row.get("status");
    return new Identity(row.get("employeeId"), Identity.PERSON, row.get("name"), row.get("email"), row.get("managerId"),
        row.get("department"), row.get("job"), status == null ? null : status.toLowerCase(), hire, terminated,
        row.get("userName"), null, "hr-csv", null);
  }

  private static LocalDate dateCell(Csv.Row row, String column, List<FieldError> errors) {
    String value = row.get(column);
    if (value == null) {
      return null;
    }
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      errors.add(new FieldError(column, "'" + value + "' is not a date such as 2026-11-30"));
      return null;
    }
  }

  static List<FieldError> validate(Identity identity) {
    List<FieldError> errors = new ArrayList<>();
    if (identity.id() == null) {
      errors.add(new FieldError("employeeId", "is required"));
    } else if (!ID.matcher(identity.id()).matches()) {
      errors.add(new FieldError("employeeId", "'" + identity.id() + "' must be letters, digits, '.', '_' or '-' (at most 64)"));
    }
    if (identity.name() == null || identity.name().isBlank()) {
      errors.add(new FieldError("name", "is required"));
    }
    tooLong(errors, "name", identity.name(), 200);
    tooLong(errors, "department", identity.department(), 200);
    tooLong(errors, "job", identity.job(), 200);
    tooLong(errors, "email", identity.email(), 320);
    if (identity.email() != null && !EMAIL.matcher(identity.email()).matches()) {
      errors.add(new FieldError("email", "'" + identity.email() + "' is not an e-mail address"));
    }
    if (identity.status() == null) {
      errors.add(new FieldError("status", "is required (active or terminated)"));
    } else if (!List.of(Identity.ACTIVE, Identity.TERMINATED).contains(identity.status())) {
      errors.add(new FieldError("status", "'" + identity.status() + "' must be active or terminated"));
    }
    if (Identity.TERMINATED.equals(identity.status()) && identity.terminationDate() == null
        && Identity.PERSON.equals(identity.kind())) {
      errors.add(new FieldError("terminationDate", "is required when status is terminated"));
    }
    if (identity.hireDate() != null && identity.terminationDate() != null
        && identity.terminationDate().isBefore(identity.hireDate())) {
      errors.add(new FieldError("terminationDate", "is before hireDate"));
    }
    if (identity.managerId() != null && identity.managerId().equals(identity.id())) {
      errors.add(new FieldError("managerId", "a person cannot be their own manager"));
    }
    if (identity.userName() != null && !identity.userName().matches("[a-z0-9][a-z0-9._-]{0,63}")) {
      errors.add(new FieldError("userName", "'" + identity.userName() + "' is not a login name of this engine"));
    }
    return errors;
  }

  private static void tooLong(List<FieldError> errors, String field, String value, int limit) {
    if (value != null && value.length() > limit) {
      errors.add(new FieldError(field, "is longer than " + limit + " characters"));
    }
  }

  private static boolean same(Identity a, Identity b) {
    return differences(a, b).isEmpty();
  }

  private static Map<String, Object> differences(Identity a, Identity b) {
    Map<String, Object> changed = new LinkedHashMap<>();
    compare(changed, "name", a.name(), b.name());
    compare(changed, "email", a.email(), b.email());
    compare(changed, "managerId", a.managerId(), b.managerId());
    compare(changed, "department", a.department(), b.department());
    compare(changed, "job", a.job(), b.job());
    compare(changed, "status", a.status(), b.status());
    compare(changed, "hireDate", a.hireDate(), b.hireDate());
    compare(changed, "terminationDate", a.terminationDate(), b.terminationDate());
    compare(changed, "userName", a.userName(), b.userName());
    compare(changed, "ownerId", a.ownerId(), b.ownerId());
    compare(changed, "scimId", a.scimId(), b.scimId());
    return changed;
  }

  private static void compare(Map<String, Object> changed, String field, Object before, Object after) {
    if (!Objects.equals(before, after)) {
      changed.put(field, Map.of("from", String.valueOf(before), "to", String.valueOf(after)));
    }
  }

  private String toJson(Map<String, Object> value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static java.sql.Date date(LocalDate date) {
    return date == null ? null : java.sql.Date.valueOf(date);
  }

  static Identity map(ResultSet rs, int row) throws SQLException {
    java.sql.Date hire = rs.getDate("hire_date");
    java.sql.Date terminated = rs.getDate("termination_date");
    return new Identity(rs.getString("id"), rs.getString("kind"), rs.getString("name"), rs.getString("email"),
        rs.getString("manager_id"), rs.getString("department"), rs.getString("job"), rs.getString("status"),
        hire == null ? null : hire.toLocalDate(), terminated == null ? null : terminated.toLocalDate(),
        rs.getString("user_name"), rs.getString("owner_id"), rs.getString("source"), rs.getString("scim_id"));
  }
}
