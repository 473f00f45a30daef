package org.itgc.platform;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Once per scheduled time in a cluster: every node's scheduler fires a singleton job (the SoD scan, backups, restore
 * tests, the audit archive), and only the node that records the job's run for that minute runs it; a node whose
 * scheduler fires a moment later, after the first one finished, skips it too (a lock held only while running would
 * not stop that). Table {@code scheduled_run} keeps which node ran what.
 */
@Component
public class ScheduledOnce {

  private static final Logger log = LoggerFactory.getLogger(ScheduledOnce.class);
  private static final String NODE = java.lang.management.ManagementFactory.getRuntimeMXBean().getName();

  private final JdbcTemplate jdbc;
  private final Clock clock;

  ScheduledOnce(JdbcTemplate jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** The slot of a scheduled run now: the minute it fired in (schedules fire at most once a minute). */
  public Instant slotNow() {
    return clock.instant().truncatedTo(ChronoUnit.MINUTES);
  }

  /** Runs the job when this node is the first to claim its slot; returns whether it ran here. */
  public boolean run(String job, Instant slot, Runnable work) {
    int claimed = jdbc.update("insert into scheduled_run (job, slot, node, claimed_at) values (?, ?, ?, ?) "
        + "on conflict do nothing", job, Timestamp.from(slot), NODE, Timestamp.from(clock.instant()));
    if (claimed == 0) {
      log.debug("{} of {} runs on another node", job, slot);
      return false;
    }
    work.run();
    return true;
  }
}
