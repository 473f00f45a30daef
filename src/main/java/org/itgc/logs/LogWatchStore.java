package org.itgc.logs;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The SQL of watching: since when each source is watched, its silent periods. */
@Repository
class LogWatchStore {

  private final JdbcTemplate jdbc;

  LogWatchStore(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Waits for the watcher's lock (one node watches at a time) for the rest of the transaction. */
  void lockWatcher() {
    jdbc.queryForList("select pg_advisory_xact_lock(hashtext('logs_watcher'))");
  }

  /** Since when the system is watched: recorded now unless it was before. */
  Instant watchedSince(String system, Instant now) {
    jdbc.update("insert into logs_watch_source (system_id, watched_since) values (?, ?) on conflict do nothing", system,
        Timestamp.from(now));
    return jdbc.queryForObject("select watched_since from logs_watch_source where system_id = ?", Timestamp.class,
        system).toInstant();
  }

  /** The last time a record of the system was received (the counters'), if ever. */
  Optional<Instant> lastReceived(String system) {
    List<Timestamp> last = jdbc.queryForList("select last_received_at from logs_source_count where system_id = ?",
        Timestamp.class, system);
    return last.stream().filter(java.util.Objects::nonNull).findFirst().map(Timestamp::toInstant);
  }

  /** One silent period of a source. */
  record Silence(long id, String system, Instant silentSince, Instant lastReceivedAt, String expectedEvery,
      Instant detectedAt, long exceptionId, Instant resumedBy, Instant resumeDetectedAt) {}

  Optional<Silence> openSilence(String system) {
    return jdbc.query("select * from logs_silence where system_id = ? and resume_detected_at is null",
        (rs, i) -> silence(rs), system).stream().findFirst();
  }

  List<Silence> silences(String system) {
    return jdbc.query("select * from logs_silence where system_id = ? order by id", (rs, i) -> silence(rs), system);
  }

  long insertSilence(String system, Instant since, Instant lastReceived, String expected, Instant detected,
      long exceptionId) {
    return jdbc.queryForObject("""
        insert into logs_silence (system_id, silent_since, last_received_at, expected_every, detected_at, exception_id)
        values (?, ?, ?, ?, ?, ?) returning id
        """, Long.class, system, Timestamp.from(since), lastReceived == null ? null : Timestamp.from(lastReceived),
        expected, Timestamp.from(detected), exceptionId);
  }

  void resumed(long id, Instant resumedBy, Instant detected) {
    jdbc.update("update logs_silence set resumed_by = ?, resume_detected_at = ? where id = ?",
        Timestamp.from(resumedBy), Timestamp.from(detected), id);
  }

  // ---- the rules' queue and firings

  /** Sealed batches waiting for the watcher, and their mapped records in seal order. */
  record Unwatched(List<Long> batchIds, List<LogRecord> records) {}

  /**
   * The oldest sealed batches waiting for the watcher, whole, as many as hold about {@code limit} mapped records (at
   * least one batch), with those records in seal order: from each batch's {@code from_leaf} (0 but for batches the
   * watcher before changeset 053 had begun).
   */
  Unwatched unwatched(int limit) {
    List<Long> batches = new java.util.ArrayList<>();
    int[] total = new int[1];
    jdbc.query("select batch_id, records from logs_watch_queue order by batch_id limit ?", rs -> {
      if (batches.isEmpty() || total[0] + rs.getInt(2) <= limit) {
        batches.add(rs.getLong(1));
        total[0] += rs.getInt(2);
      }
    }, Math.max(1, limit));
    if (batches.isEmpty()) {
      return new Unwatched(List.of(), List.of());
    }
    List<LogRecord> records = jdbc.query(con -> {
      var ps = con.prepareStatement("""
          select r.* from %s s
            join logs_watch_queue q on q.batch_id = s.batch_id and s.leaf_index >= q.from_leaf
            join logs_record r on r.id = s.record_id and r.occurred_at = s.occurred_at
          where s.batch_id = any(?) and r.status = 'mapped' order by s.batch_id, s.leaf_index""".formatted(
          LogStore.SEALED));
      ps.setArray(1, con.createArrayOf("bigint", batches.toArray()));
      return ps;
    }, (rs, i) -> LogStore.record(rs));
    return new Unwatched(batches, records);
  }

  /** Takes batches off the watcher's queue. */
  void watched(List<Long> batchIds) {
    jdbc.update(con -> {
      var ps = con.prepareStatement("delete from logs_watch_queue where batch_id = any(?)");
      ps.setArray(1, con.createArrayOf("bigint", batchIds.toArray()));
      return ps;
    });
  }

  /** How many mapped records wait for the watcher. */
  long waiting() {
    return jdbc.queryForObject("select coalesce(sum(records), 0) from logs_watch_queue", Long.class);
  }

  /** The times of the failed logins of an actor on a system that occurred in [from, to], oldest first. */
  List<Instant> failedLoginTimes(String system, String actor, Instant from, Instant to) {
    return jdbc.queryForList("""
        select occurred_at from logs_record where actor = ? and occurred_at >= ? and occurred_at <= ? and system_id = ?
          and status = 'mapped' and action = 'login-failure' order by occurred_at
        """, Timestamp.class, actor, Timestamp.from(from), Timestamp.from(to), system).stream()
        .map(Timestamp::toInstant).toList();
  }

  /** Counts repeats of firings found again within one batch (after the first, which {@link #fire} recorded). */
  void repeated(List<Firing> firings, List<Integer> counts) {
    List<Integer> indexes = java.util.stream.IntStream.range(0, firings.size()).boxed().toList();
    jdbc.batchUpdate("""
        update logs_watch_firing set repeats = repeats + ?
        where rule_id = ? and system_id = ? and actor = ? and object_key = ? and hour = ?
        """, indexes, 500, (ps, i) -> {
          Firing f = firings.get(i);
          ps.setInt(1, counts.get(i));
          ps.setString(2, f.ruleId());
          ps.setString(3, f.system());
          ps.setString(4, f.actor());
          ps.setString(5, f.objectKey());
          ps.setTimestamp(6, Timestamp.from(f.hour()));
        });
  }

  /** One rule fired by one event. */
  record Firing(String ruleId, String system, String actor, String objectKey, Instant hour, long recordId,
      Instant occurredAt, String severity, String controlId, String decisionDefinitionId, int decisionVersion,
      String inputsJson, Instant firedAt) {

    /** What makes two firings one finding. */
    String key() {
      return ruleId + "\u0000" + system + "\u0000" + actor + "\u0000" + objectKey + "\u0000" + hour;
    }
  }

  /** Records a firing; true when it is the first of its rule, system, actor, object and hour (else it is counted). */
  boolean fire(Firing f) {
    Boolean first = jdbc.queryForObject("""
        insert into logs_watch_firing as w (rule_id, system_id, actor, object_key, hour, record_id, occurred_at,
          severity, control_id, decision_definition_id, decision_version, inputs, fired_at)
        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), ?)
        on conflict (rule_id, system_id, actor, object_key, hour) do update set repeats = w.repeats + 1
        returning (xmax = 0)
        """, Boolean.class, f.ruleId(), f.system(), f.actor(), f.objectKey(), Timestamp.from(f.hour()), f.recordId(),
        Timestamp.from(f.occurredAt()), f.severity(), f.controlId(), f.decisionDefinitionId(), f.decisionVersion(),
        f.inputsJson(), Timestamp.from(f.firedAt()));
    return Boolean.TRUE.equals(first);
  }

  void firingException(Firing f, long exceptionId) {
    jdbc.update("""
        update logs_watch_firing set exception_id = ?
        where rule_id = ? and system_id = ? and actor = ? and object_key = ? and hour = ?
        """, exceptionId, f.ruleId(), f.system(), f.actor(), f.objectKey(), Timestamp.from(f.hour()));
  }

  /** A stored firing, as the tests and auditors read it. */
  record StoredFiring(String ruleId, String system, String actor, String objectKey, Instant hour, long recordId,
      String severity, String controlId, int decisionVersion, Long exceptionId, int repeats) {}

  List<StoredFiring> firings(String actor) {
    return jdbc.query("select * from logs_watch_firing where actor = ? order by occurred_at, rule_id",
        (rs, i) -> new StoredFiring(rs.getString("rule_id"), rs.getString("system_id"), rs.getString("actor"),
            rs.getString("object_key"), rs.getTimestamp("hour").toInstant(), rs.getLong("record_id"),
            rs.getString("severity"), rs.getString("control_id"), rs.getInt("decision_version"),
            (Long) rs.getObject("exception_id"), rs.getInt("repeats")), actor);
  }

  /**
   * The firings whose first event occurred in [from, to), of the system, rule and actor when given, oldest first; at
   * most {@code limit}.
   */
  List<LogFindings.Finding> findings(Instant from, Instant to, String system, String rule, String actor, int limit) {
    StringBuilder sql = new StringBuilder("select f.*, f.inputs::text as inputs_text from logs_watch_firing f "
        + "where f.occurred_at >= ? and f.occurred_at < ?");
    List<Object> args = new java.util.ArrayList<>(List.of(Timestamp.from(from), Timestamp.from(to)));
    if (system != null) {
      sql.append(" and f.system_id = ?");
      args.add(system);
    }
    if (rule != null) {
      sql.append(" and f.rule_id = ?");
      args.add(rule);
    }
    if (actor != null) {
      sql.append(" and f.actor = ?");
      args.add(actor);
    }
    sql.append(" order by f.occurred_at, f.rule_id, f.actor, f.object_key limit ?");
    args.add(limit);
    return jdbc.query(sql.toString(), (rs, i) -> new LogFindings.Finding(rs.getString("rule_id"),
        rs.getString("severity"), rs.getString("control_id"), rs.getString("system_id"), rs.getString("actor"),
        "-".equals(rs.getString("object_key")) ? null : rs.getString("object_key"),
        rs.getTimestamp("occurred_at").toInstant(), rs.getTimestamp("hour").toInstant(), rs.getInt("repeats"),
        rs.getLong("record_id"), rs.getString("decision_definition_id"), rs.getInt("decision_version"),
        rs.getString("inputs_text"), (Long) rs.getObject("exception_id"), rs.getTimestamp("fired_at").toInstant()),
        args.toArray());
  }

  private static Silence silence(java.sql.ResultSet rs) throws java.sql.SQLException {
    return new Silence(rs.getLong("id"), rs.getString("system_id"), instant(rs, "silent_since"),
        instant(rs, "last_received_at"), rs.getString("expected_every"), instant(rs, "detected_at"),
        rs.getLong("exception_id"), instant(rs, "resumed_by"), instant(rs, "resume_detected_at"));
  }

  private static Instant instant(java.sql.ResultSet rs, String column) throws java.sql.SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }
}
