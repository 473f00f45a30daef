package org.itgc.audit;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.itgc.platform.web.ColumnTimestamp;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The SQL of the archive tier: its own tables ({@code audit_archive_segment}, {@code audit_archive_expiry},
 * {@code audit_archive_test}) and what the archive reads of the chain ({@code audit_chain}, {@code audit_event},
 * {@code audit_checkpoint}, the months of the hot tier), as records. The rows listed over HTTP keep the JSON they
 * had as maps: the columns' names, in the table's order, timestamps as {@link ColumnTimestamp}, a null column left
 * out (the API's default inclusion, as it was for the maps).
 */
@Repository
class AuditArchiveStore {

  private static final String LIVE = "label not in (select label from audit_archive_expiry)";
  private static final String LINKS = "select c.seq, c.prev_hash, c.hash, c.format, e.occurred_at as at, "
      + AuditChain.EVENT_COLUMNS + " from audit_chain c join audit_event e on e.id = c.event_id "
      + "and e.occurred_at = c.occurred_at where c.seq between ? and ? order by c.seq";

  private final JdbcTemplate jdbc;

  AuditArchiveStore(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** A row of {@code audit_archive_segment} (GET /api/audit/archive/segments). */
  @JsonPropertyOrder({"label", "first_seq", "last_seq", "events", "file", "sha256", "checkpoint_seq",
      "first_occurred_at", "last_occurred_at", "created_at"})
  record Segment(String label, @JsonProperty("first_seq") long firstSeq, @JsonProperty("last_seq") long lastSeq,
      int events, String file, String sha256, @JsonProperty("checkpoint_seq") long checkpointSeq,
      @JsonProperty("first_occurred_at") @ColumnTimestamp Instant firstOccurredAt,
      @JsonProperty("last_occurred_at") @ColumnTimestamp Instant lastOccurredAt,
      @JsonProperty("created_at") @ColumnTimestamp Instant createdAt) {}

  /** A row of {@code audit_archive_test}, one run of LG-02's retrieval test (GET /api/audit/archive/tests). */
  @JsonPropertyOrder({"id", "label", "seed", "passed", "events", "problem", "tested_at", "tested_by"})
  record RetrievalTest(long id, String label, long seed, boolean passed, int events, String problem,
      @JsonProperty("tested_at") @ColumnTimestamp Instant testedAt, @JsonProperty("tested_by") String testedBy) {}

  /** A link of the chain as the archive holds it: the link and its event (a line of a segment file). */
  record SegmentLine(long seq, int format, String prevHash, String hash, String canonical, Instant occurredAt,
      String actor, String action, String objectType, String objectId, String outcome, String details) {

    /** The line as written in a segment file (docs/audit-format.md); absent values are written as null. */
    Map<String, Object> json() {
      Map<String, Object> line = link().asMap();
      line.put("occurredAt", occurredAt.toString());
      line.put("actor", actor);
      line.put("action", action);
      line.put("objectType", objectType);
      line.put("objectId", objectId);
      line.put("outcome", outcome);
      line.put("details", details);
      return line;
    }

    AuditArchive.ChainLink link() {
      return new AuditArchive.ChainLink(seq, format, prevHash, hash, canonical);
    }
  }

  /** The months (YYYY-MM, UTC) in which links were sealed before the instant, oldest first. */
  List<String> monthsSealedBefore(Instant before) {
    return jdbc.queryForList("""
        select distinct to_char(sealed_at at time zone 'UTC', 'YYYY-MM') from audit_chain
        where sealed_at < ? order by 1
        """, String.class, Timestamp.from(before));
  }

  /** The first and last sequence of the links sealed in the month. */
  long[] seqsSealedIn(YearMonth month) {
    return jdbc.queryForObject("select min(seq) as a, max(seq) as b from audit_chain where sealed_at >= ? "
        + "and sealed_at < ?", (rs, i) -> new long[] {rs.getLong("a"), rs.getLong("b")},
        Timestamp.from(month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant()),
        Timestamp.from(month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant()));
  }

  boolean segmentExists(String label) {
    return jdbc.queryForObject("select count(*) from audit_archive_segment where label = ?", Integer.class, label) > 0;
  }

  /** Each link firstSeq..lastSeq of the hot chain with its event, in order, streaming. */
  void eachLink(long firstSeq, long lastSeq, Consumer<SegmentLine> each) {
    jdbc.query(con -> {
      var ps = con.prepareStatement(LINKS);
      ps.setFetchSize(10_000);
      ps.setLong(1, firstSeq);
      ps.setLong(2, lastSeq);
      return ps;
    }, rs -> {
      each.accept(line(rs));
    });
  }

  private static SegmentLine line(ResultSet rs) throws SQLException {
    int format = rs.getInt("format");
    return new SegmentLine(rs.getLong("seq"), format, rs.getString("prev_hash").strip(), rs.getString("hash").strip(),
        AuditChain.canonical(rs, format), rs.getTimestamp("at").toInstant(), rs.getString("actor"),
        rs.getString("action"), rs.getString("object_type"), rs.getString("object_id"), rs.getString("outcome"),
        rs.getString("details"));
  }

  /** The links lo..hi still in the hot chain, in order. */
  List<AuditArchive.ChainLink> hotLinks(long lo, long hi) {
    return jdbc.query("select c.seq, c.prev_hash, c.hash, c.format, " + AuditChain.EVENT_COLUMNS
        + " from audit_chain c join audit_event e on e.id = c.event_id and e.occurred_at = c.occurred_at "
        + "where c.seq between ? and ? order by c.seq", (rs, i) -> {
          int format = rs.getInt("format");
          return new AuditArchive.ChainLink(rs.getLong("seq"), format, rs.getString("prev_hash").strip(),
              rs.getString("hash").strip(), AuditChain.canonical(rs, format));
        }, lo, hi);
  }

  void insertSegment(Segment segment) {
    jdbc.update("""
        insert into audit_archive_segment (label, first_seq, last_seq, events, file, sha256, checkpoint_seq,
            first_occurred_at, last_occurred_at, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """, segment.label(), segment.firstSeq(), segment.lastSeq(), segment.events(), segment.file(), segment.sha256(),
        segment.checkpointSeq(), timestamp(segment.firstOccurredAt()), timestamp(segment.lastOccurredAt()),
        timestamp(segment.createdAt()));
  }

  /** Segments not expired whose newest event is older than the horizon, in chain order. */
  List<String> liveLabelsEndingBefore(Instant horizon) {
    return jdbc.queryForList("select label from audit_archive_segment where last_occurred_at < ? and " + LIVE
        + " order by first_seq", String.class, Timestamp.from(horizon));
  }

  void recordExpiry(String label, Instant expiredAt, int filesRemoved) {
    jdbc.update("insert into audit_archive_expiry (label, expired_at, files_removed) values (?, ?, ?)", label,
        Timestamp.from(expiredAt), filesRemoved);
  }

  /** Segments not expired holding events of [from, to), in chain order. */
  List<String> liveLabelsOverlapping(Instant from, Instant to) {
    return jdbc.queryForList("select label from audit_archive_segment where first_occurred_at < ? and last_occurred_at >= ? "
        + "and " + LIVE + " order by first_seq", String.class, Timestamp.from(to), Timestamp.from(from));
  }

  /** Segments not expired holding links of lo..hi, in chain order. */
  List<String> liveLabelsHoldingSeqs(long lo, long hi) {
    return jdbc.queryForList("select label from audit_archive_segment where first_seq <= ? and last_seq >= ? and " + LIVE
        + " order by first_seq", String.class, hi, lo);
  }

  /** Segments not expired, by label. */
  List<String> liveLabels() {
    return jdbc.queryForList("select label from audit_archive_segment where " + LIVE + " order by label", String.class);
  }

  /** The months of the hot tier, oldest first. */
  List<YearMonth> hotMonths() {
    return jdbc.execute((java.sql.Connection connection) -> AuditRetention.hotMonths(connection));
  }

  void insertTest(String label, long seed, boolean passed, long events, String problem, Instant testedAt, String testedBy) {
    jdbc.update("""
        insert into audit_archive_test (label, seed, passed, events, problem, tested_at, tested_by) values (?, ?, ?, ?, ?, ?, ?)
        """, label, seed, passed, events, problem, Timestamp.from(testedAt), testedBy);
  }

  List<Segment> segments() {
    return jdbc.query("""
        select label, first_seq, last_seq, events, file, sha256, checkpoint_seq, first_occurred_at, last_occurred_at,
            created_at from audit_archive_segment order by first_seq
        """, (rs, i) -> new Segment(rs.getString("label"), rs.getLong("first_seq"), rs.getLong("last_seq"),
        rs.getInt("events"), rs.getString("file"), rs.getString("sha256"), rs.getLong("checkpoint_seq"),
        rs.getTimestamp("first_occurred_at").toInstant(), rs.getTimestamp("last_occurred_at").toInstant(),
        rs.getTimestamp("created_at").toInstant()));
  }

  List<RetrievalTest> tests() {
    return jdbc.query("""
        select id, label, seed, passed, events, problem, tested_at, tested_by from audit_archive_test order by id
        """, (rs, i) -> new RetrievalTest(rs.getLong("id"), rs.getString("label"), rs.getLong("seed"), rs.getBoolean("passed"),
        rs.getInt("events"), rs.getString("problem"), rs.getTimestamp("tested_at").toInstant(),
        rs.getString("tested_by")));
  }

  private static Timestamp timestamp(Instant instant) {
    return instant == null ? null : Timestamp.from(instant);
  }
}
