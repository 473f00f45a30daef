package org.itgc.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import javax.sql.DataSource;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The hot tier's retention: an archived month older than the hot period leaves the database as two dropped
 * partitions, through the one function the retention role may call, and only when all of it is sealed and archived;
 * the hot chain still verifies from its new start (signed retention record), the month is still retrievable from the
 * archive, and without the record the removal shows. The sealer seals an event that commits after later ones.
 */
@IntegrationTest
class AuditRetentionIT {

  @LocalServerPort int port;
  @Autowired AuditRecorder recorder;
  @Autowired AuditSealer sealer;
  @Autowired AuditArchive archive;
  @Autowired AuditArchiveWriter writer;
  @Autowired AuditArchiveRestoreTest restoreTest;
  @Autowired AuditRetention retention;
  @Autowired RetentionConnections retentionConnections;
  @Autowired JdbcTemplate jdbc;
  @Autowired DataSource dataSource;
  @Autowired @org.springframework.boot.autoconfigure.liquibase.LiquibaseDataSource DataSource ownerDataSource;

  private static final YearMonth OLD = YearMonth.now(ZoneOffset.UTC).minusMonths(6);

  /** Back-dated events need the owner of the tables (the application's role can only call audit_record). */
  private void oldEvent(String objectId, int day) {
    new JdbcTemplate(ownerDataSource).update("insert into audit_event (occurred_at, actor, action, object_type, object_id, outcome) "
        + "values (?, 'john', 'invoice.view', 'invoice', ?, 'SUCCESS')",
        Timestamp.from(OLD.atDay(day).atStartOfDay(ZoneOffset.UTC).toInstant()), objectId);
  }

  private static final String SYSTEM = "AP-PAY";

  /** From the first link of the old month, or of the objects, to the newest link of the objects. */
  private long[] seqRange(String objectPrefix) {
    var range = jdbc.queryForMap("select least(min(c.seq), (select min(seq) from audit_chain where occurred_at < ?)) as lo, "
        + "max(c.seq) as hi from audit_chain c join audit_event e on e.id = c.event_id and e.occurred_at = c.occurred_at "
        + "where e.object_id like ?", Timestamp.from(OLD.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant()),
        objectPrefix + "%");
    return new long[] {((Number) range.get("lo")).longValue(), ((Number) range.get("hi")).longValue()};
  }

