package org.itgc.continuity;

import org.itgc.continuity.RestoreTestProcess.Data;
import org.itgc.continuity.RestoreTestProcess.Fields;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.controls.ControlExceptions;
import org.itgc.platform.calendar.BusinessCalendar;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.platform.web.InvalidInputException.FieldError;
import org.itgc.systems.FinancialSystem;
import org.itgc.systems.SystemsInventory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * What each step of {@code backup-restore-test} does (table continuity_test, kind {@code backup-restore}), given plain
 * values by the process glue.
 */
@Service
public class RestoreTestService {

  private static final SecureRandom SEEDS = new SecureRandom();

  private final JdbcTemplate jdbc;
  private final SystemsInventory systems;
  private final ContinuitySettings settings;
  private final BusinessCalendar calendar;
  private final ControlExceptions controlExceptions;
  private final AuditRecorder audit;
  private final Clock clock;

  RestoreTestService(JdbcTemplate jdbc, SystemsInventory systems, ContinuitySettings settings, BusinessCalendar calendar,
      ControlExceptions controlExceptions, AuditRecorder audit, Clock clock) {
    this.jdbc = jdbc;
    this.systems = systems;
    this.settings = settings;
    this.calendar = calendar;
    this.controlExceptions = controlExceptions;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * For each system in scope (the one chosen, else every system of the configured tiers), picks one backup of the
   * period (from its start form: by default the last 92 days) at random with a stored seed.
   */
  void pickBackups(String processInstanceId, String chosen, String periodFrom, String periodTo) {
    List<FinancialSystem> scope;
    if (chosen != null && !chosen.isBlank()) {
      scope = List.of(systems.find(chosen).orElseThrow(() ->
          InvalidInputException.of(Data.SYSTEM.name(), "'" + chosen + "' is not a system of config/systems.yaml")));
    } else {
      scope = systems.all().stream().filter(s -> settings.backupRestoreTestTiers().contains(s.tier())).toList();
    }
    Instant now = clock.instant();
    Instant from = date(periodFrom, Data.PERIOD_FROM.name(), now.minus(Duration.ofDays(92)));
    Instant to = date(periodTo, Data.PERIOD_TO.name(), now);
    if (!from.isBefore(to)) {
      throw InvalidInputException.of(Data.PERIOD_TO.name(), "must be after periodFrom");
    }
    for (FinancialSystem system : scope) {
      List<Map<String, Object>> candidates = jdbc.queryForList("""
          select id, checksum, row_count from continuity_backup where system_id = ? and taken_at >= ? and taken_at < ?
          order by taken_at, id
          """, system.id(), Timestamp.from(from), Timestamp.from(to));
      long seed = SEEDS.nextLong();
      String id = "RT-" + now.atZone(calendar.zone()).getYear() + "-"
          + String.format(java.util.Locale.ROOT, "%05d",
              jdbc.queryForObject("select nextval('continuity_test_number')", Long.class));
      Long[] candidateIds = candidates.stream().map(c -> ((Number) c.get("id")).longValue()).toArray(Long[]::new);
      Map<String, Object> picked = candidates.isEmpty() ? null : candidates.get(RandomPick.index(seed, candidates.size()));
      jdbc.update(con -> {
        var ps = con.prepareStatement("""
            insert into continuity_test (id, kind, system_id, process_instance_id, rto_seconds, rpo_seconds, seed,
                candidate_backups, backup_id, checksum_expected, rows_expected, passed, notes, created_at)
            values (?, 'backup-restore', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """);
        ps.setString(1, id);
        ps.setString(2, system.id());
        ps.setString(3, processInstanceId);
        ps.setLong(4, system.rto().toSeconds());
        ps.setLong(5, system.rpo().toSeconds());
        ps.setLong(6, seed);
        ps.setArray(7, con.createArrayOf("bigint", candidateIds));
        ps.setObject(8, picked == null ? null : picked.get("id"));
        ps.setString(9, picked == null ? null : (String) picked.get("checksum"));
        ps.setObject(10, picked == null ? null : picked.get("row_count"));
        ps.setObject(11, picked == null ? Boolean.FALSE : null);
        ps.setString(12, picked == null ? "no backup of " + system.id() + " registered between " + from + " and " + to : null);
        ps.setTimestamp(13, Timestamp.from(now));
        return ps;
      });
      audit.record(AuditEvent.of("restore-test.pick", "continuity-test", id).detail("systemId", system.id())
          .detail("seed", seed).detail("candidates", List.of(candidateIds))
          .detail("picked", picked == null ? null : picked.get("id")).build());
      if (picked == null) {
        raise(id, system, "no backup registered in the period " + from + " to " + to);
      }
    }
  }

  List<String> restoreTestsToRun(String processInstanceId) {
    return jdbc.queryForList("select id from continuity_test where process_instance_id = ? and kind = 'backup-restore' "
        + "and backup_id is not null and passed is null order by id", String.class, processInstanceId);
  }

  /** What a restorer is shown: the backup to restore and what it must give back. */
  record Restore(String systemId, String backupLocation, String checksumExpected, String rowsExpected,
      Duration rto) {}

  Restore restore(String testId) {
    var row = jdbc.queryForMap("select t.system_id, b.location, t.checksum_expected, t.rows_expected, t.rto_seconds "
        + "from continuity_test t join continuity_backup b on b.id = t.backup_id where t.id = ?", testId);
    return new Restore((String) row.get("system_id"), (String) row.get("location"),
        (String) row.get("checksum_expected"), row.get("rows_expected") == null ? "not recorded"
            : row.get("rows_expected").toString(), Duration.ofSeconds(((Number) row.get("rto_seconds")).longValue()));
  }

  /** What the restorer records. */
  record Restored(String testId, Instant started, Instant finished, String checksum, Long rows, String actor) {}

  /** The judgement of a restore, as the gateway and the record keep it. */
  record Judgement(boolean passed, String text) {}

  /**
   * Judges the restore: checksum equal, counts within tolerance, duration within the RTO.
   *
   * @throws InvalidInputException naming every field at fault
   */
  Judgement recordRestore(Restored restored) {
    List<FieldError> errors = new ArrayList<>();
    RestoreTestRules.check(restored.started(), restored.finished(), restored.checksum(), restored.rows(), errors);
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    String id = restored.testId();
    var row = jdbc.queryForMap("select checksum_expected, rows_expected, rto_seconds from continuity_test where id = ?", id);
    String expected = (String) row.get("checksum_expected");
    Long expectedRows = row.get("rows_expected") == null ? null : ((Number) row.get("rows_expected")).longValue();
    Duration rto = Duration.ofSeconds(((Number) row.get("rto_seconds")).longValue());
    Duration took = Duration.between(restored.started(), restored.finished());
    Judgement judgement = RestoreTestRules.judge(expected, expectedRows, rto, restored.checksum(), restored.rows(),
        took, settings.countTolerancePercent());
    jdbc.update("""
        update continuity_test set service_restored = ?, outage_declared = ?, actual_rto_seconds = ?, rto_met = ?,
            checksum_actual = ?, rows_actual = ?, passed = ?, notes = ?, recorded_by = ?, recorded_at = ? where id = ?
        """, Timestamp.from(restored.finished()), Timestamp.from(restored.started()), took.toSeconds(),
        took.compareTo(rto) <= 0, restored.checksum().toLowerCase(java.util.Locale.ROOT), restored.rows(),
        judgement.passed(), judgement.text(), restored.actor(), Timestamp.from(clock.instant()), id);
    audit.record(AuditEvent.of("restore-test.judge", "continuity-test", id).detail("passed", judgement.passed())
        .detail("judgement", judgement.text()).build());
    return judgement;
  }

  void recordRestoreFailure(String testId, String systemId, String judgement) {
    FinancialSystem system = systems.find(systemId).orElseThrow();
    raise(testId, system, String.valueOf(judgement));
  }

  void restoreRemediated(String testId, String remediation, String actor) {
    if (remediation == null || remediation.isBlank()) {
      throw InvalidInputException.of(Fields.REMEDIATION, "is required: what was changed");
    }
    jdbc.update("update continuity_test set remediation = ?, remediated_by = ?, remediated_at = ? where id = ?",
        remediation, actor, Timestamp.from(clock.instant()), testId);
    audit.record(AuditEvent.of("restore-test.remediate", "continuity-test", testId).detail("remediation", remediation)
        .build());
  }

  private void raise(String id, FinancialSystem system, String problem) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("problem", problem);
    long exception = controlExceptions.raise("BC-01", "continuity-test", id, "Backup restore test " + id + " of "
        + system.id() + " failed", details, List.of(system.businessOwner().email(), system.technicalOwner().email()));
    jdbc.update("update continuity_test set exception_id = ? where id = ?", exception, id);
  }

  private Instant date(String text, String field, Instant otherwise) {
    if (text == null || text.isBlank()) {
      return otherwise;
    }
    try {
      return LocalDate.parse(text.length() > 10 ? text.substring(0, 10) : text).atStartOfDay(calendar.zone()).toInstant();
    } catch (DateTimeParseException e) {
      throw InvalidInputException.of(field, "'" + text + "' is not a date such as 2026-10-01");
    }
  }

}
