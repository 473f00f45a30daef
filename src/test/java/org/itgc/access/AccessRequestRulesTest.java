package org.itgc.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.itgc.access.AccessRequestProcess.Elements.FINANCE_EXCEPTION_APPROVAL;
import static org.itgc.access.AccessRequestProcess.Elements.FULFIL;
import static org.itgc.access.AccessRequestProcess.Elements.LINE_MANAGER_APPROVAL;
import static org.itgc.access.AccessRequestProcess.Elements.SECURITY_ADMIN_APPROVAL;
import static org.itgc.access.AccessRequestProcess.Elements.SECURITY_EXCEPTION_APPROVAL;
import static org.itgc.access.AccessRequestProcess.Elements.SYSTEM_OWNER_APPROVAL;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import org.itgc.access.AccessRequestRules.DecisionFacts;
import org.itgc.access.AccessRequestRules.ExceptionTerms;
import org.itgc.access.AccessRequests.Approval;
import org.itgc.platform.Role;
import org.itgc.platform.web.InvalidInputException.FieldError;
import org.junit.jupiter.api.Test;

/** The rules of an access request, without the engine: what is asked, who decides, what a decision must say. */
class AccessRequestRulesTest {

  private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");
  private static final Set<Role> NONE = Set.of();

  /** Rachel (login rachel, E1001) asked for her own access; HR names lucas her line manager. */
  private static DecisionFacts facts(String taskKey, String lineManager, boolean engineRolesOnly, String systemId,
      Set<String> owners, Approval... approvals) {
    return new DecisionFacts("AR-2026-00001", taskKey, "rachel", "E1001", "E1001", "Rachel Requester", "rachel",
        lineManager, engineRolesOnly, systemId, owners, List.of(approvals));
  }

  /** The identity the registry binds to a demo login. */
  private static String person(String login) {
    return switch (login) {
      case "rachel" -> "E1001";
      case "lucas" -> "E1003";
      case "sam" -> "E1009";
      case "grace" -> "E1000";
      case "sofia" -> "E1004";
      case "fiona" -> "E1007";
      default -> "E-" + login;
    };
  }

  private static Approval approved(String step, String approver) {
    return new Approval(step, approver, "approved", null, AT);
  }

  // ---------------------------------------------------------------- what is asked, for whom

  @Test
  void theKeysAskedForAreTheApisListThenTheFormsFieldsEachOnce() {
    assertThat(AccessRequestRules.requestedKeys(" ERP-GL/GL_READ_ONLY, ,AP-PAY/AP_CLERK,ERP-GL/GL_READ_ONLY",
        Arrays.asList("BI-REPORTING/BI_VIEWER", null, "AP-PAY/AP_CLERK")))
        .containsExactly("ERP-GL/GL_READ_ONLY", "AP-PAY/AP_CLERK", "BI-REPORTING/BI_VIEWER");
    assertThat(AccessRequestRules.requestedKeys(null, Arrays.asList(null, null, null))).isEmpty();
    assertThat(AccessRequestRules.requestedKeys(" , ", List.of())).isEmpty();
  }

  @Test
  void aRequestIsOfThisEnginesRolesOnlyWhenEverySystemIsTheEngine() {
    assertThat(AccessRequestRules.engineRolesOnly(List.of("ITGC-ENGINE", "ITGC-ENGINE"))).isTrue();
    assertThat(AccessRequestRules.engineRolesOnly(List.of("ITGC-ENGINE", "ERP-GL"))).isFalse();
    assertThat(AccessRequestRules.engineRolesOnly(List.of())).isFalse();
  }

