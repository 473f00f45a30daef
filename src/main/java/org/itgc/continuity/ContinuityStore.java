package org.itgc.continuity;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.itgc.platform.csv.Columns;
import org.itgc.platform.web.ColumnTimestamp;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The SQL of continuity over its own tables (continuity_backup, continuity_test and the sequence continuity_test_number):
 * the controller, the DR and restore test services and the engine's own backups read and write through it, and get
 * records back. The populations of BC-01 and BC-02 ({@link ContinuityPopulations}) keep their own queries.
 */
@Repository
class ContinuityStore {

  private final JdbcTemplate jdbc;

  ContinuityStore(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  // ---------------------------------------------------------------- backups

  /**
   * A registered backup, as the listing shows it (the columns' names in JSON, and the database timestamps' format, as
   * the API always had).
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Backup(long id, String systemId, @ColumnTimestamp Instant takenAt, String location, long sizeBytes,
      String checksum, String checksumAlgorithm, Long rowCount, String registeredBy) {}

  /** A backup to register. */
  record NewBackup(String systemId, Instant takenAt, String location, long sizeBytes, String checksum,
      String checksumAlgorithm, Long rowCount, String registeredBy, Instant registeredAt) {}

  private static final String BACKUP_COLUMNS = "id, system_id, taken_at, location, size_bytes, checksum, "
      + "checksum_algorithm, row_count, registered_by";

  /** Registers a backup and returns its id. */
  long registerBackup(NewBackup backup) {
    return jdbc.queryForObject("""
        insert into continuity_backup (system_id, taken_at, location, size_bytes, checksum, checksum_algorithm, row_count,
            registered_by, registered_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?) returning id
        """, Long.class, backup.systemId(), Timestamp.from(backup.takenAt()), backup.location(), backup.sizeBytes(),
        backup.checksum(), backup.checksumAlgorithm(), backup.rowCount(), backup.registeredBy(),
        Timestamp.from(backup.registeredAt()));
  }

  /** The backups of a system taken in [from, to), oldest first. */
  List<Backup> backups(String systemId, Instant from, Instant to) {
    return jdbc.query("select " + BACKUP_COLUMNS + " from continuity_backup "
        + "where system_id = ? and taken_at >= ? and taken_at < ? order by taken_at",
        (rs, n) -> backup(rs), systemId, Timestamp.from(from), Timestamp.from(to));
  }

  /** The candidates of a restore test's random pick: the backups of a system taken in [from, to), by time and id. */
  List<Backup> candidates(String systemId, Instant from, Instant to) {
    return jdbc.query("select " + BACKUP_COLUMNS + " from continuity_backup "
        + "where system_id = ? and taken_at >= ? and taken_at < ? order by taken_at, id",
        (rs, n) -> backup(rs), systemId, Timestamp.from(from), Timestamp.from(to));
  }

  /** The latest backup of a system, if any. */
  Optional<Backup> latestBackup(String systemId) {
    return jdbc.query("select " + BACKUP_COLUMNS + " from continuity_backup "
        + "where system_id = ? order by taken_at desc, id desc limit 1", (rs, n) -> backup(rs), systemId)
        .stream().findFirst();
  }

  private static Backup backup(ResultSet rs) throws SQLException {
    return new Backup(rs.getLong("id"), rs.getString("system_id"), instant(rs.getTimestamp("taken_at")),
        rs.getString("location"), rs.getLong("size_bytes"), rs.getString("checksum"),
        rs.getString("checksum_algorithm"), nullableLong(rs, "row_count"), rs.getString("registered_by"));
  }

  // ---------------------------------------------------------------- continuity tests: the listing

  /**
   * A DR or restore test as the listing and its CSV export show it: the columns' names in JSON and the CSV header, in
   * this order; the database timestamps' format in JSON, as the API always had.
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record ContinuityTest(String id, String kind, String systemId, String retestOf, LocalDate plannedDate,
      @ColumnTimestamp Instant outageDeclared, @ColumnTimestamp Instant serviceRestored,
      @ColumnTimestamp Instant lastRecoveredPoint, long rtoSeconds, Long actualRtoSeconds, Boolean rtoMet,
      long rpoSeconds, Long actualRpoSeconds, Boolean rpoMet, Boolean passed, String ownerSignOffBy,
      @ColumnTimestamp Instant ownerSignOffAt, String itSignOffBy, @ColumnTimestamp Instant itSignOffAt,
      Long exceptionId, String remediation, String remediatedBy, @ColumnTimestamp Instant remediatedAt, Long backupId,
      Long seed, List<Long> candidateBackups, String checksumExpected, String checksumActual, Long rowsExpected,
      Long rowsActual, String notes, @ColumnTimestamp Instant createdAt) {

    /**
     * The CSV export's columns, the components' names as the table has them, with the cells as the export always
     * wrote them: timestamps as {@link Timestamp#toString()} writes them (in the server's time zone), the candidates as
     * a list.
     */
    static final Columns<ContinuityTest> COLUMNS = Columns.of(ContinuityTest.class)
        .column("id", ContinuityTest::id).column("kind", ContinuityTest::kind)
        .column("system_id", ContinuityTest::systemId).column("retest_of", ContinuityTest::retestOf)
        .column("planned_date", ContinuityTest::plannedDate)
        .column("outage_declared", t -> csv(t.outageDeclared()))
        .column("service_restored", t -> csv(t.serviceRestored()))
        .column("last_recovered_point", t -> csv(t.lastRecoveredPoint()))
        .column("rto_seconds", ContinuityTest::rtoSeconds).column("actual_rto_seconds", ContinuityTest::actualRtoSeconds)
        .column("rto_met", ContinuityTest::rtoMet).column("rpo_seconds", ContinuityTest::rpoSeconds)
        .column("actual_rpo_seconds", ContinuityTest::actualRpoSeconds).column("rpo_met", ContinuityTest::rpoMet)
        .column("passed", ContinuityTest::passed).column("owner_sign_off_by", ContinuityTest::ownerSignOffBy)
        .column("owner_sign_off_at", t -> csv(t.ownerSignOffAt()))
        .column("it_sign_off_by", ContinuityTest::itSignOffBy).column("it_sign_off_at", t -> csv(t.itSignOffAt()))
        .column("exception_id", ContinuityTest::exceptionId).column("remediation", ContinuityTest::remediation)
        .column("remediated_by", ContinuityTest::remediatedBy).column("remediated_at", t -> csv(t.remediatedAt()))
        .column("backup_id", ContinuityTest::backupId).column("seed", ContinuityTest::seed)
        .column("candidate_backups", ContinuityTest::candidateBackups)
        .column("checksum_expected", ContinuityTest::checksumExpected)
        .column("checksum_actual", ContinuityTest::checksumActual)
        .column("rows_expected", ContinuityTest::rowsExpected).column("rows_actual", ContinuityTest::rowsActual)
        .column("notes", ContinuityTest::notes).column("created_at", t -> csv(t.createdAt()));

    private static String csv(Instant instant) {
      return instant == null ? null : Timestamp.from(instant).toString();
    }
  }

