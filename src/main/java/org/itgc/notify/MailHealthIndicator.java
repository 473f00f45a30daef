package org.itgc.notify;

import java.time.Clock;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Mail as its own health component ({@code mail}): DEGRADED while mails wait for a retry, UP otherwise. DEGRADED
 * ranks below UP in {@code management.endpoint.health.status.order}, so an SMTP outage never turns the whole
 * application DOWN: the outbox keeps the mails until the server is back.
 */
@Component("mail")
class MailHealthIndicator implements HealthIndicator {

  static final Status DEGRADED = new Status("DEGRADED", "mails are waiting for a retry");

  private final JdbcTemplate jdbc;
  private final MailDispatcher dispatcher;
  private final Clock clock;

  MailHealthIndicator(JdbcTemplate jdbc, MailDispatcher dispatcher, Clock clock) {
    this.jdbc = jdbc;
    this.dispatcher = dispatcher;
    this.clock = clock;
  }

  @Override
  public Health health() {
    try {
      return check();
    } catch (org.springframework.dao.DataAccessException e) {
      // the outbox is in the database: while it is away, mail's state is unknown (the db component says DOWN)
      return Health.unknown().withDetail("error", "the outbox cannot be read: the database is not reachable").build();
    }
  }

  /** The mails not yet sent: how many, how many failed at least once, since when the oldest waits. */
  private record Outbox(long pending, long retrying, java.time.Instant oldest) {}

  private Health check() {
    Outbox outbox = jdbc.queryForObject("""
        select count(*) as pending, count(*) filter (where last_error is not null) as retrying, min(created_at) as oldest
        from notification_outbox where sent_at is null
        """, (rs, i) -> new Outbox(rs.getLong("pending"), rs.getLong("retrying"),
        rs.getTimestamp("oldest") == null ? null : rs.getTimestamp("oldest").toInstant()));
    var builder = outbox.retrying() > 0 ? Health.status(DEGRADED) : Health.up();
    builder.withDetail("pending", outbox.pending()).withDetail("retrying", outbox.retrying());
    if (outbox.oldest() != null) {
      builder.withDetail("oldestPendingSince", outbox.oldest().toString());
    }
    if (dispatcher.lastError() != null) {
      builder.withDetail("lastError", dispatcher.lastError());
    }
    builder.withDetail("checkedAt", clock.instant().toString());
    return builder.build();
  }
}