  @Test
  void oneAsksForOneselfOrAReportAndASecurityAdminForAnyoneButOnlyThisEnginesRoles() {
    assertThat(AccessRequestRules.mayRequestFor("E1001", "E1001", "E2001", false, false)).as("oneself").isTrue();
    assertThat(AccessRequestRules.mayRequestFor("E2001", "E1001", "E2001", false, false)).as("a report").isTrue();
    assertThat(AccessRequestRules.mayRequestFor("E3001", "E1001", "E2001", false, false)).as("someone else").isFalse();
    assertThat(AccessRequestRules.mayRequestFor("E3001", "E1001", null, false, false)).as("nobody's report").isFalse();
    assertThat(AccessRequestRules.mayRequestFor("E3001", "E1001", "E2001", true, true))
        .as("a security admin, engine roles").isTrue();
    assertThat(AccessRequestRules.mayRequestFor("E3001", "E1001", "E2001", false, true))
        .as("a security admin, other systems").isFalse();
    assertThat(AccessRequestRules.mayRequestFor("E3001", "E1001", "E2001", true, false))
        .as("not a security admin, engine roles").isFalse();
  }

  // ---------------------------------------------------------------- who decides

  @Test
  void securityAdminsStandInAndGovernanceLeadsTooForThisEnginesRolesOnly() {
    assertThat(AccessRequestRules.standIns(false)).containsExactly(Role.SECURITY_ADMIN);
    assertThat(AccessRequestRules.standIns(true)).containsExactly(Role.SECURITY_ADMIN, Role.GOVERNANCE_LEAD);
  }

  @Test
  void eachApprovalRecordsItsStep() {
    assertThat(AccessRequestRules.step(LINE_MANAGER_APPROVAL, null)).isEqualTo("line-manager");
    assertThat(AccessRequestRules.step(SYSTEM_OWNER_APPROVAL, "ERP-GL")).isEqualTo("system-owner:ERP-GL");
    assertThat(AccessRequestRules.step(SECURITY_ADMIN_APPROVAL, null)).isEqualTo("security-admin");
    assertThat(AccessRequestRules.step(SECURITY_EXCEPTION_APPROVAL, null)).isEqualTo("exception-security");
    assertThat(AccessRequestRules.step(FINANCE_EXCEPTION_APPROVAL, null)).isEqualTo("exception-finance");
    assertThatThrownBy(() -> AccessRequestRules.step(FULFIL, null)).isInstanceOf(IllegalStateException.class)
        .hasMessage("not an approval: Task_FulfilRequest");
  }

  @Test
  void nobodyApprovesTheirOwnRequestNorAccessForThemselvesAtAnyStep() {
    DecisionFacts forOther = new DecisionFacts("AR-2026-00001", SYSTEM_OWNER_APPROVAL, "lucas", "E1003", "E1001",
        "Rachel Requester", "rachel", null, false, "ERP-GL", Set.of(), List.of());
    assertThat(AccessRequestRules.refusal(forOther, "lucas", person("lucas"), Set.of(Role.SECURITY_ADMIN)))
        .contains("nobody approves their own request: lucas requested AR-2026-00001");
    assertThat(AccessRequestRules.refusal(forOther, "rachel", person("rachel"), Set.of(Role.SECURITY_ADMIN)))
        .contains("nobody approves access for themselves: AR-2026-00001 is for rachel");
    assertThat(AccessRequestRules.refusal(forOther, "sofia", person("sofia"), NONE)).isEmpty();
  }

  @Test
  void approversArePeopleComparedByIdentityNotByLogin() {
    DecisionFacts facts = facts(SECURITY_ADMIN_APPROVAL, "lucas", false, null, null);
    // a second login of the requester (another login name, the same person in the registry)
    assertThat(AccessRequestRules.refusal(facts, "rachel2", "E1001", Set.of(Role.SECURITY_ADMIN)))
        .contains("nobody approves their own request: rachel2 requested AR-2026-00001");
    // a request for someone else, approved by the beneficiary's other login
    DecisionFacts forOther = new DecisionFacts("AR-2026-00001", SECURITY_ADMIN_APPROVAL, "lucas", "E1003", "E1001",
        "Rachel Requester", "rachel", "lucas", false, null, null, List.of());
    assertThat(AccessRequestRules.refusal(forOther, "rachel.admin", "E1001", Set.of(Role.SECURITY_ADMIN)))
        .contains("nobody approves access for themselves: AR-2026-00001 is for rachel.admin");
    // a login the registry binds to nobody approves nothing
    assertThat(AccessRequestRules.refusal(forOther, "setup.admin", null, Set.of(Role.SECURITY_ADMIN)))
        .contains("approvers are people of the access registry: login setup.admin is bound to no identity (HR import "
            + "or SCIM userName)");
    assertThat(AccessRequestRules.refusal(forOther, "sam", "E1009", Set.of(Role.SECURITY_ADMIN))).isEmpty();
  }

