package org.itgc.access;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Access's tables of service accounts (changeset 047): the rotations of their credentials, the owner each has, every
 * change of owner, and the interactive sessions seen. Rotations, owner changes and sessions are only ever inserted.
 */
@Repository
class ServiceAccountStore {

  /** One recorded rotation. */
  record Rotation(long id, String serviceAccountId, String trigger, String triggeredBy, Long ownerChangeId,
      Instant startedAt, Instant finishedAt, String systemId, String connectorId, String login, String writtenTo,
      String verification, String outcome, String error, Long exceptionId, String method, String performedVia,
      String reference, String performedBy, Long rotationTaskId) {

    /** A rotation by a connector (method {@code connector}). */
    Rotation(long id, String serviceAccountId, String trigger, String triggeredBy, Long ownerChangeId,
        Instant startedAt, Instant finishedAt, String systemId, String connectorId, String login, String writtenTo,
        String verification, String outcome, String error, Long exceptionId) {
      this(id, serviceAccountId, trigger, triggeredBy, ownerChangeId, startedAt, finishedAt, systemId, connectorId,
          login, writtenTo, verification, outcome, error, exceptionId, CONNECTOR, null, null, null, null);
    }
  }

  /** The owner an account has now, and the owner access.yaml named when they were last compared. */
  record Owner(String serviceAccountId, String ownerId, String configOwnerId, Instant changedAt, String changedBy) {}

  /** One change of owner. */
  record OwnerChange(long id, String serviceAccountId, String previousOwnerId, String ownerId, String source,
      String changedBy, Instant changedAt) {}

  static final String ROTATED = "rotated";
  static final String FAILED = "failed";
  static final String CONNECTOR = "connector";
  static final String MANUAL = "manual";

  private final JdbcTemplate jdbc;

