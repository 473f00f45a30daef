package org.itgc.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** The audit port: one way in, written with the change it records, append-only in the database, queryable. */
@IntegrationTest
class AuditIT {

  @LocalServerPort int port;
  @Autowired AuditRecorder recorder;
  @Autowired JdbcTemplate jdbc;
  @Autowired @org.springframework.boot.autoconfigure.liquibase.LiquibaseDataSource javax.sql.DataSource ownerDataSource;
  @Autowired TransactionTemplate transactions;

  @Test
  void anEventIsStoredWithTheChangeAndVanishesWithItsRollback() {
    transactions.executeWithoutResult(status -> {
      recorder.record(AuditEvent.system("test.rolled-back", "invoice", "AP-99999").build());
      status.setRollbackOnly();
    });
    assertThat(jdbc.queryForObject("select count(*) from audit_event where object_id = 'AP-99999'", Integer.class))
        .isZero();
    transactions.executeWithoutResult(status -> {
      recorder.recordIndependently(AuditEvent.system("test.refused", "invoice", "AP-99998")
          .denied("rule says no").build());
      status.setRollbackOnly();
    });
    assertThat(jdbc.queryForObject("select count(*) from audit_event where object_id = 'AP-99998'", Integer.class))
        .as("a refusal stays on record although its transaction rolls back").isEqualTo(1);
  }

  @Test
  void theApplicationsRoleMayOnlyRecordAndReadTheAuditTables() {
    long id = recorder.record(AuditEvent.system("test.immutable", "invoice", "AP-12345").build());
    assertThat(jdbc.queryForObject("select current_user", String.class)).isEqualTo("itgc_app");
    for (String table : java.util.List.of("audit_event", "audit_chain", "audit_checkpoint")) {
      assertThatThrownBy(() -> jdbc.update("update " + table + " set " + (table.equals("audit_event") ? "actor = 'mallory'"
          : "seq = seq") + " where false")).as(table).isInstanceOf(DataAccessException.class).rootCause()
          .hasMessageContaining("permission denied");
      assertThatThrownBy(() -> jdbc.update("delete from " + table + " where false")).as(table)
          .isInstanceOf(DataAccessException.class).rootCause().hasMessageContaining("permission denied");
      assertThatThrownBy(() -> jdbc.execute("truncate " + table + " cascade")).as(table)
          .isInstanceOf(DataAccessException.class).rootCause().hasMessageContaining("permission denied");
    }
    assertThat(jdbc.queryForObject("select actor from audit_event where id = ?", String.class, id)).isEqualTo("system");
  }

  @Test
  void evenTheOwnerOfTheTablesCannotUpdateDeleteOrTruncateThem() {
    long id = recorder.record(AuditEvent.system("test.immutable", "invoice", "AP-12346").build());
    var owner = new org.springframework.jdbc.core.JdbcTemplate(ownerDataSource);
    assertThatThrownBy(() -> owner.update("update audit_event set actor = 'mallory' where id = ?", id))
        .isInstanceOf(DataAccessException.class).rootCause().hasMessageContaining("append-only");
    assertThatThrownBy(() -> owner.update("delete from audit_event where id = ?", id))
        .isInstanceOf(DataAccessException.class).rootCause().hasMessageContaining("append-only");
    assertThatThrownBy(() -> owner.execute("truncate audit_event cascade"))
        .isInstanceOf(DataAccessException.class).rootCause().hasMessageContaining("append-only");
    assertThat(jdbc.queryForObject("select actor from audit_event where id = ?", String.class, id)).isEqualTo("system");
  }

  @Test
  void anAuditorQueriesByObjectAndTheQueryIsItselfAudited() {
    recorder.record(AuditEvent.system("invoice.view", "invoice", "AP-777").build());
    var events = Http.as(port, "audrey").get("/api/audit/events?objectId=AP-777").json();
    assertThat(events.size()).isEqualTo(2);
    assertThat(events.get(0).get("action").asText()).isEqualTo("audit.query");
    assertThat(events.get(0).get("actor").asText()).isEqualTo("audrey");
    assertThat(events.get(0).get("actorRoles").get(0).asText()).isEqualTo("auditor");
    assertThat(events.get(0).get("clientAddress").asText()).isNotBlank();
    assertThat(events.get(1).get("action").asText()).isEqualTo("invoice.view");
  }

  @Test
  void badQueriesAre400AndNonAuditorsAre403() {
    var unknown = Http.as(port, "audrey").get("/api/audit/events?objectID=AP-1");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().get("errors").get(0).get("field").asText()).isEqualTo("objectID");
    var inverted = Http.as(port, "audrey")
        .get("/api/audit/events?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z");
    assertThat(inverted.status()).isEqualTo(400);
    assertThat(inverted.json().get("detail").asText()).contains("to").contains("after from");
    var badDate = Http.as(port, "audrey").get("/api/audit/events?from=yesterday");
    assertThat(badDate.status()).isEqualTo(400);
    assertThat(badDate.json().get("detail").asText()).contains("from");
    var tooBig = Http.as(port, "audrey").get("/api/audit/events?size=100000");
    assertThat(tooBig.status()).isEqualTo(400);
    assertThat(tooBig.json().get("detail").asText()).contains("size");
    assertThat(Http.as(port, "rachel").get("/api/audit/events").status()).isEqualTo(403);
  }
}