  @Test
  void theLineManagersStepIsTheLineManagers() {
    DecisionFacts facts = facts(LINE_MANAGER_APPROVAL, "lucas", false, null, null);
    assertThat(AccessRequestRules.refusal(facts, "lucas", person("lucas"), NONE)).isEmpty();
    assertThat(AccessRequestRules.refusal(facts, "lena", person("lena"), Set.of(Role.LINE_MANAGER, Role.SECURITY_ADMIN)))
        .contains("only Rachel Requester's line manager (lucas) approves as line manager");
    // one person, one approval: a line manager who approved the request's SoD exception does not approve again
    assertThat(AccessRequestRules.refusal(facts(LINE_MANAGER_APPROVAL, "lucas", false, null, null,
        approved("exception-security", "lucas")), "lucas", person("lucas"), NONE))
        .contains("lucas already gave the exception-security approval of AR-2026-00001; one person gives one approval "
            + "of a request");
  }

  @Test
  void whenHrNamesNoLineManagerAStandInApproves() {
    DecisionFacts facts = facts(LINE_MANAGER_APPROVAL, null, false, null, null);
    assertThat(AccessRequestRules.refusal(facts, "sam", person("sam"), Set.of(Role.SECURITY_ADMIN))).isEmpty();
    String noManager = "HR names no line manager for Rachel Requester (E1001): a security admin approves in the "
        + "manager's place until HR names one";
    assertThat(AccessRequestRules.refusal(facts, "lucas", person("lucas"), Set.of(Role.LINE_MANAGER))).contains(noManager);
    assertThat(AccessRequestRules.refusal(facts, "grace", person("grace"), Set.of(Role.GOVERNANCE_LEAD))).contains(noManager);
    assertThat(AccessRequestRules.refusal(facts(LINE_MANAGER_APPROVAL, null, true, null, null), "grace", person("grace"),
        Set.of(Role.GOVERNANCE_LEAD))).as("for this engine's roles only").isEmpty();
    // standing in for the manager is a security admin's one approval of the request
    assertThat(AccessRequestRules.refusal(facts(LINE_MANAGER_APPROVAL, null, false, null, null,
        approved("exception-security", "sam")), "sam", person("sam"), Set.of(Role.SECURITY_ADMIN)))
        .contains("sam already gave the exception-security approval of AR-2026-00001; one person gives one "
            + "approval of a request");
  }

