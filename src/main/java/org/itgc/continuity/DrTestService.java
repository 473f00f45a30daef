package org.itgc.continuity;

import org.itgc.continuity.DrTestProcess.Data;
import org.itgc.continuity.DrTestProcess.Fields;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.AuthorizationException;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.controls.ControlExceptions;
import org.itgc.notify.Notifier;
import org.itgc.platform.calendar.BusinessCalendar;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.platform.web.InvalidInputException.FieldError;
import org.itgc.platform.Role;
import org.itgc.security.UserAccounts;
import org.itgc.systems.FinancialSystem;
import org.itgc.systems.SystemsInventory;
import org.springframework.stereotype.Service;

/**
 * What each step of {@code dr-test} does to the DR test record (table continuity_test, kind {@code dr}), given plain
 * values: the process glue ({@link ContinuityProcessGlue}) reads the process's data and the forms' fields.
 */
@Service
public class DrTestService {

  private final ContinuityStore store;
  private final SystemsInventory systems;
  private final ContinuitySettings settings;
  private final BusinessCalendar calendar;
  private final ControlExceptions controlExceptions;
  private final UserAccounts users;
  private final Notifier notifier;
  private final AuditRecorder audit;
  private final Clock clock;

  DrTestService(ContinuityStore store, SystemsInventory systems, ContinuitySettings settings, BusinessCalendar calendar,
      ControlExceptions controlExceptions, UserAccounts users, Notifier notifier, AuditRecorder audit, Clock clock) {
    this.store = store;
    this.systems = systems;
    this.settings = settings;
    this.calendar = calendar;
    this.controlExceptions = controlExceptions;
    this.users = users;
    this.notifier = notifier;
    this.audit = audit;
    this.clock = clock;
  }

  /** The systems a campaign tests: the one chosen by hand, or every system of the configured tiers. */
  List<String> systemsInScope(String chosen) {
    if (chosen != null && !chosen.isBlank()) {
      system(chosen);
      return List.of(chosen);
    }
    return systems.all().stream().filter(s -> settings.drTestTiers().contains(s.tier())).map(FinancialSystem::id).toList();
  }

  void selectSystems(String processInstanceId, String chosen) {
    List<String> scope = systemsInScope(chosen);
    audit.record(AuditEvent.of("dr-test.campaign", "process", processInstanceId).detail("systems", scope)
        .detail("byHand", chosen != null).build());
  }

  /** The system a test judges, with its objectives. */
  FinancialSystem objectives(String systemId) {
    return system(systemId);
  }

  /** What the planner submits. */
  record Plan(String systemId, String processInstanceId, String retestOf, String scenario, String participants,
      String plannedDate, String actor) {}

  /**
   * Records a test's plan and returns its id.
   *
   * @throws InvalidInputException naming every field at fault
   */
  String plan(Plan plan) {
    FinancialSystem system = system(plan.systemId());
    List<FieldError> errors = new ArrayList<>();
    LocalDate plannedDate = DrTestRules.plannedDate(plan.scenario(), plan.participants(), plan.plannedDate(), errors);
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    Instant now = clock.instant();
    String id = "DR-" + now.atZone(calendar.zone()).getYear() + "-" + String.format(java.util.Locale.ROOT, "%05d",
        store.nextTestNumber());
    store.insertDrTest(new ContinuityStore.NewDrTest(id, system.id(), plan.processInstanceId(), plan.retestOf(),
        plan.scenario(), plan.participants(), plannedDate, plan.actor(), system.rto().toSeconds(),
        system.rpo().toSeconds(), now));
    audit.record(AuditEvent.of("dr-test.plan", "continuity-test", id).detail("systemId", system.id())
        .detail("plannedDate", plannedDate.toString()).detail("retestOf", plan.retestOf()).build());
    return id;
  }

  /** What the tester records: when the outage was declared, when service was back, the last point recovered. */
  record Execution(String testId, String systemId, Instant declared, Instant restored, Instant lastRecoveredPoint,
      String notes, String actor) {}

