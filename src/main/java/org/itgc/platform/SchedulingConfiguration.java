package org.itgc.platform;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Scheduled work isolated by kind: each kind runs on a scheduler (and thread) of its own, so a slow SMTP server delays
 * only mail, a long archive run or backup delays neither the audit sealer nor the deadline checks. A job names its
 * scheduler with {@code @Scheduled(scheduler = ...)}; a job that names none runs on {@code taskScheduler}.
 */
@Configuration(proxyBeanMethods = false)
public class SchedulingConfiguration {

  /** Sealing the audit trail into its chain and signing checkpoints: seconds matter. */
  public static final String AUDIT_SEALER = "auditSealerScheduler";
  /** The audit trail's partitions, archive, archive expiry and retrieval tests. */
  public static final String AUDIT_HOUSEKEEPING = "auditHousekeepingScheduler";
  /** Mail delivery over SMTP. */
  public static final String MAIL = "mailScheduler";
  /** Task reminders and escalations, and the business calendar's confirmation notice. */
  public static final String DEADLINES = "deadlinesScheduler";
  /** The detective SoD scan and the reconciliation of connected systems with the access registry. */
  public static final String ACCESS = "accessScheduler";
  /** The embedded database's watch (demo and tests): restarts a server that died. */
  public static final String DATABASE_WATCH = "databaseWatchScheduler";
  /** The engine's own backups and restore tests. */
  public static final String CONTINUITY = "continuityScheduler";

  @Bean(name = AUDIT_SEALER, destroyMethod = "shutdown")
  ThreadPoolTaskScheduler auditSealerScheduler() {
    return scheduler("audit-sealer-");
  }

  @Bean(name = AUDIT_HOUSEKEEPING, destroyMethod = "shutdown")
  ThreadPoolTaskScheduler auditHousekeepingScheduler() {
    return scheduler("audit-housekeeping-");
  }

  @Bean(name = MAIL, destroyMethod = "shutdown")
  ThreadPoolTaskScheduler mailScheduler() {
    return scheduler("mail-");
  }

  @Bean(name = DEADLINES, destroyMethod = "shutdown")
  ThreadPoolTaskScheduler deadlinesScheduler() {
    return scheduler("deadlines-");
  }

  @Bean(name = ACCESS, destroyMethod = "shutdown")
  ThreadPoolTaskScheduler accessScheduler() {
    return scheduler("access-scan-");
  }

  @Bean(name = DATABASE_WATCH, destroyMethod = "shutdown")
  ThreadPoolTaskScheduler databaseWatchScheduler() {
    return scheduler("database-watch-");
  }

  @Bean(name = CONTINUITY, destroyMethod = "shutdown")
  ThreadPoolTaskScheduler continuityScheduler() {
    return scheduler("continuity-");
  }

  /** The default for any job that names no scheduler. */
  @Bean(name = "taskScheduler", destroyMethod = "shutdown")
  ThreadPoolTaskScheduler taskScheduler() {
    return scheduler("scheduled-");
  }

  private static ThreadPoolTaskScheduler scheduler(String prefix) {
    ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
    scheduler.setPoolSize(1);
    scheduler.setThreadNamePrefix(prefix);
    scheduler.setWaitForTasksToCompleteOnShutdown(true);
    scheduler.setAwaitTerminationSeconds(10);
    scheduler.setErrorHandler(t -> org.slf4j.LoggerFactory.getLogger(SchedulingConfiguration.class)
        .error("Scheduled work on {} failed", Thread.currentThread().getName(), t));
    return scheduler;
  }
}
