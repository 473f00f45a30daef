package org.itgc.notify;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.internet.MimeMessage;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.itgc.support.IntegrationTest;
import org.itgc.support.TestMailServer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Mail is at least once with one Message-ID per outbox row: a claim (lease) is committed before the message goes to
 * SMTP, so a crash while sending resends only that message, only after its lease, and with the same Message-ID.
 */
@IntegrationTest
class MailDeliveryIT {

  @Autowired JdbcTemplate jdbc;
  @Autowired TransactionTemplate transactions;
  @Autowired MailDispatcher dispatcher;
  @Autowired Clock clock;

  long enqueue(String subject) {
    return jdbc.queryForObject("""
        insert into notification_outbox (template, recipients, subject, body, created_at, next_attempt_at, attempts)
        values ('test', '{lease@demo.itgc.local}', ?, 'body', ?, ?, 0) returning id
        """, Long.class, subject, Timestamp.from(clock.instant()), Timestamp.from(clock.instant()));
  }

  static List<MimeMessage> received(String subject) {
    return Arrays.stream(TestMailServer.server().getReceivedMessages())
        .filter(m -> TestMailServer.subject(m).equals(subject)).toList();
  }

  @Test
  void aCrashWhileSendingResendsOnlyThatMailAfterItsLeaseWithTheSameMessageId() throws Exception {
    String subject = "lease-" + UUID.randomUUID();
    // a node claims the mail (lease committed) and dies before SMTP has it
    MailDispatcher.Due claimed = transactions.execute(status -> dispatcher.claim(enqueue(subject)));
    assertThat(claimed).isNotNull();
    assertThat(claimed.messageId()).matches("<itgc-outbox-" + claimed.id() + "\\.\\d+@[^>]+>");

    Thread.sleep(2000); // several dispatch rounds (every 0.3 s in tests)
    assertThat(received(subject)).as("nobody sends a mail whose lease is held").isEmpty();

    // the lease runs out: the mail goes, with the Message-ID of the first claim
    jdbc.update("update notification_outbox set lease_until = ? where id = ?",
        Timestamp.from(clock.instant().minusSeconds(1)), claimed.id());
    MimeMessage first = TestMailServer.await(m -> TestMailServer.subject(m).equals(subject), Duration.ofSeconds(20));
    assertThat(first.getHeader("Message-ID")[0]).isEqualTo(claimed.messageId());
    awaitSent(claimed.id());

    // a node sends it and dies before marking it sent: the resend carries the same Message-ID, so it can be dropped
    jdbc.update("update notification_outbox set sent_at = null, lease_until = null, next_attempt_at = ? where id = ?",
        Timestamp.from(clock.instant()), claimed.id());
    awaitSent(claimed.id());
    var copies = received(subject);
    assertThat(copies).hasSize(2);
    for (MimeMessage copy : copies) {
      assertThat(copy.getHeader("Message-ID")[0]).isEqualTo(claimed.messageId());
    }
    assertThat(jdbc.queryForObject("select attempts from notification_outbox where id = ?", Integer.class, claimed.id()))
        .as("each claim counts as an attempt").isEqualTo(3);
  }

  void awaitSent(long id) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (jdbc.queryForObject("select sent_at from notification_outbox where id = ?", Timestamp.class, id) == null) {
      assertThat(System.nanoTime()).as("mail %d sent within 20 s", id).isLessThan(end);
      Thread.sleep(100);
    }
  }
}
