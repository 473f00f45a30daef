package org.itgc.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.function.Consumer;
import javax.sql.DataSource;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.itgc.continuity.EngineBackup;
import org.itgc.continuity.EngineRestore;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The hash chain and its signed checkpoints catch every kind of tampering with a copy of the data: a changed field, a
 * deleted row, an inserted row, two rows swapped, a truncated tail, and a consistent rewrite without the signing key.
 * An untouched copy verifies.
 */
@IntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditChainIT {

  @LocalServerPort int port;
  @Autowired AuditRecorder recorder;
  @Autowired AuditSealer sealer;
  @Autowired JdbcTemplate jdbc;
  @Autowired DataSource dataSource;
  @Autowired @org.springframework.boot.autoconfigure.liquibase.LiquibaseDataSource DataSource ownerDataSource;
  @Autowired ObjectMapper json;

  Path backup;
  Path checkpoints;
  long checkpointSeq;
  /** One PostgreSQL for the copies: the backup restored once into database {@code pristine}, each copy made from it. */
  EmbeddedPostgres copies;
  int copiesMade;

  @BeforeAll
  void sealAndCopy() throws Exception {
    for (int i = 0; i < 60; i++) {
      recorder.record(AuditEvent.system("invoice.view", "invoice", "AP-" + (12000 + i)).detail("n", i).build());
    }
    sealer.seal();
    // the checkpoints outside the database first, then the database: the copy's chain reaches every checkpoint copied
    checkpoints = Files.createTempDirectory(Path.of("target"), "checkpoints-copy-");
    try (var files = Files.list(sealer.checkpointFolder())) {
      for (Path file : files.toList()) {
        Files.copy(file, checkpoints.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    try (var files = Files.list(checkpoints)) {
      checkpointSeq = files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("checkpoint-"))
          .mapToLong(n -> Long.parseLong(n.replaceAll("\\D", ""))).min().orElseThrow();
    }
    backup = EngineBackup.write(dataSource, Files.createTempDirectory(Path.of("target"), "audit-copy-"),
        Clock.systemUTC(), json).file();
    // restored once (each test used to start a PostgreSQL of its own and restore the whole backup into it); every
    // test tampers with a database of its own, created from this one (CREATE DATABASE ... TEMPLATE copies it whole)
    copies = EmbeddedPostgres.builder().setDataDirectory(Files.createTempDirectory(Path.of("target"), "audit-copies-"))
        .setCleanDataDirectory(true).start();
    try (var connection = copies.getPostgresDatabase().getConnection(); var statement = connection.createStatement()) {
      statement.execute("create database pristine");
    }
    assertThat(EngineRestore.restore(backup, copies.getDatabase("postgres", "pristine")).complete()).isTrue();
  }

  @org.junit.jupiter.api.AfterAll
  void stopCopies() throws Exception {
    if (copies != null) {
      copies.close();
    }
  }

  /** A new database holding exactly the restored copy: its name. */
  private synchronized String newCopy() throws Exception {
    String name = "copy_" + (++copiesMade);
    try (var connection = copies.getPostgresDatabase().getConnection(); var statement = connection.createStatement()) {
      statement.execute("create database " + name + " template pristine");
    }
    return name;
  }

  private AuditVerifier.Result verifyTamperedCopy(Consumer<JdbcTemplate> tamper) throws Exception {
    DataSource copy = copies.getDatabase("postgres", newCopy());
    try (var connection = copy.getConnection()) {
      var attacker = new JdbcTemplate(new org.springframework.jdbc.datasource.SingleConnectionDataSource(connection,
          true));
      attacker.execute("set session_replication_role = replica");
      tamper.accept(attacker);
    }
    return AuditVerifier.verify(copy, checkpoints, sealer.trustedFingerprints());
  }

  private long sealedEvent(JdbcTemplate db, long seq) {
    return db.queryForObject("select event_id from audit_chain where seq = ?", Long.class, seq);
  }

  @Test
  void anUntouchedCopyVerifiesAndSoDoesTheLiveTrail() throws Exception {
    var result = verifyTamperedCopy(db -> { });
    assertThat(result.ok()).as(String.valueOf(result.problem())).isTrue();
    assertThat(result.eventsVerified()).isGreaterThanOrEqualTo(checkpointSeq);
    assertThat(result.checkpointsVerified()).isPositive();
    var live = Http.as(port, "audrey").get("/api/audit/verify").json();
    assertThat(live.get("ok").asBoolean()).as(live.toString()).isTrue();
  }

  @Test
  void anAuditorMatchesEventsWithTheirLinksAndReVerifiesTheServedCheckpoints() throws Exception {
    recorder.record(AuditEvent.system("invoice.view", "invoice", "AP-77001").build());
    sealer.checkpointNow();
    var events = Http.as(port, "audrey").get("/api/audit/events?objectId=AP-77001&action=invoice.view").json();
    assertThat(events).hasSize(1);
    assertThat(events.get(0).get("hash").asText()).hasSize(64);
    long chainSeq = events.get(0).get("chainSeq").asLong();
    assertThat(jdbc.queryForObject("select hash from audit_chain where seq = ?", String.class, chainSeq))
        .isEqualTo(events.get(0).get("hash").asText());
    var checkpoints = Http.as(port, "audrey").get("/api/audit/checkpoints?size=5").json();
    assertThat(checkpoints).isNotEmpty();
    assertThat(checkpoints.get(0).get("seq").asLong()).isGreaterThanOrEqualTo(chainSeq);
    for (var checkpoint : checkpoints) {
      assertThat(AuditSigningKey.verify(sealer.key().publicKey(), AuditChain.checkpointText(checkpoint.get("seq").asLong(),
          checkpoint.get("headHash").asText(), checkpoint.get("createdAt").asText()), checkpoint.get("signature").asText()))
          .as("checkpoint %s re-verified from what the API serves", checkpoint.get("seq")).isTrue();
    }
    assertThat(Http.as(port, "rachel").get("/api/audit/checkpoints").status()).isEqualTo(403);
  }

  @Test
  void aStrangersKeyDroppedIntoTheCheckpointFolderChangesNothing() throws Exception {
    // a rogue insider re-signs the newest checkpoint with a key of their own and drops its public half beside it
    Path folder = Files.createTempDirectory(Path.of("target"), "audit-stranger-");
    try (var files = Files.list(checkpoints)) {
      for (Path file : files.toList()) {
        Files.copy(file, folder.resolve(file.getFileName()));
      }
    }
    var stranger = AuditSigningKey.loadOrCreate(Files.createTempDirectory(Path.of("target"), "stranger-key-")
        .resolve("key.pem"));
    Files.writeString(folder.resolve("public-key-" + stranger.keyId() + ".pem"), stranger.publicPem());
    Path newest;
    try (var files = Files.list(folder)) {
      newest = files.filter(f -> f.getFileName().toString().startsWith("checkpoint-")).max(java.util.Comparator
          .comparingLong(f -> Long.parseLong(f.getFileName().toString().replaceAll("\\D", "")))).orElseThrow();
    }
    var checkpoint = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(newest.toFile());
    checkpoint.put("keyId", stranger.keyId());
    checkpoint.put("signature", stranger.sign(AuditChain.checkpointText(checkpoint.get("seq").asLong(),
        checkpoint.get("headHash").asText(), checkpoint.get("createdAt").asText())));
    json.writeValue(newest.toFile(), checkpoint);

    var pinned = AuditVerifier.verify(dataSource, folder, sealer.trustedFingerprints());
    assertThat(pinned.ok()).isFalse();
    assertThat(pinned.problem()).contains("is not a trusted key");
    // trusting the stranger is what it would take; nobody configured that
    assertThat(AuditVerifier.verify(dataSource, folder, java.util.Set.of()).problem()).contains("no trusted key");
    var live = Http.as(port, "audrey").get("/api/audit/signing-key").json();
    assertThat(live.get("fingerprint").asText()).isEqualTo(sealer.key().fingerprint()).hasSize(64);
  }

  @Test
  void theCommandLineVerifierGivesTheSameVerdict() throws Exception {
    String name = newCopy();
    String url = copies.getJdbcUrl("postgres", name);
    var printed = new java.io.ByteArrayOutputStream();
    int exit = AuditVerifier.run(new String[] {url, "postgres", "", checkpoints.toString(), sealer.key().fingerprint()},
        new java.io.PrintStream(printed, true));
    assertThat(printed.toString()).startsWith("AUDIT TRAIL VERIFIED");
    assertThat(exit).isZero();
    try (var connection = copies.getDatabase("postgres", name).getConnection()) {
      var attacker = new JdbcTemplate(new org.springframework.jdbc.datasource.SingleConnectionDataSource(connection,
          true));
      attacker.execute("set session_replication_role = replica");
      attacker.update("update audit_event set outcome = 'DENIED' where id = ?", sealedEvent(attacker, 2));
    }
    printed.reset();
    assertThat(AuditVerifier.run(new String[] {url, "postgres", "", checkpoints.toString(), sealer.key().fingerprint()},
        new java.io.PrintStream(printed, true))).isEqualTo(1);
    assertThat(printed.toString()).contains("NOT VERIFIED at sequence 2");
  }

  @Test
  void aCheckpointSignedOnDemandIsMailedToTheAuditMailbox() throws Exception {
    // routine checkpoints (every few seconds) are mailed at most hourly; one signed on demand (packs, shutdown) always
    for (int i = 0; i < 60; i++) {
      recorder.record(AuditEvent.system("invoice.view", "invoice", "AP-" + (13000 + i)).build());
    }
    long newest = sealer.checkpointNow();
    var mail = org.itgc.support.TestMailServer.await(m -> org.itgc.support.TestMailServer.subject(m)
        .equals("Audit checkpoint " + newest), java.time.Duration.ofSeconds(20));
    assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("audit-mailbox@demo.itgc.local");
    assertThat(org.itgc.support.TestMailServer.body(mail)).contains("signature:").contains("head hash:");
  }

  @Test
  void aChangedFieldIsCaught() throws Exception {
    var result = verifyTamperedCopy(db -> db.update("update audit_event set actor = 'mallory' where id = ?", sealedEvent(db, 5)));
    assertThat(result.ok()).isFalse();
    assertThat(result.firstBadSequence()).isEqualTo(5);
    assertThat(result.problem()).contains("does not match its hash");
  }

  @Test
  void aDeletedRowIsCaught() throws Exception {
    var result = verifyTamperedCopy(db -> db.update("delete from audit_event where id = ?", sealedEvent(db, 7)));
    assertThat(result.firstBadSequence()).isEqualTo(7);
    assertThat(result.problem()).contains("is missing");
    var chainRow = verifyTamperedCopy(db -> db.update("delete from audit_chain where seq = 8"));
    assertThat(chainRow.firstBadSequence()).isEqualTo(8);
    assertThat(chainRow.problem()).contains("sequence 8 is missing");
  }

  @Test
  void anInsertedRowIsCaught() throws Exception {
    var result = verifyTamperedCopy(db -> db.update("insert into audit_event (id, occurred_at, actor, action, object_type, "
        + "object_id, outcome) values (-1, now(), 'john', 'invoice.view', 'invoice', 'AP-12345', 'SUCCESS')"));
    assertThat(result.ok()).isFalse();
    assertThat(result.problem()).contains("event -1").contains("inserted afterwards");
  }

  @Test
  void twoSwappedRowsAreCaught() throws Exception {
    var result = verifyTamperedCopy(db -> {
      long a = sealedEvent(db, 10);
      long b = sealedEvent(db, 11);
      db.update("update audit_chain set event_id = -10 where seq = 10");
      db.update("update audit_chain set event_id = ? where seq = 11", a);
      db.update("update audit_chain set event_id = ? where seq = 10", b);
    });
    assertThat(result.firstBadSequence()).isEqualTo(10);
    assertThat(result.problem()).contains("changed or moved");
  }

  @Test
  void aTruncatedTailAfterACheckpointIsCaught() throws Exception {
    var result = verifyTamperedCopy(db -> {
      db.update("delete from audit_event where id in (select event_id from audit_chain where seq >= ?)", checkpointSeq);
      db.update("delete from audit_chain where seq >= ?", checkpointSeq);
      db.update("delete from audit_checkpoint where seq >= ?", checkpointSeq);
    });
    assertThat(result.ok()).isFalse();
    assertThat(result.problem()).contains("beyond the end of the chain");
  }

  @Test
  void aConsistentRewriteWithoutTheSigningKeyIsCaught() throws Exception {
    // one event changed and every link from it on recomputed, consistently, up to the newest checkpoint copied
    long newest;
    try (var files = Files.list(checkpoints)) {
      newest = files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("checkpoint-"))
          .mapToLong(n -> Long.parseLong(n.replaceAll("\\D", ""))).max().orElseThrow();
    }
    long tampered = newest - 1;
    var result = verifyTamperedCopy(db -> {
      db.update("update audit_event set object_id = 'AP-99999' where id = ?", sealedEvent(db, tampered));
      String previous = db.queryForObject("select prev_hash from audit_chain where seq = ?", String.class, tampered);
      var seqs = db.queryForList("select seq from audit_chain where seq >= ? order by seq", Long.class, tampered);
      for (long seq : seqs) {
        int[] format = {0};
        String canonical = db.query("select c.format, " + AuditChain.EVENT_COLUMNS + " from audit_event e join audit_chain c "
            + "on c.event_id = e.id where c.seq = ?", rs -> {
              rs.next();
              format[0] = rs.getInt("format");
              return AuditChain.canonical(rs, format[0]);
            }, seq);
        String recomputed = AuditChain.hash(format[0], previous, seq, canonical);
        db.update("update audit_chain set prev_hash = ?, hash = ? where seq = ?", previous, recomputed, seq);
        previous = recomputed;
      }
    });
    assertThat(result.ok()).isFalse();
    assertThat(result.problem()).contains("differs from the signed checkpoint").contains("rewritten");
  }

  @Test
  void theDatabaseRefusesChangesToTheChainAndItsCheckpoints() {
    sealer.seal();
    // the application's role has no such right; the owner of the tables meets the triggers
    assertThatThrownBy(() -> jdbc.update("update audit_chain set hash = hash where seq = 1"))
        .isInstanceOf(DataAccessException.class).rootCause().hasMessageContaining("permission denied");
    var owner = new JdbcTemplate(ownerDataSource);
    assertThatThrownBy(() -> owner.update("update audit_chain set hash = hash where seq = 1"))
        .isInstanceOf(DataAccessException.class).rootCause().hasMessageContaining("audit_chain is append-only");
    assertThatThrownBy(() -> owner.update("delete from audit_checkpoint"))
        .isInstanceOf(DataAccessException.class).rootCause().hasMessageContaining("audit_checkpoint is append-only");
  }
}
