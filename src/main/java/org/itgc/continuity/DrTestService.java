package org.itgc.continuity;

import static org.itgc.continuity.DrTestProcess.Variables;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.controls.ControlExceptions;
import org.itgc.notify.Notifier;
import org.itgc.platform.ModelProperties;
import org.itgc.platform.TaskInputs;
import org.itgc.platform.calendar.BusinessCalendar;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.platform.web.InvalidInputException.FieldError;
import org.itgc.platform.Role;
import org.itgc.security.UserAccounts;
import org.itgc.systems.FinancialSystem;
import org.itgc.systems.SystemsInventory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/** What each step of {@code dr-test} does to the DR test record (table continuity_test, kind {@code dr}). */
@Service
public class DrTestService {

  private final JdbcTemplate jdbc;
  private final SystemsInventory systems;
  private final ContinuitySettings settings;
  private final BusinessCalendar calendar;
  private final ControlExceptions controlExceptions;
  private final UserAccounts users;
  private final Notifier notifier;
  private final AuditRecorder audit;
  private final TaskInputs inputs;
  private final Clock clock;

  DrTestService(JdbcTemplate jdbc, SystemsInventory systems, ContinuitySettings settings, BusinessCalendar calendar,
      ControlExceptions controlExceptions, UserAccounts users, Notifier notifier, AuditRecorder audit,
      TaskInputs inputs, Clock clock) {
    this.jdbc = jdbc;
    this.systems = systems;
    this.settings = settings;
    this.calendar = calendar;
    this.controlExceptions = controlExceptions;
    this.users = users;
    this.notifier = notifier;
    this.audit = audit;
    this.inputs = inputs;
    this.clock = clock;
  }

  /** The systems a campaign tests: the one chosen by hand, or every system of the configured tiers. */
  List<String> systemsInScope(DelegateExecution execution) {
    Object chosen = execution.getVariable(Variables.SYSTEM_ID);
    if (chosen != null && !chosen.toString().isBlank()) {
      if (systems.find(chosen.toString()).isEmpty()) {
        throw InvalidInputException.of(Variables.SYSTEM_ID, "'" + chosen + "' is not a system of config/systems.yaml");
      }
      return List.of(chosen.toString());
    }
    return systems.all().stream().filter(s -> settings.drTestTiers().contains(s.tier())).map(FinancialSystem::id).toList();
  }

  void selectSystems(DelegateExecution execution) {
    List<String> scope = systemsInScope(execution);
    audit.record(AuditEvent.of("dr-test.campaign", "process", execution.getProcessInstanceId())
        .detail("systems", scope).detail("byHand", execution.getVariable(Variables.SYSTEM_ID) != null).build());
  }

  void startSystemTest(DelegateExecution execution) {
    FinancialSystem system = system(execution.getVariable(Variables.SYSTEM_ID));
    execution.setVariable(Variables.RTO_OBJECTIVE, system.rto().toString());
    execution.setVariable(Variables.RPO_OBJECTIVE, system.rpo().toString());
  }