  /** The DR and restore tests of a system created in [from, to), oldest first. */
  List<ContinuityTest> tests(String systemId, Instant from, Instant to) {
    return jdbc.query("select " + String.join(", ", ContinuityTest.COLUMNS.names()) + " from continuity_test "
        + "where system_id = ? and created_at >= ? and created_at < ? order by created_at, id",
        (rs, n) -> new ContinuityTest(rs.getString("id"), rs.getString("kind"), rs.getString("system_id"),
            rs.getString("retest_of"), rs.getObject("planned_date", LocalDate.class),
            instant(rs.getTimestamp("outage_declared")), instant(rs.getTimestamp("service_restored")),
            instant(rs.getTimestamp("last_recovered_point")), rs.getLong("rto_seconds"),
            nullableLong(rs, "actual_rto_seconds"), nullableBoolean(rs, "rto_met"), rs.getLong("rpo_seconds"),
            nullableLong(rs, "actual_rpo_seconds"), nullableBoolean(rs, "rpo_met"), nullableBoolean(rs, "passed"),
            rs.getString("owner_sign_off_by"), instant(rs.getTimestamp("owner_sign_off_at")),
            rs.getString("it_sign_off_by"), instant(rs.getTimestamp("it_sign_off_at")),
            nullableLong(rs, "exception_id"), rs.getString("remediation"), rs.getString("remediated_by"),
            instant(rs.getTimestamp("remediated_at")), nullableLong(rs, "backup_id"), nullableLong(rs, "seed"),
            longs(rs.getArray("candidate_backups")), rs.getString("checksum_expected"),
            rs.getString("checksum_actual"), nullableLong(rs, "rows_expected"), nullableLong(rs, "rows_actual"),
            rs.getString("notes"), instant(rs.getTimestamp("created_at"))),
        systemId, Timestamp.from(from), Timestamp.from(to));
  }

