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
  void duringAnSmtpOutageMailWaitsAndTheAppStaysUpThenItArrives() throws Exception {
    TestMailServer.stop();
    try {
      transactions.executeWithoutResult(s -> notifier.send("control-exception", List.of("ivan@demo.itgc.local"),
          exception("DEP-OUTAGE")));
      // the dispatcher tries, fails, and schedules a retry; the mail stays in the outbox
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (jdbc.queryForObject("select attempts from notification_outbox where body like '%DEP-OUTAGE%'",
          Integer.class) == 0 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(jdbc.queryForObject("select count(*) from notification_outbox where body like '%DEP-OUTAGE%' "
          + "and sent_at is null and attempts > 0 and last_error is not null", Integer.class)).isEqualTo(1);
      var health = Http.as(port, "admin").get("/actuator/health");
      assertThat(health.status()).isEqualTo(200);
      assertThat(health.json().get("status").asText()).isEqualTo("UP");
      assertThat(health.json().get("components").get("mail").get("status").asText()).isEqualTo("DEGRADED");
    } finally {
      TestMailServer.restart();
    }
    var mail = TestMailServer.await(m -> TestMailServer.body(m).contains("DEP-OUTAGE"), Duration.ofSeconds(30));
    assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("ivan@demo.itgc.local");
    // the dispatcher marks the mail sent when its transaction commits, just after the SMTP server took it
    long marked = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (jdbc.queryForObject("select count(*) from notification_outbox where body like '%DEP-OUTAGE%' "
        + "and sent_at is not null", Integer.class) == 0 && System.nanoTime() < marked) {
      Thread.sleep(100);
    }
    assertThat(jdbc.queryForObject("select count(*) from notification_outbox where body like '%DEP-OUTAGE%' "
        + "and sent_at is not null", Integer.class)).isEqualTo(1);
  }
}
