package org.itgc.logs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.Period;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.audit.RetentionConnections;
import org.itgc.platform.ScheduledOnce;
import org.itgc.platform.SchedulingConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * The logs' hot tier and the archive's life, on the audit trail's schedules: monthly, every closed month with records
 * that no segment holds is archived ({@link LogArchive}); daily, a month leaves the hot tables when it ended more than
 * {@code hot-days} (at least 90) ago, every record of it is sealed and its segments hold all of them and verify at
 * that moment, through the database function {@code logs_remove_month} on the retention role's connections (the one
 * other thing that role may do), which checks the age, the sealing and the archive's count again, drops the month's
 * {@code logs_record} and {@code logs_seal} partitions and records the removal; monthly, segments whose month ended
 * more than {@code archive-retention} (7 years) ago are deleted, the expiry recorded. Each step is audited.
 */
@Service
class LogRetention {

  private static final Logger log = LoggerFactory.getLogger(LogRetention.class);

  /** A month that stays in the hot tier, and why. */
  static final class NotRemovable extends RuntimeException {
    NotRemovable(YearMonth month, String why) {
      super("logs month " + month + " stays in the hot tier: " + why);
    }
  }

  private final LogArchive archive;
  private final LogArchiveStore store;
  private final ObjectProvider<RetentionConnections> retentionConnections;
  private final AuditRecorder audit;
  private final Clock clock;
  private final ScheduledOnce once;
  private final int hotDays;
  private final Period archiveRetention;
  private final String archiveCron;
  private final String retentionCron;
  private final String expiryCron;

  LogRetention(LogArchive archive, LogArchiveStore store, ObjectProvider<RetentionConnections> retentionConnections,
      AuditRecorder audit, @Qualifier("auditTrailClock") Clock clock, ScheduledOnce once,
      @Value("${itgc.logs.hot-days:${itgc.audit.hot-days:90}}") int hotDays,
      @Value("${itgc.logs.archive-retention:${itgc.audit.archive-retention:P7Y}}") Period archiveRetention,
      @Value("${itgc.audit.archive-schedule:0 0 3 2 * *}") String archiveCron,
      @Value("${itgc.audit.retention-schedule:0 30 3 * * *}") String retentionCron,
      @Value("${itgc.audit.archive-expiry-schedule:0 0 5 2 * *}") String expiryCron) {
    this.archive = archive;
    this.store = store;
    this.retentionConnections = retentionConnections;
    this.audit = audit;
    this.clock = clock;
    this.once = once;
    this.hotDays = Math.max(90, hotDays);
    this.archiveRetention = archiveRetention;
    this.archiveCron = archiveCron;
    this.retentionCron = retentionCron;
    this.expiryCron = expiryCron;
  }

  @Scheduled(cron = "${itgc.audit.archive-schedule:0 0 3 2 * *}", scheduler = SchedulingConfiguration.AUDIT_HOUSEKEEPING)
  void scheduledArchive() {
    once.run("logs-archive", archiveCron, unchecked(this::archiveDue));
  }

  @Scheduled(cron = "${itgc.audit.retention-schedule:0 30 3 * * *}", scheduler = SchedulingConfiguration.AUDIT_HOUSEKEEPING)
  void scheduledRemoval() {
    once.run("logs-retention", retentionCron, unchecked(this::removeDue));
  }

  @Scheduled(cron = "${itgc.audit.archive-expiry-schedule:0 0 5 2 * *}", scheduler = SchedulingConfiguration.AUDIT_HOUSEKEEPING)
  void scheduledExpiry() {
    once.run("logs-archive-expiry", expiryCron, unchecked(this::expireDue));
  }

  private interface FileWork {
    Object run() throws IOException;
  }

