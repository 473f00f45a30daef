package org.itgc.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import org.itgc.ItgcEngineApplication;
import org.itgc.support.Http;
import org.itgc.support.TestMailServer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * No unsigned trust across a restart: a rogue DBA rewrites an audit event that a published checkpoint covers while the
 * engine runs (bypassing the triggers as superuser); the orderly shutdown signs the head as usual. At the next start the
 * chain is verified before anything is signed: the rewrite is found, nothing new is signed over it, the audit trail's
 * health is DOWN and the auditors and the audit mailbox are mailed.
 */
class AuditTamperingOwnContextIT {

  @Test
  void aRewrittenEventIsFoundAtTheNextStartAndNothingIsSignedOverIt() throws Exception {
    Path data = Files.createTempDirectory(Path.of("target"), "tamper-it-");
    Path checkpoints = Files.createTempDirectory(Path.of("target"), "tamper-checkpoints-");
    long signedBefore;
    try (var first = start(data, checkpoints)) {
      var recorder = first.getBean(AuditRecorder.class);
      for (int i = 0; i < 5; i++) {
        recorder.record(AuditEvent.system("invoice.approve", "invoice", "AP-" + (55000 + i)).build());
      }
      var sealer = first.getBean(AuditSealer.class);
      long head = sealer.checkpointNow();
      assertThat(head).isPositive();
      var dba = new JdbcTemplate(new org.springframework.jdbc.datasource.SingleConnectionDataSource(
          first.getBean("ownerDataSource", DataSource.class).getConnection(), true));
      dba.execute("set session_replication_role = replica");
      int rewritten = dba.update("update audit_event set actor = 'mallory' where object_id = 'AP-55002'");
      assertThat(rewritten).isEqualTo(1);
    }
    try (var second = start(data, checkpoints)) {
      var jdbc = second.getBean(JdbcTemplate.class);
      signedBefore = jdbc.queryForObject("select coalesce(max(seq), 0) from audit_checkpoint", Long.class);
      assertThat(second.getBean(AuditSealer.class).tampering()).isPresent();
      var health = Http.anonymous(port(second)).get("/actuator/health");
      assertThat(health.status()).as(health.toString()).isEqualTo(503);
      assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'audit.tampering-detected'",
          Integer.class)).isEqualTo(1);
      var mail = TestMailServer.await(m -> TestMailServer.subject(m).equals("Audit trail tampering detected at start-up"),
          Duration.ofSeconds(20));
      assertThat(mail.getAllRecipients()).extracting(Object::toString).contains("audit-mailbox@demo.itgc.local",
          "audrey@demo.itgc.local");
      // new events are still recorded and chained, but no checkpoint is signed over the rewritten trail
      second.getBean(AuditRecorder.class).record(AuditEvent.system("invoice.view", "invoice", "AP-55009").build());
      second.getBean(AuditSealer.class).checkpointNow();
      assertThat(jdbc.queryForObject("select coalesce(max(seq), 0) from audit_checkpoint", Long.class))
          .isEqualTo(signedBefore);
    }
  }

  @Test
  void anEmptiedCheckpointFolderIsNotTakenForAFreshStart() throws Exception {
    Path data = Files.createTempDirectory(Path.of("target"), "tamper-folder-it-");
    Path checkpoints = Files.createTempDirectory(Path.of("target"), "tamper-folder-checkpoints-");
    try (var first = start(data, checkpoints)) {
      first.getBean(AuditRecorder.class).record(AuditEvent.system("invoice.approve", "invoice", "AP-56000").build());
      assertThat(first.getBean(AuditSealer.class).checkpointNow()).isPositive();
    }
    try (var files = Files.list(checkpoints)) {
      for (Path file : files.filter(f -> f.getFileName().toString().startsWith("checkpoint-")).toList()) {
        Files.delete(file);
      }
    }
    try (var second = start(data, checkpoints)) {
      assertThat(second.getBean(AuditSealer.class).tampering()).get().asString().contains("holds none of the");
      assertThat(Http.anonymous(port(second)).get("/actuator/health").status()).isEqualTo(503);
    }
  }

  @Test
  void aLinkTheSealerDidNotWriteStopsSigningWhileTheEngineRuns() throws Exception {
    Path data = Files.createTempDirectory(Path.of("target"), "tamper-link-it-");
    Path checkpoints = Files.createTempDirectory(Path.of("target"), "tamper-link-checkpoints-");
    try (var running = start(data, checkpoints)) {
      var recorder = running.getBean(AuditRecorder.class);
      var sealer = running.getBean(AuditSealer.class);
      recorder.record(AuditEvent.system("invoice.approve", "invoice", "AP-57000").build());
      long signed = sealer.checkpointNow();
      // someone with the sealer's database login (here the owner) appends an event and a link of their own making
      try (var connection = running.getBean("ownerDataSource", DataSource.class).getConnection()) {
        connection.setAutoCommit(false);
        var dba = new JdbcTemplate(new org.springframework.jdbc.datasource.SingleConnectionDataSource(connection, true));
        var head = dba.queryForMap("select seq, hash from audit_chain order by seq desc limit 1");
        var event = dba.queryForMap("insert into audit_event (occurred_at, actor, action, object_type, object_id, outcome) "
            + "values (now(), 'mallory', 'invoice.approve', 'invoice', 'AP-57001', 'SUCCESS') returning id, occurred_at");
        dba.update("insert into audit_chain (seq, event_id, occurred_at, prev_hash, hash, sealed_at, format) "
            + "values (?, ?, ?, ?, repeat('a', 64), now(), 2)", ((Number) head.get("seq")).longValue() + 1,
            event.get("id"), event.get("occurred_at"), head.get("hash"));
        connection.commit();
      }
      recorder.record(AuditEvent.system("invoice.view", "invoice", "AP-57002").build());
      sealer.seal();
      assertThat(sealer.tampering()).get().asString().contains("was not sealed from its event");
      assertThat(Http.anonymous(port(running)).get("/actuator/health").status()).isEqualTo(503);
      // found while running, it is on the trail and in the auditors' mail at once, as a start-up finding would be
      assertThat(running.getBean(JdbcTemplate.class).queryForObject("select count(*) from audit_event where action = "
          + "'audit.tampering-detected' and details->>'found' = 'while running' and details->>'problem' like "
          + "'%was not sealed from its event%'", Integer.class)).isEqualTo(1);
      var mail = TestMailServer.await(m -> TestMailServer.subject(m).equals(
          "Audit trail tampering detected while running"), Duration.ofSeconds(30));
      assertThat(mail.getAllRecipients()).extracting(Object::toString).contains("audrey@demo.itgc.local");
      sealer.checkpointNow();
      assertThat(running.getBean(JdbcTemplate.class).queryForObject("select max(seq) from audit_checkpoint", Long.class))
          .as("nothing signed over the stranger's link").isEqualTo(signed);
    }
  }

  private static ConfigurableApplicationContext start(Path data, Path checkpoints) {
    return new SpringApplicationBuilder(ItgcEngineApplication.class)
        .profiles("demo", "test")
        .run("--server.port=0", "--camunda.bpm.process-engine-name=tamperIt",
            "--itgc.embedded-postgres.data-directory=" + data,
            "--itgc.embedded-postgres.clean=false",
            "--itgc.audit.checkpoint-folder=" + checkpoints,
            "--spring.mail.port=" + TestMailServer.port());
  }

  private static int port(ConfigurableApplicationContext context) {
    return ((WebServerApplicationContext) context).getWebServer().getPort();
  }
}
