package org.itgc.logs;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The SQL of forwarding: each destination's cursor, lease and counters, its dead letters and its lagging periods. */
@Repository
class LogForwardStore {

  private final JdbcTemplate jdbc;
  private final org.springframework.transaction.support.TransactionTemplate ownTransaction;

  LogForwardStore(JdbcTemplate jdbc, org.springframework.transaction.PlatformTransactionManager transactions) {
    this.jdbc = jdbc;
    this.ownTransaction = new org.springframework.transaction.support.TransactionTemplate(transactions);
    this.ownTransaction.setPropagationBehavior(
        org.springframework.transaction.TransactionDefinition.PROPAGATION_REQUIRES_NEW);
  }

  /**
   * The highest batch id whose sealing transaction has ended (committed or rolled back), so that a cursor moved past
   * it never passes a batch that commits later. Batch ids are taken in sealing transactions under the shared side of
   * the batch-order lock ({@link LogStore#nextBatchId}); this waits for the exclusive side, in a transaction of its
   * own that ends at once (sealing waits for it a moment, never for a delivery).
   */
  long horizon() {
    Long highest = ownTransaction.execute(status -> {
      jdbc.queryForList("select pg_advisory_xact_lock(hashtext('" + LogStore.BATCH_ORDER_LOCK + "'))");
      return jdbc.queryForObject(
          "select case when is_called then last_value else last_value - 1 end from logs_batch_id_seq", Long.class);
    });
    return highest == null ? 0 : highest;
  }

  /** A destination's state as stored. */
  record Cursor(String destination, long batchId, int leafIndex, long delivered, long deadLetters, int failures,
      Instant nextAttemptAt, String lastError, Instant lastErrorAt, Instant lastDeliveredAt, Instant stalledSince,
      String stallReason) {}

  /** Makes the destination's cursor unless it exists: at the start of the store, or after what is sealed now. */
  void ensureCursor(String destination, boolean startLatest, Instant now) {
    long batch = 0;
    int leaf = -1;
    if (startLatest) {
      long horizon = horizon();
      if (horizon > 0) {
        batch = horizon;
        leaf = Integer.MAX_VALUE;
      }
    }
    jdbc.update("""
        insert into logs_forward_cursor (destination, batch_id, leaf_index, created_at) values (?, ?, ?, ?)
        on conflict do nothing
        """, destination, batch, leaf, Timestamp.from(now));
  }

  Optional<Cursor> cursor(String destination) {
    return jdbc.query("select * from logs_forward_cursor where destination = ?", (rs, i) -> cursor(rs), destination)
        .stream().findFirst();
  }

  /** Takes (or, for its owner, renews) the destination's lease until {@code until}; false when another holds it. */
  boolean lease(String destination, String owner, Instant now, Instant until) {
    return jdbc.update("""
        update logs_forward_cursor set lease_owner = ?, lease_until = ?
        where destination = ? and (lease_until is null or lease_until < ? or lease_owner = ?)
        """, owner, Timestamp.from(until), destination, Timestamp.from(now), owner) == 1;
  }

  void release(String destination, String owner) {
    jdbc.update("update logs_forward_cursor set lease_owner = null, lease_until = null "
        + "where destination = ? and lease_owner = ?", destination, owner);
  }

  /** True while {@code owner} holds the lease (checked, row locked, in the transaction that writes the outcome). */
  boolean holds(String destination, String owner, Instant now) {
    return !jdbc.queryForList("""
        select 1 from logs_forward_cursor where destination = ? and lease_owner = ? and lease_until >= ? for update
        """, destination, owner, Timestamp.from(now)).isEmpty();
  }

  // every sealed record's place (in its row or, sealed from the queue, in logs_seal)
  private static final String AFTER_CURSOR = """
      from %s s
        join logs_record r on r.id = s.record_id and r.occurred_at = s.occurred_at
        join logs_batch b on b.id = s.batch_id
      where (s.batch_id, s.leaf_index) > (?, ?) and s.batch_id <= ? and r.status = any(?)
        and (cardinality(?::varchar[]) = 0 or b.system_id = any(?))
        and not exists (select 1 from logs_forward_dead_letter d where d.destination = ? and d.record_id = s.record_id)
      """.formatted(LogStore.SEALED);

