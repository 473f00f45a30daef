package org.itgc.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.itgc.audit.AuditArchiveForTests;
import org.itgc.audit.AuditSealer;
import org.itgc.audit.RetentionConnections;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The logs' hot tier and archive: records of a month more than 90 days back, sealed, are archived as a signed segment,
 * their partitions leave the hot tables through the retention role's function, and the auditor's object and actor
 * queries still answer every event, from the archive, verified, with the same proofs, which also verify offline; a
 * record of that month arriving late is hot again, then archived and removed in a segment of its own; a segment
 * altered on disk refuses the answer (409 naming it); a month with an unsealed record stays; the LG-02 retrieval test
 * is recorded; the audit event that carries a batch root is found in the audit archive too.
 */
@IntegrationTest
class LogsArchiveIT {

  @LocalServerPort int port;
  @Autowired LogSealer sealer;
  @Autowired AuditSealer auditSealer;
  @Autowired LogArchive archive;
  @Autowired LogRetention retention;
  @Autowired LogWatch watch;
  @Autowired LogArchiveTest retrievalTest;
  @Autowired LogCarriers carriers;
  @Autowired LogStore logStore;
  @Autowired RetentionConnections retentionConnections;
  @Autowired JdbcTemplate jdbc;
  @Autowired ApplicationContext context;
  @Autowired @org.springframework.boot.autoconfigure.liquibase.LiquibaseDataSource DataSource ownerDataSource;

  private static final YearMonth OLD = YearMonth.now(ZoneOffset.UTC).minusMonths(5);
  private static final YearMonth UNSEALED = YearMonth.now(ZoneOffset.UTC).minusMonths(8);
  private static final YearMonth BULK = YearMonth.now(ZoneOffset.UTC).minusMonths(7);

  private static Instant at(YearMonth month, int day, int minute) {
    return month.atDay(day).atTime(9, minute).toInstant(ZoneOffset.UTC);
  }

  private String token() {
    var issued = Http.as(port, "sam").post("/api/security/credentials", Http.json(Map.of("name", "archive shipper",
        "scopes", List.of("logs"), "system", "ERP-GL", "expiresAt", Instant.now().plus(1, ChronoUnit.DAYS).toString())));
    assertThat(issued.status()).as(issued.toString()).isEqualTo(201);
    return issued.json().get("token").asText();
  }

  /** Sends, seals and judges the events (a month leaves the hot tier only once the watcher has judged them). */
  private void send(String token, List<ErpGlLogGenerator.Activity> activities) {
    sendUnwatched(token, activities);
    watch.watchNew();
  }

  private void sendUnwatched(String token, List<ErpGlLogGenerator.Activity> activities) {
    var sent = Http.anonymous(port).send("POST", "/services/collector/event", "application/json",
        ErpGlLogGenerator.hecBody(activities), Map.of("Authorization", "Splunk " + token));
    assertThat(sent.status()).as(sent.toString()).isEqualTo(200);
    sealer.sealAll();
    auditSealer.seal();
  }

  private String period() {
    return "?from=" + OLD.atDay(1) + "&to=" + OLD.plusMonths(1).atDay(1);
  }

  private JsonNode query(String path) {
    var answer = Http.as(port, "audrey").get(path + period());
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    return answer.json();
  }

  /** Each event's proof checked offline against the root and size its audit event carries in the trail. */
  private List<String> offlineProblems(JsonNode answer) throws Exception {
    List<String> problems = new ArrayList<>();
    for (JsonNode event : answer.get("events")) {
      var carrier = Http.as(port, "audrey").get("/api/audit/events?action=logs.batch.seal&objectId="
          + event.at("/proof/batchId").asText()).json().get(0);
      String problem = LogProofVerifier.check(event, carrier.at("/details/root").asText(),
          carrier.at("/details/leafCount").asLong());
      if (problem != null) {
        problems.add(event.get("id") + ": " + problem);
      }
    }
    return problems;
  }

  private static String suffix(YearMonth month) {
    return String.format("y%04dm%02d", month.getYear(), month.getMonthValue());
  }

