package org.itgc.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
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
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
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
  private final int hotDays;

  AuditArchive(JdbcTemplate jdbc, AuditSealer sealer, AuditRecorder audit, ObjectMapper json, Clock clock,
      @Value("${itgc.audit.archive-folder:data/audit/archive}") Path folder, @Value("${itgc.audit.hot-days:90}") int hotDays) {
    this.jdbc = jdbc;
    this.sealer = sealer;
    this.audit = audit;
    this.json = json;
    this.clock = clock;
    this.folder = folder;
    this.hotDays = hotDays;
  }

  /** Monthly: every month whose links were all sealed more than hot-days ago and that has no segment yet. */
  @Scheduled(cron = "${itgc.audit.archive-schedule:0 0 3 2 * *}")
  public void archiveDue() throws IOException {
    YearMonth last = YearMonth.from(clock.instant().minusSeconds(hotDays * 86_400L).atZone(ZoneOffset.UTC)).minusMonths(1);
    var months = jdbc.queryForList("""
        select distinct to_char(sealed_at at time zone 'UTC', 'YYYY-MM') from audit_chain
        where sealed_at < ? order by 1
        """, String.class, Timestamp.from(last.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant()));
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
    var out = new ByteArrayOutputStream();
    int[] events = {0};
    Instant[] span = {null, null};
    try (var gzip = new GZIPOutputStream(out)) {
      jdbc.query("select c.seq, c.prev_hash, c.hash, e.occurred_at as at, " + AuditChain.EVENT_COLUMNS
          + " from audit_chain c join audit_event e on e.id = c.event_id where c.seq between ? and ? order by c.seq", rs -> {
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
          }, firstSeq, lastSeq);
    }
    List<Map<String, Object>> bridge = new ArrayList<>();
    jdbc.query("select c.seq, c.prev_hash, c.hash, e.occurred_at as at, " + AuditChain.EVENT_COLUMNS
        + " from audit_chain c join audit_event e on e.id = c.event_id where c.seq > ? and c.seq <= ? order by c.seq",
        rs -> {
          var link = link(rs);
          link.keySet().retainAll(List.of("seq", "prevHash", "hash", "canonical"));
          bridge.add(link);
        }, lastSeq, checkpointSeq);
    byte[] segment = out.toByteArray();
    String file = "audit-" + label + ".jsonl.gz";
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("label", label);
    manifest.put("file", file);
    manifest.put("sha256", org.itgc.platform.Hashes.sha256(segment));
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
    Files.createDirectories(folder);
    Files.write(folder.resolve(file), segment);
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

  /** The archived events of the period, from segments each verified whole first; a bad segment fails everything. */
  public List<Map<String, Object>> retrieve(Instant from, Instant to) throws IOException {
    List<Map<String, Object>> events = new ArrayList<>();
    for (String label : jdbc.queryForList("""
        select label from audit_archive_segment where first_occurred_at < ? and last_occurred_at >= ? order by first_seq
        """, String.class, Timestamp.from(to), Timestamp.from(from))) {
      for (JsonNode link : verified(label)) {
        Instant at = Instant.parse(link.get("occurredAt").asText());
        if (!at.isBefore(from) && at.isBefore(to)) {
          events.add(json.convertValue(link, Map.class));
        }
      }
    }
    return events;
  }

  /** Reads a segment and checks it: signed manifest, file hash, every link, the bridge to the signed checkpoint. */
  List<JsonNode> verified(String label) throws IOException {
    Path manifestFile = folder.resolve("audit-" + label + ".manifest.json");
    Path signatureFile = folder.resolve("audit-" + label + ".manifest.sig");
    if (!Files.exists(manifestFile) || !Files.exists(signatureFile)) {
      throw new SegmentInvalid(label, "its manifest or the manifest's signature is missing");
    }
    String manifestText = Files.readString(manifestFile);
    if (!AuditSigningKey.verify(sealer.key().publicKey(), manifestText, Files.readString(signatureFile).strip())) {
      throw new SegmentInvalid(label, "the manifest's signature does not verify");
    }
    JsonNode manifest = json.readTree(manifestText);
    Path segmentFile = folder.resolve(manifest.get("file").asText());
    if (!Files.exists(segmentFile)) {
      throw new SegmentInvalid(label, "the file " + manifest.get("file").asText() + " is missing");
    }
    byte[] segment = Files.readAllBytes(segmentFile);
    if (!org.itgc.platform.Hashes.sha256(segment).equals(manifest.get("sha256").asText())) {
      throw new SegmentInvalid(label, "the file's SHA-256 differs from the manifest");
    }
    List<JsonNode> links = new ArrayList<>();
    try (var in = new GZIPInputStream(new ByteArrayInputStream(segment))) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          links.add(json.readTree(line));
        }
      }
    }
    String previous = null;
    long expected = manifest.get("firstSeq").asLong();
    List<JsonNode> chain = new ArrayList<>(links);
    manifest.path("bridge").forEach(chain::add);
    for (JsonNode link : chain) {
      long seq = link.get("seq").asLong();
      if (seq != expected) {
        throw new SegmentInvalid(label, "sequence " + expected + " is missing");
      }
      if (previous != null && !previous.equals(link.get("prevHash").asText())) {
        throw new SegmentInvalid(label, "sequence " + seq + " does not follow the one before");
      }
      if (!AuditChain.hash(link.get("prevHash").asText(), seq, link.get("canonical").asText()).equals(link.get("hash").asText())) {
        throw new SegmentInvalid(label, "sequence " + seq + ": the hash does not match its content");
      }
      previous = link.get("hash").asText();
      expected++;
    }
    if (links.size() != manifest.get("events").asInt() || expected - 1 < manifest.get("lastSeq").asLong()) {
      throw new SegmentInvalid(label, "it holds " + links.size() + " events, the manifest says " + manifest.get("events").asInt());
    }
    JsonNode checkpoint = manifest.get("checkpoint");
    if (checkpoint.get("seq").asLong() != expected - 1 || !checkpoint.get("headHash").asText().equals(previous)
        || !AuditSigningKey.verify(sealer.key().publicKey(), AuditChain.checkpointText(checkpoint.get("seq").asLong(),
            checkpoint.get("headHash").asText(), checkpoint.get("createdAt").asText()), checkpoint.get("signature").asText())) {
      throw new SegmentInvalid(label, "the chain does not reach its signed checkpoint " + checkpoint.get("seq").asLong());
    }
    return links;
  }

  /** Quarterly (control LG-02): a random segment retrieved, verified and compared event by event with the database. */
  @Scheduled(cron = "${itgc.audit.archive-test-schedule:0 0 4 3 1,4,7,10 *}")
  public void scheduledTest() {
    test("schedule");
  }

  public Map<String, Object> test(String by) {
    List<String> labels = jdbc.queryForList("select label from audit_archive_segment order by label", String.class);
    if (labels.isEmpty()) {
      return Map.of("tested", false, "reason", "no archive segment yet");
    }
    long seed = new SecureRandom().nextLong();
    String label = labels.get(new Random(seed).nextInt(labels.size()));
    String problem = null;
    int events = 0;
    try {
      List<JsonNode> links = verified(label);
      events = links.size();
      for (JsonNode link : links) {
        List<String> hot = jdbc.queryForList("select hash from audit_chain where seq = ?", String.class, link.get("seq").asLong());
        if (!hot.isEmpty() && !hot.get(0).strip().equals(link.get("hash").asText())) {
          problem = "sequence " + link.get("seq").asLong() + " differs from the database";
          break;
        }
      }
    } catch (SegmentInvalid | IOException e) {
      problem = e.getMessage();
    }
    boolean passed = problem == null;
    jdbc.update("""
        insert into audit_archive_test (label, seed, passed, events, problem, tested_at, tested_by) values (?, ?, ?, ?, ?, ?, ?)
        """, label, seed, passed, events, problem, Timestamp.from(clock.instant()), by);
    audit.record(AuditEvent.of("audit.archive.test", "audit-segment", label).actor(by, null)
        .outcome(passed ? AuditEvent.Outcome.SUCCESS : AuditEvent.Outcome.FAILURE).detail("seed", seed)
        .detail("events", events).detail("problem", problem).build());
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("tested", true);
    result.put("label", label);
    result.put("seed", seed);
    result.put("passed", passed);
    result.put("events", events);
    result.put("problem", problem);
    return result;
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
    link.put("seq", rs.getLong("seq"));
    link.put("prevHash", rs.getString("prev_hash").strip());
    link.put("hash", rs.getString("hash").strip());
    link.put("canonical", AuditChain.canonical(rs));
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
