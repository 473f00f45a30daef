package org.itgc.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.itgc.support.Http;
import org.itgc.support.IntegrationTest;
import org.itgc.support.TestMailServer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** Mail goes over SMTP (GreenMail), survives an outage, and never takes the application down. */
@IntegrationTest
class MailIT {

  @LocalServerPort int port;
  @Autowired Notifier notifier;
  @Autowired TransactionTemplate transactions;
  @Autowired JdbcTemplate jdbc;
  @Autowired org.itgc.audit.AuditRecorder audit;

  private static Map<String, Object> exception(String objectId) {
    return Map.of("recipientName", "Sofia", "controlId", "CM-05", "summary", "Unmatched deployment",
        "objectType", "deployment", "objectId", objectId, "details", "no approved change");
  }

  @Test
  void aQueuedMailArrivesWithTheRightRecipientAndText() throws Exception {
    transactions.executeWithoutResult(s -> notifier.send("control-exception", List.of("sofia@demo.itgc.local"),
        exception("DEP-1")));
    var mail = TestMailServer.await(m -> TestMailServer.subject(m).contains("DEP-1") || TestMailServer.body(m).contains("DEP-1"),
        Duration.ofSeconds(20));
    assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("sofia@demo.itgc.local");
    assertThat(mail.getSubject()).isEqualTo("Control exception CM-05: Unmatched deployment");
    assertThat(TestMailServer.body(mail)).contains("Hello Sofia,").contains("deployment DEP-1").contains("no approved change");
  }

  @Test
  void aRolledBackStepSendsNothing() {
    transactions.executeWithoutResult(s -> {
      notifier.send("control-exception", List.of("sofia@demo.itgc.local"), exception("DEP-ROLLED-BACK"));
      s.setRollbackOnly();
    });
    assertThat(jdbc.queryForObject("select count(*) from notification_outbox where body like '%DEP-ROLLED-BACK%'",
        Integer.class)).isZero();
  }

  @Test
  void aMissingVariableOrUnknownTemplateIsRefusedAtOnce() {
    assertThatThrownBy(() -> notifier.send("control-exception", List.of("a@example.com"), Map.of("controlId", "X")))
        .hasMessageContaining("needs variables").hasMessageContaining("summary");
    assertThatThrownBy(() -> notifier.send("no-such-template", List.of("a@example.com"), Map.of()))
        .hasMessageContaining("no-such-template");
  }

  @Test
  void duringAnSmtpOutageMailWaitsAndTheAppStaysUpThenEachMailArrivesOnce() throws Exception {
    int mails = 20;
    // this run's mails only (a rerun of the test must not count the first run's)
    String marker = "DEP-OUTAGE-" + Long.toString(System.nanoTime(), 36) + "-";
    TestMailServer.stop();
    try {
      for (int i = 0; i < mails; i++) {
        String objectId = marker + i + "-";
        transactions.executeWithoutResult(s -> notifier.send("control-exception", List.of("ivan@demo.itgc.local"),
            exception(objectId)));
      }
      // the dispatcher tries, fails, and schedules retries; the mails stay in the outbox (an attempt counts before its
      // failure is written: wait for what is asserted, not for the attempt)
      String failed = "select count(*) from notification_outbox where body like ? and sent_at is null and attempts > 0 "
          + "and last_error is not null";
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (jdbc.queryForObject(failed, Integer.class, "%" + marker + "%") < mails && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(jdbc.queryForObject(failed, Integer.class, "%" + marker + "%")).isEqualTo(mails);
      var health = Http.as(port, "admin").get("/actuator/health");
      assertThat(health.status()).isEqualTo(200);
      assertThat(health.json().get("status").asText()).isEqualTo("UP");
      assertThat(health.json().get("components").get("mail").get("status").asText()).isEqualTo("DEGRADED");
      // the audit sealer is not held up by mail: an event is chained while every delivery fails
      long started = System.nanoTime();
      long event = audit.recordIndependently(org.itgc.audit.AuditEvent.system("test.smtp-outage", "test", "lag").build());
      while (jdbc.queryForObject("select count(*) from audit_chain where event_id = ?", Integer.class, event) == 0) {
        assertThat(System.nanoTime() - started).as("chained during the SMTP outage").isLessThan(15_000_000_000L);
        Thread.sleep(10);
      }
      System.out.printf("SMTP-OUTAGE audit event chained %d ms after it was recorded, during the outage%n",
          (System.nanoTime() - started) / 1_000_000);
    } finally {
      TestMailServer.restart();
    }
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (jdbc.queryForObject("select count(*) from notification_outbox where body like ? and sent_at is not null",
        Integer.class, "%" + marker + "%") < mails) {
      assertThat(System.nanoTime()).as("every queued mail is sent after the outage").isLessThan(end);
      Thread.sleep(100);
    }
    var received = java.util.Arrays.stream(TestMailServer.server().getReceivedMessages())
        .filter(m -> TestMailServer.body(m).contains(marker)).toList();
    Map<String, Long> perMessageId = received.stream().collect(java.util.stream.Collectors.groupingBy(m -> {
      try {
        return m.getHeader("Message-ID")[0];
      } catch (jakarta.mail.MessagingException e) {
        throw new AssertionError(e);
      }
    }, java.util.stream.Collectors.counting()));
    assertThat(perMessageId).as("one Message-ID per queued mail").hasSize(mails);
    assertThat(perMessageId.values()).as("each delivered once").allMatch(copies -> copies == 1);
    for (int i = 0; i < mails; i++) {
      String objectId = marker + i + "-";
      assertThat(received).as("mail %s arrived", objectId).anyMatch(m -> TestMailServer.body(m).contains(objectId));
    }
    assertThat(received.get(0).getAllRecipients()[0].toString()).isEqualTo("ivan@demo.itgc.local");
  }
}
