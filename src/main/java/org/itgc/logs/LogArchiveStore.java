package org.itgc.logs;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Consumer;
import org.itgc.platform.web.ColumnTimestamp;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The SQL of the logs' archive tier: its tables ({@code logs_archive_segment}, {@code logs_archive_expiry},
 * {@code logs_archive_test}, {@code logs_retention}) and what it reads of the hot tables, month by month.
 */
@Repository
class LogArchiveStore {

  private static final String LIVE = "label not in (select label from logs_archive_expiry)";
  /** The segments of a month written since its last removal from the hot tier: their records are still hot. */
  private static final String SINCE_REMOVAL = "created_at > coalesce((select max(r.removed_at) from logs_retention r "
      + "where r.month = s.month), '-infinity')";

  private final JdbcTemplate jdbc;

  LogArchiveStore(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** A row of {@code logs_archive_segment} (GET /api/logs/archive/segments). */
  @JsonPropertyOrder({"label", "month", "records", "batches", "firstRecordId", "lastRecordId", "file", "sha256",
      "createdAt"})
  record Segment(String label, String month, long records, int batches, Long firstRecordId, Long lastRecordId,
      String file, String sha256, @ColumnTimestamp Instant createdAt) {}

  /** A row of {@code logs_archive_test}: one run of LG-02's retrieval test of the logs' archive. */
  @JsonPropertyOrder({"id", "label", "seed", "passed", "records", "batches", "comparedWithHot", "problem", "testedAt",
      "testedBy"})
  record RetrievalTest(long id, String label, long seed, boolean passed, long records, int batches,
      long comparedWithHot, String problem, @ColumnTimestamp Instant testedAt, String testedBy) {}

  /** A row of {@code logs_retention}: a month that left the hot tier. */
  @JsonPropertyOrder({"month", "records", "removedAt", "removedBy"})
  record Removal(String month, long records, @ColumnTimestamp Instant removedAt, String removedBy) {}

  static Timestamp start(YearMonth month) {
    return Timestamp.from(month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant());
  }

  static Timestamp end(YearMonth month) {
    return start(month.plusMonths(1));
  }

  /** The months that have hot partitions, oldest first. */
  List<YearMonth> hotMonths() {
    return jdbc.execute((java.sql.Connection connection) -> LogPartitions.months(connection));
  }

  long records(YearMonth month) {
    return jdbc.queryForObject("select count(*) from logs_record where occurred_at >= ? and occurred_at < ?",
        Long.class, start(month), end(month));
  }

  /** Records of the month without a place in a sealed batch. */
  long unsealed(YearMonth month) {
    return jdbc.queryForObject("""
        select count(*) from logs_record r where r.occurred_at >= ? and r.occurred_at < ?
          and r.batch_id is null
          and not exists (select 1 from logs_seal s where s.record_id = r.id and s.occurred_at = r.occurred_at)
        """, Long.class, start(month), end(month));
  }

  /** Batches in the watcher's queue with records of the month (which leave no record unjudged when it is removed). */
  long unwatchedBatches(YearMonth month) {
    return jdbc.queryForObject("select count(distinct s.batch_id) from " + LogStore.SEALED + " s "
        + "join logs_watch_queue q on q.batch_id = s.batch_id where s.occurred_at >= ? and s.occurred_at < ?",
        Long.class, start(month), end(month));
  }

  /** The live segments of the month whose records are still hot (written since its last removal), oldest first. */
  List<String> hotSegments(YearMonth month) {
    return jdbc.queryForList("select label from logs_archive_segment s where month = ? and " + LIVE + " and "
        + SINCE_REMOVAL + " order by created_at, label", String.class, Date.valueOf(month.atDay(1)));
  }

  /** How many records the month's hot segments hold. */
  long archivedHot(YearMonth month) {
    return jdbc.queryForObject("select coalesce(sum(records), 0) from logs_archive_segment s where month = ? and "
        + LIVE + " and " + SINCE_REMOVAL, Long.class, Date.valueOf(month.atDay(1)));
  }

  int segmentsOf(YearMonth month) {
    return jdbc.queryForObject("select count(*) from logs_archive_segment where month = ?", Integer.class,
        Date.valueOf(month.atDay(1)));
  }

  /**
   * The live segments of months in [fromMonth, toMonth] whose records have left the hot tier (written before a
   * removal of their month), by month.
   */
  List<String> removedSegments(YearMonth fromMonth, YearMonth toMonth) {
    return jdbc.queryForList("""
        select label from logs_archive_segment s where month >= ? and month <= ? and %s
          and exists (select 1 from logs_retention r where r.month = s.month and r.removed_at >= s.created_at)
        order by month, created_at, label
        """.formatted(LIVE), String.class, Date.valueOf(fromMonth.atDay(1)), Date.valueOf(toMonth.atDay(1)));
  }

  /** The batches that hold records of the month. */
  List<Long> batchIds(YearMonth month) {
    return jdbc.queryForList("select distinct batch_id from " + LogStore.SEALED
        + " s where occurred_at >= ? and occurred_at < ? order by 1", Long.class, start(month), end(month));
  }

  /** Each sealed record of the month with its place, in id order, streaming (inside a transaction: by cursor). */
  void eachSealed(YearMonth month, Consumer<LogStore.Stored> each) {
    jdbc.query(con -> {
      PreparedStatement ps = con.prepareStatement("""
          select r.*, %s from logs_record r
            left join logs_seal s on s.record_id = r.id and s.occurred_at = r.occurred_at
          where r.occurred_at >= ? and r.occurred_at < ? and (r.batch_id is not null or s.batch_id is not null)
          order by r.id
          """.formatted(LogStore.PLACE));
      ps.setFetchSize(5_000);
      ps.setTimestamp(1, start(month));
      ps.setTimestamp(2, end(month));
      return ps;
    }, rs -> {
      each.accept(LogStore.stored(rs));
    });
  }

  /** The hot records of the month among these ids. */
  List<LogRecord> hotRecords(YearMonth month, List<Long> ids) {
    return jdbc.query(con -> {
      PreparedStatement ps = con.prepareStatement(
          "select * from logs_record where id = any(?) and occurred_at >= ? and occurred_at < ?");
      ps.setArray(1, con.createArrayOf("bigint", ids.toArray()));
      ps.setTimestamp(2, start(month));
      ps.setTimestamp(3, end(month));
      return ps;
    }, (rs, i) -> LogStore.record(rs));
  }

  void insertSegment(String label, YearMonth month, long records, int batches, Long firstRecordId, Long lastRecordId,
      String file, String sha256) {
    jdbc.update("""
        insert into logs_archive_segment (label, month, records, batches, first_record_id, last_record_id, file, sha256,
            created_at) values (?, ?, ?, ?, ?, ?, ?, ?, clock_timestamp())
        """, label, Date.valueOf(month.atDay(1)), records, batches, firstRecordId, lastRecordId, file, sha256);
  }

  List<Segment> segments() {
    return jdbc.query("""
        select label, month, records, batches, first_record_id, last_record_id, file, sha256, created_at
        from logs_archive_segment order by month, created_at, label
        """, (rs, i) -> new Segment(rs.getString("label"), rs.getDate("month").toLocalDate().toString().substring(0, 7),
        rs.getLong("records"), rs.getInt("batches"), (Long) rs.getObject("first_record_id", Long.class),
        (Long) rs.getObject("last_record_id", Long.class), rs.getString("file"), rs.getString("sha256").strip(),
        rs.getTimestamp("created_at").toInstant()));
  }

  /** Live segments, by label. */
  List<String> liveLabels() {
    return jdbc.queryForList("select label from logs_archive_segment where " + LIVE + " order by label", String.class);
  }

  /** The month of a segment. */
  YearMonth monthOf(String label) {
    return YearMonth.from(jdbc.queryForObject("select month from logs_archive_segment where label = ?", Date.class,
        label).toLocalDate());
  }

  /** Live segments of months that ended before the horizon. */
  List<String> liveLabelsEndingBefore(Instant horizon) {
    return jdbc.queryForList("select label from logs_archive_segment where (month + interval '1 month')::timestamp at time zone 'UTC' <= ? and " + LIVE
        + " order by month, label", String.class, Timestamp.from(horizon));
  }

  void recordExpiry(String label, int filesRemoved) {
    jdbc.update("insert into logs_archive_expiry (label, expired_at, files_removed) values (?, clock_timestamp(), ?)",
        label, filesRemoved);
  }

  void insertTest(String label, long seed, boolean passed, long records, int batches, long comparedWithHot,
      String problem, Instant testedAt, String testedBy) {
    jdbc.update("""
        insert into logs_archive_test (label, seed, passed, records, batches, compared_with_hot, problem, tested_at,
            tested_by) values (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """, label, seed, passed, records, batches, comparedWithHot, problem, Timestamp.from(testedAt), testedBy);
  }

  List<RetrievalTest> tests() {
    return jdbc.query("select * from logs_archive_test order by id", (rs, i) -> new RetrievalTest(rs.getLong("id"),
        rs.getString("label"), rs.getLong("seed"), rs.getBoolean("passed"), rs.getLong("records"),
        rs.getInt("batches"), rs.getLong("compared_with_hot"), rs.getString("problem"),
        rs.getTimestamp("tested_at").toInstant(), rs.getString("tested_by")));
  }

  List<Removal> removals() {
    return jdbc.query("select * from logs_retention order by id", (rs, i) -> new Removal(
        rs.getDate("month").toLocalDate().toString().substring(0, 7), rs.getLong("records"),
        rs.getTimestamp("removed_at").toInstant(), rs.getString("removed_by")));
  }
}
