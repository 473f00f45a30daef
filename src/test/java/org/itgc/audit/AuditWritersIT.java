package org.itgc.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.itgc.platform.EmbeddedDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Nobody forges history without a superuser: the application's role records events only through audit_record, which
 * stamps the database's time and id (a back-dated or self-numbered insert is refused), and cannot write links,
 * checkpoints or the sealer's watermark; the sealer's role writes links but cannot record, change or delete events;
 * the auditors' role reads (and verifies with the command-line verifier) but writes nothing and sees no secrets. A key
 * rotation signed by the previous key carries an auditor's pin over to the new key; a stranger's key does not.
 */
@IntegrationTest
class AuditWritersIT {

  @org.springframework.boot.test.web.server.LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired AuditSealer sealer;
  @Autowired AuditRecorder recorder;
  @Autowired SealerConnections sealerConnections;
  @Autowired EmbeddedDatabase postgres;
  @Autowired @org.springframework.boot.autoconfigure.liquibase.LiquibaseDataSource DataSource ownerDataSource;

  private static final Timestamp LAST_YEAR = Timestamp.from(Instant.now().minusSeconds(365L * 24 * 3600));

  @Test
  void theApplicationsRoleCannotBackDateNumberOrChainEvents() {
    assertThatThrownBy(() -> jdbc.update("insert into audit_event (occurred_at, actor, action, object_type, object_id, "
        + "outcome) values (?, 'finn', 'change.approve', 'change', 'CHG-FORGED', 'SUCCESS')", LAST_YEAR))
        .isInstanceOf(DataAccessException.class).rootCause().hasMessageContaining("permission denied");
    assertThatThrownBy(() -> jdbc.queryForObject("select nextval('audit_event_id_seq')", Long.class))
        .rootCause().hasMessageContaining("permission denied");
    assertThatThrownBy(() -> jdbc.update("insert into audit_chain (seq, event_id, occurred_at, prev_hash, hash, sealed_at) "
        + "values (999999999, 1, now(), repeat('0', 64), repeat('0', 64), now())"))
        .rootCause().hasMessageContaining("permission denied");
    assertThatThrownBy(() -> jdbc.update("insert into audit_checkpoint (seq, head_hash, created_at, key_id, signature) "
        + "values (999999999, repeat('0', 64), now(), 'k', 's')")).rootCause().hasMessageContaining("permission denied");
    assertThatThrownBy(() -> jdbc.update("update audit_seal_watermark set txid = 0")).rootCause()
        .hasMessageContaining("permission denied");
    assertThatThrownBy(() -> jdbc.update("insert into audit_key_rotation values (repeat('a', 64), repeat('b', 64), 'k', "
        + "now(), 's')")).rootCause().hasMessageContaining("permission denied");

    // the one way in: the database sets the time, whatever the caller's clock says
    Instant before = jdbc.queryForObject("select clock_timestamp()", Timestamp.class).toInstant();
    long id = recorder.record(AuditEvent.system("change.approve", "change", "CHG-NOW").build());
    var stored = jdbc.queryForMap("select occurred_at, actor from audit_event where id = ?", id);
    assertThat(((Timestamp) stored.get("occurred_at")).toInstant()).isBetween(before, Instant.now().plusSeconds(5));
    assertThat(jdbc.queryForObject("select count(*) from audit_event where object_id = 'CHG-FORGED'", Integer.class))
        .isZero();
    // and a transaction of the application's role held idle is ended by the database before it could back-date much
    assertThat(jdbc.queryForObject("select current_user", String.class)).isEqualTo("itgc_app");
    assertThat(jdbc.queryForObject("show idle_in_transaction_session_timeout", String.class)).isEqualTo("5min");
  }

