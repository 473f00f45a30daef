package org.itgc.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Moves archived months out of the hot tier. A month leaves only when it is older than the hot period, every event
 * of it is sealed and every link of it lies in an archive segment that verifies now; it leaves by the database's
 * function {@code audit_remove_month} (two partitions dropped), which only the retention role may call and which
 * checks the same again. Before that, a retention record is signed with the audit key and published beside the
 * checkpoints: where the hot chain now starts and the hash before it, and the links of removed events sealed after
 * that start, so that the verifier can still check the hot chain from its first link without the removed rows.
 * Months leave oldest first; the first month that cannot leave stops the run.
 */
@Service
public class AuditRetention {

  /** Retention records in the checkpoint folder: retention-YYYY-MM.json. */
  public static final String RECORD_PREFIX = "retention-";

  private static final Logger log = LoggerFactory.getLogger(AuditRetention.class);

  private final JdbcTemplate jdbc;
  private final org.springframework.beans.factory.ObjectProvider<RetentionConnections> retentionConnections;
  private final AuditArchive archive;
  private final AuditSealer sealer;
  private final AuditRecorder audit;
  private final ObjectMapper json;
  private final Clock clock;
  private final int hotDays;

  AuditRetention(JdbcTemplate jdbc, org.springframework.beans.factory.ObjectProvider<RetentionConnections> retentionConnections,
      AuditArchive archive, AuditSealer sealer, AuditRecorder audit, ObjectMapper json, @Qualifier("auditTrailClock") Clock clock,
      @Value("${itgc.audit.hot-days:90}") int hotDays) {
    this.jdbc = jdbc;
    this.retentionConnections = retentionConnections;
    this.archive = archive;
    this.sealer = sealer;
    this.audit = audit;
    this.json = json;
    this.clock = clock;
    this.hotDays = Math.max(90, hotDays);
  }

  /** A month that stays in the hot tier, and why. */
  public static final class NotRemovable extends RuntimeException {
    NotRemovable(YearMonth month, String why) {
      super("audit month " + month + " stays in the hot tier: " + why);
    }
  }

  /** The months of the hot tier, oldest first (from the partitions of audit_event). */
  public List<YearMonth> hotMonths() {
    return jdbc.execute((java.sql.Connection connection) -> hotMonths(connection));
  }

  /** The months of audit_event's partitions (audit_event_yYYYYmMM, made by audit_create_month), oldest first. */
  public static List<YearMonth> hotMonths(java.sql.Connection connection) throws java.sql.SQLException {
    List<YearMonth> months = new ArrayList<>();
    try (var statement = connection.createStatement(); var rs = statement.executeQuery("""
        select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
        where p.relname = 'audit_event' order by c.relname
        """)) {
      while (rs.next()) {
        String name = rs.getString(1);
        if (name.matches("audit_event_y\\d{4}m\\d{2}")) {
          months.add(YearMonth.of(Integer.parseInt(name.substring(13, 17)), Integer.parseInt(name.substring(18, 20))));
        }
      }
    }
    return months;
  }

  /** Removes every month that is due, oldest first; returns the months removed. Daily, after the archive's run. */
  @org.springframework.scheduling.annotation.Scheduled(cron = "${itgc.audit.retention-schedule:0 30 3 * * *}")
  public List<YearMonth> removeDue() throws IOException {
    List<YearMonth> removed = new ArrayList<>();
    Instant horizon = clock.instant().minus(hotDays, ChronoUnit.DAYS);
    for (YearMonth month : hotMonths()) {
      if (end(month).isAfter(horizon)) {
        break;
      }
      try {
        remove(month);
        removed.add(month);
      } catch (NotRemovable e) {
        log.info("{}", e.getMessage());
        break;
      }
    }
    return removed;
  }