  @Test
  void anArchivedOldMonthLeavesTheHotTierAndTheChainStillVerifies() throws Exception {
    new JdbcTemplate(ownerDataSource).queryForObject("select audit_create_month(?)::text", String.class,
        java.sql.Date.valueOf(OLD.atDay(1)));
    for (int i = 0; i < 5; i++) {
      oldEvent("AP-RET-" + i, 3 + i);
    }
    recorder.record(AuditEvent.system("invoice.view", "invoice", "AP-RET-NOW").build());
    // a production deployment of that month with its audit events: an evidence pack for CM-03 will need them
    Timestamp deployedAt = Timestamp.from(OLD.atDay(9).atStartOfDay(ZoneOffset.UTC).toInstant());
    long deployment = jdbc.queryForObject("""
        insert into change_deployment (system_id, source, external_ref, environment, deployed_at, deployed_by, matched,
            received_at) values (?, 'pipeline', 'it-retention-run', 'production', ?, 'dave', true, ?) returning id
        """, Long.class, SYSTEM, deployedAt, deployedAt);
    for (String action : new String[] {"deployment.receive", "deployment.match"}) {
      new JdbcTemplate(ownerDataSource).update("insert into audit_event (occurred_at, actor, action, object_type, object_id, outcome) "
          + "values (?, 'pipeline', ?, 'deployment', ?, 'SUCCESS')", deployedAt, action, String.valueOf(deployment));
    }
    sealer.seal();
    assertThatThrownBy(() -> retention.remove(OLD)).isInstanceOf(AuditRetention.NotRemovable.class)
        .hasMessageContaining("in no archive segment yet");
    long[] range = seqRange("AP-RET-");
    writer.archive("it-retention", range[0], range[1]);
    long oldInRange = jdbc.queryForObject("select count(*) from audit_chain where occurred_at < ? and seq between ? and ?",
        Long.class, Timestamp.from(OLD.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant()), range[0], range[1]);

    // an event of the month committing late: first unsealed, then sealed but outside the segment
    oldEvent("AP-RET-LATE", 20);
    assertThatThrownBy(() -> retention.remove(OLD)).hasMessageContaining("in no archive segment yet");
    long[] late = seqRange("AP-RET-LATE");
    writer.archive("it-retention-late", late[0], late[1]);

    // the database refuses the application, and the retention role's rows, and a young month
    var retentionDb = new JdbcTemplate(retentionConnections.dataSource());
    assertThatThrownBy(() -> jdbc.queryForObject("select audit_remove_month(?)", Long.class,
        java.sql.Date.valueOf(OLD.atDay(1)))).isInstanceOf(DataAccessException.class).rootCause()
        .hasMessageContaining("permission denied");
    assertThatThrownBy(() -> retentionDb.update("delete from audit_event where object_id like 'AP-RET-%'"))
        .rootCause().hasMessageContaining("permission denied");
    assertThatThrownBy(() -> retentionDb.queryForObject("select audit_remove_month(?)", Long.class,
        java.sql.Date.valueOf(YearMonth.now(ZoneOffset.UTC).atDay(1)))).rootCause()
        .hasMessageContaining("younger than 90 days");
    assertThatThrownBy(() -> jdbc.update("delete from audit_archive_segment where label = 'it-retention'"))
        .rootCause().hasMessageContaining("permission denied");

    long removed = retention.remove(OLD);
    assertThat(removed).isEqualTo(8);
    String suffix = String.format("y%04dm%02d", OLD.getYear(), OLD.getMonthValue());
    assertThat(jdbc.queryForObject("select to_regclass(?)::text", String.class, "audit_event_" + suffix)).isNull();
    assertThat(jdbc.queryForObject("select to_regclass(?)::text", String.class, "audit_chain_" + suffix)).isNull();
    assertThat(jdbc.queryForObject("select count(*) from audit_event where object_id like 'AP-RET-%' and object_id <> "
        + "'AP-RET-NOW'", Integer.class)).isZero();
    var record = jdbc.queryForMap("select events, removed_by from audit_retention where month = ?",
        java.sql.Date.valueOf(OLD.atDay(1)));
    assertThat(record.get("events")).isEqualTo(8L);
    assertThat(record.get("removed_by")).isEqualTo("itgc_retention");
    assertThat(jdbc.queryForObject("select count(*) from change_deployment where id = ?", Integer.class, deployment))
        .as("the business rows stay: only the audit trail's month moved to the archive").isEqualTo(1);
    Path recordFile = sealer.checkpointFolder().resolve(AuditRetention.RECORD_PREFIX + OLD + ".json");
    assertThat(Files.readString(recordFile)).contains("\"holes\"").contains("\"signature\"");
    assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'audit.retention.remove' "
        + "and object_id = ?", Integer.class, OLD.toString())).isEqualTo(1);

    // the hot chain verifies from its new start; the month comes back from the archive
    var verdict = Http.as(port, "audrey").get("/api/audit/verify").json();
    assertThat(verdict.get("ok").asBoolean()).as(verdict.toString()).isTrue();
    Instant from = OLD.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    var retrieved = Http.as(port, "audrey").get("/api/audit/archive?from=" + from + "&to="
        + OLD.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant());
    assertThat(retrieved.status()).as(retrieved.toString()).isEqualTo(200);
    assertThat(retrieved.body()).contains("AP-RET-0").contains("AP-RET-4").contains("AP-RET-LATE");
    assertThat(retention.hotMonths()).doesNotContain(OLD);
    // LG-02's restore: the segment's events restored into PostgreSQL give every hash again; those still hot match
    var restored = restoreTest.restore("it-retention");
    assertThat(restored.events()).isEqualTo(range[1] - range[0] + 1);
    assertThat(restored.comparedWithHotChain()).isEqualTo(restored.events() - oldInRange);

    // an evidence pack of that month takes the sample's audit events from the archive and verifies offline
    var created = Http.as(port, "audrey").post("/api/evidence-packs", Http.json(java.util.Map.of("controlId", "CM-03",
        "from", OLD.atDay(1).toString(), "to", OLD.plusMonths(1).atDay(1).toString())));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.json().get("population").asInt()).isEqualTo(1);
    var download = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
        "http://localhost:" + port + "/api/evidence-packs/" + created.json().get("id").asText())).header("Authorization",
        "Basic " + java.util.Base64.getEncoder().encodeToString(("audrey:" + Http.DEMO_PASSWORD).getBytes())).build(),
        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertThat(download.statusCode()).isEqualTo(200);
    var packResult = org.itgc.controls.EvidencePackVerifier.verify(download.body(), sealer.key().publicKey());
    assertThat(packResult.problems()).isEmpty();
    String evidence = new String(firstEntry(download.body(), "evidence/"), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(evidence).contains("deployment.receive").contains("deployment.match").contains("\"tier\" : \"archive\"");

    // without the signed record, or with a changed one, the removal shows
    Path copy = Files.createTempDirectory(Path.of("target"), "checkpoints-no-record-");
    try (var files = Files.list(sealer.checkpointFolder())) {
      for (Path file : files.toList()) {
        if (!file.equals(recordFile)) {
          Files.copy(file, copy.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    sealer.seal();
    var withoutRecord = AuditVerifier.verify(dataSource, copy, sealer.trustedFingerprints());
    assertThat(withoutRecord.ok()).isFalse();
    assertThat(withoutRecord.problem()).contains("is missing");
    Files.writeString(copy.resolve(recordFile.getFileName()), Files.readString(recordFile)
        .replaceFirst("\"events\" : 8", "\"events\" : 7"));
    var changedRecord = AuditVerifier.verify(dataSource, copy, sealer.trustedFingerprints());
    assertThat(changedRecord.problem()).contains("retention record of " + OLD).contains("not validly signed");

    // a month with no partition, or one still too young, stays
    assertThatThrownBy(() -> retention.remove(OLD)).hasMessageContaining("no partition");
    assertThatThrownBy(() -> retention.remove(YearMonth.now(ZoneOffset.UTC))).isInstanceOf(AuditRetention.NotRemovable.class);
  }

  private static byte[] firstEntry(byte[] zip, String prefix) throws java.io.IOException {
    try (var in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
      for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        if (entry.getName().startsWith(prefix)) {
          return in.readAllBytes();
        }
      }
    }
    throw new AssertionError("no " + prefix + " in the pack");
  }

  @Test
  void anEventThatCommitsAfterLaterOnesWereSealedIsSealedToo() throws Exception {
    try (Connection slow = dataSource.getConnection()) {
      slow.setAutoCommit(false);
      try (var insert = slow.prepareStatement("select audit_record('john', '{}', null, 'invoice.view', 'invoice', "
          + "'AP-SLOW', 'SUCCESS', '{}')")) {
        insert.execute();
      }
      for (int round = 0; round < 3; round++) {
        recorder.record(AuditEvent.system("invoice.view", "invoice", "AP-FAST-" + round).build());
        sealer.seal();
      }
      slow.commit();
    }
    sealer.seal();
    assertThat(jdbc.queryForObject("select count(*) from audit_chain c join audit_event e on e.id = c.event_id "
        + "and e.occurred_at = c.occurred_at where e.object_id = 'AP-SLOW'", Integer.class)).isEqualTo(1);
    assertThat(Http.as(port, "audrey").get("/api/audit/verify").json().get("ok").asBoolean()).isTrue();
  }

  @Test
  void segmentsOlderThanTheArchivesRetentionAreDeletedAndTheirExpiryRecorded() throws Exception {
    Instant eightYearsAgo = java.time.ZonedDateTime.now(ZoneOffset.UTC).minusYears(8).toInstant();
    Files.createDirectories(archive.folder());
    for (String file : new String[] {"audit-it-expired.jsonl.gz", "audit-it-expired.manifest.json",
        "audit-it-expired.manifest.sig"}) {
      Files.writeString(archive.folder().resolve(file), "old");
    }
    jdbc.update("""
        insert into audit_archive_segment (label, first_seq, last_seq, events, file, sha256, checkpoint_seq,
            first_occurred_at, last_occurred_at, created_at) values ('it-expired', 0, 0, 1, 'audit-it-expired.jsonl.gz',
            'x', 0, ?, ?, ?)
        """, Timestamp.from(eightYearsAgo), Timestamp.from(eightYearsAgo), Timestamp.from(eightYearsAgo));
    assertThat(writer.expireDue()).contains("it-expired");
    assertThat(Files.exists(archive.folder().resolve("audit-it-expired.jsonl.gz"))).isFalse();
    assertThat(jdbc.queryForObject("select files_removed from audit_archive_expiry where label = 'it-expired'",
        Integer.class)).isEqualTo(3);
    assertThat(writer.expireDue()).doesNotContain("it-expired");
    var retrieved = Http.as(port, "audrey").get("/api/audit/archive?from=" + eightYearsAgo.minusSeconds(60) + "&to="
        + eightYearsAgo.plusSeconds(60));
    assertThat(retrieved.status()).as(retrieved.toString()).isEqualTo(200);
    assertThat(retrieved.json().size()).isZero();
  }
}
