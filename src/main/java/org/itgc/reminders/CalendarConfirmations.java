package org.itgc.reminders;

import org.itgc.notify.Notifier;
import org.itgc.platform.SchedulingConfiguration;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.platform.calendar.BusinessCalendar;
import org.itgc.platform.Role;
import org.itgc.security.UserAccounts;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Flags a year whose business calendar the company has not confirmed ({@code confirmedYears} of
 * {@code config/calendar.yaml}) to the governance leads: once when the year is {@code confirmationNoticeDays} away,
 * once more if it starts unconfirmed. Deadlines are never refused for it (the holiday rules give every year); the
 * notice asks a person to check the computed holidays against the company's. Runs at start and every morning; each
 * notice is stored in {@code calendar_notice}, whose key makes it once per year and stage across nodes, and audited.
 */
@Component
public class CalendarConfirmations {

  private final BusinessCalendar calendar;
  private final UserAccounts users;
  private final Notifier notifier;
  private final AuditRecorder audit;
  private final JdbcTemplate jdbc;
  private final TransactionTemplate transactions;
  private final Clock clock;

  CalendarConfirmations(BusinessCalendar calendar, UserAccounts users, Notifier notifier, AuditRecorder audit,
      JdbcTemplate jdbc, TransactionTemplate transactions, Clock clock) {
    this.calendar = calendar;
    this.users = users;
    this.notifier = notifier;
    this.audit = audit;
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.clock = clock;
  }

  /** A notice sent for a year. */
  public record Notice(int year, String stage) {}

  @EventListener(ApplicationReadyEvent.class)
  @Scheduled(cron = "${itgc.calendar.confirmation-check:0 30 6 * * *}", scheduler = SchedulingConfiguration.DEADLINES)
  public void checkToday() {
    check(clock.instant().atZone(calendar.zone()).toLocalDate());
  }

  /** Sends the notices due on {@code today} that were not sent before; returns those sent now. */
  public List<Notice> check(LocalDate today) {
    List<Notice> sent = new ArrayList<>();
    for (int year : calendar.unconfirmedYears(today)) {
      String stage = year > today.getYear() ? "upcoming" : "running";
      Boolean now = transactions.execute(status -> send(year, stage));
      if (Boolean.TRUE.equals(now)) {
        sent.add(new Notice(year, stage));
      }
    }
    return sent;
  }

  private boolean send(int year, String stage) {
    List<String> recipients = users.emailsOf(Role.GOVERNANCE_LEAD);
    int inserted = jdbc.update(con -> {
      var ps = con.prepareStatement(
          "insert into calendar_notice (year, stage, sent_at, recipients) values (?, ?, ?, ?) on conflict do nothing");
      ps.setInt(1, year);
      ps.setString(2, stage);
      ps.setTimestamp(3, Timestamp.from(clock.instant()));
      ps.setArray(4, con.createArrayOf("varchar", recipients.toArray()));
      return ps;
    });
    if (inserted == 0) {
      return false;
    }
    Map<LocalDate, String> holidays = calendar.holidaysOf(year);
    String list = holidays.entrySet().stream().map(e -> e.getKey() + "  " + e.getValue())
        .collect(Collectors.joining("\n  "));
    if (!recipients.isEmpty()) {
      notifier.send("calendar-unconfirmed", recipients, Map.of("year", year,
          "when", stage.equals("upcoming") ? "it starts on " + LocalDate.of(year, 1, 1) : "it has started",
          "holidays", list));
    }
    audit.record(AuditEvent.system("calendar.unconfirmed-year", "business-calendar", String.valueOf(year))
        .detail("stage", stage).detail("holidays", holidays.size()).detail("recipients", recipients).build());
    return true;
  }
}
