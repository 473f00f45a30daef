package org.itgc.platform;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.stereotype.Component;

/**
 * Once per scheduled time in a cluster: every node's scheduler fires a singleton job (the SoD scan, backups, restore
 * tests, the audit archive), and only the node that records the job's run for that scheduled time runs it; a node whose
 * scheduler fires later (after the first one finished, or delayed behind another job on its scheduler) finds the
 * same scheduled time taken and skips it. The slot is the schedule's own time (the cron's latest firing), not the
 * moment the job happens to start. Table {@code scheduled_run} keeps which node ran what, when it finished and how;
 * a run whose node died shows no finish.
 */
@Component
public class ScheduledOnce {

  private static final Logger log = LoggerFactory.getLogger(ScheduledOnce.class);
  private static final String NODE = java.lang.management.ManagementFactory.getRuntimeMXBean().getName();
  private static final List<Duration> LOOK_BACK = List.of(Duration.ofMinutes(2), Duration.ofHours(2),
      Duration.ofDays(2), Duration.ofDays(40), Duration.ofDays(400));

  /** The outcome of a run that did its work. */
  public static final String DONE = "done";

  private final JdbcTemplate jdbc;
  private final Clock clock;

  ScheduledOnce(JdbcTemplate jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** Runs the job of the cron's latest scheduled time when this node is the first to claim it. */
  public boolean run(String job, String cron, Runnable work) {
    return run(job, slot(cron), work);
  }

  /** The cron's latest scheduled time now. */
  public Instant slot(String cron) {
    return slotOf(cron, clock.instant(), ZoneId.systemDefault());
  }

  /**
   * The cron's latest firing at or before {@code now} (where Spring's scheduler runs it: the JVM's zone), to the
   * second; {@code now} itself, to the second, if none is found within 400 days.
   */
  static Instant slotOf(String cron, Instant now, ZoneId zone) {
    CronExpression expression = CronExpression.parse(cron);
    ZonedDateTime end = now.atZone(zone);
    for (Duration back : LOOK_BACK) {
      ZonedDateTime latest = null;
      for (ZonedDateTime t = expression.next(end.minus(back)); t != null && !t.isAfter(end); t = expression.next(t)) {
        latest = t;
      }
      if (latest != null) {
        return latest.toInstant();
      }
    }
    return now.truncatedTo(ChronoUnit.SECONDS);
  }

  /** Runs the job of one slot when this node is the first to claim it; returns whether it ran here. */
  public boolean run(String job, Instant slot, Runnable work) {
    return runWithOutcome(job, slot, () -> {
      work.run();
      return DONE;
    });
  }

  /** Runs the job of the cron's latest scheduled time; the work returns its outcome (see below). */
  public boolean runWithOutcome(String job, String cron, java.util.function.Supplier<String> work) {
    return runWithOutcome(job, slot(cron), work);
  }

  /**
   * Runs the job of one slot when this node is the first to claim it, and records the outcome the work returns:
   * {@link #DONE}, or in words why it did nothing (for example a run of an earlier slot still holding the job's lock),
   * so that {@code scheduled_run} never shows as done a run that did not happen.
   */
  public boolean runWithOutcome(String job, Instant slot, java.util.function.Supplier<String> work) {
    int claimed = jdbc.update("insert into scheduled_run (job, slot, node, claimed_at) values (?, ?, ?, ?) "
        + "on conflict do nothing", job, Timestamp.from(slot), NODE, Timestamp.from(clock.instant()));
    if (claimed == 0) {
      log.debug("{} of {} runs on another node", job, slot);
      return false;
    }
    try {
      String outcome = work.get();
      finish(job, slot, outcome == null ? DONE : outcome);
      return true;
    } catch (RuntimeException | Error e) {
      finish(job, slot, "failed: " + e);
      log.error("The scheduled {} of {} failed on this node; it is recorded as failed in scheduled_run", job, slot, e);
      throw e;
    }
  }

  private void finish(String job, Instant slot, String outcome) {
    try {
      jdbc.update("update scheduled_run set finished_at = ?, outcome = ? where job = ? and slot = ?",
          Timestamp.from(clock.instant()), outcome.length() > 500 ? outcome.substring(0, 500) : outcome, job,
          Timestamp.from(slot));
    } catch (RuntimeException e) {
      log.warn("The outcome of {} of {} could not be recorded: {}", job, slot, e.getMessage());
    }
  }
}
