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