  void plan(DelegateTask task) {
    FinancialSystem system = system(task.getVariable(Variables.SYSTEM_ID));
    List<FieldError> errors = new ArrayList<>();
    String scenario = TaskInputs.required(task, Variables.SCENARIO, errors);
    String participants = TaskInputs.required(task, Variables.PARTICIPANTS, errors);
    String planned = TaskInputs.required(task, Variables.PLANNED_DATE, errors);
    LocalDate plannedDate = null;
    if (planned != null) {
      try {
        plannedDate = LocalDate.parse(planned.length() > 10 ? planned.substring(0, 10) : planned);
      } catch (DateTimeParseException e) {
        errors.add(new FieldError(Variables.PLANNED_DATE, "'" + planned + "' is not a date such as 2027-01-20"));
      }
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    Object previous = task.getVariable(Variables.TEST_ID);
    Instant now = clock.instant();
    String id = "DR-" + now.atZone(calendar.zone()).getYear() + "-"
        + String.format("%05d", jdbc.queryForObject("select nextval('continuity_test_number')", Long.class));
    jdbc.update("""
        insert into continuity_test (id, kind, system_id, process_instance_id, retest_of, scenario, participants,
            planned_date, planned_by, rto_seconds, rpo_seconds, created_at)
        values (?, 'dr', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """, id, system.id(), task.getProcessInstanceId(), previous, scenario, participants,
        java.sql.Date.valueOf(plannedDate), inputs.actor(task), system.rto().toSeconds(), system.rpo().toSeconds(),
        Timestamp.from(now));
    task.setVariable(Variables.TEST_ID, id);
    audit.record(AuditEvent.of("dr-test.plan", "continuity-test", id).detail("systemId", system.id())
        .detail("plannedDate", plannedDate.toString()).detail("retestOf", previous).build());
  }

  void recordExecution(DelegateTask task) {
    String id = (String) task.getVariable(Variables.TEST_ID);
    FinancialSystem system = system(task.getVariable(Variables.SYSTEM_ID));
    List<FieldError> errors = new ArrayList<>();
    Instant declared = inputs.instant(task, Variables.OUTAGE_DECLARED, errors);
    Instant restored = inputs.instant(task, Variables.SERVICE_RESTORED, errors);
    Instant lastPoint = inputs.instant(task, Variables.LAST_RECOVERED_POINT, errors);
    if (declared != null && restored != null && restored.isBefore(declared)) {
      errors.add(new FieldError(Variables.SERVICE_RESTORED, "is before outageDeclared"));
    }
    if (declared != null && lastPoint != null && lastPoint.isAfter(declared)) {
      errors.add(new FieldError(Variables.LAST_RECOVERED_POINT, "is after outageDeclared"));
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    RecoveryJudgement judgement = RecoveryJudgement.judge(system.rto(), system.rpo(), declared, restored, lastPoint);
    Object notes = task.getVariable(Variables.EXECUTION_NOTES);
    jdbc.update("""
        update continuity_test set outage_declared = ?, service_restored = ?, last_recovered_point = ?,
            actual_rto_seconds = ?, actual_rpo_seconds = ?, rto_met = ?, rpo_met = ?, passed = ?, notes = ?,
            recorded_by = ?, recorded_at = ? where id = ?
        """, Timestamp.from(declared), Timestamp.from(restored), Timestamp.from(lastPoint),
        judgement.actualRto().toSeconds(), judgement.actualRpo().toSeconds(), judgement.rtoMet(), judgement.rpoMet(),
        judgement.passed(), notes == null ? null : notes.toString(), inputs.actor(task), Timestamp.from(clock.instant()), id);
    task.setVariable(Variables.PASSED, judgement.passed());
    task.setVariable(Variables.JUDGEMENT, describe(judgement));
    audit.record(AuditEvent.of("dr-test.judge", "continuity-test", id).detail("systemId", system.id())
        .detail("actualRto", judgement.actualRto().toString()).detail("rto", system.rto().toString())
        .detail("actualRpo", judgement.actualRpo().toString()).detail("rpo", system.rpo().toString())
        .detail("passed", judgement.passed()).build());
  }

  static String describe(RecoveryJudgement j) {
    return (j.passed() ? "PASSED" : "FAILED") + ": RTO " + j.actualRto() + " against " + j.rto() + " (margin "
        + j.rtoMargin() + ", " + (j.rtoMet() ? "met" : "missed") + "); RPO " + j.actualRpo() + " against " + j.rpo()
        + " (margin " + j.rpoMargin() + ", " + (j.rpoMet() ? "met" : "missed") + ")";
  }

  void signOff(DelegateTask task) {
    String id = (String) task.getVariable(Variables.TEST_ID);
    String which = ModelProperties.of(task, "signOff").orElseThrow();
    String actor = inputs.actor(task);
    if (!Boolean.TRUE.equals(task.getVariable(Variables.SIGN_OFF_CONFIRMED))) {
      throw InvalidInputException.of(Variables.SIGN_OFF_CONFIRMED, "confirm that you reviewed the test and its judgement");
    }
    String other = jdbc.queryForObject("select " + ("owner".equals(which) ? "it_sign_off_by" : "owner_sign_off_by")
        + " from continuity_test where id = ?", String.class, id);
    if (actor.equals(other)) {
      audit.recordIndependently(AuditEvent.of("dr-test.sod-violation", "continuity-test", id).actor(actor, null)
          .denied("one person gives one sign-off").build());
      throw new AuthorizationException(actor + " already signed off " + id + "; the owner and IT sign-offs need two people");
    }
    jdbc.update("update continuity_test set " + ("owner".equals(which) ? "owner_sign_off_by = ?, owner_sign_off_at = ?"
        : "it_sign_off_by = ?, it_sign_off_at = ?") + " where id = ?", actor, Timestamp.from(clock.instant()), id);
    audit.record(AuditEvent.of("dr-test.sign-off", "continuity-test", id).actor(actor, null).detail("as", which)
        .detail("comment", task.getVariable(Variables.SIGN_OFF_COMMENT)).build());
  }

  void recordFailure(DelegateExecution execution) {
    String id = (String) execution.getVariable(Variables.TEST_ID);
    FinancialSystem system = system(execution.getVariable(Variables.SYSTEM_ID));
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("judgement", execution.getVariable(Variables.JUDGEMENT));
    long exception = controlExceptions.raise("BC-02", "continuity-test", id, "DR test " + id + " of " + system.id()
        + " missed its objectives", details, List.of(system.businessOwner().email(), system.technicalOwner().email()));
    jdbc.update("update continuity_test set exception_id = ? where id = ?", exception, id);
  }

  void remediated(DelegateTask task) {
    String id = (String) task.getVariable(Variables.TEST_ID);
    Object remediation = task.getVariable(Variables.REMEDIATION);
    if (remediation == null || remediation.toString().isBlank()) {
      throw InvalidInputException.of(Variables.REMEDIATION, "is required: what was changed");
    }
    jdbc.update("update continuity_test set remediation = ?, remediated_by = ?, remediated_at = ? where id = ?",
        remediation.toString(), inputs.actor(task), Timestamp.from(clock.instant()), id);
    audit.record(AuditEvent.of("dr-test.remediate", "continuity-test", id).detail("remediation", remediation).build());
  }

  void escalateSignOff(DelegateExecution execution) {
    String id = (String) execution.getVariable(Variables.TEST_ID);
    FinancialSystem system = system(execution.getVariable(Variables.SYSTEM_ID));
    var signOffs = jdbc.queryForMap("select owner_sign_off_by, it_sign_off_by from continuity_test where id = ?", id);
    List<String> missing = new ArrayList<>();
    if (signOffs.get("owner_sign_off_by") == null) {
      missing.add("the system owner");
    }
    if (signOffs.get("it_sign_off_by") == null) {
      missing.add("an IT approver");
    }
    var recipients = new LinkedHashSet<String>(users.emailsOf(Role.GOVERNANCE_LEAD));
    recipients.add(system.businessOwner().email());
    recipients.add(system.technicalOwner().email());
    Map<String, Object> variables = new LinkedHashMap<>();
    variables.put("testId", id);
    variables.put("systemId", system.id());
    variables.put("judgement", String.valueOf(execution.getVariable(Variables.JUDGEMENT)));
    variables.put("missing", String.join(" and ", missing));
    notifier.send("dr-sign-off-overdue", recipients, variables);
    audit.record(AuditEvent.system("dr-test.sign-off-overdue", "continuity-test", id).detail("missing", missing).build());
  }

  private FinancialSystem system(Object id) {
    return systems.find(String.valueOf(id)).orElseThrow(() ->
        InvalidInputException.of(Variables.SYSTEM_ID, "'" + id + "' is not a system of config/systems.yaml"));
  }

}
