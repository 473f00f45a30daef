package org.itgc.logs;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.itgc.platform.PgCopy;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The SQL of the logs capability: records in batches (JDBC batch inserts, one round trip per table per batch), the
 * sealer's queue, sealed batches, the queries and the counters. Monthly partitions are made on demand through the
 * owner's function {@code logs_create_month}.
 */
@Repository
class LogStore {

  /** The key of the quarantine's counters (records without a system). */
  static final String QUARANTINE = "-";

  private final JdbcTemplate jdbc;
  private final Set<YearMonth> months = ConcurrentHashMap.newKeySet();

  private final java.time.Clock clock;

  LogStore(JdbcTemplate jdbc, java.time.Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** A record's place in its sealed batch. */
  record Place(long batchId, int leafIndex) {}

  /** The records with their ids (from the records' sequence, in order), their months' partitions made. */
  List<LogRecord> withIds(List<LogRecord> records) {
    if (records.isEmpty()) {
      return records;
    }
    java.util.LinkedHashSet<YearMonth> wanted = new java.util.LinkedHashSet<>();
    YearMonth previous = null;
    for (LogRecord r : records) {
      YearMonth month = month(r.occurredAt());
      if (!month.equals(previous)) {
        wanted.add(month);
        previous = month;
      }
    }
    ensureMonths(List.copyOf(wanted));
    List<Long> ids = jdbc.queryForList("select nextval('logs_record_id_seq') from generate_series(1, ?)", Long.class,
        records.size());
    List<LogRecord> numbered = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      numbered.add(records.get(i).withId(ids.get(i)));
    }
    return numbered;
  }

  /** The month (UTC) of an instant, by day arithmetic rather than through a zoned date-time per record. */
  static YearMonth month(Instant instant) {
    LocalDate day = LocalDate.ofEpochDay(Math.floorDiv(instant.getEpochSecond(), 86_400L));
    return YearMonth.of(day.getYear(), day.getMonth());
  }

  /**
   * Stores records that have their ids ({@link #withIds}) by COPY, each with its place in a batch when it was sealed
   * in this transaction ({@code places}, in the records' order; null for those that wait in the sealer's queue), and
   * counts them.
   */
  void insert(List<LogRecord> stored, List<Place> places) {
    if (stored.isEmpty()) {
      return;
    }
    PgCopy rows = new PgCopy(stored.size() * 600);
    for (int i = 0; i < stored.size(); i++) {
      LogRecord r = stored.get(i);
      Place place = places.get(i);
      rows.number(r.id()).time(r.occurredAt()).time(r.receivedAt()).text(r.system()).text(r.protocol())
          .text(r.status().value()).text(r.reason()).text(r.actor()).text(r.action()).text(r.objectType())
          .text(r.objectId()).text(r.beforeJson()).text(r.afterJson()).text(r.sourceAddress()).text(r.peerAddress())
          .bytes(r.raw());
      if (place == null) {
        rows.text(null).text(null);
      } else {
        rows.number(place.batchId()).number(place.leafIndex());
      }
      rows.endRow();
    }
    rows.into(jdbc.getDataSource(), "logs_record", "id, occurred_at, received_at, system_id, protocol, status, reason, "
        + "actor, action, object_type, object_id, before_json, after_json, source_address, peer_address, raw, "
        + "batch_id, leaf_index");
    Map<String, long[]> counts = new TreeMap<>();
    Map<String, Instant> last = new TreeMap<>();
    for (LogRecord r : stored) {
      String key = r.system() == null ? QUARANTINE : r.system();
      long[] c = counts.computeIfAbsent(key, k -> new long[4]);
      c[0]++;
      c[1 + r.status().ordinal()]++;
      last.merge(key, r.receivedAt(), (a, b) -> a.isAfter(b) ? a : b);
    }
    // in key order, so that two writers never wait for each other's counter rows the other way round
    jdbc.batchUpdate("""
        insert into logs_source_count as c (system_id, received, mapped, unmapped, quarantined, last_received_at)
        values (?, ?, ?, ?, ?, ?)
        on conflict (system_id) do update set received = c.received + excluded.received,
          mapped = c.mapped + excluded.mapped, unmapped = c.unmapped + excluded.unmapped,
          quarantined = c.quarantined + excluded.quarantined,
          last_received_at = greatest(c.last_received_at, excluded.last_received_at)
        """, new ArrayList<>(counts.keySet()), counts.size(), (ps, key) -> {
          long[] c = counts.get(key);
          ps.setString(1, key);
          for (int i = 0; i < 4; i++) {
            ps.setLong(2 + i, c[i]);
          }
          ps.setTimestamp(6, Timestamp.from(last.get(key)));
        });
  }

