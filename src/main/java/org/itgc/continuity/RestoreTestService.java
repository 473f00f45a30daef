package org.itgc.continuity;

import org.itgc.platform.TaskInputs;
import java.math.BigDecimal;
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
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.DelegateTask;
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

/** What each step of {@code backup-restore-test} does (table continuity_test, kind {@code backup-restore}). */
@Service
public class RestoreTestService {

  private static final SecureRandom SEEDS = new SecureRandom();

  private final JdbcTemplate jdbc;
  private final SystemsInventory systems;
  private final ContinuitySettings settings;
  private final BusinessCalendar calendar;
  private final ControlExceptions controlExceptions;
  private final AuditRecorder audit;
  private final TaskInputs inputs;
  private final Clock clock;

  RestoreTestService(JdbcTemplate jdbc, SystemsInventory systems, ContinuitySettings settings, BusinessCalendar calendar,
      ControlExceptions controlExceptions, AuditRecorder audit, TaskInputs inputs, Clock clock) {
    this.jdbc = jdbc;
    this.systems = systems;
    this.settings = settings;
    this.calendar = calendar;
    this.controlExceptions = controlExceptions;
    this.audit = audit;
    this.inputs = inputs;
    this.clock = clock;
  }

  /** For each system in scope, picks one backup of the period at random with a stored seed. */
  void pickBackups(DelegateExecution execution) {
    Object chosen = execution.getVariable("systemId");
    List<FinancialSystem> scope;
    if (chosen != null && !chosen.toString().isBlank()) {
      scope = List.of(systems.find(chosen.toString()).orElseThrow(() ->
          InvalidInputException.of("systemId", "'" + chosen + "' is not a system of config/systems.yaml")));
    } else {
      scope = systems.all().stream().filter(s -> settings.backupRestoreTestTiers().contains(s.tier())).toList();
    }
    Instant now = clock.instant();
    Instant from = date(execution.getVariable("periodFrom"), "periodFrom", now.minus(Duration.ofDays(92)));
    Instant to = date(execution.getVariable("periodTo"), "periodTo", now);
    if (!from.isBefore(to)) {
      throw InvalidInputException.of("periodTo", "must be after periodFrom");
    }
    for (FinancialSystem system : scope) {
      List<Map<String, Object>> candidates = jdbc.queryForList("""
          select id, checksum, row_count from continuity_backup where system_id = ? and taken_at >= ? and taken_at < ?
          order by taken_at, id
          """, system.id(), Timestamp.from(from), Timestamp.from(to));
      long seed = SEEDS.nextLong();
      String id = "RT-" + now.atZone(calendar.zone()).getYear() + "-"
          + String.format("%05d", jdbc.queryForObject("select nextval('continuity_test_number')", Long.class));
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
        ps.setString(3, execution.getProcessInstanceId());
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

  List<String> restoreTestsToRun(DelegateExecution execution) {
    return jdbc.queryForList("select id from continuity_test where process_instance_id = ? and kind = 'backup-restore' "
        + "and backup_id is not null and passed is null order by id", String.class, execution.getProcessInstanceId());
  }

  void startRestore(DelegateExecution execution) {
    String id = (String) execution.getVariable("restoreTestId");
    var row = jdbc.queryForMap("select t.system_id, b.location, t.checksum_expected, t.rows_expected, t.rto_seconds "
        + "from continuity_test t join continuity_backup b on b.id = t.backup_id where t.id = ?", id);
    execution.setVariable("systemId", row.get("system_id"));
    execution.setVariable("backupLocation", row.get("location"));
    execution.setVariable("checksumExpected", row.get("checksum_expected"));
    execution.setVariable("rowsExpected", row.get("rows_expected") == null ? "not recorded" : row.get("rows_expected").toString());
    execution.setVariable("rtoObjective", Duration.ofSeconds(((Number) row.get("rto_seconds")).longValue()).toString());
  }

  /** Judges the restore: checksum equal, counts within tolerance, duration within the RTO. */
  void recordRestore(DelegateTask task) {
    String id = (String) task.getVariable("restoreTestId");
    List<FieldError> errors = new ArrayList<>();
    Instant started = inputs.instant(task, "restoreStarted", errors);
    Instant finished = inputs.instant(task, "restoreFinished", errors);
    String checksum = TaskInputs.required(task, "checksumAfterRestore", errors);
    Long rows = number(task, "restoredRowCount", errors);
    if (started != null && finished != null && finished.isBefore(started)) {
      errors.add(new FieldError("restoreFinished", "is before restoreStarted"));
    }
    if (checksum != null && !checksum.matches("[0-9a-fA-F]{32,128}")) {
      errors.add(new FieldError("checksumAfterRestore", "must be hexadecimal"));
    }
    if (rows != null && rows < 0) {
      errors.add(new FieldError("restoredRowCount", "must not be negative"));
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    var row = jdbc.queryForMap("select checksum_expected, rows_expected, rto_seconds from continuity_test where id = ?", id);
    String expected = (String) row.get("checksum_expected");
    Long expectedRows = row.get("rows_expected") == null ? null : ((Number) row.get("rows_expected")).longValue();
    Duration rto = Duration.ofSeconds(((Number) row.get("rto_seconds")).longValue());
    Duration took = Duration.between(started, finished);
    boolean checksumOk = checksum.equalsIgnoreCase(expected);
    boolean countsOk = expectedRows == null || BigDecimal.valueOf(Math.abs(rows - expectedRows)).multiply(BigDecimal.valueOf(100))
        .compareTo(settings.countTolerancePercent().multiply(BigDecimal.valueOf(expectedRows))) <= 0;
    boolean inTime = took.compareTo(rto) <= 0;
    boolean passed = checksumOk && countsOk && inTime;
    String judgement = (passed ? "PASSED" : "FAILED") + ": checksum " + (checksumOk ? "equal" : "differs (" + checksum
        + " after restore, " + expected + " at backup)") + "; counts " + rows + " of " + expectedRows
        + (countsOk ? " within" : " outside") + " tolerance; restore took " + took + " against an RTO of " + rto;
    jdbc.update("""
        update continuity_test set service_restored = ?, outage_declared = ?, actual_rto_seconds = ?, rto_met = ?,
            checksum_actual = ?, rows_actual = ?, passed = ?, notes = ?, recorded_by = ?, recorded_at = ? where id = ?
        """, Timestamp.from(finished), Timestamp.from(started), took.toSeconds(), inTime, checksum.toLowerCase(), rows,
        passed, judgement, inputs.actor(task), Timestamp.from(clock.instant()), id);
    task.setVariable("restorePassed", passed);
    task.setVariable("judgement", judgement);
    audit.record(AuditEvent.of("restore-test.judge", "continuity-test", id).detail("passed", passed)
        .detail("judgement", judgement).build());
  }

  void recordRestoreFailure(DelegateExecution execution) {
    String id = (String) execution.getVariable("restoreTestId");
    FinancialSystem system = systems.find((String) execution.getVariable("systemId")).orElseThrow();
    raise(id, system, String.valueOf(execution.getVariable("judgement")));
  }

  void restoreRemediated(DelegateTask task) {
    String id = (String) task.getVariable("restoreTestId");
    Object remediation = task.getVariable("remediation");
    if (remediation == null || remediation.toString().isBlank()) {
      throw InvalidInputException.of("remediation", "is required: what was changed");
    }
    jdbc.update("update continuity_test set remediation = ?, remediated_by = ?, remediated_at = ? where id = ?",
        remediation.toString(), inputs.actor(task), Timestamp.from(clock.instant()), id);
    audit.record(AuditEvent.of("restore-test.remediate", "continuity-test", id).detail("remediation", remediation).build());
  }

  private void raise(String id, FinancialSystem system, String problem) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("problem", problem);
    long exception = controlExceptions.raise("BC-01", "continuity-test", id, "Backup restore test " + id + " of "
        + system.id() + " failed", details, List.of(system.businessOwner().email(), system.technicalOwner().email()));
    jdbc.update("update continuity_test set exception_id = ? where id = ?", exception, id);
  }

  private Instant date(Object value, String field, Instant otherwise) {
    if (value == null || value.toString().isBlank()) {
      return otherwise;
    }
    String text = value.toString();
    try {
      return LocalDate.parse(text.length() > 10 ? text.substring(0, 10) : text).atStartOfDay(calendar.zone()).toInstant();
    } catch (DateTimeParseException e) {
      throw InvalidInputException.of(field, "'" + text + "' is not a date such as 2026-10-01");
    }
  }

  private static Long number(DelegateTask task, String name, List<FieldError> errors) {
    Object value = task.getVariable(name);
    if (value instanceof Number n) {
      return n.longValue();
    }
    if (value == null || value.toString().isBlank()) {
      errors.add(new FieldError(name, "is required"));
      return null;
    }
    try {
      return Long.parseLong(value.toString().strip());
    } catch (NumberFormatException e) {
      errors.add(new FieldError(name, "'" + value + "' is not a whole number"));
      return null;
    }
  }
}