  @Test
  void anEventCommittedLongAfterItsTimeRaisesTheAlarmAndIsListedForTheAuditor() throws Exception {
    // the application's role holds a transaction open across a complete sealing round: its event carries the insert's
    // time, and the round that could not see it proves it committed later (alarm tolerance shortened to 1 s)
    sealer.lateCommitAlarm(java.time.Duration.ofSeconds(1));
    try {
      long held;
      try (var connection = jdbc.getDataSource().getConnection()) {
        connection.setAutoCommit(false);
        try (var statement = connection.createStatement();
            var rs = statement.executeQuery("select audit_record('finn', '{}', null, 'change.approve', 'change', "
                + "'CHG-HELD', 'SUCCESS', '{}')")) {
          rs.next();
          held = rs.getLong(1);
        }
        Thread.sleep(2_500);
        sealer.seal(); // a complete round while the transaction is open
        // its start is kept with the watermark, for every node and every restart
        assertThat(jdbc.queryForObject("select complete_round_at from audit_seal_watermark where id = 1",
            Timestamp.class)).isNotNull();
        connection.commit();
      }
      long prompt = recorder.record(AuditEvent.system("change.approve", "change", "CHG-PROMPT").build());
      sealer.seal();

      var alarm = jdbc.queryForObject("select details::text from audit_event where action = 'audit.late-commit' "
          + "and details::text like ? order by id desc limit 1", String.class, "%\"eventId\": " + held + "%");
      JsonNode details = new ObjectMapper().readTree(alarm);
      assertThat(details.path("events").findValuesAsText("eventId")).contains(String.valueOf(held))
          .doesNotContain(String.valueOf(prompt));
      assertThat(details.path("events").get(0).path("committedAtLeastSecondsLater").asLong()).isGreaterThanOrEqualTo(2);
      var mail = org.itgc.support.TestMailServer.await(m -> org.itgc.support.TestMailServer.subject(m)
          .contains("committed late") && org.itgc.support.TestMailServer.body(m).contains("event " + held + " "),
          java.time.Duration.ofSeconds(20));
      assertThat(mail).as("the auditors are mailed").isNotNull();
      // the event is in the chain all the same, and listed for the auditor with its link's sealing time
      assertThat(jdbc.queryForObject("select count(*) from audit_chain where event_id = ?", Integer.class, held))
          .isEqualTo(1);
    } finally {
      sealer.lateCommitAlarm(java.time.Duration.ofMinutes(1));
    }
    var late = org.itgc.support.Http.as(port, "audrey").get("/api/audit/late-commits?seconds=2");
    assertThat(late.status()).as(late.toString()).isEqualTo(200);
    assertThat(late.json().findValuesAsText("objectId")).contains("CHG-HELD");
    assertThat(org.itgc.support.Http.as(port, "audrey").get("/api/audit/late-commits?seconds=3600").json()
        .findValuesAsText("objectId")).doesNotContain("CHG-HELD");
  }

  @Test
  @SuppressWarnings("unchecked")
  void theSessionLimitWarnsInsteadOfStoppingTheStartWhenTheSchemaOwnerMayNotAlterRoles() throws Exception {
    // production's schema owner is a plain login (docs/operations.md): changeset 029 must not fail every start
    Map<String, Object> changelog = new org.yaml.snakeyaml.Yaml().load(Files.readString(
        Path.of("src/main/resources/db/changelog/029-application-role-session-limits.yaml")));
    var changeSet = (Map<String, Object>) ((List<Map<String, Object>>) changelog.get("databaseChangeLog")).get(0)
        .get("changeSet");
    String sql = (String) ((Map<String, Object>) ((List<Map<String, Object>>) changeSet.get("changes")).get(0)
        .get("sql")).get("sql");
    try (var connection = ownerDataSource.getConnection(); var statement = connection.createStatement()) {
      statement.execute("do $$ begin if not exists (select 1 from pg_roles where rolname = 'itgc_plain_owner') then "
          + "create role itgc_plain_owner nosuperuser nocreaterole; end if; end $$");
      connection.setAutoCommit(false);
      try {
        statement.execute("set local role itgc_plain_owner");
        statement.execute(sql);
        var warning = statement.getWarnings();
        assertThat((Object) warning).as("a warning, not an error").isNotNull();
        assertThat(warning.getMessage()).contains("idle_in_transaction_session_timeout not set");
      } finally {
        connection.rollback();
      }
    }
  }

  @Test
  void theSealersRoleWritesLinksButNoEvents() {
    var sealerDb = new JdbcTemplate(sealerConnections.dataSource());
    assertThatThrownBy(() -> sealerDb.queryForObject("select audit_record('sam', '{}', null, 'change.approve', 'change', "
        + "'CHG-SEALER', 'SUCCESS', '{}')", Long.class)).rootCause().hasMessageContaining("permission denied");
    assertThatThrownBy(() -> sealerDb.update("insert into audit_event (occurred_at, actor, action, object_type, object_id, "
        + "outcome) values (?, 'sam', 'change.approve', 'change', 'CHG-SEALER', 'SUCCESS')", LAST_YEAR))
        .rootCause().hasMessageContaining("permission denied");
    assertThatThrownBy(() -> sealerDb.update("delete from audit_event where object_id = 'CHG-NOW'"))
        .rootCause().hasMessageContaining("permission denied");
    assertThatThrownBy(() -> sealerDb.update("update audit_chain set hash = hash where seq = 1"))
        .rootCause().hasMessageContaining("permission denied");
    assertThatThrownBy(() -> sealerDb.update("update change_request set title = 'x'"))
        .rootCause().hasMessageContaining("permission denied");
    // its own work goes on: everything recorded is sealed in the injective format
    recorder.record(AuditEvent.system("invoice.view", "invoice", "AP-SEALER").build());
    sealer.seal();
    assertThat(jdbc.queryForObject("select c.format from audit_chain c join audit_event e on e.id = c.event_id "
        + "and e.occurred_at = c.occurred_at where e.object_id = 'AP-SEALER'", Integer.class))
        .isEqualTo(AuditChain.CURRENT_FORMAT);
  }