  /** Removes one month (the oldest hot one) from the hot tier; returns the number of events removed. */
  public long remove(YearMonth month) throws IOException {
    RetentionConnections connections = retentionConnections.getIfAvailable();
    DataSource retention = connections == null ? null : connections.dataSource();
    if (retention == null) {
      throw new NotRemovable(month, "no retention role is configured (itgc.audit.retention.username)");
    }
    List<YearMonth> hot = hotMonths();
    if (hot.isEmpty() || !hot.get(0).equals(month)) {
      throw new NotRemovable(month, hot.contains(month) ? "an older month is still hot" : "it has no partition");
    }
    if (end(month).isAfter(clock.instant().minus(hotDays, ChronoUnit.DAYS))) {
      throw new NotRemovable(month, "it is younger than " + hotDays + " days");
    }
    // the run is on record before anything leaves, and its event moves the chain's head past the month (the
    // newest link must stay, or the next one would reuse its sequence number)
    audit.recordIndependently(AuditEvent.system("audit.retention.start", "audit-month", month.toString()).build());
    sealer.seal();
    var db = new JdbcTemplate(retention);
    String chain = "audit_chain_" + suffix(month);
    String events = "audit_event_" + suffix(month);
    Long unsealed = db.queryForObject("select count(*) from audit_event e where e.occurred_at >= ? and e.occurred_at < ? "
        + "and not exists (select 1 from audit_chain c where c.event_id = e.id and c.occurred_at = e.occurred_at)",
        Long.class, start(month), Timestamp.from(end(month)));
    if (unsealed != null && unsealed > 0) {
      throw new NotRemovable(month, unsealed + " of its events are not sealed yet");
    }
    // every segment holding a link of the month must verify now, file and signature, before anything leaves
    long[] range = db.queryForObject("select min(seq) as lo, max(seq) as hi, count(*) as n from audit_chain "
        + "where occurred_at >= ? and occurred_at < ?", (rs, i) -> new long[] {rs.getLong("lo"), rs.getLong("hi"),
        rs.getLong("n")}, start(month), Timestamp.from(end(month)));
    long count = range[2];
    if (count > 0) {
      long lo = range[0];
      long hi = range[1];
      List<String> segments = db.queryForList("""
          select label from audit_archive_segment s
          where s.last_seq >= ? and s.first_seq <= ? and s.label not in (select label from audit_archive_expiry)
          order by first_seq
          """, String.class, lo, hi);
      Long outside = db.queryForObject("select count(*) from audit_chain c where c.occurred_at >= ? and c.occurred_at < ? "
          + "and not exists (select 1 from audit_archive_segment s where c.seq between s.first_seq and s.last_seq "
          + "and s.label not in (select label from audit_archive_expiry))", Long.class, start(month),
          Timestamp.from(end(month)));
      if (outside != null && outside > 0) {
        throw new NotRemovable(month, outside + " of its links are in no archive segment yet");
      }
      for (String segment : segments) {
        try {
          archive.verify(segment, link -> { });
        } catch (AuditArchive.SegmentInvalid e) {
          throw new NotRemovable(month, e.getMessage());
        }
      }
    }
    Map<String, Object> record = record(db, month, count);
    Path folder = sealer.checkpointFolder();
    Path pending = folder.resolve(RECORD_PREFIX + month + ".json.pending");
    Files.write(pending, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(record));
    long removed;
    try {
      removed = db.queryForObject("select audit_remove_month(?)", Long.class, java.sql.Date.valueOf(month.atDay(1)));
    } catch (RuntimeException e) {
      Files.deleteIfExists(pending);
      throw e;
    }
    Files.move(pending, folder.resolve(RECORD_PREFIX + month + ".json"), StandardCopyOption.ATOMIC_MOVE);
    audit.record(AuditEvent.system("audit.retention.remove", "audit-month", month.toString()).detail("events", removed)
        .detail("startSeq", record.get("startSeq")).detail("holes", ((List<?>) record.get("holes")).size())
        .detail("partitions", List.of(events, chain)).build());
    log.info("Audit month {} left the hot tier: {} events (archived); the hot chain starts at sequence {}", month, removed,
        record.get("startSeq"));
    return removed;
  }