  /**
   * The next sealed records for the destination after its cursor, in seal order, at most {@code limit}, of batches up
   * to the {@link #horizon}: a batch whose sealing has not ended yet waits for the next call, with those after it.
   */
  List<LogForwardWire.Sealed> next(LogDestinations.Destination d, long batchId, int leafIndex, int limit) {
    long horizon = horizon();
    return jdbc.query(con -> {
      PreparedStatement ps = con.prepareStatement("select r.*, s.batch_id as seal_batch, s.leaf_index as seal_leaf, "
          + "b.leaf_count, b.root, b.audit_event_id, b.sealed_at " + AFTER_CURSOR
          + " order by s.batch_id, s.leaf_index limit ?");
      int i = bindAfter(con, ps, d, batchId, leafIndex, horizon);
      ps.setInt(i, limit);
      return ps;
    }, (rs, i) -> new LogForwardWire.Sealed(LogStore.record(rs), rs.getLong("seal_batch"), rs.getInt("seal_leaf"),
        rs.getInt("leaf_count"), rs.getString("root"), rs.getLong("audit_event_id"),
        rs.getTimestamp("sealed_at").toInstant()));
  }

  /** How many sealed records wait for the destination, and the oldest (in seal order) of them. */
  record Lag(long records, Long oldestRecordId, Instant oldestReceivedAt) {}

  Lag lag(LogDestinations.Destination d, long batchId, int leafIndex) {
    Long count = jdbc.query(con -> {
      PreparedStatement ps = con.prepareStatement("select count(*) " + AFTER_CURSOR);
      bindAfter(con, ps, d, batchId, leafIndex, Long.MAX_VALUE);
      return ps;
    }, rs -> rs.next() ? rs.getLong(1) : 0L);
    if (count == null || count == 0) {
      return new Lag(0, null, null);
    }
    return jdbc.query(con -> {
      PreparedStatement ps = con.prepareStatement("select r.id, r.received_at " + AFTER_CURSOR
          + " order by s.batch_id, s.leaf_index limit 1");
      bindAfter(con, ps, d, batchId, leafIndex, Long.MAX_VALUE);
      return ps;
    }, rs -> rs.next() ? new Lag(count, rs.getLong(1), rs.getTimestamp(2).toInstant()) : new Lag(count, null, null));
  }

  private static int bindAfter(java.sql.Connection con, PreparedStatement ps, LogDestinations.Destination d,
      long batchId, int leafIndex, long horizon) throws SQLException {
    ps.setLong(1, batchId);
    ps.setInt(2, leafIndex);
    ps.setLong(3, horizon);
    ps.setArray(4, con.createArrayOf("varchar", d.statuses().toArray()));
    ps.setArray(5, con.createArrayOf("varchar", d.systems().toArray()));
    ps.setArray(6, con.createArrayOf("varchar", d.systems().toArray()));
    ps.setString(7, d.name());
    return 8;
  }

  /** Records the records delivered and dead-lettered and moves the cursor past them; resets the failures. */
  void advance(String destination, long batchId, int leafIndex, int delivered, int dead, Instant now) {
    jdbc.update("""
        update logs_forward_cursor set batch_id = ?, leaf_index = ?, delivered = delivered + ?,
          dead_letters = dead_letters + ?, last_delivered_at = case when ? > 0 then ? else last_delivered_at end
        where destination = ?
        """, batchId, leafIndex, delivered, dead, delivered, Timestamp.from(now), destination);
  }

  /** A dead letter: the record, the status and the reason; false when the destination has it already. */
  boolean deadLetter(String destination, LogForwardWire.Sealed s, Integer status, String type, String reason,
      Instant now) {
    return jdbc.update("""
        insert into logs_forward_dead_letter (destination, record_id, batch_id, leaf_index, status, error_type, reason,
                                              recorded_at)
        values (?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing
        """, destination, s.record().id(), s.batchId(), s.leafIndex(), status, cut(type, 255),
        cut(reason == null ? "no reason given" : reason, 2000), Timestamp.from(now)) == 1;
  }

  /** One record that a destination refused for good. */
  record DeadLetter(long recordId, long batchId, int leafIndex, Integer status, String errorType, String reason,
      Instant recordedAt) {}