  @Test
  void noOtherRoleHaltsOrSteersTheSealer() {
    // the sealer's lock is its watermark row: locking it needs the UPDATE right only the sealer's role has
    assertThatThrownBy(() -> jdbc.queryForList("select txid from audit_seal_watermark where id = 1 for update"))
        .rootCause().hasMessageContaining("permission denied");
    var sealerDb = new JdbcTemplate(sealerConnections.dataSource());
    recorder.record(AuditEvent.system("invoice.view", "invoice", "AP-STEER").build());
    sealer.seal();
    var link = jdbc.queryForMap("select c.event_id, c.occurred_at from audit_chain c join audit_event e on e.id = c.event_id "
        + "and e.occurred_at = c.occurred_at where e.object_id = 'AP-STEER'");
    // the sealer's own login cannot add a second link to an event, or a link before the first sequence
    assertThatThrownBy(() -> sealerDb.update("insert into audit_chain (seq, event_id, occurred_at, prev_hash, hash, "
        + "sealed_at) values (0, ?, ?, repeat('0', 64), repeat('0', 64), now())", link.get("event_id"),
        link.get("occurred_at"))).rootCause().hasMessageContaining("audit_chain_seq_positive");
    assertThatThrownBy(() -> sealerDb.update("insert into audit_chain (seq, event_id, occurred_at, prev_hash, hash, "
        + "sealed_at) values (999999999, ?, ?, repeat('0', 64), repeat('0', 64), now())", link.get("event_id"),
        link.get("occurred_at"))).rootCause().hasMessageContaining("duplicate key");
    // a checkpoint row the sealer did not sign (written with its login, not its key) stops signing: judged here
    long head = sealer.checkpointNow();
    var newest = jdbc.queryForMap("select seq, head_hash, created_at, key_id, signature from audit_checkpoint "
        + "order by seq desc limit 1");
    assertThat(sealer.forgedCheckpoint(newest, head)).isNull();
    var beyond = new java.util.HashMap<>(newest);
    beyond.put("seq", head + 1_000_000);
    assertThat(sealer.forgedCheckpoint(beyond, head)).contains("beyond the head");
    var resigned = new java.util.HashMap<>(newest);
    resigned.put("head_hash", "f".repeat(64));
    assertThat(sealer.forgedCheckpoint(resigned, head)).contains("not validly signed");
  }

  @Test
  void theAuditorsRoleReadsAndVerifiesButWritesNothingAndSeesNoSecrets() throws Exception {
    new JdbcTemplate(ownerDataSource).execute("alter role itgc_auditor with login password 'auditor-it-password'");
    var auditorSource = new org.postgresql.ds.PGSimpleDataSource();
    auditorSource.setUrl(postgres.jdbcUrl("itgc_auditor"));
    auditorSource.setUser("itgc_auditor");
    auditorSource.setPassword("auditor-it-password");
    var auditor = new JdbcTemplate(auditorSource);
    assertThat(auditor.queryForObject("select count(*) from audit_event", Long.class)).isPositive();
    assertThat(auditor.queryForObject("select count(*) from change_request", Long.class)).isNotNull();
    assertThatThrownBy(() -> auditor.queryForObject("select count(*) from sec_user", Long.class)).rootCause()
        .hasMessageContaining("permission denied");
    assertThatThrownBy(() -> auditor.queryForObject("select count(*) from api_credential", Long.class)).rootCause()
        .hasMessageContaining("permission denied");
    assertThatThrownBy(() -> auditor.update("update change_request set title = 'x'")).rootCause()
        .hasMessageContaining("permission denied");
    assertThatThrownBy(() -> auditor.queryForObject("select audit_record('a', '{}', null, 'x', 'y', 'z', 'SUCCESS', '{}')",
        Long.class)).rootCause().hasMessageContaining("permission denied");

    sealer.checkpointNow();
    var out = new ByteArrayOutputStream();
    int status = AuditVerifier.run(new String[] {postgres.jdbcUrl("itgc_auditor"), "itgc_auditor",
        "auditor-it-password", sealer.checkpointFolder().toString(), sealer.key().fingerprint()},
        new PrintStream(out, true, StandardCharsets.UTF_8));
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("AUDIT TRAIL VERIFIED");
    assertThat(status).isZero();
  }