  @Test
  void anArchivedMonthLeavesTheHotTablesAndItsEventsStillVerifyFromTheArchive() throws Exception {
    String token = token();
    send(token, List.of(
        new ErpGlLogGenerator.Activity(at(OLD, 10, 0), "arch-john", "LOGIN", null, null, null, null, "10.7.0.1"),
        new ErpGlLogGenerator.Activity(at(OLD, 10, 1), "arch-john", "VIEW", "invoice", "AP-ARCH-1", null, null,
            "10.7.0.1"),
        new ErpGlLogGenerator.Activity(at(OLD, 10, 2), "arch-mary", "UPDATE", "invoice", "AP-ARCH-1",
            Map.of("amount", 100), Map.of("amount", 150), "10.7.0.2"),
        new ErpGlLogGenerator.Activity(at(OLD, 11, 0), "arch-john", "VIEW", "invoice", "AP-ARCH-2", null, null,
            "10.7.0.1")));
    JsonNode hot = query("/api/logs/objects/invoice/AP-ARCH-1");
    assertThat(hot.get("events")).hasSize(2).allMatch(e -> e.get("tier").asText().equals("hot"));

    // not archived yet: the month stays; the current month is not closed
    assertThatThrownBy(() -> retention.remove(OLD)).isInstanceOf(LogRetention.NotRemovable.class)
        .hasMessageContaining("holds 4 records, its archive segments 0");
    assertThatThrownBy(() -> archive.archive(YearMonth.now(ZoneOffset.UTC)))
        .isInstanceOf(LogArchive.NotArchivable.class).hasMessageContaining("not closed");

    var written = archive.archive(OLD);
    assertThat(written.label()).isEqualTo(OLD.toString());
    assertThat(written.records()).isEqualTo(4);
    Path segment = archive.folder().resolve("logs-" + OLD + ".jsonl.gz");
    assertThat(segment).exists();
    assertThat(Files.readString(archive.folder().resolve("logs-" + OLD + ".manifest.json")))
        .contains("\"format\" : \"itgc-logs-segment/1\"").contains("\"records\" : 4");
    assertThat(archive.archive(OLD)).as("nothing new to archive").isNull();

    // the database refuses the application's role, and the retention role a young month
    var retentionDb = new JdbcTemplate(retentionConnections.dataSource());
    assertThatThrownBy(() -> jdbc.queryForObject("select logs_remove_month(?)", Long.class,
        java.sql.Date.valueOf(OLD.atDay(1)))).rootCause().hasMessageContaining("permission denied");
    assertThatThrownBy(() -> retentionDb.queryForObject("select logs_remove_month(?)", Long.class,
        java.sql.Date.valueOf(YearMonth.now(ZoneOffset.UTC).atDay(1)))).rootCause()
        .hasMessageContaining("younger than 90 days");
    assertThatThrownBy(() -> retentionDb.update("delete from logs_record where actor = 'arch-john'")).rootCause()
        .hasMessageContaining("permission denied");
    assertThatThrownBy(() -> jdbc.update("delete from logs_archive_segment")).rootCause()
        .hasMessageContaining("permission denied");

    assertThat(retention.remove(OLD)).isEqualTo(4);
    assertThat(jdbc.queryForObject("select count(*) from pg_class where relname in (?, ?)", Long.class,
        "logs_record_" + suffix(OLD), "logs_seal_" + suffix(OLD))).isZero();
    assertThat(jdbc.queryForMap("select records, removed_by from logs_retention where month = ?",
        java.sql.Date.valueOf(OLD.atDay(1)))).containsEntry("records", 4L).containsEntry("removed_by", "itgc_retention");
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'logs.retention.remove' and "
        + "object_id = ?", Long.class, OLD.toString())).isEqualTo(1);

    // the queries answer from the archive: the same events and proofs, verified, and offline too
    JsonNode archived = query("/api/logs/objects/invoice/AP-ARCH-1");
    assertThat(archived.get("allVerified").asBoolean()).as(archived.toString()).isTrue();
    assertThat(archived.get("events")).hasSize(2).allMatch(e -> e.get("tier").asText().equals("archive")
        && e.get("verified").asBoolean());
    assertThat(archived.get("events")).extracting(e -> e.get("actor").asText() + " " + e.get("action").asText())
        .containsExactly("arch-john read", "arch-mary update");
    assertThat(archived.at("/events/1/after/amount").asInt()).isEqualTo(150);
    for (int i = 0; i < 2; i++) {
      assertThat(archived.get("events").get(i).get("proof")).isEqualTo(hot.get("events").get(i).get("proof"));
    }
    assertThat(offlineProblems(archived)).isEmpty();
    JsonNode john = query("/api/logs/actors/arch-john");
    assertThat(john.get("events")).hasSize(3).allMatch(e -> e.get("tier").asText().equals("archive")
        && e.get("verified").asBoolean());
    assertThat(offlineProblems(john)).isEmpty();

    // a record of that month arriving late is hot again beside the archived ones, then archived and removed alone
    send(token, List.of(new ErpGlLogGenerator.Activity(at(OLD, 20, 0), "arch-john", "VIEW", "invoice", "AP-ARCH-1",
        null, null, "10.7.0.1")));
    JsonNode mixed = query("/api/logs/objects/invoice/AP-ARCH-1");
    assertThat(mixed.get("events")).extracting(e -> e.get("tier").asText()).containsExactly("archive", "archive", "hot");
    assertThat(mixed.get("allVerified").asBoolean()).isTrue();
    var late = archive.archive(OLD);
    assertThat(late.label()).isEqualTo(OLD + "-r2");
    assertThat(late.records()).isEqualTo(1);
    assertThat(retention.remove(OLD)).isEqualTo(1);
    JsonNode again = query("/api/logs/objects/invoice/AP-ARCH-1");
    assertThat(again.get("events")).hasSize(3).allMatch(e -> e.get("tier").asText().equals("archive")
        && e.get("verified").asBoolean());
    assertThat(offlineProblems(again)).isEmpty();

    // the audit event that carries a root is read from the audit trail's archive once it is there
    long lo = Long.MAX_VALUE;
    long hi = 0;
    for (JsonNode e : again.get("events")) {
      lo = Math.min(lo, e.at("/proof/auditEvent/chainSeq").asLong());
      hi = Math.max(hi, e.at("/proof/auditEvent/chainSeq").asLong());
    }
    AuditArchiveForTests.archive(context, "it-logs-carriers", lo, hi);
    for (JsonNode e : again.get("events")) {
      var batch = logStore.batches(List.of(e.at("/proof/batchId").asLong())).get(0);
      var fromArchive = carriers.archived(batch, e.at("/proof/auditEvent/chainSeq").asLong());
      assertThat(fromArchive.problem()).isNull();
      assertThat(fromArchive.carrier()).isNotNull();
      assertThat(fromArchive.carrier().tier()).isEqualTo("archive");
      assertThat(fromArchive.carrier().sequence()).isEqualTo(e.at("/proof/auditEvent/sequence").asLong());
      assertThat(fromArchive.carrier().hash()).isEqualTo(e.at("/proof/auditEvent/hash").asText());
      assertThat(fromArchive.carrier().root()).isEqualTo(e.at("/proof/root").asText());
      assertThat(String.valueOf(fromArchive.carrier().leafCount())).isEqualTo(e.at("/proof/leafCount").asText());
    }

    // the retrieval test (LG-02) passes and is recorded
    var test = Http.as(port, "audrey").post("/api/logs/archive/tests", "{}");
    assertThat(test.status()).as(test.toString()).isEqualTo(200);
    assertThat(test.json().get("passed").asBoolean()).as(test.toString()).isTrue();
    assertThat(test.json().get("records").asLong()).isPositive();
    assertThat(jdbc.queryForObject("select count(*) from logs_archive_test where passed and tested_by = 'audrey'",
        Long.class)).isEqualTo(1);
    assertThat(Http.as(port, "audrey").get("/api/logs/archive/tests").json()).hasSize(1);
    assertThat(Http.as(port, "audrey").get("/api/logs/archive/segments").body()).contains(OLD + "-r2");
    assertThat(Http.as(port, "rachel").post("/api/logs/archive/tests", "{}").status()).isEqualTo(403);
    assertThat(Http.as(port, "audrey").post("/api/logs/archive", "{}").status()).isEqualTo(403);
    assertThat(Http.anonymous(port).get("/api/logs/archive/segments").status()).isEqualTo(401);

    // a segment altered on disk: the answer is refused naming it, and the retrieval test of it fails, recorded
    byte[] original = Files.readAllBytes(segment);
    byte[] altered = original.clone();
    altered[altered.length / 2] ^= 1;
    Files.write(segment, altered);
    try {
      var refused = Http.as(port, "audrey").get("/api/logs/actors/arch-john" + period());
      assertThat(refused.status()).isEqualTo(409);
      assertThat(refused.body()).contains("logs archive segment " + OLD + ":").contains("SHA-256")
          .doesNotContain("10.7.0.1");
      var failed = retrievalTest.test(OLD.toString(), 42, "it");
      assertThat(failed.passed()).isFalse();
      assertThat(failed.problem()).contains("SHA-256");
      assertThat(jdbc.queryForObject("select problem from logs_archive_test where tested_by = 'it'", String.class))
          .contains("SHA-256");
    } finally {
      Files.write(segment, original);
    }
    assertThat(query("/api/logs/actors/arch-john").get("allVerified").asBoolean()).isTrue();

    // the engine admin runs what is due: the removed month stays out of the hot tier
    var run = Http.as(port, "admin").post("/api/logs/archive", "{}");
    assertThat(run.status()).as(run.toString()).isEqualTo(200);
    assertThat(run.json().get("hotMonths").toString()).doesNotContain(OLD.toString());
  }

  @Test
  void aMonthOfRecordsSealedWithTheirRequestIsArchivedRemovedAndStillVerifies() throws Exception {
    // one request of 120 events: sealed in its own transaction, each place in its record's row, none in logs_seal
    List<ErpGlLogGenerator.Activity> many = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      many.add(new ErpGlLogGenerator.Activity(at(BULK, 3, i % 60), "arch-bulk-" + (i % 3), "VIEW", "invoice",
          "AP-BULK-" + (i % 10), null, null, "10.7.1.1"));
    }
    sendUnwatched(token(), many);
    Timestamp from = Timestamp.from(BULK.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant());
    Timestamp to = Timestamp.from(BULK.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant());
    assertThat(jdbc.queryForObject("select count(*) from logs_record where occurred_at >= ? and occurred_at < ? "
        + "and batch_id is not null", Long.class, from, to)).isEqualTo(120L);
    assertThat(jdbc.queryForObject("select count(*) from logs_seal where occurred_at >= ? and occurred_at < ?",
        Long.class, from, to)).isZero();

    assertThat(archive.archive(BULK).label()).isEqualTo(BULK.toString());
    // nothing leaves the hot tier before the watcher has judged it
    assertThatThrownBy(() -> retention.remove(BULK)).isInstanceOf(LogRetention.NotRemovable.class)
        .hasMessageContaining("1 of its sealed batches wait for the watcher");
    assertThatThrownBy(() -> new JdbcTemplate(retentionConnections.dataSource()).queryForObject(
        "select logs_remove_month(?)", Long.class, java.sql.Date.valueOf(BULK.atDay(1)))).rootCause()
        .hasMessageContaining("the watcher has not judged");
    watch.watchNew();
    assertThat(retention.remove(BULK)).as("the database counts a place in the record's row as sealed").isEqualTo(120);
    assertThat(retention.hotMonths()).doesNotContain(BULK);
    var answer = Http.as(port, "audrey").get("/api/logs/objects/invoice/AP-BULK-7?from=" + BULK.atDay(1) + "&to="
        + BULK.plusMonths(1).atDay(1));
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    assertThat(answer.json().get("allVerified").asBoolean()).as(answer.body()).isTrue();
    assertThat(answer.json().get("events")).hasSize(12).allMatch(e -> e.get("tier").asText().equals("archive"));
    assertThat(offlineProblems(answer.json())).isEmpty();
  }

  @Test
  void aMonthWithAnUnsealedRecordIsNeitherArchivedNorRemoved() throws Exception {
    var owner = new JdbcTemplate(ownerDataSource);
    owner.queryForList("select logs_create_month(?)", java.sql.Date.valueOf(UNSEALED.atDay(1)));
    Instant when = at(UNSEALED, 5, 0);
    // a record that never reached the sealer's queue
    owner.update("insert into logs_record (occurred_at, received_at, system_id, protocol, status, actor, action, raw) "
        + "values (?, ?, 'ERP-GL', 'hec', 'mapped', 'arch-ghost', 'read', '\\x00')", Timestamp.from(when),
        Timestamp.from(when));
    assertThatThrownBy(() -> archive.archive(UNSEALED)).isInstanceOf(LogArchive.NotArchivable.class)
        .hasMessageContaining("1 of its records are not sealed");
    // one writer at a time: while another session writes a segment, this node does not
    try (var other = ownerDataSource.getConnection(); var statement = other.createStatement()) {
      statement.execute("select pg_advisory_lock(hashtext('logs_archive'))");
      assertThatThrownBy(() -> archive.archive(UNSEALED)).isInstanceOf(LogArchive.NotArchivable.class)
          .hasMessageContaining("another node is writing a segment now");
      statement.execute("select pg_advisory_unlock(hashtext('logs_archive'))");
    }
    assertThatThrownBy(() -> retention.remove(UNSEALED)).isInstanceOf(LogRetention.NotRemovable.class)
        .hasMessageContaining("1 of its records are not sealed");
    assertThatThrownBy(() -> new JdbcTemplate(retentionConnections.dataSource()).queryForObject(
        "select logs_remove_month(?)", Long.class, java.sql.Date.valueOf(UNSEALED.atDay(1)))).rootCause()
        .hasMessageContaining("records not sealed");
    assertThat(jdbc.queryForObject("select count(*) from logs_archive_segment where month = ?", Long.class,
        java.sql.Date.valueOf(UNSEALED.atDay(1)))).isZero();
    assertThat(retention.hotMonths()).contains(UNSEALED);
  }
}