  ServiceAccountStore(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  long insertRotation(Rotation r) {
    Long id = jdbc.queryForObject("""
        insert into access_service_account_rotation (service_account_id, trigger, triggered_by, owner_change_id,
            started_at, finished_at, system_id, connector_id, login, written_to, verification, outcome, error,
            exception_id, method, performed_via, reference, performed_by, rotation_task_id)
        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id
        """, Long.class, r.serviceAccountId(), r.trigger(), r.triggeredBy(), r.ownerChangeId(),
        Timestamp.from(r.startedAt()), Timestamp.from(r.finishedAt()), r.systemId(), r.connectorId(), r.login(),
        r.writtenTo(), cut(r.verification(), 500), r.outcome(), cut(r.error(), 2000), r.exceptionId(), r.method(),
        r.performedVia(), r.reference(), r.performedBy(), r.rotationTaskId());
    return id == null ? -1 : id;
  }

  /** The last successful rotation of each account. */
  Map<String, Instant> lastRotated() {
    Map<String, Instant> last = new java.util.HashMap<>();
    jdbc.query("select service_account_id, max(finished_at) from access_service_account_rotation "
        + "where outcome = 'rotated' group by service_account_id",
        rs -> {
          last.put(rs.getString(1), rs.getTimestamp(2).toInstant());
        });
    return last;
  }

  Optional<Rotation> lastRotation(String serviceAccountId) {
    return jdbc.query("select * from access_service_account_rotation where service_account_id = ? "
        + "order by finished_at desc, id desc limit 1", ServiceAccountStore::rotation, serviceAccountId).stream()
        .findFirst();
  }

  /** The rotations finished in [from, to), oldest first. */
  List<Rotation> rotations(Instant from, Instant to) {
    return jdbc.query("select * from access_service_account_rotation where finished_at >= ? and finished_at < ? "
        + "order by finished_at, id", ServiceAccountStore::rotation, Timestamp.from(from), Timestamp.from(to));
  }

  List<Rotation> rotationsOf(String serviceAccountId) {
    return jdbc.query("select * from access_service_account_rotation where service_account_id = ? order by id",
        ServiceAccountStore::rotation, serviceAccountId);
  }

  // ---------------------------------------------------------------- owners

  Optional<Owner> owner(String serviceAccountId) {
    return jdbc.query("select * from access_service_account_owner where service_account_id = ?",
        (rs, n) -> new Owner(rs.getString("service_account_id"), rs.getString("owner_id"),
            rs.getString("config_owner_id"), rs.getTimestamp("changed_at").toInstant(), rs.getString("changed_by")),
        serviceAccountId).stream().findFirst();
  }

  /** Records the first owner of an account; false when another node recorded it first. */
  boolean insertOwner(String serviceAccountId, String ownerId, Instant at) {
    return jdbc.update("""
        insert into access_service_account_owner (service_account_id, owner_id, config_owner_id, changed_at, changed_by)
        values (?, ?, ?, ?, 'config') on conflict do nothing
        """, serviceAccountId, ownerId, ownerId, Timestamp.from(at)) == 1;
  }

  /**
   * Moves an account to a new owner when its current row is still as the caller read it (so that two nodes, or two
   * security admins, do not both record one change); false when it had changed meanwhile.
   */
  boolean updateOwner(Owner expected, String ownerId, String configOwnerId, String changedBy, Instant at) {
    return jdbc.update("""
        update access_service_account_owner set owner_id = ?, config_owner_id = ?, changed_at = ?, changed_by = ?
        where service_account_id = ? and owner_id = ? and config_owner_id = ?
        """, ownerId, configOwnerId, Timestamp.from(at), changedBy, expected.serviceAccountId(), expected.ownerId(),
        expected.configOwnerId()) == 1;
  }

  long insertOwnerChange(String serviceAccountId, String previousOwnerId, String ownerId, String source,
      String changedBy, Instant at) {
    Long id = jdbc.queryForObject("""
        insert into access_service_account_owner_change (service_account_id, previous_owner_id, owner_id, source,
            changed_by, changed_at) values (?, ?, ?, ?, ?, ?) returning id
        """, Long.class, serviceAccountId, previousOwnerId, ownerId, source, changedBy, Timestamp.from(at));
    return id == null ? -1 : id;
  }

  List<OwnerChange> ownerChanges(String serviceAccountId) {
    return jdbc.query("select * from access_service_account_owner_change where service_account_id = ? order by id",
        ServiceAccountStore::ownerChange, serviceAccountId);
  }

  private static OwnerChange ownerChange(ResultSet rs, int row) throws SQLException {
    return new OwnerChange(rs.getLong("id"), rs.getString("service_account_id"), rs.getString("previous_owner_id"),
        rs.getString("owner_id"), rs.getString("source"), rs.getString("changed_by"),
        rs.getTimestamp("changed_at").toInstant());
  }

  /** The failed rotations of an account since its last successful one (the connector's consecutive failures). */
  int failuresSinceLastSuccess(String serviceAccountId) {
    Integer n = jdbc.queryForObject("""
        select count(*) from access_service_account_rotation where service_account_id = ? and outcome = 'failed'
          and id > coalesce((select max(id) from access_service_account_rotation
                             where service_account_id = ? and outcome = 'rotated'), 0)
        """, Integer.class, serviceAccountId, serviceAccountId);
    return n == null ? 0 : n;
  }

  /** The changes of owner recorded in [from, to), oldest first. */
  List<OwnerChange> ownerChanges(Instant from, Instant to) {
    return jdbc.query("select * from access_service_account_owner_change where changed_at >= ? and changed_at < ? "
        + "order by changed_at, id", ServiceAccountStore::ownerChange, Timestamp.from(from), Timestamp.from(to));
  }

  // ---------------------------------------------------------------- rotation tasks

  /** A task the server opened for a person to rotate a credential by hand. */
  record RotationTask(long id, String serviceAccountId, String trigger, Long ownerChangeId, Long failedRotationId,
      String reason, Instant requestedAt, Instant dueAt, String processInstanceId, String status, Long rotationId,
      String completedBy, Instant completedAt) {
    boolean open() {
      return "open".equals(status);
    }
  }

  /** Opens a rotation task for an account; empty when one is open already (on this node or another). */
  Optional<Long> insertRotationTask(String serviceAccountId, String trigger, Long ownerChangeId,
      Long failedRotationId, String reason, Instant at, Instant dueAt) {
    return jdbc.query("""
        insert into access_service_account_rotation_task (service_account_id, trigger, owner_change_id,
            failed_rotation_id, reason, requested_at, due_at) values (?, ?, ?, ?, ?, ?, ?)
        on conflict (service_account_id) where status = 'open' do nothing returning id
        """, (rs, n) -> rs.getLong(1), serviceAccountId, trigger, ownerChangeId, failedRotationId, cut(reason, 2000),
        Timestamp.from(at), Timestamp.from(dueAt)).stream().findFirst();
  }

  Optional<RotationTask> rotationTask(long id) {
    return jdbc.query("select * from access_service_account_rotation_task where id = ?",
        ServiceAccountStore::rotationTask, id).stream().findFirst();
  }

  Optional<RotationTask> openRotationTask(String serviceAccountId) {
    return jdbc.query("select * from access_service_account_rotation_task where service_account_id = ? "
        + "and status = 'open'", ServiceAccountStore::rotationTask, serviceAccountId).stream().findFirst();
  }

  /** Binds an open task to the one process instance the server started for it; false when another holds it. */
  boolean bindRotationTask(long id, String processInstanceId) {
    return jdbc.update("update access_service_account_rotation_task set process_instance_id = ? where id = ? "
        + "and status = 'open' and process_instance_id is null", processInstanceId, id) == 1;
  }

  /** Closes an open task with the rotation that did it; false when it was closed meanwhile. */
  boolean closeRotationTask(long id, long rotationId, String completedBy, Instant at) {
    return jdbc.update("update access_service_account_rotation_task set status = 'done', rotation_id = ?, "
        + "completed_by = ?, completed_at = ? where id = ? and status = 'open'", rotationId, completedBy,
        Timestamp.from(at), id) == 1;
  }

  private static RotationTask rotationTask(ResultSet rs, int row) throws SQLException {
    Timestamp completed = rs.getTimestamp("completed_at");
    return new RotationTask(rs.getLong("id"), rs.getString("service_account_id"), rs.getString("trigger"),
        (Long) rs.getObject("owner_change_id", Long.class), (Long) rs.getObject("failed_rotation_id", Long.class),
        rs.getString("reason"), rs.getTimestamp("requested_at").toInstant(), rs.getTimestamp("due_at").toInstant(),
        rs.getString("process_instance_id"), rs.getString("status"), (Long) rs.getObject("rotation_id", Long.class),
        rs.getString("completed_by"), completed == null ? null : completed.toInstant());
  }

  // ---------------------------------------------------------------- sessions

  /** Records a session the first time it is seen; false when it was seen before (by this node or another). */
  boolean insertSession(String systemId, PostgresRolesConnector.Session session, String serviceAccountId,
      Instant at) {
    return jdbc.update("""
        insert into access_service_account_session (system_id, pid, backend_start, login, service_account_id,
            application_name, client_addr, first_seen_at) values (?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing
        """, systemId, session.pid(), Timestamp.from(session.backendStart()), session.login(), serviceAccountId,
        cut(session.applicationName(), 200), session.clientAddr(), Timestamp.from(at)) == 1;
  }

  void sessionException(String systemId, PostgresRolesConnector.Session session, long exceptionId) {
    jdbc.update("update access_service_account_session set exception_id = ? where system_id = ? and pid = ? "
        + "and backend_start = ?", exceptionId, systemId, session.pid(), Timestamp.from(session.backendStart()));
  }

  private static Rotation rotation(ResultSet rs, int row) throws SQLException {
    return new Rotation(rs.getLong("id"), rs.getString("service_account_id"), rs.getString("trigger"),
        rs.getString("triggered_by"), (Long) rs.getObject("owner_change_id", Long.class),
        rs.getTimestamp("started_at").toInstant(), rs.getTimestamp("finished_at").toInstant(),
        rs.getString("system_id"), rs.getString("connector_id"), rs.getString("login"), rs.getString("written_to"),
        rs.getString("verification"), rs.getString("outcome"), rs.getString("error"),
        (Long) rs.getObject("exception_id", Long.class), rs.getString("method"), rs.getString("performed_via"),
        rs.getString("reference"), rs.getString("performed_by"), (Long) rs.getObject("rotation_task_id", Long.class));
  }

  private static String cut(String value, int max) {
    return value == null || value.length() <= max ? value : value.substring(0, max);
  }
}