  private static Runnable unchecked(FileWork work) {
    return () -> {
      try {
        work.run();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  /** Archives every closed hot month with records no segment holds; returns the segments written. */
  List<LogArchive.Written> archiveDue() throws IOException {
    List<LogArchive.Written> written = new ArrayList<>();
    YearMonth current = YearMonth.from(clock.instant().atZone(ZoneOffset.UTC));
    for (YearMonth month : store.hotMonths()) {
      if (month.isBefore(current) && store.records(month) > store.archivedHot(month)) {
        try {
          LogArchive.Written segment = archive.archive(month);
          if (segment != null) {
            written.add(segment);
          }
        } catch (LogArchive.NotArchivable | LogArchive.SegmentInvalid e) {
          log.warn("{}", e.getMessage());
        }
      }
    }
    return written;
  }

  /** Removes every hot month that is due; returns the months removed. */
  List<YearMonth> removeDue() throws IOException {
    List<YearMonth> removed = new ArrayList<>();
    for (YearMonth month : store.hotMonths()) {
      if (end(month).isAfter(horizon())) {
        break;
      }
      try {
        remove(month);
        removed.add(month);
      } catch (NotRemovable e) {
        log.info("{}", e.getMessage());
      }
    }
    return removed;
  }

  /** Removes one month from the hot tier; returns the number of records that left. */
  long remove(YearMonth month) throws IOException {
    RetentionConnections connections = retentionConnections.getIfAvailable();
    if (connections == null || connections.dataSource() == null) {
      throw new NotRemovable(month, "no retention role is configured (itgc.audit.retention.username)");
    }
    if (!store.hotMonths().contains(month)) {
      throw new NotRemovable(month, "it has no partition");
    }
    if (end(month).isAfter(horizon())) {
      throw new NotRemovable(month, "it is younger than " + hotDays + " days");
    }
    long unsealed = store.unsealed(month);
    if (unsealed > 0) {
      throw new NotRemovable(month, unsealed + " of its records are not sealed");
    }
    long unwatched = store.unwatchedBatches(month);
    if (unwatched > 0) {
      throw new NotRemovable(month, unwatched + " of its sealed batches wait for the watcher (dmn/log-watch.dmn)");
    }
    long records = store.records(month);
    long archived = store.archivedHot(month);
    if (archived != records) {
      throw new NotRemovable(month, "it holds " + records + " records, its archive segments " + archived);
    }
    List<String> segments = store.hotSegments(month);
    for (String label : segments) {
      try {
        archive.verify(label, a -> { });
      } catch (LogArchive.SegmentInvalid e) {
        throw new NotRemovable(month, e.getMessage());
      }
    }
    audit.recordIndependently(AuditEvent.system("logs.retention.start", "logs-month", month.toString())
        .detail("records", records).detail("segments", segments).build());
    long removed;
    try {
      removed = new JdbcTemplate(connections.dataSource()).queryForObject("select logs_remove_month(?)", Long.class,
          java.sql.Date.valueOf(month.atDay(1)));
    } catch (org.springframework.dao.DataAccessException e) {
      throw new NotRemovable(month, e.getMostSpecificCause().getMessage());
    }
    String suffix = String.format("y%04dm%02d", month.getYear(), month.getMonthValue());
    audit.record(AuditEvent.system("logs.retention.remove", "logs-month", month.toString()).detail("records", removed)
        .detail("segments", segments).detail("partitions", List.of("logs_record_" + suffix, "logs_seal_" + suffix))
        .build());
    log.info("Logs month {} left the hot tier: {} records (archived in {})", month, removed, segments);
    return removed;
  }

  /** Deletes the segments of months that ended more than the archive's retention ago; returns their labels. */
  List<String> expireDue() throws IOException {
    Instant horizon = clock.instant().atZone(ZoneOffset.UTC).minus(archiveRetention).toInstant();
    List<String> expired = new ArrayList<>();
    for (String label : store.liveLabelsEndingBefore(horizon)) {
      int removed = archive.delete(label);
      store.recordExpiry(label, removed);
      audit.record(AuditEvent.system("logs.archive.expire", "logs-segment", label).detail("files", removed)
          .detail("retention", archiveRetention.toString()).build());
      expired.add(label);
    }
    return expired;
  }

  List<YearMonth> hotMonths() {
    return store.hotMonths();
  }

  private Instant horizon() {
    return clock.instant().minus(hotDays, ChronoUnit.DAYS);
  }

  private static Instant end(YearMonth month) {
    return month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
  }
}
