package org.itgc.notify;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Sends notification mails. A mail is rendered from its template and stored in the outbox in the caller's
 * transaction (so a rolled-back step sends nothing), then delivered by {@link MailDispatcher} in the background with
 * retries: an SMTP outage delays mail but loses none and never fails the caller.
 */
@Service
public class Notifier {

  private final MailTemplates templates;
  private final JdbcTemplate jdbc;
  private final Clock clock;

  Notifier(MailTemplates templates, JdbcTemplate jdbc, Clock clock) {
    this.templates = templates;
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /**
   * Queues a mail.
   *
   * @param templateId the file name of the template in {@code config/mail/} without {@code .yaml}
   * @param recipients e-mail addresses
   * @param variables a value for every variable the template lists
   * @return the outbox id of the queued mail
   */
  public long send(String templateId, Collection<String> recipients, Map<String, ?> variables) {
    MailTemplate template = templates.get(templateId);
    var missing = new TreeSet<>(template.variables());
    missing.removeAll(variables.keySet());
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("mail template '" + templateId + "' needs variables " + missing);
    }
    List<String> to = recipients.stream().filter(r -> r != null && !r.isBlank()).distinct().toList();
    if (to.isEmpty()) {
      throw new IllegalArgumentException("mail '" + templateId + "' has no recipient");
    }
    var now = Timestamp.from(clock.instant());
    Long id = jdbc.query(con -> {
      var ps = con.prepareStatement("""
          insert into notification_outbox (template, recipients, subject, body, created_at, next_attempt_at, attempts)
          values (?, ?, ?, ?, ?, ?, 0) returning id
          """);
      ps.setString(1, templateId);
      ps.setArray(2, con.createArrayOf("varchar", to.toArray()));
      ps.setString(3, subjectLine(template.render(template.subject(), variables)));
      ps.setString(4, template.render(template.body(), variables).replace("\u0000", ""));
      ps.setTimestamp(5, now);
      ps.setTimestamp(6, now);
      return ps;
    }, rs -> rs.next() ? rs.getLong(1) : null);
    return id == null ? -1 : id;
  }

  /** The longest subject a mail gets; the full text is in the body. */
  static final int SUBJECT_LIMIT = 200;

  /**
   * A subject that every mail server takes: one line, no control characters, at most {@link #SUBJECT_LIMIT}
   * characters (shortened with an ellipsis), so that a mail about a control exception can never fail, nor roll back
   * the exception it reports, because of what a title or a list of commits put in its subject.
   */
  static String subjectLine(String rendered) {
    String line = rendered.replaceAll("[\\p{Cntrl}\\u2028\\u2029]+", " ").replaceAll(" {2,}", " ").strip();
    return line.length() <= SUBJECT_LIMIT ? line : line.substring(0, SUBJECT_LIMIT - 1).stripTrailing() + "\u2026";
  }

  /** Items of a list a mail shows before it says how many more there are. */
  static final int LIST_ITEMS_SHOWN = 10;
  /** The longest text one value takes in a mail's body. */
  static final int VALUE_LIMIT = 2_000;

  /**
   * A value as a mail shows it: a list of more than {@link #LIST_ITEMS_SHOWN} items as its first items and how many more
   * there are, a text longer than {@link #VALUE_LIMIT} characters shortened, saying by how much. The whole value is in
   * the engine (the record the mail is about); the mail is a pointer to it and must never grow with it.
   */
  public static String summary(Object value) {
    if (value instanceof java.util.Collection<?> items) {
      if (items.size() <= LIST_ITEMS_SHOWN) {
        return shortened(items.stream().map(Notifier::summary).toList().toString());
      }
      return shortened(items.stream().limit(LIST_ITEMS_SHOWN).map(Notifier::summary)
          .collect(java.util.stream.Collectors.joining(", ", "[", ", ... and "
              + String.format(java.util.Locale.ROOT, "%,d", items.size() - LIST_ITEMS_SHOWN) + " more]")));
    }
    return shortened(String.valueOf(value));
  }

  private static String shortened(String text) {
    return text.length() <= VALUE_LIMIT ? text : text.substring(0, VALUE_LIMIT) + "... ("
        + String.format(java.util.Locale.ROOT, "%,d", text.length() - VALUE_LIMIT) + " characters more)";
  }
}
