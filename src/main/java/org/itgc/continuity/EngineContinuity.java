package org.itgc.continuity;

import org.itgc.platform.SchedulingConfiguration;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.controls.ControlExceptions;
import org.itgc.systems.FinancialSystem;
import org.itgc.systems.SystemsInventory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Control BC-01 on the engine itself: scheduled backups of its own database ({@link EngineBackup}), registered like
 * any system's backups under system ITGC-ENGINE, and a quarterly restore test that restores the latest one into a
 * scratch PostgreSQL ({@link EngineRestore}) and records the result, the measured restore time and the backup's age
 * as a continuity test. Scheduled runs take a PostgreSQL advisory lock, so with several nodes one node does the work.
 */
@Service
public class EngineContinuity {

  public static final String SYSTEM_ID = "ITGC-ENGINE";
  private static final Logger log = LoggerFactory.getLogger(EngineContinuity.class);
  private static final long BACKUP_LOCK = 0x17C0_0001L;
  private static final long RESTORE_LOCK = 0x17C0_0002L;

  private final DataSource dataSource;
  private final ContinuityStore store;
  private final TransactionTemplate transactions;
  private final SystemsInventory systems;
  private final ControlExceptions controlExceptions;
  private final AuditRecorder audit;
  private final ObjectMapper json;
  private final Clock clock;
  private final Path backupFolder;
  private final Path scratchFolder;

  private final org.itgc.platform.ScheduledOnce once;
  private final ContinuitySettings settings;

  EngineContinuity(DataSource dataSource, ContinuityStore store, TransactionTemplate transactions, SystemsInventory systems,
      ControlExceptions controlExceptions, AuditRecorder audit, ObjectMapper json, Clock clock,
      @Value("${itgc.continuity.engine-backup-folder}") Path backupFolder,
      @Value("${itgc.continuity.restore-test-folder}") Path scratchFolder, org.itgc.platform.ScheduledOnce once,
      ContinuitySettings settings) {
    this.once = once;
    this.settings = settings;
    this.dataSource = dataSource;
    this.store = store;
    this.transactions = transactions;
    this.systems = systems;
    this.controlExceptions = controlExceptions;
    this.audit = audit;
    this.json = json;
    this.clock = clock;
    this.backupFolder = backupFolder;
    this.scratchFolder = scratchFolder;
  }

  /** A registered backup of the engine. */
  public record Backup(long id, String file, String sha256, long sizeBytes, long rows, Instant takenAt) {}

  /** A recorded restore test. */
  public record RestoreTest(String id, boolean passed, long backupId, Duration restoreTime, Duration backupAge,
      Map<String, Long> expectedRows, Map<String, Long> restoredRows, List<String> problems) {}

  @Scheduled(cron = "#{@continuitySettings.engineBackupCron()}", scheduler = SchedulingConfiguration.CONTINUITY)
  void scheduledBackup() {
    once.runWithOutcome("engine-backup", settings.engineBackupCron(),
        () -> exclusively(BACKUP_LOCK, this::backup, "backup of the engine's database"));
  }

  @Scheduled(cron = "#{@continuitySettings.engineRestoreTestCron()}", scheduler = SchedulingConfiguration.CONTINUITY)
  void scheduledRestoreTest() {
    once.runWithOutcome("engine-restore-test", settings.engineRestoreTestCron(),
        () -> exclusively(RESTORE_LOCK, this::restoreTest, "restore test of the engine's backup"));
  }

  private interface Work {
    Object run() throws IOException, SQLException;
  }

  /**
   * Runs the work on one node only: the first to take the session advisory lock; the others skip this round. Returns
   * the outcome for {@code scheduled_run}.
   */
  private String exclusively(long key, Work work, String what) {
    try (var connection = dataSource.getConnection()) {
      boolean locked;
      try (var statement = connection.prepareStatement("select pg_try_advisory_lock(?)")) {
        statement.setLong(1, key);
        try (var rs = statement.executeQuery()) {
          rs.next();
          locked = rs.getBoolean(1);
        }
      }
      if (!locked) {
        log.info("Another node runs the {} now", what);
        return "skipped: another " + what + " was still running";
      }
      try {
        work.run();
      } finally {
        try (var statement = connection.prepareStatement("select pg_advisory_unlock(?)")) {
          statement.setLong(1, key);
          statement.execute();
        }
      }
      return org.itgc.platform.ScheduledOnce.DONE;
    } catch (IOException | SQLException | RuntimeException e) {
      log.error("Scheduled {} failed", what, e);
      return "failed: " + e;
    }
  }

