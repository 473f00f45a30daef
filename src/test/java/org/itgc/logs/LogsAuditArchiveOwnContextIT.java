package org.itgc.logs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.itgc.ItgcEngineApplication;
import org.itgc.audit.AuditArchiveForTests;
import org.itgc.audit.AuditRetention;
import org.itgc.audit.AuditSealer;
import org.itgc.support.Http;
import org.itgc.support.TestMailServer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A proof still verifies when the audit event that carries its batch's root has left the audit trail's hot tier: in a
 * context of its own (it removes a month of the audit trail), a batch of records of a month four months back whose
 * sealing event lies in that month of the trail; the audit month is archived and removed; the object query answers the
 * events verified, the carrying event read from the audit archive, first while the records are hot, then once their
 * month has been archived and removed too; the proofs verify offline against the event the audit archive's retrieval
 * returns.
 */
class LogsAuditArchiveOwnContextIT {

  private static final YearMonth OLD = YearMonth.now(ZoneOffset.UTC).minusMonths(4);

  @Test
  void aProofVerifiesWhenItsCarryingAuditEventHasLeftTheAuditTrailsHotTier() throws Exception {
    Path data = Files.createTempDirectory(Path.of("target"), "logs-audit-archive-it-");
    Path checkpoints = Files.createTempDirectory(Path.of("target"), "logs-audit-archive-checkpoints-");
    try (var context = start(data, checkpoints)) {
      int port = ((WebServerApplicationContext) context).getWebServer().getPort();
      var owner = new JdbcTemplate(context.getBean("ownerDataSource", DataSource.class));
      var jdbc = context.getBean(JdbcTemplate.class);
      owner.queryForList("select audit_create_month(?)::text", java.sql.Date.valueOf(OLD.atDay(1)));
      owner.queryForList("select logs_create_month(?)", java.sql.Date.valueOf(OLD.atDay(1)));

      // three records of that month, sealed in a batch whose audit event was recorded then (as the owner: the sealer
      // records at the present time)
      List<LogRecord> records = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Instant at = OLD.atDay(12).atTime(10, i).toInstant(ZoneOffset.UTC);
        long id = owner.queryForObject("select nextval('logs_record_id_seq')", Long.class);
        LogRecord r = new LogRecord(id, at, at.plusSeconds(2), "ERP-GL", "hec", LogRecord.Status.MAPPED, null,
            i == 1 ? "old-mary" : "old-john", i == 1 ? "update" : "read", "invoice", "AP-OWN-1", null,
            i == 1 ? "{\"amount\":5}" : null, "10.8.0." + i, "127.0.0.1",
            ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
        owner.update("insert into logs_record (id, occurred_at, received_at, system_id, protocol, status, actor, action, "
            + "object_type, object_id, after_json, source_address, peer_address, raw) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            + "?, ?, ?, ?)", r.id(), Timestamp.from(r.occurredAt()), Timestamp.from(r.receivedAt()), r.system(),
            r.protocol(), "mapped", r.actor(), r.action(), r.objectType(), r.objectId(), r.afterJson(),
            r.sourceAddress(), r.peerAddress(), r.raw());
        records.add(r);
      }
      List<byte[]> leaves = records.stream().map(LogRecord::leafHash).toList();
      byte[] packed = new byte[32 * leaves.size()];
      for (int i = 0; i < leaves.size(); i++) {
        System.arraycopy(leaves.get(i), 0, packed, 32 * i, 32);
      }
      String root = Merkle.hex(Merkle.root(leaves));
      long batchId = owner.queryForObject("select nextval('logs_batch_id_seq')", Long.class);
      Instant sealedAt = OLD.atDay(12).atTime(10, 5).toInstant(ZoneOffset.UTC);
      long eventId = owner.queryForObject("insert into audit_event (occurred_at, actor, action, object_type, object_id, "
          + "outcome, details) values (?, 'system', ?, ?, ?, 'SUCCESS', ?::jsonb) returning id", Long.class,
          Timestamp.from(sealedAt), LogSealer.SEAL_ACTION, LogSealer.BATCH_OBJECT, Long.toString(batchId),
          "{\"system\": \"ERP-GL\", \"leafCount\": 3, \"root\": \"" + root + "\", \"firstRecordId\": "
              + records.get(0).id() + ", \"lastRecordId\": " + records.get(2).id() + "}");
      owner.update("insert into logs_batch (id, system_id, sealed_at, leaf_count, root, leaves, first_record_id, "
          + "last_record_id, audit_event_id) values (?, 'ERP-GL', ?, 3, ?, ?, ?, ?, ?)", batchId,
          Timestamp.from(sealedAt), root, packed, records.get(0).id(), records.get(2).id(), eventId);
      for (int i = 0; i < 3; i++) {
        owner.update("insert into logs_seal (record_id, occurred_at, batch_id, leaf_index) values (?, ?, ?, ?)",
            records.get(i).id(), Timestamp.from(records.get(i).occurredAt()), batchId, i);
      }
      var auditSealer = context.getBean(AuditSealer.class);
      auditSealer.seal();
      JsonNode hot = query(port);
      assertThat(hot.get("events")).hasSize(3).allMatch(e -> e.get("verified").asBoolean()
          && e.at("/proof/auditEvent/tier").asText().equals("hot"));

      // the audit trail's month is archived and leaves its hot tier
      var range = jdbc.queryForMap("select min(seq) as lo, max(seq) as hi from audit_chain where occurred_at >= ? "
          + "and occurred_at < ?", Timestamp.from(OLD.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant()),
          Timestamp.from(OLD.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant()));
      AuditArchiveForTests.archive(context, "own-logs-carrier", ((Number) range.get("lo")).longValue(),
          ((Number) range.get("hi")).longValue());
      assertThat(context.getBean(AuditRetention.class).remove(OLD)).isPositive();
      assertThat(jdbc.queryForObject("select count(*) from audit_event where id = ?", Long.class, eventId)).isZero();

      // the records are hot, their carrying event archived: verified, read from the audit archive
      JsonNode fromAuditArchive = query(port);
      assertThat(fromAuditArchive.get("allVerified").asBoolean()).as(fromAuditArchive.toString()).isTrue();
      assertThat(fromAuditArchive.get("events")).hasSize(3).allMatch(e -> e.get("tier").asText().equals("hot")
          && e.at("/proof/auditEvent/tier").asText().equals("archive")
          && e.at("/proof/auditEvent/sequence").asLong() == eventId);
      assertThat(offlineProblems(port, fromAuditArchive)).isEmpty();

      // then the logs' month too: archived, removed, answered from both archives
      var logsArchive = context.getBean(LogArchive.class);
      assertThat(logsArchive.archive(OLD).records()).isEqualTo(3);
      assertThat(context.getBean(LogRetention.class).remove(OLD)).isEqualTo(3);
      JsonNode archived = query(port);
      assertThat(archived.get("allVerified").asBoolean()).as(archived.toString()).isTrue();
      assertThat(archived.get("events")).hasSize(3).allMatch(e -> e.get("tier").asText().equals("archive")
          && e.at("/proof/auditEvent/tier").asText().equals("archive"));
      for (int i = 0; i < 3; i++) {
        assertThat(archived.get("events").get(i).at("/proof/auditPath"))
            .isEqualTo(hot.get("events").get(i).at("/proof/auditPath"));
      }
      assertThat(offlineProblems(port, archived)).isEmpty();

      // the LG-02 retrieval test of the segment compares the roots with the archived audit event
      var test = Http.as(port, "audrey").post("/api/logs/archive/tests", "{}");
      assertThat(test.json().get("passed").asBoolean()).as(test.toString()).isTrue();
    }
  }

  private static JsonNode query(int port) {
    var answer = Http.as(port, "audrey").get("/api/logs/objects/invoice/AP-OWN-1?from=" + OLD.atDay(1) + "&to="
        + OLD.plusMonths(1).atDay(1));
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    return answer.json();
  }

  /** Offline, against the carrying event as the audit archive's retrieval returns it. */
  private static List<String> offlineProblems(int port, JsonNode answer) throws Exception {
    var events = Http.as(port, "audrey").get("/api/audit/archive?from=" + OLD.atDay(1).atStartOfDay(ZoneOffset.UTC)
        .toInstant() + "&to=" + OLD.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant());
    assertThat(events.status()).as(events.toString()).isEqualTo(200);
    List<String> problems = new ArrayList<>();
    for (JsonNode event : answer.get("events")) {
      JsonNode carrier = null;
      for (JsonNode e : events.json()) {
        if (LogSealer.SEAL_ACTION.equals(e.path("action").asText())
            && event.at("/proof/batchId").asText().equals(e.path("objectId").asText())) {
          carrier = e;
        }
      }
      assertThat(carrier).as("the carrying event in the audit archive").isNotNull();
      JsonNode details = new com.fasterxml.jackson.databind.ObjectMapper().readTree(carrier.get("details").asText());
      assertThat(carrier.get("hash").asText()).isEqualTo(event.at("/proof/auditEvent/hash").asText());
      String problem = LogProofVerifier.check(event, details.get("root").asText(), details.get("leafCount").asLong());
      if (problem != null) {
        problems.add(event.get("id") + ": " + problem);
      }
    }
    return problems;
  }

  private static ConfigurableApplicationContext start(Path data, Path checkpoints) {
    return new SpringApplicationBuilder(ItgcEngineApplication.class)
        .profiles("demo", "test")
        .run("--server.port=0", "--camunda.bpm.process-engine-name=logsAuditArchiveIt",
            "--itgc.embedded-postgres.data-directory=" + data,
            "--itgc.audit.checkpoint-folder=" + checkpoints,
            "--spring.mail.port=" + TestMailServer.port());
  }
}
