package org.itgc.continuity;

import org.itgc.continuity.RestoreTestProcess.Data;
import org.itgc.continuity.RestoreTestProcess.Fields;
import java.security.SecureRandom;
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
import org.springframework.stereotype.Service;

/**
 * What each step of {@code backup-restore-test} does (table continuity_test, kind {@code backup-restore}), given plain
 * values by the process glue.
 */
@Service
public class RestoreTestService {

  private static final SecureRandom SEEDS = new SecureRandom();

  private final ContinuityStore store;
  private final SystemsInventory systems;
  private final ContinuitySettings settings;
  private final BusinessCalendar calendar;
  private final ControlExceptions controlExceptions;
  private final AuditRecorder audit;
  private final Clock clock;

  RestoreTestService(ContinuityStore store, SystemsInventory systems, ContinuitySettings settings, BusinessCalendar calendar,
      ControlExceptions controlExceptions, AuditRecorder audit, Clock clock) {
    this.store = store;
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
      List<ContinuityStore.Backup> candidates = store.candidates(system.id(), from, to);
      long seed = SEEDS.nextLong();
      String id = "RT-" + now.atZone(calendar.zone()).getYear() + "-"
          + String.format(java.util.Locale.ROOT, "%05d", store.nextTestNumber());
      List<Long> candidateIds = candidates.stream().map(ContinuityStore.Backup::id).toList();
      ContinuityStore.Backup picked = candidates.isEmpty() ? null
          : candidates.get(RandomPick.index(seed, candidates.size()));
      store.insertPickedRestoreTest(new ContinuityStore.PickedRestoreTest(id, system.id(), processInstanceId,
          system.rto().toSeconds(), system.rpo().toSeconds(), seed, candidateIds, picked,
          picked == null ? "no backup of " + system.id() + " registered between " + from + " and " + to : null, now));
      audit.record(AuditEvent.of("restore-test.pick", "continuity-test", id).detail("systemId", system.id())
          .detail("seed", seed).detail("candidates", candidateIds)
          .detail("picked", picked == null ? null : picked.id()).build());
      if (picked == null) {
        raise(id, system, "no backup registered in the period " + from + " to " + to);
      }
    }
  }

  List<String> restoreTestsToRun(String processInstanceId) {
    return store.restoreTestsToRun(processInstanceId);
  }

  /** What a restorer is shown: the backup to restore and what it must give back. */
  record Restore(String systemId, String backupLocation, String checksumExpected, String rowsExpected,
      Duration rto) {}

  Restore restore(String testId) {
    ContinuityStore.RestoreTarget target = store.restoreTarget(testId);
    return new Restore(target.systemId(), target.backupLocation(), target.checksumExpected(),
        target.rowsExpected() == null ? "not recorded" : target.rowsExpected().toString(),
        Duration.ofSeconds(target.rtoSeconds()));
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
    ContinuityStore.RestoreExpectation expectation = store.restoreExpectation(id);
    String expected = expectation.checksumExpected();
    Long expectedRows = expectation.rowsExpected();
    Duration rto = Duration.ofSeconds(expectation.rtoSeconds());
    Duration took = Duration.between(restored.started(), restored.finished());
    Judgement judgement = RestoreTestRules.judge(expected, expectedRows, rto, restored.checksum(), restored.rows(),
        took, settings.countTolerancePercent());
    store.recordRestore(id, new ContinuityStore.RestoreResult(restored.started(), restored.finished(),
        took.toSeconds(), took.compareTo(rto) <= 0, restored.checksum().toLowerCase(java.util.Locale.ROOT),
        restored.rows(), judgement.passed(), judgement.text(), restored.actor(), clock.instant()));
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
    store.recordRemediation(testId, remediation, actor, clock.instant());
    audit.record(AuditEvent.of("restore-test.remediate", "continuity-test", testId).detail("remediation", remediation)
        .build());
  }

  private void raise(String id, FinancialSystem system, String problem) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("problem", problem);
    long exception = controlExceptions.raise("BC-01", "continuity-test", id, "Backup restore test " + id + " of "
        + system.id() + " failed", details, List.of(system.businessOwner().email(), system.technicalOwner().email()));
    store.linkException(id, exception);
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