  @Test
  void aKeyRotationSignedByThePreviousKeyCarriesThePinOverAndAStrangersKeyDoesNot() throws Exception {
    Path scratch = Files.createTempDirectory(Path.of("target"), "audit-rotation-");
    AuditSigningKey previous = AuditSigningKey.loadOrCreate(scratch.resolve("previous.pem"));
    AuditSigningKey stranger = AuditSigningKey.loadOrCreate(scratch.resolve("stranger.pem"));
    sealer.checkpointNow();

    // the engine's current key was handed over from "previous": an auditor who pinned only that one trusts it
    assertThat(sealer.recordKeyRotation(previous)).isTrue();
    assertThat(sealer.recordKeyRotation(previous)).as("recorded once").isFalse();
    assertThat(jdbc.queryForObject("select previous_fingerprint from audit_key_rotation where next_fingerprint = ?",
        String.class, sealer.key().fingerprint())).isEqualTo(previous.fingerprint());
    // the record carries the pinned key's public half: the rotation's signature is checked from it alone
    String previousPem = jdbc.queryForObject("select previous_public_key from audit_key_rotation "
        + "where next_fingerprint = ?", String.class, sealer.key().fingerprint());
    assertThat(previousPem).isEqualTo(previous.publicPem());
    var rotation = jdbc.queryForMap("select rotated_at, signature from audit_key_rotation where next_fingerprint = ?",
        sealer.key().fingerprint());
    var rotatedAt = ((java.sql.Timestamp) rotation.get("rotated_at")).toInstant().toString();
    var verifier = java.security.Signature.getInstance("Ed25519");
    verifier.initVerify(previous.publicKey());
    verifier.update(AuditChain.rotationText(previous.fingerprint(), sealer.key().fingerprint(), rotatedAt)
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(verifier.verify(java.util.Base64.getDecoder().decode((String) rotation.get("signature"))))
        .as("signed by the pinned key").isTrue();
    var pinnedPrevious = AuditVerifier.verify(jdbc.getDataSource(), sealer.checkpointFolder(), Set.of(previous.fingerprint()));
    assertThat(pinnedPrevious.ok()).as(String.valueOf(pinnedPrevious.problem())).isTrue();

    // a copy of the folder where the rotation record was made by a stranger: the stranger's pin is not the auditor's
    Path copy = Files.createTempDirectory(Path.of("target"), "audit-rotation-copy-");
    try (var files = Files.list(sealer.checkpointFolder())) {
      for (Path file : files.toList()) {
        Files.copy(file, copy.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Path record = copy.resolve(AuditSealer.ROTATION_PREFIX + sealer.key().fingerprint() + ".json");
    ObjectMapper json = new ObjectMapper();
    var forged = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(record.toFile());
    forged.put("previousFingerprint", stranger.fingerprint());
    forged.put("signature", stranger.sign(AuditChain.rotationText(stranger.fingerprint(), sealer.key().fingerprint(),
        forged.get("rotatedAt").asText())));
    Files.write(record, json.writeValueAsBytes(forged));
    Files.writeString(copy.resolve("public-key-" + stranger.keyId() + ".pem"), stranger.publicPem());
    var strangersRecord = AuditVerifier.verify(jdbc.getDataSource(), copy, Set.of(previous.fingerprint()));
    assertThat(strangersRecord.ok()).isFalse();
    assertThat(strangersRecord.problem()).containsAnyOf("not a trusted key", "not validly signed");

    // a record whose signature was tampered with hands over nothing either
    JsonNode original = json.readTree(sealer.checkpointFolder()
        .resolve(AuditSealer.ROTATION_PREFIX + sealer.key().fingerprint() + ".json").toFile());
    var tampered = (com.fasterxml.jackson.databind.node.ObjectNode) original.deepCopy();
    tampered.put("rotatedAt", Instant.now().toString());
    Files.write(record, json.writeValueAsBytes(tampered));
    assertThat(AuditVerifier.verify(jdbc.getDataSource(), copy, Set.of(previous.fingerprint())).ok()).isFalse();
  }
}