  // ---------------------------------------------------------------- continuity tests: writing and reading one

  /** The next number of the DR-/RT- ids (sequence continuity_test_number). */
  long nextTestNumber() {
    return jdbc.queryForObject("select nextval('continuity_test_number')", Long.class);
  }

  /** A DR test's plan. */
  record NewDrTest(String id, String systemId, String processInstanceId, String retestOf, String scenario,
      String participants, LocalDate plannedDate, String plannedBy, long rtoSeconds, long rpoSeconds,
      Instant createdAt) {}

  void insertDrTest(NewDrTest test) {
    jdbc.update("""
        insert into continuity_test (id, kind, system_id, process_instance_id, retest_of, scenario, participants,
            planned_date, planned_by, rto_seconds, rpo_seconds, created_at)
        values (?, 'dr', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """, test.id(), test.systemId(), test.processInstanceId(), test.retestOf(), test.scenario(),
        test.participants(), java.sql.Date.valueOf(test.plannedDate()), test.plannedBy(), test.rtoSeconds(),
        test.rpoSeconds(), Timestamp.from(test.createdAt()));
  }

  /** A DR test's moments as recorded: the planned day, then the outage declared, service restored, last point. */
  record DrTimes(LocalDate plannedDate, Instant outageDeclared, Instant serviceRestored, Instant lastRecoveredPoint) {}

  DrTimes drTimes(String testId) {
    return jdbc.queryForObject("select planned_date, outage_declared, service_restored, last_recovered_point "
        + "from continuity_test where id = ?", (rs, n) -> new DrTimes(rs.getObject("planned_date", LocalDate.class),
            instant(rs.getTimestamp("outage_declared")), instant(rs.getTimestamp("service_restored")),
            instant(rs.getTimestamp("last_recovered_point"))), testId);
  }

  /** What a DR test's execution recorded, judged. */
  record DrExecution(Instant outageDeclared, Instant serviceRestored, Instant lastRecoveredPoint, long actualRtoSeconds,
      long actualRpoSeconds, boolean rtoMet, boolean rpoMet, boolean passed, String notes, String recordedBy,
      Instant recordedAt) {}

  void recordDrExecution(String testId, DrExecution execution) {
    jdbc.update("""
        update continuity_test set outage_declared = ?, service_restored = ?, last_recovered_point = ?,
            actual_rto_seconds = ?, actual_rpo_seconds = ?, rto_met = ?, rpo_met = ?, passed = ?, notes = ?,
            recorded_by = ?, recorded_at = ? where id = ?
        """, Timestamp.from(execution.outageDeclared()), Timestamp.from(execution.serviceRestored()),
        Timestamp.from(execution.lastRecoveredPoint()), execution.actualRtoSeconds(), execution.actualRpoSeconds(),
        execution.rtoMet(), execution.rpoMet(), execution.passed(), execution.notes(), execution.recordedBy(),
        Timestamp.from(execution.recordedAt()), testId);
  }

  /** Who gave a DR test's two sign-offs so far (null: not yet). */
  record SignOffs(String owner, String it) {}

  SignOffs signOffs(String testId) {
    return jdbc.queryForObject("select owner_sign_off_by, it_sign_off_by from continuity_test where id = ?",
        (rs, n) -> new SignOffs(rs.getString("owner_sign_off_by"), rs.getString("it_sign_off_by")), testId);
  }

  /** One of a DR test's two sign-offs. */
  enum SignOff {
    OWNER("update continuity_test set owner_sign_off_by = ?, owner_sign_off_at = ? where id = ?"),
    IT("update continuity_test set it_sign_off_by = ?, it_sign_off_at = ? where id = ?");

    private final String update;

    SignOff(String update) {
      this.update = update;
    }
  }

  void recordSignOff(String testId, SignOff which, String actor, Instant at) {
    jdbc.update(which.update, actor, Timestamp.from(at), testId);
  }