  @Test
  void anOwnersStepIsTheSystemsOwners() {
    assertThat(AccessRequestRules.refusal(facts(SYSTEM_OWNER_APPROVAL, null, false, "ERP-GL",
        Set.of("sofia", "tom")), "sofia", person("sofia"), NONE)).isEmpty();
    assertThat(AccessRequestRules.refusal(facts(SYSTEM_OWNER_APPROVAL, null, false, "PAYROLL",
        new java.util.LinkedHashSet<>(List.of("sofia", "tom"))), "oscar", person("oscar"), Set.of(Role.SYSTEM_OWNER)))
        .contains("only an owner of PAYROLL (sofia, tom) approves access to it");
    assertThat(AccessRequestRules.refusal(facts(SYSTEM_OWNER_APPROVAL, null, false, "BI-REPORTING", Set.of()),
        "oscar", person("oscar"), NONE)).as("a system that names no owner login").isEmpty();
    assertThatThrownBy(() -> AccessRequestRules.refusal(facts(SYSTEM_OWNER_APPROVAL, null, false, "GONE", null),
        "sofia", person("sofia"), NONE)).isInstanceOf(NoSuchElementException.class);
    // one person, one approval: the line manager who also owns the system leaves the owner's approval to its other
    // owner; an owner of two of the request's systems approves for each
    assertThat(AccessRequestRules.refusal(facts(SYSTEM_OWNER_APPROVAL, null, false, "ERP-GL", Set.of("sofia"),
        approved("line-manager", "sofia")), "sofia", person("sofia"), NONE))
        .contains("sofia already gave the line-manager approval of AR-2026-00001; one person gives one approval of a "
            + "request");
    assertThat(AccessRequestRules.refusal(facts(SYSTEM_OWNER_APPROVAL, null, false, "ERP-GL", Set.of("sofia"),
        approved("system-owner:AP-PAY", "sofia")), "sofia", person("sofia"), NONE)).isEmpty();
  }

  @Test
  void anSodExceptionNeedsTwoDifferentApprovers() {
    assertThat(AccessRequestRules.refusal(facts(FINANCE_EXCEPTION_APPROVAL, null, false, null, null,
        approved("exception-security", "sam")), "sam", person("sam"), Set.of(Role.FINANCE_APPROVER)))
        .contains("an SoD exception needs two different approvers: sam already approved it as security admin");
    assertThat(AccessRequestRules.refusal(facts(FINANCE_EXCEPTION_APPROVAL, null, false, null, null,
        approved("exception-security", "sam")), "fiona", person("fiona"), Set.of(Role.FINANCE_APPROVER))).isEmpty();
    assertThat(AccessRequestRules.refusal(facts(SECURITY_EXCEPTION_APPROVAL, null, false, null, null), "sam", person("sam"),
        Set.of(Role.SECURITY_ADMIN))).isEmpty();
    assertThat(AccessRequestRules.refusal(facts(SECURITY_EXCEPTION_APPROVAL, null, false, null, null,
        approved("line-manager", "sam")), "sam", person("sam"), Set.of(Role.SECURITY_ADMIN)))
        .contains("sam already gave the line-manager approval of AR-2026-00001; one person gives one approval "
            + "of a request");
  }

  @Test
  void privilegedAccessIsAStandInsOneApproval() {
    assertThat(AccessRequestRules.refusal(facts(SECURITY_ADMIN_APPROVAL, "lucas", false, null, null), "sam", person("sam"),
        Set.of(Role.SECURITY_ADMIN))).isEmpty();
    assertThat(AccessRequestRules.refusal(facts(SECURITY_ADMIN_APPROVAL, "lucas", false, null, null), "grace", person("grace"),
        Set.of(Role.GOVERNANCE_LEAD))).contains("privileged access is approved by a security admin");
    assertThat(AccessRequestRules.refusal(facts(SECURITY_ADMIN_APPROVAL, "lucas", true, null, null), "lucas", person("lucas"),
        Set.of(Role.LINE_MANAGER))).contains("privileged access is approved by a security admin or a governance lead");
    assertThat(AccessRequestRules.refusal(facts(SECURITY_ADMIN_APPROVAL, "lucas", true, null, null), "grace", person("grace"),
        Set.of(Role.GOVERNANCE_LEAD))).isEmpty();
    // a second approval at the same step (a task completed again) is not a second step
    assertThat(AccessRequestRules.refusal(facts(SECURITY_ADMIN_APPROVAL, "lucas", false, null, null,
        approved("security-admin", "sam")), "sam", person("sam"), Set.of(Role.SECURITY_ADMIN))).isEmpty();
    assertThat(AccessRequestRules.refusal(facts(SECURITY_ADMIN_APPROVAL, "lucas", false, null, null,
        approved("system-owner:ERP-GL", "sam")), "sam", person("sam"), Set.of(Role.SECURITY_ADMIN)))
        .contains("sam already gave the system-owner:ERP-GL approval of AR-2026-00001; one person gives one "
            + "approval of a request");
  }