  /** Backs up the engine's database now and registers the backup. */
  public Backup backup() throws IOException, SQLException {
    EngineBackup.Result result = EngineBackup.write(dataSource, backupFolder, clock, json);
    long id = store.registerBackup(new ContinuityStore.NewBackup(SYSTEM_ID, result.manifest().takenAt(),
        result.file().toAbsolutePath().toString(), result.sizeBytes(), result.sha256(), "sha256",
        result.manifest().totalRows(), "system", clock.instant()));
    audit.record(AuditEvent.system("engine.backup", "backup", String.valueOf(id)).detail("file", result.file().toString())
        .detail("sha256", result.sha256()).detail("rows", result.manifest().totalRows()).build());
    return new Backup(id, result.file().toString(), result.sha256(), result.sizeBytes(), result.manifest().totalRows(),
        result.manifest().takenAt());
  }

  /**
   * Restores the latest registered backup of the engine into a scratch PostgreSQL, checks it, and records the test:
   * passed when the file's SHA-256 is the registered one, every table has its rows, the restore took at most the
   * engine's RTO and the backup was at most its RPO old.
   */
  public RestoreTest restoreTest() throws IOException, SQLException {
    FinancialSystem engine = systems.find(SYSTEM_ID).orElseThrow(() ->
        new IllegalStateException("config/systems.yaml has no system " + SYSTEM_ID));
    // nothing to restore yet is the state of the engine, not a fault of the server: 409 naming what to do first
    ContinuityStore.Backup latest = store.latestBackup(SYSTEM_ID).orElseThrow(() ->
        new org.itgc.platform.web.ConflictException("no backup of the engine is registered yet: take one first "
            + "(POST /api/continuity/engine-backups), then test its restore"));
    long backupId = latest.id();
    Path file = Path.of(latest.location());
    String registered = latest.checksum();
    Instant takenAt = latest.takenAt();
    String actual = Files.exists(file) ? sha256(file) : "missing";
    Files.createDirectories(scratchFolder);
    Path scratch = Files.createTempDirectory(scratchFolder, "restore-");
    EngineRestore.Report report;
    List<String> problems = new java.util.ArrayList<>();
    if (!actual.equals(registered)) {
      problems.add("the backup file's SHA-256 is " + actual + ", registered " + registered);
    }
    Duration age = Duration.between(takenAt, clock.instant());
    try (var postgres = EmbeddedPostgres.builder().setDataDirectory(scratch).setCleanDataDirectory(true).start()) {
      report = problems.isEmpty() ? EngineRestore.restore(file, postgres.getPostgresDatabase())
          : new EngineRestore.Report(Map.of(), Map.of(), List.of(), Duration.ZERO);
    }
    problems.addAll(report.problems());
    if (report.duration().compareTo(engine.rto()) > 0) {
      problems.add("the restore took " + report.duration() + ", more than the RTO of " + engine.rto());
    }
    if (age.compareTo(engine.rpo()) > 0) {
      problems.add("the latest backup is " + age + " old, more than the RPO of " + engine.rpo());
    }
    boolean passed = problems.isEmpty();
    long expectedRows = report.expectedRows().values().stream().mapToLong(Long::longValue).sum();
    long restoredRows = report.restoredRows().values().stream().mapToLong(Long::longValue).sum();
    String id = transactions.execute(status -> {
      String testId = "RT-" + clock.instant().atZone(java.time.ZoneOffset.UTC).getYear() + "-"
          + String.format("%05d", store.nextTestNumber());
      store.insertEngineRestoreTest(new ContinuityStore.EngineRestoreTest(testId, SYSTEM_ID, engine.rto().toSeconds(),
          engine.rpo().toSeconds(), report.duration().toSeconds(), age.toSeconds(),
          report.duration().compareTo(engine.rto()) <= 0, age.compareTo(engine.rpo()) <= 0, passed,
          String.join("; ", problems), clock.instant(), backupId, registered, actual, expectedRows, restoredRows,
          clock.instant()));
      audit.record(AuditEvent.system("engine.restore-test", "continuity-test", testId).detail("backupId", backupId)
          .detail("passed", passed).detail("restoreTime", report.duration().toString()).detail("backupAge", age.toString())
          .detail("problems", problems).build());
      if (!passed) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("backupId", backupId);
        details.put("problems", problems);
        long exception = controlExceptions.raise("BC-01", "continuity-test", testId, "Restore test " + testId
            + " of the engine's backup failed", details, List.of(engine.businessOwner().email(),
                engine.technicalOwner().email()));
        store.linkException(testId, exception);
      }
      return testId;
    });
    return new RestoreTest(id, passed, backupId, report.duration(), age, report.expectedRows(), report.restoredRows(),
        List.copyOf(problems));
  }

  static String sha256(Path file) throws IOException {
    var digest = org.itgc.platform.Hashes.sha256Digest();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[65536];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