  /** Puts stored records in the sealer's queue. */
  void queue(List<LogRecord> records) {
    PgCopy rows = new PgCopy(records.size() * 48);
    for (LogRecord r : records) {
      rows.number(r.id()).time(r.occurredAt()).text(r.system()).endRow();
    }
    rows.into(jdbc.getDataSource(), "logs_unsealed", "record_id, occurred_at, system_id");
  }

  /**
   * Makes the partitions of these months unless this node knows they exist; a month counts as known once the
   * transaction that made it has committed (a rolled back one takes its partitions with it), and only while it cannot
   * have left the hot tier (ended less than 90 days ago: {@code logs_remove_month} drops older ones, after which a late
   * record of the month needs them made again).
   */
  void ensureMonths(List<YearMonth> wanted) {
    Instant removable = clock.instant().minus(java.time.Duration.ofDays(91));
    for (YearMonth m : wanted) {
      if (months.contains(m) && m.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().isAfter(removable)) {
        continue;
      }
      jdbc.queryForList("select logs_create_month(?)", LocalDate.of(m.getYear(), m.getMonth(), 1));
      if (org.springframework.transaction.support.TransactionSynchronizationManager.isSynchronizationActive()) {
        org.springframework.transaction.support.TransactionSynchronizationManager.registerSynchronization(
            new org.springframework.transaction.support.TransactionSynchronization() {
              @Override
              public void afterCommit() {
                months.add(m);
              }
            });
      } else {
        months.add(m);
      }
    }
  }

  // ---- sealing

  /** Waits for the sealer's lock (one node seals at a time) for the rest of the transaction. */
  void lockSealer() {
    jdbc.queryForList("select pg_advisory_xact_lock(hashtext('logs_sealer'))");
  }

  /** The systems with records waiting to be sealed (null: the quarantine). */
  List<String> unsealedSystems() {
    return jdbc.queryForList("select distinct system_id from logs_unsealed", String.class);
  }

  /** The oldest records of a system waiting to be sealed, at most {@code limit}, in id order. */
  List<LogRecord> unsealed(String system, int limit) {
    record Key(long id, Instant occurredAt) {}
    List<Key> keys = jdbc.query("""
        select record_id, occurred_at from logs_unsealed where system_id is not distinct from ?
        order by record_id limit ?
        """, (rs, i) -> new Key(rs.getLong(1), rs.getTimestamp(2).toInstant()), system, limit);
    if (keys.isEmpty()) {
      return List.of();
    }
    Instant from = keys.stream().map(Key::occurredAt).min(Comparator.naturalOrder()).orElseThrow();
    Instant to = keys.stream().map(Key::occurredAt).max(Comparator.naturalOrder()).orElseThrow();
    return jdbc.query(con -> {
      PreparedStatement ps = con.prepareStatement(
          "select * from logs_record where id = any(?) and occurred_at between ? and ? order by id");
      ps.setArray(1, con.createArrayOf("bigint", keys.stream().map(Key::id).toArray()));
      ps.setTimestamp(2, Timestamp.from(from));
      ps.setTimestamp(3, Timestamp.from(to));
      return ps;
    }, (rs, i) -> record(rs));
  }

  /**
   * A sealed batch as stored; {@code leaves} are the leaf hashes in leaf order, 32 bytes each; {@code tree} every node
   * hash in pre-order ({@link Merkle#tree}), null for batches sealed before trees were kept.
   */
  record Batch(long id, String system, Instant sealedAt, int leafCount, String root, byte[] leaves,
      long firstRecordId, long lastRecordId, long auditEventId, byte[] tree) {

    List<byte[]> leafHashes() {
      return Merkle.split(leaves, leafCount);
    }
  }

  /**
   * A new batch id, taken under the shared side of the batch-order lock, which the sealing transaction holds to its
   * end: a reader that follows batches in id order asks for the exclusive side ({@link LogForwardStore#horizon}) and
   * so learns only ids whose transactions have ended, never one that commits later below its cursor.
   */
  long nextBatchId() {
    jdbc.queryForList("select pg_advisory_xact_lock_shared(hashtext('" + BATCH_ORDER_LOCK + "'))");
    return jdbc.queryForObject("select nextval('logs_batch_id_seq')", Long.class);
  }

  /** The advisory lock (by its hashed name) between taking batch ids and reading batches in id order. */
  static final String BATCH_ORDER_LOCK = "logs_batch_order";

