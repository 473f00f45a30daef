package org.itgc.platform;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.camunda.bpm.engine.impl.util.ClockUtil;

/**
 * The application's one clock, which is the engine's: business logic reads it as a {@link Clock} bean, and the engine
 * reads the same time through Camunda's {@link ClockUtil} for timers, job due dates and history. Setting the engine's
 * clock (as tests do, to run at another date) therefore moves both together; nothing in the application reads the
 * system clock directly. In production nothing sets it, and it is the system's UTC time.
 *
 * <p>The audit trail is the exception by design: it is stamped by the database server's own time, which no
 * application setting can move (see {@code JdbcAuditRecorder}).
 */
public final class EngineClock extends Clock {

  private final ZoneId zone;

  public EngineClock() {
    this(ZoneOffset.UTC);
  }

  private EngineClock(ZoneId zone) {
    this.zone = zone;
  }

  @Override
  public Instant instant() {
    return ClockUtil.now().toInstant();
  }

  @Override
  public long millis() {
    return ClockUtil.now().getTime();
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return new EngineClock(zone);
  }
}