  List<DeadLetter> deadLetters(String destination, int limit) {
    return jdbc.query("""
        select * from logs_forward_dead_letter where destination = ? order by id desc limit ?
        """, (rs, i) -> {
          int status = rs.getInt("status");
          return new DeadLetter(rs.getLong("record_id"), rs.getLong("batch_id"), rs.getInt("leaf_index"),
              rs.wasNull() ? null : status, rs.getString("error_type"), rs.getString("reason"),
              rs.getTimestamp("recorded_at").toInstant());
        }, destination, limit);
  }

  /** A failed attempt: the error, and when the next may be made. */
  void failed(String destination, String error, Instant now, Instant nextAttempt) {
    jdbc.update("""
        update logs_forward_cursor set failures = failures + 1, last_error = ?, last_error_at = ?, next_attempt_at = ?
        where destination = ?
        """, cut(error, 2000), Timestamp.from(now), Timestamp.from(nextAttempt), destination);
  }

  void succeeded(String destination) {
    jdbc.update("update logs_forward_cursor set failures = 0, next_attempt_at = null where destination = ?",
        destination);
  }

  /** Marks the destination stalled (credentials or configuration refused); true when it was not stalled before. */
  boolean stalled(String destination, String reason, Instant now) {
    return jdbc.update("""
        update logs_forward_cursor set stalled_since = ?, stall_reason = ? where destination = ? and stalled_since is null
        """, Timestamp.from(now), cut(reason, 2000), destination) == 1;
  }

  /** Ends a stall (the caller holds the row through {@link #holds}); returns when it began, if it was stalled. */
  Optional<Instant> unstalled(String destination) {
    List<Timestamp> since = jdbc.queryForList(
        "select stalled_since from logs_forward_cursor where destination = ? and stalled_since is not null",
        Timestamp.class, destination);
    if (since.isEmpty()) {
      return Optional.empty();
    }
    jdbc.update("update logs_forward_cursor set stalled_since = null, stall_reason = null where destination = ?",
        destination);
    return Optional.of(since.get(0).toInstant());
  }

  // ---- lagging periods

  record Lagging(long id, String destination, Instant laggingSince, long oldestRecordId, String maxLag,
      Instant detectedAt, long exceptionId, Instant caughtUpAt) {}

  Optional<Lagging> openLag(String destination) {
    return jdbc.query("select * from logs_forward_lag where destination = ? and caught_up_at is null",
        (rs, i) -> lagging(rs), destination).stream().findFirst();
  }

  List<Lagging> lags(String destination) {
    return jdbc.query("select * from logs_forward_lag where destination = ? order by id", (rs, i) -> lagging(rs),
        destination);
  }

  long insertLag(String destination, Instant since, long oldestRecordId, String maxLag, Instant detected,
      long exceptionId) {
    return jdbc.queryForObject("""
        insert into logs_forward_lag (destination, lagging_since, oldest_record_id, max_lag, detected_at, exception_id)
        values (?, ?, ?, ?, ?, ?) returning id
        """, Long.class, destination, Timestamp.from(since), oldestRecordId, maxLag, Timestamp.from(detected),
        exceptionId);
  }

  void caughtUp(long id, Instant now) {
    jdbc.update("update logs_forward_lag set caught_up_at = ? where id = ?", Timestamp.from(now), id);
  }

  private static Lagging lagging(ResultSet rs) throws SQLException {
    return new Lagging(rs.getLong("id"), rs.getString("destination"), rs.getTimestamp("lagging_since").toInstant(),
        rs.getLong("oldest_record_id"), rs.getString("max_lag"), rs.getTimestamp("detected_at").toInstant(),
        rs.getLong("exception_id"), instant(rs, "caught_up_at"));
  }

  private static Cursor cursor(ResultSet rs) throws SQLException {
    return new Cursor(rs.getString("destination"), rs.getLong("batch_id"), rs.getInt("leaf_index"),
        rs.getLong("delivered"), rs.getLong("dead_letters"), rs.getInt("failures"), instant(rs, "next_attempt_at"),
        rs.getString("last_error"), instant(rs, "last_error_at"), instant(rs, "last_delivered_at"),
        instant(rs, "stalled_since"), rs.getString("stall_reason"));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }

  private static String cut(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max);
  }
}