  /**
   * Stores a sealed batch and puts it in the watcher's queue when it holds mapped records. Records sealed {@code
   * fromQueue} (stored earlier) get their places in {@code logs_seal} and leave the sealer's queue; records sealed
   * inline carry their places in their own rows ({@link #insert}), written by the caller in the same transaction.
   */
  void saveBatch(Batch batch, List<LogRecord> records, boolean fromQueue) {
    jdbc.update("""
        insert into logs_batch (id, system_id, sealed_at, leaf_count, root, leaves, first_record_id, last_record_id,
                                audit_event_id, tree)
        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """, batch.id(), batch.system(), Timestamp.from(batch.sealedAt()), batch.leafCount(), batch.root(),
        batch.leaves(), batch.firstRecordId(), batch.lastRecordId(), batch.auditEventId(), batch.tree());
    // the batch's mapped records wait for the watcher (dmn/log-watch.dmn), queued in the transaction that seals them
    long mapped = records.stream().filter(r -> r.status() == LogRecord.Status.MAPPED).count();
    if (mapped > 0) {
      jdbc.update("insert into logs_watch_queue (batch_id, system_id, records) values (?, ?, ?)", batch.id(),
          batch.system(), (int) mapped);
    }
    if (fromQueue) {
      PgCopy seals = new PgCopy(records.size() * 56);
      for (int i = 0; i < records.size(); i++) {
        LogRecord r = records.get(i);
        seals.number(r.id()).time(r.occurredAt()).number(batch.id()).number(i).endRow();
      }
      seals.into(jdbc.getDataSource(), "logs_seal", "record_id, occurred_at, batch_id, leaf_index");
      jdbc.update(con -> {
        PreparedStatement ps = con.prepareStatement("delete from logs_unsealed where record_id = any(?)");
        ps.setArray(1, con.createArrayOf("bigint", records.stream().map(LogRecord::id).toArray()));
        return ps;
      });
    }
  }

  /** The batches whole: leaves and, where kept, trees. */
  List<Batch> batches(java.util.Collection<Long> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    return jdbc.query(con -> {
      PreparedStatement ps = con.prepareStatement("select * from logs_batch where id = any(?)");
      ps.setArray(1, con.createArrayOf("bigint", ids.toArray()));
      return ps;
    }, (rs, i) -> new Batch(rs.getLong("id"), rs.getString("system_id"), rs.getTimestamp("sealed_at").toInstant(),
        rs.getInt("leaf_count"), rs.getString("root"), rs.getBytes("leaves"), rs.getLong("first_record_id"),
        rs.getLong("last_record_id"), rs.getLong("audit_event_id"), rs.getBytes("tree")));
  }

  /** The batches without their leaves and trees ({@code tree} and {@code leaves} null); {@code treeKept} says which have one. */
  Map<Long, Batch> batchHeads(java.util.Collection<Long> ids, Set<Long> treeKept) {
    Map<Long, Batch> heads = new java.util.HashMap<>();
    if (ids.isEmpty()) {
      return heads;
    }
    jdbc.query(con -> {
      PreparedStatement ps = con.prepareStatement("""
          select id, system_id, sealed_at, leaf_count, root, first_record_id, last_record_id, audit_event_id,
                 tree is not null as tree_kept
          from logs_batch where id = any(?)""");
      ps.setArray(1, con.createArrayOf("bigint", ids.toArray()));
      return ps;
    }, rs -> {
      Batch batch = new Batch(rs.getLong("id"), rs.getString("system_id"), rs.getTimestamp("sealed_at").toInstant(),
          rs.getInt("leaf_count"), rs.getString("root"), null, rs.getLong("first_record_id"),
          rs.getLong("last_record_id"), rs.getLong("audit_event_id"), null);
      heads.put(batch.id(), batch);
      if (rs.getBoolean("tree_kept")) {
        treeKept.add(batch.id());
      }
    });
    return heads;
  }

  /**
   * Nodes of stored trees, by batch and node number (pre-order, {@link Merkle#tree}): only those asked for, so that a
   * proof reads a few hundred bytes of its batch, not the whole tree.
   */
  Map<Long, Map<Integer, byte[]>> treeNodes(List<Long> batchIds, List<Integer> nodes) {
    Map<Long, Map<Integer, byte[]>> found = new java.util.HashMap<>();
    if (batchIds.isEmpty()) {
      return found;
    }
    jdbc.query(con -> {
      PreparedStatement ps = con.prepareStatement("""
          select w.batch_id, w.node, substring(b.tree from w.node * 32 + 1 for 32) as hash
          from unnest(?::bigint[], ?::int[]) as w(batch_id, node) join logs_batch b on b.id = w.batch_id""");
      ps.setArray(1, con.createArrayOf("bigint", batchIds.toArray()));
      ps.setArray(2, con.createArrayOf("integer", nodes.toArray()));
      return ps;
    }, rs -> {
      found.computeIfAbsent(rs.getLong(1), b -> new java.util.HashMap<>()).put(rs.getInt(2), rs.getBytes(3));
    });
    return found;
  }