  /** The signed record of where the hot chain starts once the month has left. */
  private Map<String, Object> record(JdbcTemplate db, YearMonth month, long count) throws IOException {
    Timestamp after = Timestamp.from(end(month));
    var next = db.queryForList("select seq, prev_hash from audit_chain where occurred_at >= ? order by seq limit 1", after);
    long startSeq;
    String startPrev;
    if (next.isEmpty()) {
      AuditChain.Head head = AuditChain.head(db);
      startSeq = head.seq() == 0 ? previousStart() : head.seq() + 1;
      startPrev = head.hash();
    } else {
      startSeq = ((Number) next.get(0).get("seq")).longValue();
      startPrev = ((String) next.get(0).get("prev_hash")).strip();
    }
    TreeMap<Long, Map<String, Object>> holes = new TreeMap<>();
    for (JsonNode hole : latestRecord().map(r -> r.path("holes")).orElse(json.createArrayNode())) {
      if (hole.get("seq").asLong() > startSeq) {
        holes.put(hole.get("seq").asLong(), hole(hole.get("seq").asLong(), hole.get("prevHash").asText(),
            hole.get("hash").asText()));
      }
    }
    db.query("select seq, prev_hash, hash from audit_chain where occurred_at >= ? and occurred_at < ? and seq > ?",
        rs -> {
          holes.put(rs.getLong("seq"), hole(rs.getLong("seq"), rs.getString("prev_hash").strip(),
              rs.getString("hash").strip()));
        }, start(month), after, startSeq);
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("month", month.toString());
    record.put("events", count);
    record.put("startSeq", startSeq);
    record.put("startPrevHash", startPrev);
    record.put("holes", new ArrayList<>(holes.values()));
    record.put("createdAt", clock.instant().truncatedTo(ChronoUnit.MICROS).toString());
    record.put("keyId", sealer.key().keyId());
    try {
      record.put("signature", sealer.key().sign(signedText(json.valueToTree(record))));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign the retention record of " + month, e);
    }
    return record;
  }

  private long previousStart() throws IOException {
    return latestRecord().map(r -> r.get("startSeq").asLong()).orElse(1L);
  }

  private java.util.Optional<JsonNode> latestRecord() throws IOException {
    JsonNode latest = null;
    try (Stream<Path> files = Files.list(sealer.checkpointFolder())) {
      for (Path file : files.filter(f -> f.getFileName().toString().matches(RECORD_PREFIX + "\\d{4}-\\d{2}\\.json"))
          .sorted().toList()) {
        JsonNode record = json.readTree(file.toFile());
        if (latest == null || record.get("startSeq").asLong() > latest.get("startSeq").asLong()) {
          latest = record;
        }
      }
    }
    return java.util.Optional.ofNullable(latest);
  }

  private static Map<String, Object> hole(long seq, String prevHash, String hash) {
    Map<String, Object> hole = new LinkedHashMap<>();
    hole.put("seq", seq);
    hole.put("prevHash", prevHash);
    hole.put("hash", hash);
    return hole;
  }

  /** The text a retention record's signature covers. */
  public static String signedText(JsonNode record) {
    String holes = "";
    if (record.has("holes")) {
      List<String> parts = new ArrayList<>();
      record.get("holes").forEach(h -> parts.add(h.get("seq").asLong() + ":" + h.get("prevHash").asText() + ":"
          + h.get("hash").asText()));
      holes = parts.stream().collect(Collectors.joining(","));
    }
    return "itgc-audit-retention/1\n" + record.path("month").asText() + "\n" + record.path("events").asLong() + "\n"
        + record.path("startSeq").asLong() + "\n" + record.path("startPrevHash").asText() + "\n" + holes + "\n"
        + record.path("createdAt").asText();
  }

  private static String suffix(YearMonth month) {
    return String.format("y%04dm%02d", month.getYear(), month.getMonthValue());
  }

  private static Timestamp start(YearMonth month) {
    return Timestamp.from(month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant());
  }

  private static Instant end(YearMonth month) {
    return month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
  }
}