  /** Links a test to the control exception its failure raised. */
  void linkException(String testId, long exceptionId) {
    jdbc.update("update continuity_test set exception_id = ? where id = ?", exceptionId, testId);
  }

  void recordRemediation(String testId, String remediation, String actor, Instant at) {
    jdbc.update("update continuity_test set remediation = ?, remediated_by = ?, remediated_at = ? where id = ?",
        remediation, actor, Timestamp.from(at), testId);
  }

  /**
   * A restore test as its pick leaves it: the candidates, and the backup picked (none: the test has failed at once,
   * {@code passed} false with the reason in {@code notes}).
   */
  record PickedRestoreTest(String id, String systemId, String processInstanceId, long rtoSeconds, long rpoSeconds,
      long seed, List<Long> candidateBackups, Backup picked, String notes, Instant createdAt) {}

  void insertPickedRestoreTest(PickedRestoreTest test) {
    Backup picked = test.picked();
    jdbc.update(con -> {
      var ps = con.prepareStatement("""
          insert into continuity_test (id, kind, system_id, process_instance_id, rto_seconds, rpo_seconds, seed,
              candidate_backups, backup_id, checksum_expected, rows_expected, passed, notes, created_at)
          values (?, 'backup-restore', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """);
      ps.setString(1, test.id());
      ps.setString(2, test.systemId());
      ps.setString(3, test.processInstanceId());
      ps.setLong(4, test.rtoSeconds());
      ps.setLong(5, test.rpoSeconds());
      ps.setLong(6, test.seed());
      ps.setArray(7, con.createArrayOf("bigint", test.candidateBackups().toArray(Long[]::new)));
      ps.setObject(8, picked == null ? null : picked.id());
      ps.setString(9, picked == null ? null : picked.checksum());
      ps.setObject(10, picked == null ? null : picked.rowCount());
      ps.setObject(11, picked == null ? Boolean.FALSE : null);
      ps.setString(12, test.notes());
      ps.setTimestamp(13, Timestamp.from(test.createdAt()));
      return ps;
    });
  }

  /** The restore tests of a process that have a backup to restore and no result yet. */
  List<String> restoreTestsToRun(String processInstanceId) {
    return jdbc.queryForList("select id from continuity_test where process_instance_id = ? and kind = 'backup-restore' "
        + "and backup_id is not null and passed is null order by id", String.class, processInstanceId);
  }

  /** What a restore must give back: the picked backup's location, checksum and rows, within the RTO. */
  record RestoreTarget(String systemId, String backupLocation, String checksumExpected, Long rowsExpected,
      long rtoSeconds) {}

  RestoreTarget restoreTarget(String testId) {
    return jdbc.queryForObject("select t.system_id, b.location, t.checksum_expected, t.rows_expected, t.rto_seconds "
        + "from continuity_test t join continuity_backup b on b.id = t.backup_id where t.id = ?",
        (rs, n) -> new RestoreTarget(rs.getString("system_id"), rs.getString("location"),
            rs.getString("checksum_expected"), nullableLong(rs, "rows_expected"), rs.getLong("rto_seconds")), testId);
  }

  /** What a restore test's result is judged against. */
  record RestoreExpectation(String checksumExpected, Long rowsExpected, long rtoSeconds) {}

  RestoreExpectation restoreExpectation(String testId) {
    return jdbc.queryForObject("select checksum_expected, rows_expected, rto_seconds from continuity_test where id = ?",
        (rs, n) -> new RestoreExpectation(rs.getString("checksum_expected"), nullableLong(rs, "rows_expected"),
            rs.getLong("rto_seconds")), testId);
  }

  /** What a restorer recorded, judged. */
  record RestoreResult(Instant started, Instant finished, long actualRtoSeconds, boolean rtoMet, String checksumActual,
      Long rowsActual, boolean passed, String notes, String recordedBy, Instant recordedAt) {}

  void recordRestore(String testId, RestoreResult result) {
    jdbc.update("""
        update continuity_test set service_restored = ?, outage_declared = ?, actual_rto_seconds = ?, rto_met = ?,
            checksum_actual = ?, rows_actual = ?, passed = ?, notes = ?, recorded_by = ?, recorded_at = ? where id = ?
        """, Timestamp.from(result.finished()), Timestamp.from(result.started()), result.actualRtoSeconds(),
        result.rtoMet(), result.checksumActual(), result.rowsActual(), result.passed(), result.notes(),
        result.recordedBy(), Timestamp.from(result.recordedAt()), testId);
  }