  @Test
  void nobodyProvisionsAccessTheyRequestedOrReceive() {
    assertThat(AccessRequestRules.fulfilmentRefusal("lucas", "lucas", "rachel"))
        .contains("nobody provisions access they requested or receive: lucas");
    assertThat(AccessRequestRules.fulfilmentRefusal("rachel", "lucas", "rachel"))
        .contains("nobody provisions access they requested or receive: rachel");
    assertThat(AccessRequestRules.fulfilmentRefusal("sam", "lucas", "rachel")).isEmpty();
    assertThat(AccessRequestRules.fulfilmentRefusal("sam", "lucas", null)).as("a person without a login").isEmpty();
  }

  // ---------------------------------------------------------------- what a decision says

  @Test
  void aDecisionIsApproveOrRejectAndARejectionSaysWhy() {
    List<FieldError> errors = new ArrayList<>();
    AccessRequestRules.checkDecision("approve", null, errors);
    AccessRequestRules.checkDecision("reject", "not needed for the job", errors);
    assertThat(errors).isEmpty();
    AccessRequestRules.checkDecision(null, null, errors);
    AccessRequestRules.checkDecision("maybe", null, errors);
    AccessRequestRules.checkDecision("reject", null, errors);
    assertThat(errors).extracting(e -> e.field() + ": " + e.reason()).containsExactly("decision: is required",
        "decision: 'maybe' must be approve or reject", "comment: is required when rejecting: say why");
  }

  @Test
  void anExceptionNamesItsControlAndExpiresAfterTodayWithinTheLimit() {
    LocalDate today = LocalDate.parse("2026-12-01");
    List<FieldError> errors = new ArrayList<>();
    assertThat(AccessRequestRules.exceptionTerms("Controller reviews every payment", "2027-03-01", today, 90, errors))
        .isEqualTo(new ExceptionTerms("Controller reviews every payment", LocalDate.parse("2027-03-01")));
    assertThat(AccessRequestRules.exceptionTerms("Controller reviews", "2026-12-02T17:00:00Z", today, 90, errors))
        .as("a date-time's date counts").isEqualTo(new ExceptionTerms("Controller reviews", LocalDate.parse("2026-12-02")));
    assertThat(errors).isEmpty();

    assertThat(AccessRequestRules.exceptionTerms(null, null, today, 90, errors)).isEqualTo(new ExceptionTerms(null, null));
    assertThat(errors).extracting(e -> e.field() + ": " + e.reason()).containsExactly(
        "mitigatingControl: is required", "exceptionExpires: is required");
    errors.clear();
    assertThat(AccessRequestRules.exceptionTerms("review", "2026-12-01", today, 90, errors))
        .isEqualTo(new ExceptionTerms(null, null));
    AccessRequestRules.exceptionTerms("weekly review of payments", "2027-03-02", today, 90, errors);
    AccessRequestRules.exceptionTerms("weekly review of payments", "next month", today, 90, errors);
    assertThat(errors).extracting(e -> e.field() + ": " + e.reason()).containsExactly(
        "mitigatingControl: must say what control mitigates the conflict",
        "exceptionExpires: must be after today",
        "exceptionExpires: must be at most 90 days from today (config/access.yaml exceptionMaxDays)",
        "exceptionExpires: 'next month' is not a date such as 2027-06-30");
  }

  @Test
  void aFulfilmentSaysHowAndWhere() {
    List<FieldError> errors = new ArrayList<>();
    AccessRequestRules.checkFulfilment("system-console", "CHG-1", errors);
    assertThat(errors).isEmpty();
    AccessRequestRules.checkFulfilment(null, null, errors);
    assertThat(errors).extracting(e -> e.field() + ": " + e.reason()).containsExactly(
        "fulfilmentMethod: is required", "fulfilmentReference: is required");
  }
}
