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

  /** The identities with these ids, by id (one query; ids not known are absent). */
  public java.util.Map<String, Identity> findAll(java.util.Collection<String> ids) {
    return byColumn("id", ids);
  }

  /** The identities with these user names, by user name (one query; names not known are absent). */
  public java.util.Map<String, Identity> findAllByUserName(java.util.Collection<String> userNames) {
    return byColumn("user_name", userNames);
  }

  private java.util.Map<String, Identity> byColumn(String column, java.util.Collection<String> values) {
    java.util.Map<String, Identity> found = new java.util.HashMap<>();
    if (values.isEmpty()) {
      return found;
    }
    jdbc.query(con -> {
      var ps = con.prepareStatement("select distinct on (" + column + ") * from access_identity where " + column
          + " = any(?) order by " + column + ", id");
      ps.setArray(1, con.createArrayOf("varchar", values.toArray()));
      return ps;
    }, (java.sql.ResultSet rs, int row) -> found.put(rs.getString(column), Identities.map(rs, row)));
    return found;
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
   * The login of the first manager above {@code from}, in HR's chain, who is active, has a login and is not
   * {@code notThisLogin} (a requester, or the person themselves); empty when HR names nobody such.
   */
  public Optional<String> managerLogin(Identity from, String notThisLogin) {
    Identity current = from;
    for (int depth = 0; depth < 10 && current.managerId() != null; depth++) {
      Identity manager = find(current.managerId()).orElse(null);
      if (manager == null) {
        return Optional.empty();
      }
      // a manager who has left approves nothing, even while their login still exists: the chain goes on above them
      if (manager.active() && manager.userName() != null && !manager.userName().equals(notThisLogin)) {
        return Optional.of(manager.userName());
      }
      current = manager;
    }
    return Optional.empty();
  }

  /** An active person whose line manager's approval nobody in HR's chain can give, and why. */
  public record ManagerFinding(String identityId, String name, String department, String job, String managerId,
      String reason) {}

  /**
   * Active people for whom HR names no line manager who can approve: no manager, a manager unknown to the registry or
   * gone, or nobody with a login up the chain. Their requests' line-manager step goes to security admins; each is a
   * finding for HR to correct, not an open door.
   */
  public List<ManagerFinding> withoutManager() {
    Map<String, Identity> all = new java.util.HashMap<>();
    jdbc.query("select * from access_identity", rs -> {
      Identity identity = map(rs, 0);
      all.put(identity.id(), identity);
    });
    List<ManagerFinding> findings = new ArrayList<>();
    all.values().stream().filter(i -> i.active() && Identity.PERSON.equals(i.kind()))
        .sorted(java.util.Comparator.comparing(Identity::id)).forEach(person -> {
          String reason = null;
          Identity manager = person.managerId() == null ? null : all.get(person.managerId());
          if (person.managerId() == null) {
            reason = "HR names no manager";
          } else if (manager == null) {
            reason = "the manager " + person.managerId() + " is not in the registry";
          } else if (!manager.active()) {
            reason = "the manager " + person.managerId() + " has left";
          } else {
            Identity current = person;
            boolean login = false;
            for (int depth = 0; depth < 10 && current != null && current.managerId() != null && !login; depth++) {
              current = all.get(current.managerId());
              login = current != null && current.active() && current.userName() != null
                  && !current.userName().equals(person.userName());
            }
            if (!login) {
              reason = "nobody above them in HR's chain has a login of this engine";
            }
          }
          if (reason != null) {
            findings.add(new ManagerFinding(person.id(), person.name(), person.department(), person.job(),
                person.managerId(), reason));
          }
        });
    return findings;
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

  /** An HR file read and checked before anything is stored: the rows to store and the rows refused with why. */
  record PreparedImport(int rows, List<CsvLine> accepted, List<RowError> errors) {}

  /** One accepted row of an HR file: its line and the identity it says. */
  record CsvLine(int line, Identity identity) {}

  /** What storing a batch of accepted rows did. */
  record BatchOutcome(int rows, int created, int updated, int unchanged, int hrEvents, List<RowError> errors) {}

  /**
   * Reads and checks an HR CSV file as a whole: each row's fields, then HR's chain as it will be (the registry's
   * managers with this file's accepted rows over them; a row held for its manager leaves the chain, so the rows it
   * manages are checked again).
   *
   * @throws InvalidInputException when the file is not CSV or lacks a column; nothing is stored then
   */
  PreparedImport prepareCsv(String text) {
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
    Map<String, String> registry = new java.util.HashMap<>();
    jdbc.query("select id, manager_id from access_identity", rs -> {
      registry.put(rs.getString(1), rs.getString(2));
    });
    Map<String, String> managers = new java.util.HashMap<>(registry);
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
    // the same person twice in one file is ambiguous (which row is HR's word?): the later rows are held
    Map<String, Integer> firstLine = new java.util.HashMap<>();
    for (int r = 0; r < table.rows().size(); r++) {
      Identity identity = parsed.get(r);
      if (identity == null || identity.id() == null || !rowFieldErrors.get(r).isEmpty()) {
        continue;
      }
      Integer first = firstLine.putIfAbsent(identity.id(), table.rows().get(r).line());
      if (first != null) {
        rowFieldErrors.get(r).add(new FieldError("employeeId", "'" + identity.id() + "' is already on line " + first
            + " of this file"));
      }
    }
    List<CsvLine> accepted = new ArrayList<>();
    List<RowError> rowErrors = new ArrayList<>();
    for (int r = 0; r < table.rows().size(); r++) {
      int line = table.rows().get(r).line();
      if (rowFieldErrors.get(r).isEmpty()) {
        accepted.add(new CsvLine(line, parsed.get(r)));
      } else {
        rowFieldErrors.get(r).forEach(e -> rowErrors.add(new RowError(line, e.field(), e.reason())));
      }
    }
    return new PreparedImport(table.rows().size(), accepted, rowErrors);
  }

  /**
   * Stores a batch of accepted rows in one transaction, and hands what it did to {@code progress} inside that
   * transaction (an import job counts it there, so its count is exactly what is stored). When the database refuses
   * the batch (a value a check missed, or another writer's row in the way), its rows are stored again one by one, so
   * that only the refused row is lost and its line is named.
   */
  void storeBatch(List<CsvLine> lines, String actor, java.util.function.Consumer<BatchOutcome> progress) {
    try {
      transactions.executeWithoutResult(status -> progress.accept(
          outcome(lines, storeAll(lines.stream().map(CsvLine::identity).toList(), "hr-csv", actor))));
      return;
    } catch (org.springframework.dao.DataAccessException e) {
      if (org.itgc.platform.web.DatabaseOutage.isOutage(e)) {
        throw e;
      }
      if (lines.size() > 1) {
        log.warn("HR batch of {} rows from line {} refused by the database; storing its rows one by one",
            lines.size(), lines.get(0).line(), e);
      } else {
        var refused = org.itgc.platform.web.DataRefusals.problem(e);
        if (refused.isEmpty()) {
          throw e;
        }
        log.warn("HR row {} refused by the database", lines.get(0).line(), e);
        RowError error = new RowError(lines.get(0).line(), "row",
            refused.get().getDetail().replaceFirst("^body: ", ""));
        transactions.executeWithoutResult(status -> progress.accept(new BatchOutcome(1, 0, 0, 0, 0, List.of(error))));
        return;
      }
    }
    for (CsvLine line : lines) {
      storeBatch(List.of(line), actor, progress);
    }
  }

  private static BatchOutcome outcome(List<CsvLine> lines, List<Stored> stored) {
    int created = 0;
    int updated = 0;
    int unchanged = 0;
    int hrEvents = 0;
    List<RowError> errors = new ArrayList<>();
    for (int i = 0; i < stored.size(); i++) {
      Stored one = stored.get(i);
      if (one.refusal() != null) {
        errors.add(new RowError(lines.get(i).line(), one.refusal().field(), one.refusal().reason()));
        continue;
      }
      switch (one.outcome().change()) {
        case "created" -> created++;
        case "updated" -> updated++;
        default -> unchanged++;
      }
      if (one.outcome().event() != null) {
        hrEvents++;
      }
    }
    return new BatchOutcome(lines.size(), created, updated, unchanged, hrEvents, errors);
  }

  /** Why a manager cannot stand, or empty (see {@link ManagerChains}). */
  static java.util.Optional<String> managerProblem(String id, String managerId, java.util.Map<String, String> managers) {
    return new ManagerChains(managers).problem(id, managerId);
  }

  /**
   * Service accounts of config/access.yaml, kept as identities of their own (source {@code config}), each with the
   * owner it has now (a security admin may have changed the one the file names: {@link ServiceAccountOwners}).
   */
  void storeServiceAccounts(List<AccessCatalogue.ServiceAccount> accounts,
      java.util.function.Function<AccessCatalogue.ServiceAccount, String> ownerOf) {
    for (AccessCatalogue.ServiceAccount account : accounts) {
      Identity identity = new Identity(account.id(), Identity.SERVICE, account.name(), account.email(), null, null,
          null, Identity.ACTIVE, null, null, null, ownerOf.apply(account), "config", null);
      transactions.execute(status -> store(identity, "config", "system"));
    }
  }

  /** A service account's new owner, on its identity. */
  void changeServiceOwner(String serviceAccountId, String ownerId, String actor) {
    find(serviceAccountId).filter(i -> Identity.SERVICE.equals(i.kind())).ifPresent(identity -> transactions.execute(
        status -> store(identity.withOwner(ownerId), identity.source(), actor)));
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
    Stored stored = storeAll(List.of(incoming), source, actor).get(0);
    if (stored.refusal() != null) {
      throw new InvalidInputException(List.of(stored.refusal()));
    }
    return stored.outcome();
  }

  /** What storing one identity of a batch did: its outcome, or the field that refused it (nothing stored then). */
  record Stored(Outcome outcome, FieldError refusal) {}

  /** Whether the identity holds a grant of this engine's roles, or has an open request for one. */
  private boolean holdsEngineAccess(String identityId) {
    return Boolean.TRUE.equals(jdbc.queryForObject("""
        select exists (select 1 from access_grant where identity_id = ? and system_id = 'ITGC-ENGINE'
                         and removed_at is null)
            or exists (select 1 from access_request where beneficiary_id = ? and status = 'open'
                         and items @> '[{"systemId": "ITGC-ENGINE"}]'::jsonb)
        """, Boolean.class, identityId, identityId));
  }

  /**
   * Stores identities from a feed, in their order, in the caller's transaction: one lock and read of the stored rows
   * for all, then inserts, updates, HR events and audit events written in batches, and each HR event published
   * (revocation starts in this transaction or not at all). A row whose login name belongs to another identity is
   * refused on its own; the others are stored. The same identity twice is stored as its rows say in turn.
   */
  List<Stored> storeAll(List<Identity> incoming, String source, String actor) {
    Instant now = clock.instant();
    Timestamp at = Timestamp.from(now);
    List<String> ids = incoming.stream().map(Identity::id).distinct().sorted().toList();
    Map<String, Identity> current = new java.util.HashMap<>();
    jdbc.query("select * from access_identity where id = any(?) order by id for update",
        rs -> {
          Identity identity = map(rs, 0);
          current.put(identity.id(), identity);
        }, (Object) ids.toArray(String[]::new));
    Map<String, Identity> original = Map.copyOf(current);
    Map<String, String> logins = new java.util.HashMap<>();
    String[] userNames = incoming.stream().map(Identity::userName).filter(Objects::nonNull).distinct()
        .toArray(String[]::new);
    if (userNames.length > 0) {
      jdbc.query("select user_name, id from access_identity where user_name = any(?)",
          rs -> {
            logins.put(rs.getString(1), rs.getString(2));
          }, (Object) userNames);
    }
    List<Stored> results = new ArrayList<>();
    List<Integer> eventOfResult = new ArrayList<>();
    Map<String, Identity> writes = new LinkedHashMap<>();
    List<AuditEvent> trail = new ArrayList<>();
    List<PendingEvent> pending = new ArrayList<>();
    for (Identity next : incoming) {
      String holder = next.userName() == null ? null : logins.get(next.userName());
      if (holder != null && !holder.equals(next.id())) {
        results.add(new Stored(null, new FieldError("userName", "'" + next.userName()
            + "' already belongs to identity " + holder)));
        eventOfResult.add(-1);
        continue;
      }
      Identity before = current.get(next.id());
      if (before != null && before.userName() != null && !before.userName().equals(next.userName())
          && holdsEngineAccess(before.id())) {
        // the engine's roles are given to and taken from the login the identity names: moving it while roles are held
        // or asked for would hand them to another login (or leave them with one the registry no longer names)
        results.add(new Stored(null, new FieldError("userName", "identity " + before.id() + " holds or has asked for "
            + "roles of this engine on login '" + before.userName() + "'; revoke them before HR names another login")));
        eventOfResult.add(-1);
        continue;
      }
      if (before == null) {
        trail.add(AuditEvent.of("access.identity.create", "identity", next.id()).actor(actor, null)
            .detail("source", source).detail("status", next.status()).detail("job", next.job()).build());
        PendingEvent joiner = Identity.PERSON.equals(next.kind()) && next.active()
            ? pending(next, HrEvent.JOINER, Map.of("job", String.valueOf(next.job()), "department",
                String.valueOf(next.department())), trail.size())
            : null;
        eventOfResult.add(joiner == null ? -1 : pending.size());
        remember(next, null, current, logins, writes, joiner, pending);
        results.add(new Stored(new Outcome(next.id(), "created", null), null));
        continue;
      }
      Identity after = next.scimId() == null && before.scimId() != null ? next.withScimId(before.scimId()) : next;
      Map<String, Object> changed = differences(before, after);
      if (changed.isEmpty()) {
        results.add(new Stored(new Outcome(after.id(), "unchanged", null), null));
        eventOfResult.add(-1);
        continue;
      }
      trail.add(AuditEvent.of("access.identity.update", "identity", after.id()).actor(actor, null)
          .detail("source", source).detail("changed", changed).build());
      PendingEvent event = null;
      if (before.active() && !after.active()) {
        event = pending(after, HrEvent.LEAVER, changed, trail.size());
      } else if (!before.active() && after.active()) {
        event = pending(after, HrEvent.REHIRE, changed, trail.size());
      } else if (after.active() && Identity.PERSON.equals(after.kind())
          && (!Objects.equals(before.job(), after.job()) || !Objects.equals(before.department(), after.department()))) {
        event = pending(after, HrEvent.MOVER, changed, trail.size());
      }
      eventOfResult.add(event == null ? -1 : pending.size());
      remember(after, before, current, logins, writes, event, pending);
      results.add(new Stored(new Outcome(after.id(), "updated", null), null));
    }
    List<Object[]> inserts = new ArrayList<>();
    List<Object[]> updates = new ArrayList<>();
    writes.values().forEach(identity -> {
      if (original.containsKey(identity.id())) {
        updates.add(new Object[] {identity.kind(), identity.name(), identity.email(), identity.managerId(),
            identity.department(), identity.job(), identity.status(), date(identity.hireDate()),
            date(identity.terminationDate()), identity.userName(), identity.ownerId(), source, identity.scimId(), at,
            identity.id()});
      } else {
        inserts.add(new Object[] {identity.id(), identity.kind(), identity.name(), identity.email(),
            identity.managerId(), identity.department(), identity.job(), identity.status(), date(identity.hireDate()),
            date(identity.terminationDate()), identity.userName(), identity.ownerId(), source, identity.scimId(), at,
            at});
      }
    });
    // a login name may move from one identity to another in this batch: the identities whose login changes give theirs
    // up first, as the unique index checks each row
    List<Object[]> loginsGivenUp = writes.values().stream().filter(i -> original.containsKey(i.id())
        && original.get(i.id()).userName() != null && !original.get(i.id()).userName().equals(i.userName()))
        .map(i -> new Object[] {i.id()}).toList();
    if (!loginsGivenUp.isEmpty()) {
      jdbc.batchUpdate("update access_identity set user_name = null where id = ?", loginsGivenUp);
    }
    if (!updates.isEmpty()) {
      jdbc.batchUpdate("""
          update access_identity set kind = ?, name = ?, email = ?, manager_id = ?, department = ?, job = ?, status = ?,
              hire_date = ?, termination_date = ?, user_name = ?, owner_id = ?, source = ?, scim_id = ?, updated_at = ?
          where id = ?
          """, updates);
    }
    if (!inserts.isEmpty()) {
      jdbc.batchUpdate("""
          insert into access_identity (id, kind, name, email, manager_id, department, job, status, hire_date,
              termination_date, user_name, owner_id, source, scim_id, created_at, updated_at)
          values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """, inserts);
    }
    List<HrEvent> published = new ArrayList<>();
    if (!pending.isEmpty()) {
      List<Long> eventIds = jdbc.queryForList(
          "select nextval(pg_get_serial_sequence('access_hr_event', 'id')) from generate_series(1, ?)", Long.class,
          pending.size());
      List<Object[]> rows = new ArrayList<>();
      // each HR event's audit record follows the record of the identity change it comes from
      for (int i = pending.size() - 1; i >= 0; i--) {
        PendingEvent p = pending.get(i);
        long id = eventIds.get(i);
        Instant effective = HrEvent.LEAVER.equals(p.kind()) && p.identity().terminationDate() != null
            ? p.identity().terminationDate().atStartOfDay(calendar.zone()).toInstant() : now;
        rows.add(0, new Object[] {id, p.identity().id(), p.kind(), Timestamp.from(effective), toJson(p.details()),
            source, at, actor});
        trail.add(p.trailPosition(), AuditEvent.of("access.hr-event", "identity", p.identity().id())
            .actor(actor, null).detail("kind", p.kind()).detail("hrEventId", id)
            .detail("effectiveAt", effective.toString()).detail("source", source).build());
        published.add(0, new HrEvent(id, p.identity().id(), p.kind(), effective, p.details(), actor));
      }
      jdbc.batchUpdate("""
          insert into access_hr_event (id, identity_id, kind, effective_at, details, source, received_at, received_by)
          values (?, ?, ?, ?, cast(? as jsonb), ?, ?, ?)
          """, rows);
    }
    audit.recordAll(trail);
    // the outcomes name their events, and revocation starts from each in this transaction
    List<Stored> named = new ArrayList<>();
    for (int i = 0; i < results.size(); i++) {
      Stored stored = results.get(i);
      int event = eventOfResult.get(i);
      named.add(event < 0 ? stored : new Stored(new Outcome(stored.outcome().identityId(), stored.outcome().change(),
          published.get(event)), null));
    }
    published.forEach(events::publishEvent);
    return named;
  }

  /** An HR event to store: of which identity (as stored), what kind, and where its audit record goes. */
  private record PendingEvent(Identity identity, String kind, Map<String, Object> details, int trailPosition) {}

  private static PendingEvent pending(Identity identity, String kind, Map<String, Object> details, int trailPosition) {
    return new PendingEvent(identity, kind, details, trailPosition);
  }

  private static void remember(Identity stored, Identity before, Map<String, Identity> current,
      Map<String, String> logins, Map<String, Identity> writes, PendingEvent event, List<PendingEvent> pending) {
    if (before != null && before.userName() != null && before.id().equals(logins.get(before.userName()))) {
      logins.remove(before.userName());
    }
    if (stored.userName() != null) {
      logins.put(stored.userName(), stored.id());
    }
    current.put(stored.id(), stored);
    writes.put(stored.id(), stored);
    if (event != null) {
      pending.add(event);
    }
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