  /**
   * Judges a test against its system's RTO and RPO and records it.
   *
   * @throws InvalidInputException when the times contradict each other
   */
  RecoveryJudgement recordExecution(Execution execution) {
    FinancialSystem system = system(execution.systemId());
    List<FieldError> errors = new ArrayList<>();
    DrTestRules.checkTimes(execution.declared(), execution.restored(), execution.lastRecoveredPoint(), errors);
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    RecoveryJudgement judgement = RecoveryJudgement.judge(system.rto(), system.rpo(), execution.declared(),
        execution.restored(), execution.lastRecoveredPoint());
    store.recordDrExecution(execution.testId(), new ContinuityStore.DrExecution(execution.declared(),
        execution.restored(), execution.lastRecoveredPoint(), judgement.actualRto().toSeconds(),
        judgement.actualRpo().toSeconds(), judgement.rtoMet(), judgement.rpoMet(), judgement.passed(),
        execution.notes(), execution.actor(), clock.instant()));
    audit.record(AuditEvent.of("dr-test.judge", "continuity-test", execution.testId()).detail("systemId", system.id())
        .detail("actualRto", judgement.actualRto().toString()).detail("rto", system.rto().toString())
        .detail("actualRpo", judgement.actualRpo().toString()).detail("rpo", system.rpo().toString())
        .detail("passed", judgement.passed()).build());
    return judgement;
  }

  static String describe(RecoveryJudgement j) {
    return (j.passed() ? "PASSED" : "FAILED") + ": RTO " + j.actualRto() + " against " + j.rto() + " (margin "
        + j.rtoMargin() + ", " + (j.rtoMet() ? "met" : "missed") + "); RPO " + j.actualRpo() + " against " + j.rpo()
        + " (margin " + j.rpoMargin() + ", " + (j.rpoMet() ? "met" : "missed") + ")";
  }

  /**
   * One of the two sign-offs ({@code owner} or {@code it}), by someone who has not given the other.
   *
   * @throws InvalidInputException when the reviewer did not confirm
   * @throws AuthorizationException when the same person gave the other sign-off
   */
  void signOff(String testId, String which, String actor, boolean confirmed, String comment) {
    if (!confirmed) {
      throw InvalidInputException.of(Fields.SIGN_OFF_CONFIRMED, "confirm that you reviewed the test and its judgement");
    }
    ContinuityStore.SignOffs given = store.signOffs(testId);
    String other = "owner".equals(which) ? given.it() : given.owner();
    if (actor.equals(other)) {
      audit.recordIndependently(AuditEvent.of("dr-test.sod-violation", "continuity-test", testId).actor(actor, null)
          .denied("one person gives one sign-off").build());
      throw new AuthorizationException(actor + " already signed off " + testId
          + "; the owner and IT sign-offs need two people");
    }
    store.recordSignOff(testId, "owner".equals(which) ? ContinuityStore.SignOff.OWNER : ContinuityStore.SignOff.IT,
        actor, clock.instant());
    audit.record(AuditEvent.of("dr-test.sign-off", "continuity-test", testId).actor(actor, null).detail("as", which)
        .detail("comment", comment).build());
  }

  /** A failed test is a BC-02 control exception, mailed to the system's owners. */
  void recordFailure(String testId, String systemId, String judgement) {
    FinancialSystem system = system(systemId);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("judgement", judgement);
    long exception = controlExceptions.raise("BC-02", "continuity-test", testId, "DR test " + testId + " of "
        + system.id() + " missed its objectives", details, List.of(system.businessOwner().email(),
        system.technicalOwner().email()));
    store.linkException(testId, exception);
  }

  void remediated(String testId, String remediation, String actor) {
    if (remediation == null || remediation.isBlank()) {
      throw InvalidInputException.of(Fields.REMEDIATION, "is required: what was changed");
    }
    store.recordRemediation(testId, remediation, actor, clock.instant());
    audit.record(AuditEvent.of("dr-test.remediate", "continuity-test", testId).detail("remediation", remediation)
        .build());
  }

  /** The sign-offs are overdue: the governance leads and the owners are mailed what is missing. */
  void escalateSignOff(String testId, String systemId, String judgement) {
    FinancialSystem system = system(systemId);
    ContinuityStore.SignOffs signOffs = store.signOffs(testId);
    List<String> missing = DrTestRules.missingSignOffs(signOffs.owner() != null, signOffs.it() != null);
    var recipients = new LinkedHashSet<String>(users.emailsOf(Role.GOVERNANCE_LEAD));
    recipients.add(system.businessOwner().email());
    recipients.add(system.technicalOwner().email());
    Map<String, Object> variables = new LinkedHashMap<>();
    variables.put("testId", testId);
    variables.put("systemId", system.id());
    variables.put("judgement", String.valueOf(judgement));
    variables.put("missing", String.join(" and ", missing));
    notifier.send("dr-sign-off-overdue", recipients, variables);
    audit.record(AuditEvent.system("dr-test.sign-off-overdue", "continuity-test", testId).detail("missing", missing)
        .build());
  }

  private FinancialSystem system(String id) {
    return systems.find(String.valueOf(id)).orElseThrow(() ->
        InvalidInputException.of(Data.SYSTEM.name(), "'" + id + "' is not a system of config/systems.yaml"));
  }

}
