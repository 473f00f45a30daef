package org.itgc.continuity;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/** The engine's own database is backed up, restored for real into another PostgreSQL, and checked table by table. */
@IntegrationTest
class EngineBackupIT {

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;

  @Test
  void theLatestBackupRestoresCompletelyAndTheTestIsRecordedAsEvidence() throws Exception {
    var backup = Http.as(port, "admin").post("/api/continuity/engine-backups", "{}");
    assertThat(backup.status()).as(backup.toString()).isEqualTo(201);
    Path file = Path.of(backup.json().get("file").asText());
    assertThat(file).exists();
    assertThat(EngineContinuity.sha256(file)).isEqualTo(backup.json().get("sha256").asText());
    assertThat(backup.json().get("rows").asLong()).isPositive();

    var test = Http.as(port, "admin").post("/api/continuity/engine-restore-tests", "{}");
    assertThat(test.status()).as(test.toString()).isEqualTo(201);
    assertThat(test.json().get("passed").asBoolean()).as(test.toString()).isTrue();
    assertThat(test.json().get("restoredRows")).isEqualTo(test.json().get("expectedRows"));
    assertThat(test.json().get("expectedRows").get("audit_event").asLong()).isPositive();
    assertThat(test.json().get("expectedRows").get("act_re_procdef").asLong()).isPositive();
    String id = test.json().get("id").asText();
    assertThat(jdbc.queryForObject("select passed from continuity_test where id = ? and kind = 'backup-restore' "
        + "and system_id = 'ITGC-ENGINE'", Boolean.class, id)).isTrue();
    var evidence = Http.as(port, "audrey").get("/api/continuity/tests?system=ITGC-ENGINE"
        + "&from=2020-01-01T00:00:00Z&to=2100-01-01T00:00:00Z").json();
    assertThat(evidence).anySatisfy(row -> assertThat(row.get("id").asText()).isEqualTo(id));
  }

  @Test
  void anOperatorRestoresABackupIntoAnEmptyDatabaseAsTheReadmeSays() throws Exception {
    var backup = Http.as(port, "admin").post("/api/continuity/engine-backups", "{}").json();
    Path directory = Files.createTempDirectory(Path.of("target"), "operator-restore-");
    try (var target = EmbeddedPostgres.builder().setDataDirectory(directory).setCleanDataDirectory(true).start()) {
      // exactly the README's command, in-process: BACKUP.zip JDBC_URL USER PASSWORD
      var printed = new java.io.ByteArrayOutputStream();
      int exit = EngineRestore.run(new String[] {backup.get("file").asText(),
          target.getJdbcUrl("postgres", "postgres"), "postgres", ""}, new java.io.PrintStream(printed, true));
      assertThat(printed.toString()).contains("RESTORE COMPLETE").contains("audit_event");
      assertThat(exit).isZero();
      assertThat(EngineRestore.run(new String[] {backup.get("file").asText(), target.getJdbcUrl("postgres", "postgres"),
          "postgres", ""}, new java.io.PrintStream(new java.io.ByteArrayOutputStream())))
          .as("a second restore into the now filled database is refused")
          .isNotZero();
      var restored = new JdbcTemplate(target.getPostgresDatabase());
      assertThat(restored.queryForObject("select count(*) from sec_user", Integer.class))
          .isEqualTo(jdbc.queryForObject("select count(*) from sec_user", Integer.class));
      assertThat(restored.queryForObject("select count(*) from act_re_procdef", Integer.class)).isPositive();
      // the restored audit trail is append-only again
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> restored.update("delete from audit_event"))
          .rootCause().hasMessageContaining("audit_event is append-only: DELETE refused");
    }
  }

  @Test
  void aCorruptedBackupFailsItsRestoreTestAndRecordsABc01Exception() throws Exception {
    var backup = Http.as(port, "admin").post("/api/continuity/engine-backups", "{}").json();
    Files.write(Path.of(backup.get("file").asText()), new byte[] {42}, StandardOpenOption.APPEND);
    var test = Http.as(port, "admin").post("/api/continuity/engine-restore-tests", "{}").json();
    assertThat(test.get("passed").asBoolean()).isFalse();
    assertThat(test.get("problems").get(0).asText()).contains("SHA-256");
    assertThat(jdbc.queryForObject("select control_id from control_exception where object_id = ?", String.class,
        test.get("id").asText())).isEqualTo("BC-01");
    assertThat(Http.as(port, "rachel").post("/api/continuity/engine-backups", "{}").status()).isEqualTo(403);
  }
}
