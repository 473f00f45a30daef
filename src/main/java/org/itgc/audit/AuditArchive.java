package org.itgc.audit;

import org.itgc.platform.SchedulingConfiguration;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * The archive tier of the audit trail. A segment is a run of the chain (by the month its links were sealed, so that
 * its sequence numbers are contiguous) written as gzip-compressed JSON lines, with a manifest that names the file's
 * SHA-256, the first and last sequence, the links from the last one to the signed checkpoint that covers it, and the
 * checkpoint itself; the manifest is signed with the audit key. Retrieval verifies a segment before it returns
 * anything, and a quarterly retrieval-and-restore test (control LG-02) picks a segment at random (stored seed),
 * retrieves it and compares every event with the database.
 */
@Service
public class AuditArchive {

  /** A segment whose content fails verification: nothing of it is returned. */
  public static final class SegmentInvalid extends RuntimeException {
    SegmentInvalid(String label, String problem) {
      super("archive segment " + label + ": " + problem);
    }
  }

  private final JdbcTemplate jdbc;
  private final AuditSealer sealer;
  private final AuditRecorder audit;
  private final ObjectMapper json;
  private final Clock clock;
  private final Path folder;
  private final java.time.Period archiveRetention;
  private final org.springframework.transaction.support.TransactionTemplate transactions;
  private final int retrievalMax;

  private final org.itgc.platform.ScheduledOnce once;
  private final String archiveCron;
  private final String expiryCron;
  private final String testCron;

  AuditArchive(JdbcTemplate jdbc, org.springframework.transaction.support.TransactionTemplate transactions,
      AuditSealer sealer, AuditRecorder audit, ObjectMapper json, @Qualifier("auditTrailClock") Clock clock,
      @Value("${itgc.audit.archive-folder:data/audit/archive}") Path folder,
      @Value("${itgc.audit.archive-retention:P7Y}") java.time.Period archiveRetention,
      @Value("${itgc.audit.archive-retrieval-max:100000}") int retrievalMax, org.itgc.platform.ScheduledOnce once,
      @Value("${itgc.audit.archive-schedule:0 0 3 2 * *}") String archiveCron,
      @Value("${itgc.audit.archive-expiry-schedule:0 0 5 2 * *}") String expiryCron,
      @Value("${itgc.audit.archive-test-schedule:0 0 4 3 1,4,7,10 *}") String testCron) {
    this.once = once;
    this.archiveCron = archiveCron;
    this.expiryCron = expiryCron;
    this.testCron = testCron;
    this.jdbc = jdbc;
    this.sealer = sealer;
    this.audit = audit;
    this.json = json;
    this.clock = clock;
    this.folder = folder;
    this.archiveRetention = archiveRetention;
    this.transactions = transactions;
    this.retrievalMax = retrievalMax;
  }

  /**
   * Monthly: every month whose links were all sealed before this month began and that has no segment yet (the hot
   * copy stays until the retention job removes the month, hot-days after its end).
   */
  @Scheduled(cron = "${itgc.audit.archive-schedule:0 0 3 2 * *}", scheduler = SchedulingConfiguration.AUDIT_HOUSEKEEPING)
  void scheduledArchive() {
    once.run("audit-archive", archiveCron, unchecked(this::archiveDue));
  }

  public void archiveDue() throws IOException {
    YearMonth current = YearMonth.from(clock.instant().atZone(ZoneOffset.UTC));
    var months = jdbc.queryForList("""
        select distinct to_char(sealed_at at time zone 'UTC', 'YYYY-MM') from audit_chain
        where sealed_at < ? order by 1
        """, String.class, Timestamp.from(current.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant()));
    for (String month : months) {
      if (jdbc.queryForObject("select count(*) from audit_archive_segment where label = ?", Integer.class, month) == 0) {
        YearMonth m = YearMonth.parse(month);
        var range = jdbc.queryForMap("select min(seq) as a, max(seq) as b from audit_chain where sealed_at >= ? and sealed_at < ?",
            Timestamp.from(m.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant()),
            Timestamp.from(m.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant()));
        archive(month, ((Number) range.get("a")).longValue(), ((Number) range.get("b")).longValue());
      }
    }
  }