  /** The leaf hashes of batches (32 bytes each, in leaf order), for batches sealed before trees were kept. */
  Map<Long, byte[]> leaves(java.util.Collection<Long> ids) {
    Map<Long, byte[]> found = new java.util.HashMap<>();
    if (ids.isEmpty()) {
      return found;
    }
    jdbc.query(con -> {
      PreparedStatement ps = con.prepareStatement("select id, leaves from logs_batch where id = any(?)");
      ps.setArray(1, con.createArrayOf("bigint", ids.toArray()));
      return ps;
    }, rs -> {
      found.put(rs.getLong(1), rs.getBytes(2));
    });
    return found;
  }

  // ---- queries

  /**
   * The columns of a record's place ({@code seal_batch}, {@code seal_leaf}) in a query of {@code logs_record r left
   * join logs_seal s}: its own row's for a record sealed as it was stored, logs_seal's for one sealed from the queue.
   */
  static final String PLACE = "coalesce(r.batch_id, s.batch_id) as seal_batch, "
      + "coalesce(r.leaf_index, s.leaf_index) as seal_leaf";

  /**
   * Every sealed record's place ({@code record_id}, {@code occurred_at}, {@code batch_id}, {@code leaf_index}), as a
   * subquery: in its own row for a record sealed as it was stored, in logs_seal for one sealed from the queue.
   */
  static final String SEALED = "(select id as record_id, occurred_at, batch_id, leaf_index from logs_record "
      + "where batch_id is not null union all select record_id, occurred_at, batch_id, leaf_index from logs_seal)";

  /** A record with its place in a sealed batch (null while it waits for the sealer). */
  record Stored(LogRecord record, Long batchId, Integer leafIndex) {}

  List<Stored> byObject(String type, String id, Instant from, Instant to, int limit) {
    return jdbc.query("""
        select r.*, %s from logs_record r
          left join logs_seal s on s.record_id = r.id and s.occurred_at = r.occurred_at
        where r.object_type = ? and r.object_id = ? and r.occurred_at >= ? and r.occurred_at < ?
        order by r.occurred_at, r.id limit ?
        """.formatted(PLACE), (rs, i) -> stored(rs), type, id, Timestamp.from(from), Timestamp.from(to), limit);
  }

  List<Stored> byActor(String actor, Instant from, Instant to, int limit) {
    return jdbc.query("""
        select r.*, %s from logs_record r
          left join logs_seal s on s.record_id = r.id and s.occurred_at = r.occurred_at
        where r.actor = ? and r.occurred_at >= ? and r.occurred_at < ?
        order by r.occurred_at, r.id limit ?
        """.formatted(PLACE), (rs, i) -> stored(rs), actor, Timestamp.from(from), Timestamp.from(to), limit);
  }

  /** The newest unmapped or quarantined records of a system (null: the quarantine), for the sources' page. */
  List<LogRecord> rawRecords(String system, int limit) {
    return jdbc.query("""
        select * from logs_record where system_id is not distinct from ? and status <> 'mapped'
        order by received_at desc, id desc limit ?
        """, (rs, i) -> record(rs), system, limit);
  }

  /** The counters of one system (or of the quarantine). */
  record Counts(String system, long received, long mapped, long unmapped, long quarantined, Instant lastReceivedAt) {}

  List<Counts> counts() {
    return jdbc.query("select * from logs_source_count order by system_id", (rs, i) -> new Counts(
        rs.getString("system_id"), rs.getLong("received"), rs.getLong("mapped"), rs.getLong("unmapped"),
        rs.getLong("quarantined"), rs.getTimestamp("last_received_at") == null ? null
            : rs.getTimestamp("last_received_at").toInstant()));
  }

  /** A row of a query that selects {@link #PLACE}. */
  static Stored stored(ResultSet rs) throws SQLException {
    long batch = rs.getLong("seal_batch");
    Long batchId = rs.wasNull() ? null : batch;
    int index = rs.getInt("seal_leaf");
    Integer leafIndex = rs.wasNull() ? null : index;
    return new Stored(record(rs), batchId, leafIndex);
  }

  static LogRecord record(ResultSet rs) throws SQLException {
    return new LogRecord(rs.getLong("id"), rs.getTimestamp("occurred_at").toInstant(),
        rs.getTimestamp("received_at").toInstant(), rs.getString("system_id"), rs.getString("protocol"),
        LogRecord.Status.of(rs.getString("status")), rs.getString("reason"), rs.getString("actor"),
        rs.getString("action"), rs.getString("object_type"), rs.getString("object_id"), rs.getString("before_json"),
        rs.getString("after_json"), rs.getString("source_address"), rs.getString("peer_address"),
        rs.getBytes("raw"));
  }
}
