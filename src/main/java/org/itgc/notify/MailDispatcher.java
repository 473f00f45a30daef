package org.itgc.notify;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
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
import org.itgc.platform.SchedulingConfiguration;

/**
 * Delivers queued mails over SMTP, at least once and each with one Message-ID for all its attempts. A mail is claimed
 * in a transaction of its own (a lease, {@code FOR UPDATE SKIP LOCKED}, so several engine nodes can dispatch at once),
 * the claim is committed before the message is handed to SMTP, and the mail is marked sent right after: a crash
 * between the two resends that one message, after its lease, with the same Message-ID, which recipients' servers and
 * clients use to drop the repeat. A failed attempt is retried with exponential backoff and never dropped. Runs on the
 * mail scheduler's own thread, so a slow SMTP server delays only mail.
 */
@Component
class MailDispatcher {

  private static final Logger log = LoggerFactory.getLogger(MailDispatcher.class);

  private final JdbcTemplate jdbc;
  private final JavaMailSender sender;
  private final Clock clock;
  private final String from;
  private final String messageIdDomain;
  private final Duration firstRetry;
  private final Duration maxRetry;
  private final Duration lease;
  private final AtomicReference<String> lastError = new AtomicReference<>();

  MailDispatcher(JdbcTemplate jdbc, JavaMailSender sender, Clock clock, @Value("${itgc.mail.from}") String from,
      @Value("${itgc.mail.first-retry:PT10S}") Duration firstRetry, @Value("${itgc.mail.max-retry:PT15M}") Duration maxRetry,
      @Value("${itgc.mail.lease:PT2M}") Duration lease) {
    this.jdbc = jdbc;
    this.sender = sender;
    this.clock = clock;
    this.from = from;
    int at = from.lastIndexOf('@');
    this.messageIdDomain = at < 0 ? "itgc-engine" : from.substring(at + 1).replace(">", "").strip();
    this.firstRetry = firstRetry;
    this.maxRetry = maxRetry;
    this.lease = lease;
  }

  @Scheduled(fixedDelayString = "${itgc.mail.dispatch-interval:PT5S}", initialDelayString = "${itgc.mail.dispatch-interval:PT5S}",
      scheduler = SchedulingConfiguration.MAIL)
  void dispatch() {
    int sent;
    do {
      sent = dispatchBatch(20);
    } while (sent == 20);
  }

  /** Sends up to {@code limit} due mails, one claim each; returns how many were sent. */
  int dispatchBatch(int limit) {
    int sent = 0;
    for (int i = 0; i < limit; i++) {
      Due mail = claim();
      if (mail == null) {
        break;
      }
      if (deliver(mail)) {
        sent++;
      }
    }
    return sent;
  }

  /**
   * Takes the next due mail that nobody holds: its lease, one more attempt and its Message-ID (made once, from the
   * row's id and creation time) are committed before anything goes to SMTP.
   */
  Due claim() {
    return claim(null);
  }

  /** {@link #claim()} restricted to one outbox row when {@code only} is given. */
  Due claim(Long only) {
    Instant now = clock.instant();
    var claimed = jdbc.query("""
        update notification_outbox set lease_until = ?, attempts = attempts + 1,
            message_id = coalesce(message_id, '<itgc-outbox-' || id || '.'
                || (extract(epoch from created_at) * 1000)::bigint || '@' || ? || '>')
        where id = (select id from notification_outbox
                    where sent_at is null and next_attempt_at <= ? and (lease_until is null or lease_until <= ?)
                      and (cast(? as bigint) is null or id = ?)
                    order by id limit 1 for update skip locked)
        returning id, recipients, subject, body, attempts, message_id
        """, (rs, row) -> new Due(rs.getLong("id"), strings(rs.getArray("recipients")), rs.getString("subject"),
        rs.getString("body"), rs.getInt("attempts"), rs.getString("message_id")), Timestamp.from(now.plus(lease)),
        messageIdDomain, Timestamp.from(now), Timestamp.from(now), only, only);
    return claimed.isEmpty() ? null : claimed.get(0);
  }

  boolean deliver(Due mail) {
    try {
      var message = new StableIdMessage(sender.createMimeMessage(), mail.messageId());
      var helper = new MimeMessageHelper(message, false, "UTF-8");
      helper.setFrom(new InternetAddress(from));
      helper.setTo(mail.recipients());
      helper.setSubject(mail.subject());
      helper.setText(mail.body(), false);
      sender.send(message);
      jdbc.update("update notification_outbox set sent_at = ?, lease_until = null, last_error = null where id = ?",
          Timestamp.from(clock.instant()), mail.id());
      lastError.set(null);
      return true;
    } catch (Exception e) {
      String error = e.getClass().getSimpleName() + ": " + e.getMessage();
      Duration wait = backoff(mail.attempts());
      jdbc.update("update notification_outbox set lease_until = null, last_error = ?, next_attempt_at = ? where id = ?",
          error, Timestamp.from(clock.instant().plus(wait)), mail.id());
      lastError.set(error);
      log.warn("Mail {} not delivered (attempt {}), retrying in {}: {}", mail.id(), mail.attempts(), wait, error);
      return false;
    }
  }

  /** A message that keeps the outbox row's Message-ID when JavaMail saves it (it would otherwise make a new one). */
  private static final class StableIdMessage extends MimeMessage {
    private final String messageId;

    StableIdMessage(MimeMessage template, String messageId) {
      super(template.getSession());
      this.messageId = messageId;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", messageId);
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

  record Due(long id, String[] recipients, String subject, String body, int attempts, String messageId) {}
}