  /**
   * Segments whose newest event is older than the archive's retention (7 years) are deleted with their manifests;
   * the segment's record stays, with the expiry beside it. Returns the labels expired.
   */
  @Scheduled(cron = "${itgc.audit.archive-expiry-schedule:0 0 5 2 * *}", scheduler = SchedulingConfiguration.AUDIT_HOUSEKEEPING)
  void scheduledExpiry() {
    once.run("audit-archive-expiry", expiryCron, unchecked(() -> expireDue()));
  }

  private interface FileWork {
    void run() throws IOException;
  }

  private static Runnable unchecked(FileWork work) {
    return () -> {
      try {
        work.run();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
  }

  public List<String> expireDue() throws IOException {
    Instant horizon = clock.instant().atZone(ZoneOffset.UTC).minus(archiveRetention).toInstant();
    List<String> expired = new ArrayList<>();
    for (String label : jdbc.queryForList("""
        select label from audit_archive_segment where last_occurred_at < ?
        and label not in (select label from audit_archive_expiry) order by first_seq
        """, String.class, Timestamp.from(horizon))) {
      int removed = 0;
      for (Path file : List.of(folder.resolve("audit-" + label + ".jsonl.gz"), folder.resolve("audit-" + label + ".manifest.json"),
          folder.resolve("audit-" + label + ".manifest.sig"))) {
        removed += Files.deleteIfExists(file) ? 1 : 0;
      }
      jdbc.update("insert into audit_archive_expiry (label, expired_at, files_removed) values (?, ?, ?)", label,
          Timestamp.from(clock.instant()), removed);
      audit.record(AuditEvent.system("audit.archive.expire", "audit-segment", label).detail("files", removed)
          .detail("retention", archiveRetention.toString()).build());
      expired.add(label);
    }
    return expired;
  }

  /** Writes the links firstSeq..lastSeq as segment {@code label}, covered by a signed checkpoint. */
  public Map<String, Object> archive(String label, long firstSeq, long lastSeq) throws IOException {
    if (!label.matches("[A-Za-z0-9-]{1,32}") || lastSeq < firstSeq) {
      throw new IllegalArgumentException("segment " + label + " " + firstSeq + ".." + lastSeq);
    }
    if (jdbc.queryForObject("select count(*) from audit_checkpoint where seq >= ?", Integer.class, lastSeq) == 0) {
      sealer.checkpointNow();
    }
    var checkpoint = jdbc.queryForMap("""
        select seq, head_hash, created_at, key_id, signature from audit_checkpoint where seq >= ? order by seq limit 1
        """, lastSeq);
    long checkpointSeq = ((Number) checkpoint.get("seq")).longValue();
    Files.createDirectories(folder);
    String file = "audit-" + label + ".jsonl.gz";
    Path partial = folder.resolve(file + ".partial");
    var digest = org.itgc.platform.Hashes.sha256Digest();
    int[] events = {0};
    Instant[] span = {null, null};
    try (var gzip = new GZIPOutputStream(new java.security.DigestOutputStream(
        new java.io.BufferedOutputStream(Files.newOutputStream(partial)), digest), 1 << 16)) {
      jdbc.query(con -> {
        var ps = con.prepareStatement("select c.seq, c.prev_hash, c.hash, c.format, e.occurred_at as at, " + AuditChain.EVENT_COLUMNS
            + " from audit_chain c join audit_event e on e.id = c.event_id and e.occurred_at = c.occurred_at "
            + "where c.seq between ? and ? order by c.seq");
        ps.setFetchSize(10_000);
        ps.setLong(1, firstSeq);
        ps.setLong(2, lastSeq);
        return ps;
      }, rs -> {
        try {
          gzip.write(json.writeValueAsBytes(link(rs)));
          gzip.write('\n');
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
        Instant at = rs.getTimestamp("at").toInstant();
        span[0] = span[0] == null || at.isBefore(span[0]) ? at : span[0];
        span[1] = span[1] == null || at.isAfter(span[1]) ? at : span[1];
        events[0]++;
      });
    }
    String sha256 = java.util.HexFormat.of().formatHex(digest.digest());
    List<Map<String, Object>> bridge = new ArrayList<>();
    jdbc.query("select c.seq, c.prev_hash, c.hash, c.format, e.occurred_at as at, " + AuditChain.EVENT_COLUMNS
        + " from audit_chain c join audit_event e on e.id = c.event_id and e.occurred_at = c.occurred_at "
        + "where c.seq > ? and c.seq <= ? order by c.seq",
        rs -> {
          var link = link(rs);
          link.keySet().retainAll(List.of("seq", "format", "prevHash", "hash", "canonical"));
          bridge.add(link);
        }, lastSeq, checkpointSeq);
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("label", label);
    manifest.put("file", file);
    manifest.put("sha256", sha256);
    manifest.put("firstSeq", firstSeq);
    manifest.put("lastSeq", lastSeq);
    manifest.put("events", events[0]);
    manifest.put("firstOccurredAt", span[0] == null ? null : span[0].toString());
    manifest.put("lastOccurredAt", span[1] == null ? null : span[1].toString());
    manifest.put("bridge", bridge);
    Map<String, Object> cp = new LinkedHashMap<>();
    cp.put("seq", checkpointSeq);
    cp.put("headHash", ((String) checkpoint.get("head_hash")).strip());
    cp.put("createdAt", ((Timestamp) checkpoint.get("created_at")).toInstant().toString());
    cp.put("keyId", checkpoint.get("key_id"));
    cp.put("signature", checkpoint.get("signature"));
    manifest.put("checkpoint", cp);
    manifest.put("publicKey", sealer.key().publicPem());
    byte[] manifestBytes = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
    String signature;
    try {
      signature = sealer.key().sign(new String(manifestBytes, StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    Files.move(partial, folder.resolve(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.write(folder.resolve("audit-" + label + ".manifest.json"), manifestBytes);
    Files.writeString(folder.resolve("audit-" + label + ".manifest.sig"), signature + "\n");
    jdbc.update("""
        insert into audit_archive_segment (label, first_seq, last_seq, events, file, sha256, checkpoint_seq,
            first_occurred_at, last_occurred_at, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """, label, firstSeq, lastSeq, events[0], file, manifest.get("sha256"), checkpointSeq,
        span[0] == null ? null : Timestamp.from(span[0]), span[1] == null ? null : Timestamp.from(span[1]),
        Timestamp.from(clock.instant()));
    audit.record(AuditEvent.system("audit.archive", "audit-segment", label).detail("firstSeq", firstSeq)
        .detail("lastSeq", lastSeq).detail("events", events[0]).detail("sha256", manifest.get("sha256")).build());
    return Map.of("label", label, "events", events[0], "firstSeq", firstSeq, "lastSeq", lastSeq, "file", file);
  }

  /** A period holding more archived events than one answer carries. */
  public static final class TooMany extends RuntimeException {
    TooMany(int max) {
      super("the period holds more than " + max + " archived events: ask for a shorter period");
    }
  }

  /**
   * The archived events of the period, from segments each verified whole first; a bad segment fails everything, and
   * so does a period of more than itgc.audit.archive-retrieval-max events (never a partial answer).
   */
  public List<Map<String, Object>> retrieve(Instant from, Instant to) throws IOException {
    List<Map<String, Object>> events = new ArrayList<>();
    for (String label : jdbc.queryForList("""
        select label from audit_archive_segment where first_occurred_at < ? and last_occurred_at >= ?
        and label not in (select label from audit_archive_expiry) order by first_seq
        """, String.class, Timestamp.from(to), Timestamp.from(from))) {
      verify(label, link -> {
        Instant at = Instant.parse(link.get("occurredAt").asText());
        if (!at.isBefore(from) && at.isBefore(to)) {
          if (events.size() == retrievalMax) {
            throw new TooMany(retrievalMax);
          }
          events.add(json.convertValue(link, Map.class));
        }
      });
    }
    return events;
  }

  /**
   * Checks a segment whole (signed manifest, the file's SHA-256, every link, the bridge to the signed checkpoint),
   * streaming it, and hands each link to {@code each} as it is read. It throws when anything fails, also after links
   * were handed over: a caller keeps what it collected only when this returns.
   */
  public void verify(String label, java.util.function.Consumer<JsonNode> each) throws IOException {
    Path manifestFile = folder.resolve("audit-" + label + ".manifest.json");
    Path signatureFile = folder.resolve("audit-" + label + ".manifest.sig");
    if (!Files.exists(manifestFile) || !Files.exists(signatureFile)) {
      throw new SegmentInvalid(label, "its manifest or the manifest's signature is missing");
    }
    String manifestText = Files.readString(manifestFile);
    JsonNode manifest = json.readTree(manifestText);
    // signed with the key of its day: any trusted key (after a rotation, the earlier ones stay trusted)
    java.security.PublicKey signer;
    try {
      signer = AuditSigningKey.parsePublic(manifest.path("publicKey").asText());
    } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
      throw new SegmentInvalid(label, "the manifest's public key cannot be read");
    }
    if (!sealer.trustedKeysById().containsKey(AuditSigningKey.fingerprint(signer).substring(0, 16))
        || !AuditSigningKey.verify(signer, manifestText, Files.readString(signatureFile).strip())) {
      throw new SegmentInvalid(label, "the manifest's signature does not verify with a trusted key");
    }
    Path segmentFile = folder.resolve(manifest.get("file").asText());
    if (!Files.exists(segmentFile)) {
      throw new SegmentInvalid(label, "the file " + manifest.get("file").asText() + " is missing");
    }
    var digest = org.itgc.platform.Hashes.sha256Digest();
    try (var in = new java.security.DigestInputStream(Files.newInputStream(segmentFile), digest)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    if (!java.util.HexFormat.of().formatHex(digest.digest()).equals(manifest.get("sha256").asText())) {
      throw new SegmentInvalid(label, "the file's SHA-256 differs from the manifest");
    }
    var state = new Object() {
      String previous;
      long expected = manifest.get("firstSeq").asLong();
      int links;

      void check(JsonNode link) {
        long seq = link.get("seq").asLong();
        if (seq != expected) {
          throw new SegmentInvalid(label, "sequence " + expected + " is missing");
        }
        if (previous != null && !previous.equals(link.get("prevHash").asText())) {
          throw new SegmentInvalid(label, "sequence " + seq + " does not follow the one before");
        }
        if (!AuditChain.hash(link).equals(link.get("hash").asText())) {
          throw new SegmentInvalid(label, "sequence " + seq + ": the hash does not match its content");
        }
        previous = link.get("hash").asText();
        expected++;
      }
    };
    // the file is read twice (hash, then content), each pass streaming: a segment of any size fits in memory
    readLinks(segmentFile, link -> {
      state.check(link);
      state.links++;
      each.accept(link);
    });
    if (state.links != manifest.get("events").asInt() || state.expected - 1 < manifest.get("lastSeq").asLong()) {
      throw new SegmentInvalid(label, "it holds " + state.links + " events, the manifest says " + manifest.get("events").asInt());
    }
    manifest.path("bridge").forEach(state::check);
    JsonNode checkpoint = manifest.get("checkpoint");
    if (checkpoint.get("seq").asLong() != state.expected - 1 || !checkpoint.get("headHash").asText().equals(state.previous)
        || !sealer.trustedKeysById().containsKey(checkpoint.path("keyId").asText())
        || !AuditSigningKey.verify(sealer.trustedKeysById().get(checkpoint.path("keyId").asText()),
            AuditChain.checkpointText(checkpoint.get("seq").asLong(),
            checkpoint.get("headHash").asText(), checkpoint.get("createdAt").asText()), checkpoint.get("signature").asText())) {
      throw new SegmentInvalid(label, "the chain does not reach its signed checkpoint " + checkpoint.get("seq").asLong());
    }
  }

  /** Each link of a segment file (gzip-compressed JSON lines), streaming, in file order, unchecked. */
  private void readLinks(Path segmentFile, java.util.function.Consumer<JsonNode> each) throws IOException {
    try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(
        new GZIPInputStream(Files.newInputStream(segmentFile), 1 << 16), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (!line.isBlank()) {
          each.accept(json.readTree(line));
        }
      }
    }
  }

  /** Quarterly (control LG-02): a random segment retrieved, verified and compared event by event with the database. */
  @Scheduled(cron = "${itgc.audit.archive-test-schedule:0 0 4 3 1,4,7,10 *}", scheduler = SchedulingConfiguration.AUDIT_HOUSEKEEPING)
  public void scheduledTest() {
    once.runWithOutcome("audit-archive-test", testCron, () -> {
      Map<String, Object> result = test("schedule");
      if (Boolean.FALSE.equals(result.get("tested"))) {
        return "skipped: " + result.get("reason");
      }
      return Boolean.TRUE.equals(result.get("passed")) ? org.itgc.platform.ScheduledOnce.DONE
          : "failed: the retrieved segment " + result.get("label") + " did not match: " + result.get("problem");
    });
  }

  public Map<String, Object> test(String by) {
    List<String> labels = jdbc.queryForList("select label from audit_archive_segment where label not in "
        + "(select label from audit_archive_expiry) order by label", String.class);
    if (labels.isEmpty()) {
      return Map.of("tested", false, "reason", "no archive segment to test");
    }
    long seed = new SecureRandom().nextLong();
    String label = labels.get(new Random(seed).nextInt(labels.size()));
    String problem = null;
    long[] restored = {0, 0};
    try {
      verify(label, link -> { });
      restored = restore(label);
    } catch (SegmentInvalid | IOException | IllegalStateException e) {
      problem = e.getMessage();
    }
    boolean passed = problem == null;
    jdbc.update("""
        insert into audit_archive_test (label, seed, passed, events, problem, tested_at, tested_by) values (?, ?, ?, ?, ?, ?, ?)
        """, label, seed, passed, restored[0], problem, Timestamp.from(clock.instant()), by);
    audit.record(AuditEvent.of("audit.archive.test", "audit-segment", label).actor(by, null)
        .outcome(passed ? AuditEvent.Outcome.SUCCESS : AuditEvent.Outcome.FAILURE).detail("seed", seed)
        .detail("events", restored[0]).detail("comparedWithHotChain", restored[1]).detail("problem", problem).build());
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("tested", true);
    result.put("label", label);
    result.put("seed", seed);
    result.put("passed", passed);
    result.put("events", restored[0]);
    result.put("comparedWithHotChain", restored[1]);
    result.put("problem", problem);
    return result;
  }

  /**
   * Restores a verified segment into PostgreSQL (a temporary table, dropped at the end of the transaction), recomputes
   * every link's hash from the restored rows with the chain's own canonical form, and compares each link with the hot
   * chain where its month is still hot. Returns {events restored, links compared with the hot chain}; throws
   * IllegalStateException naming the first sequence that differs.
   */
  long[] restore(String label) throws IOException {
    JsonNode manifest = json.readTree(folder.resolve("audit-" + label + ".manifest.json").toFile());
    Path segmentFile = folder.resolve(manifest.get("file").asText());
    long[] counts = transactions.execute(status -> {
      jdbc.execute("""
          create temporary table audit_restore (seq bigint, format int, prev_hash text, hash text, id bigint, occurred_at timestamptz,
            actor text, actor_roles varchar(64)[], client_address text, action text, object_type text, object_id text,
            outcome text, details jsonb) on commit drop
          """);
      List<String[]> chunk = new ArrayList<>();
      try {
        readLinks(segmentFile, link -> {
          int format = link.path("format").asInt(1);
          String[] fields = AuditChain.fields(format, link.get("canonical").asText());
          String[] row = new String[14];
          row[0] = link.get("seq").asText();
          row[1] = link.get("prevHash").asText();
          row[2] = link.get("hash").asText();
          System.arraycopy(fields, 0, row, 3, fields.length);
          row[13] = String.valueOf(format);
          chunk.add(row);
          if (chunk.size() == 10_000) {
            insertRestored(chunk);
          }
        });
      } catch (IOException e) {
        throw new IllegalStateException("the segment could not be read: " + e.getMessage(), e);
      }
      insertRestored(chunk);
      long[] result = {0, 0};
      jdbc.query("select e.seq, e.format, e.prev_hash, e.hash, c.hash as hot, " + AuditChain.EVENT_COLUMNS
          + " from audit_restore e left join audit_chain c on c.seq = e.seq and c.occurred_at = e.occurred_at "
          + "order by e.seq", rs -> {
            long seq = rs.getLong("seq");
            int format = rs.getInt("format");
            if (!AuditChain.hash(format, rs.getString("prev_hash"), seq, AuditChain.canonical(rs, format))
                .equals(rs.getString("hash"))) {
              throw new IllegalStateException("sequence " + seq + " restored does not give its hash again");
            }
            String hot = rs.getString("hot");
            if (hot != null) {
              if (!hot.strip().equals(rs.getString("hash"))) {
                throw new IllegalStateException("sequence " + seq + " differs from the database");
              }
              result[1]++;
            }
            result[0]++;
          });
      return result;
    });
    return counts;
  }

  private void insertRestored(List<String[]> rows) {
    if (rows.isEmpty()) {
      return;
    }
    jdbc.update(con -> {
      var ps = con.prepareStatement("""
          insert into audit_restore select u.s::bigint, u.f::int, u.p, u.h, u.i::bigint, u.o::timestamptz, u.a,
            string_to_array(u.r, ',')::varchar(64)[], u.c, u.ac, u.ot, u.oi, u.out, u.d::jsonb
          from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
            ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) as u(s, p, h, i, o, a, r, c, ac, ot, oi, out, d, f)
          """);
      for (int column = 0; column < 14; column++) {
        String[] values = new String[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
          values[r] = rows.get(r)[column];
        }
        ps.setArray(column + 1, con.createArrayOf("text", values));
      }
      return ps;
    });
    rows.clear();
  }

  /**
   * The archived events of the given objects that have left the hot tier (they occurred before its oldest month), from
   * segments verified whole, at most perObject each, oldest first; empty when {@code from} is within the hot tier.
   */
  public Map<String, List<JsonNode>> archivedEventsOf(java.util.Set<String> objectIds, Instant from, int perObject)
      throws IOException {
    Map<String, List<JsonNode>> found = new LinkedHashMap<>();
    List<YearMonth> hot = jdbc.execute((java.sql.Connection connection) -> AuditRetention.hotMonths(connection));
    Instant hotStart = hot.isEmpty() ? clock.instant() : hot.get(0).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    if (objectIds.isEmpty() || !from.isBefore(hotStart)) {
      return found;
    }
    for (String label : jdbc.queryForList("""
        select label from audit_archive_segment where first_occurred_at < ? and last_occurred_at >= ?
        and label not in (select label from audit_archive_expiry) order by first_seq
        """, String.class, Timestamp.from(hotStart), Timestamp.from(from))) {
      verify(label, link -> {
        String objectId = link.path("objectId").asText(null);
        if (objectId != null && objectIds.contains(objectId)
            && Instant.parse(link.get("occurredAt").asText()).isBefore(hotStart)) {
          List<JsonNode> links = found.computeIfAbsent(objectId, k -> new ArrayList<>());
          if (links.size() < perObject) {
            links.add(link);
          }
        }
      });
    }
    return found;
  }

  /**
   * The links of the chain from lo to hi (seq, prevHash, hash, canonical): from the hot chain, and where they have
   * left it, from the archive's segments, each verified whole before use. Throws when one is in neither.
   */
  public List<Map<String, Object>> links(long lo, long hi) throws IOException {
    TreeMap<Long, Map<String, Object>> found = new TreeMap<>();
    jdbc.query("select c.seq, c.prev_hash, c.hash, c.format, " + AuditChain.EVENT_COLUMNS
        + " from audit_chain c join audit_event e on e.id = c.event_id and e.occurred_at = c.occurred_at "
        + "where c.seq between ? and ? order by c.seq", rs -> {
          int format = rs.getInt("format");
          found.put(rs.getLong("seq"), chainLink(rs.getLong("seq"), format, rs.getString("prev_hash").strip(),
              rs.getString("hash").strip(), AuditChain.canonical(rs, format)));
        }, lo, hi);
    if (found.size() < hi - lo + 1) {
      for (String label : jdbc.queryForList("""
          select label from audit_archive_segment where first_seq <= ? and last_seq >= ?
          and label not in (select label from audit_archive_expiry) order by first_seq
          """, String.class, hi, lo)) {
        verify(label, link -> {
          long seq = link.get("seq").asLong();
          if (seq >= lo && seq <= hi && !found.containsKey(seq)) {
            found.put(seq, chainLink(seq, link.path("format").asInt(1), link.get("prevHash").asText(),
                link.get("hash").asText(), link.get("canonical").asText()));
          }
        });
      }
    }
    if (found.size() < hi - lo + 1) {
      throw new IllegalStateException("links " + lo + ".." + hi + " of the audit chain are neither hot nor archived");
    }
    return new ArrayList<>(found.values());
  }

  private static Map<String, Object> chainLink(long seq, int format, String prevHash, String hash, String canonical) {
    Map<String, Object> link = new LinkedHashMap<>();
    link.put("seq", seq);
    link.put("format", format);
    link.put("prevHash", prevHash);
    link.put("hash", hash);
    link.put("canonical", canonical);
    return link;
  }

  public Path folder() {
    return folder;
  }

  public List<Map<String, Object>> segments() {
    return jdbc.queryForList("select * from audit_archive_segment order by first_seq");
  }

  public List<Map<String, Object>> tests() {
    return jdbc.queryForList("select * from audit_archive_test order by id");
  }

  private Map<String, Object> link(java.sql.ResultSet rs) throws java.sql.SQLException {
    Map<String, Object> link = new LinkedHashMap<>();
    int format = rs.getInt("format");
    link.put("seq", rs.getLong("seq"));
    link.put("format", format);
    link.put("prevHash", rs.getString("prev_hash").strip());
    link.put("hash", rs.getString("hash").strip());
    link.put("canonical", AuditChain.canonical(rs, format));
    link.put("occurredAt", rs.getTimestamp("at").toInstant().toString());
    link.put("actor", rs.getString("actor"));
    link.put("action", rs.getString("action"));
    link.put("objectType", rs.getString("object_type"));
    link.put("objectId", rs.getString("object_id"));
    link.put("outcome", rs.getString("outcome"));
    link.put("details", rs.getString("details"));
    return link;
  }

}