  /** A restore test of the engine's own backup, recorded whole by the system. */
  record EngineRestoreTest(String id, String systemId, long rtoSeconds, long rpoSeconds, long actualRtoSeconds,
      long actualRpoSeconds, boolean rtoMet, boolean rpoMet, boolean passed, String notes, Instant recordedAt,
      long backupId, String checksumExpected, String checksumActual, long rowsExpected, long rowsActual,
      Instant createdAt) {}

  void insertEngineRestoreTest(EngineRestoreTest test) {
    jdbc.update("""
        insert into continuity_test (id, kind, system_id, process_instance_id, rto_seconds, rpo_seconds,
            actual_rto_seconds, actual_rpo_seconds, rto_met, rpo_met, passed, notes, recorded_by, recorded_at, backup_id,
            checksum_expected, checksum_actual, rows_expected, rows_actual, created_at)
        values (?, 'backup-restore', ?, 'scheduled', ?, ?, ?, ?, ?, ?, ?, ?, 'system', ?, ?, ?, ?, ?, ?, ?)
        """, test.id(), test.systemId(), test.rtoSeconds(), test.rpoSeconds(), test.actualRtoSeconds(),
        test.actualRpoSeconds(), test.rtoMet(), test.rpoMet(), test.passed(), test.notes(),
        Timestamp.from(test.recordedAt()), test.backupId(), test.checksumExpected(), test.checksumActual(),
        test.rowsExpected(), test.rowsActual(), Timestamp.from(test.createdAt()));
  }

  /** One test whole, with the backup a restore test picked ({@link ContinuityTests}). */
  Optional<ContinuityTests.Test> test(String id) {
    return jdbc.query("""
        select t.*, b.taken_at as backup_taken_at, b.location as backup_location
        from continuity_test t left join continuity_backup b on b.id = t.backup_id where t.id = ?
        """, (rs, n) -> new ContinuityTests.Test(rs.getString("id"), rs.getString("kind"), rs.getString("system_id"),
        rs.getString("retest_of"), rs.getString("scenario"), rs.getString("participants"),
        rs.getObject("planned_date", LocalDate.class), rs.getString("planned_by"),
        instant(rs.getTimestamp("outage_declared")), instant(rs.getTimestamp("service_restored")),
        instant(rs.getTimestamp("last_recovered_point")), rs.getLong("rto_seconds"), rs.getLong("rpo_seconds"),
        nullableLong(rs, "actual_rto_seconds"), nullableLong(rs, "actual_rpo_seconds"),
        nullableBoolean(rs, "rto_met"), nullableBoolean(rs, "rpo_met"), nullableBoolean(rs, "passed"),
        rs.getString("notes"), rs.getString("recorded_by"), instant(rs.getTimestamp("recorded_at")),
        rs.getString("owner_sign_off_by"), instant(rs.getTimestamp("owner_sign_off_at")),
        rs.getString("it_sign_off_by"), instant(rs.getTimestamp("it_sign_off_at")), nullableLong(rs, "exception_id"),
        rs.getString("remediation"), rs.getString("remediated_by"), instant(rs.getTimestamp("remediated_at")),
        nullableLong(rs, "backup_id"), instant(rs.getTimestamp("backup_taken_at")), rs.getString("backup_location"),
        nullableLong(rs, "seed"), longs(rs.getArray("candidate_backups")), rs.getString("checksum_expected"),
        rs.getString("checksum_actual"), nullableLong(rs, "rows_expected"), nullableLong(rs, "rows_actual"),
        instant(rs.getTimestamp("created_at"))), id).stream().findFirst();
  }

  // ---------------------------------------------------------------- columns

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }

  private static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : value;
  }

  private static Boolean nullableBoolean(ResultSet rs, String column) throws SQLException {
    boolean value = rs.getBoolean(column);
    return rs.wasNull() ? null : value;
  }

  private static List<Long> longs(Array array) throws SQLException {
    if (array == null) {
      return null;
    }
    List<Long> values = new ArrayList<>();
    for (Object value : (Object[]) array.getArray()) {
      values.add(value == null ? null : ((Number) value).longValue());
    }
    return java.util.Collections.unmodifiableList(values);
  }
}
