package org.itgc.integrity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.audit.AuditSealer;
import org.itgc.notify.Notifier;
import org.itgc.platform.Role;
import org.itgc.security.UserAccounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Back-dating by a transaction held open: an event's time is its insert's, set by the database, but a transaction that
 * records an event and commits much later makes it appear in the trail after events that are younger. The sealer
 * notices within a round (an event older than a complete round that could not see it); this records an
 * {@code audit.late-commit} event naming each such event and mails the auditors and the audit mailbox, so that the
 * decision it records is questioned while it is fresh. The chain still seals the event: nothing committed is dropped.
 */
@Component
class LateCommitAlarm {

  private static final Logger log = LoggerFactory.getLogger(LateCommitAlarm.class);
  /** Events named in one alarm at most (a mail stays readable; the event says how many there were). */
  static final int NAMED = 50;

  private final AuditRecorder audit;
  private final Notifier notifier;
  private final UserAccounts users;
  private final String mailbox;

  LateCommitAlarm(AuditRecorder audit, Notifier notifier, UserAccounts users,
      @Value("${itgc.audit.mailbox:}") String mailbox) {
    this.audit = audit;
    this.notifier = notifier;
    this.users = users;
    this.mailbox = mailbox;
  }

  @EventListener
  void lateCommits(AuditSealer.LateCommitsDetected detected) {
    List<Map<String, Object>> named = detected.events().stream().limit(NAMED).map(late -> Map.<String, Object>of(
        "eventId", late.eventId(), "seq", late.seq(), "occurredAt", late.occurredAt().toString(),
        "notVisibleAt", late.notVisibleAt().toString(),
        "committedAtLeastSecondsLater",
        java.time.Duration.between(late.occurredAt(), late.notVisibleAt()).toSeconds())).toList();
    log.warn("AUDIT TRAIL: {} event(s) committed more than {} after their time (held-open transaction): {}",
        detected.events().size(), detected.tolerance(), named);
    audit.recordIndependently(AuditEvent.system("audit.late-commit", "audit-trail", "chain")
        .outcome(AuditEvent.Outcome.FAILURE).detail("count", detected.events().size())
        .detail("tolerance", detected.tolerance().toString()).detail("events", named).build());
    List<String> to = new ArrayList<>(users.emailsOf(Role.AUDITOR));
    if (!mailbox.isBlank()) {
      to.add(mailbox);
    }
    if (!to.isEmpty()) {
      StringBuilder lines = new StringBuilder();
      named.forEach(e -> lines.append("  event ").append(e.get("eventId")).append(" (chain sequence ").append(e.get("seq"))
          .append("), recorded at ").append(e.get("occurredAt")).append(", not yet committed at ")
          .append(e.get("notVisibleAt")).append('\n'));
      notifier.send("audit-late-commit", to, Map.of("count", String.valueOf(detected.events().size()),
          "tolerance", detected.tolerance().toString(), "events", lines.toString()));
    }
  }
}
