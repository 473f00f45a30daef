package org.itgc.notify;

import jakarta.mail.internet.InternetAddress;
import java.sql.Array;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Delivers queued mails over SMTP. Rows are claimed with {@code FOR UPDATE SKIP LOCKED}, so several engine nodes
 * can run it at once without sending a mail twice; a failed attempt is retried later with exponential backoff and
 * never dropped.
 */
@Component
class MailDispatcher {

  private static final Logger log = LoggerFactory.getLogger(MailDispatcher.class);

  private final JdbcTemplate jdbc;
  private final TransactionTemplate transactions;
  private final JavaMailSender sender;
  private final Clock clock;
  private final String from;
  private final Duration firstRetry;
  private final Duration maxRetry;
  private final AtomicReference<String> lastError = new AtomicReference<>();

  MailDispatcher(JdbcTemplate jdbc, TransactionTemplate transactions, JavaMailSender sender, Clock clock,
      @Value("${itgc.mail.from}") String from, @Value("${itgc.mail.first-retry:PT10S}") Duration firstRetry,
      @Value("${itgc.mail.max-retry:PT15M}") Duration maxRetry) {
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.sender = sender;
    this.clock = clock;
    this.from = from;
    this.firstRetry = firstRetry;
    this.maxRetry = maxRetry;
  }

  @Scheduled(fixedDelayString = "${itgc.mail.dispatch-interval:PT5S}", initialDelayString = "${itgc.mail.dispatch-interval:PT5S}")
  void dispatch() {
    int sent;
    do {
      sent = dispatchBatch(20);
    } while (sent == 20);
  }

  /** Sends up to {@code limit} due mails; returns how many were sent. */
  int dispatchBatch(int limit) {
    Integer sent = transactions.execute(status -> {
      var due = jdbc.query("""
          select id, recipients, subject, body, attempts from notification_outbox
          where sent_at is null and next_attempt_at <= ? order by id limit ? for update skip locked
          """, (rs, row) -> new Due(rs.getLong("id"), strings(rs.getArray("recipients")), rs.getString("subject"),
          rs.getString("body"), rs.getInt("attempts")), Timestamp.from(clock.instant()), limit);
      int count = 0;
      for (Due mail : due) {
        if (deliver(mail)) {
          count++;
        }
      }
      return count;
    });
    return sent == null ? 0 : sent;
  }

  private boolean deliver(Due mail) {
    Instant now = clock.instant();
    try {
      var message = sender.createMimeMessage();
      var helper = new MimeMessageHelper(message, false, "UTF-8");
      helper.setFrom(new InternetAddress(from));
      helper.setTo(mail.recipients());
      helper.setSubject(mail.subject());
      helper.setText(mail.body(), false);
      sender.send(message);
      jdbc.update("update notification_outbox set sent_at = ?, attempts = attempts + 1, last_error = null where id = ?",
          Timestamp.from(now), mail.id());
      lastError.set(null);
      return true;
    } catch (Exception e) {
      String error = e.getClass().getSimpleName() + ": " + e.getMessage();
      Duration wait = backoff(mail.attempts() + 1);
      jdbc.update("update notification_outbox set attempts = attempts + 1, last_error = ?, next_attempt_at = ? where id = ?",
          error, Timestamp.from(now.plus(wait)), mail.id());
      lastError.set(error);
      log.warn("Mail {} not delivered (attempt {}), retrying in {}: {}", mail.id(), mail.attempts() + 1, wait, error);
      return false;
    }
  }

  Duration backoff(int attempts) {
    long factor = 1L << Math.min(attempts - 1, 20);
    Duration wait = firstRetry.multipliedBy(factor);
    return wait.compareTo(maxRetry) > 0 ? maxRetry : wait;
  }

  String lastError() {
    return lastError.get();
  }

  private static String[] strings(Array array) throws java.sql.SQLException {
    return (String[]) array.getArray();
  }

  private record Due(long id, String[] recipients, String subject, String body, int attempts) {}
}
