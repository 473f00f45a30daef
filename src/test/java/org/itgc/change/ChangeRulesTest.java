package org.itgc.change;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.itgc.change.ChangeProcess.ApprovalStep;
import org.itgc.platform.web.InvalidInputException.FieldError;
import org.junit.jupiter.api.Test;

/** The rules of a change's steps, without the engine or a database. */
class ChangeRulesTest {

  private static final Instant AT = Instant.parse("2026-12-03T10:00:00Z");

  @Test
  void theAssessmentReadsTheDecisionsOutputsAndAMissingFlagRequiresNothing() {
    Map<String, Object> outputs = new HashMap<>();
    outputs.put("criticality", "high");
    outputs.put("cabReviewRequired", true);
    outputs.put("financeApprovalRequired", false);
    outputs.put("testEvidenceRequired", true);
    assertThat(ChangeRules.assessment(outputs)).isEqualTo(new ChangeRules.Assessment("high", true, false, true));
    Map<String, Object> sparse = new HashMap<>();
    sparse.put("criticality", 3);
    sparse.put("cabReviewRequired", "true");
    assertThat(ChangeRules.assessment(sparse)).isEqualTo(new ChangeRules.Assessment(null, false, false, false));
  }

  @Test
  void testEvidenceIsRequiredWhenTheAssessmentSaysSoExceptForAnEmergency() {
    var required = new ChangeRules.Assessment("high", true, true, true);
    assertThat(ChangeRules.missingTestEvidence(required, "normal", null)).contains(new FieldError("testEvidence",
        "is required for this change (criticality high): describe what was tested and the result"));
    assertThat(ChangeRules.missingTestEvidence(required, "standard", "  \n")).isPresent();
    assertThat(ChangeRules.missingTestEvidence(required, "normal", "regression suite green")).isEmpty();
    assertThat(ChangeRules.missingTestEvidence(required, "emergency", null)).isEmpty();
    assertThat(ChangeRules.missingTestEvidence(new ChangeRules.Assessment("low", false, false, false), "normal", null))
        .isEmpty();
  }

  @Test
  void theRequesterDecidesOnNoStep() {
    assertThat(ChangeRules.requesterDecides("CHG-1", ApprovalStep.CAB, "rachel", "rachel"))
        .contains("The requester of CHG-1 cannot decide on it (cab)");
    assertThat(ChangeRules.requesterDecides("CHG-1", ApprovalStep.CAB, "carlos", "rachel")).isEmpty();
  }

  @Test
  void onePersonGivesOneApprovalButMayRejectOrAskForReworkAfterApproving() {
    assertThat(ChangeRules.secondApproval("CHG-1", "carlos", "approve", List.of("technical-review", "cab")))
        .contains("carlos already approved CHG-1 (technical-review, cab); one person gives one approval of a change");
    assertThat(ChangeRules.secondApproval("CHG-1", "carlos", "approve", List.of())).isEmpty();
    assertThat(ChangeRules.secondApproval("CHG-1", "carlos", "reject", List.of("cab"))).isEmpty();
    assertThat(ChangeRules.secondApproval("CHG-1", "carlos", "rework", List.of("cab"))).isEmpty();
  }

  @Test
  void aDecisionIsOneTheStepAllowsWithItsReasons() {
    assertThat(ChangeRules.decisionErrors(ApprovalStep.CAB, "rework", "needs a rollback plan")).isEmpty();
    assertThat(ChangeRules.decisionErrors(ApprovalStep.IT, "rework", "why")).containsExactly(
        new FieldError("decision", "must be one of [approve, reject]"));
    assertThat(ChangeRules.decisionErrors(ApprovalStep.TECHNICAL_REVIEW, null, " ")).containsExactly(
        new FieldError("decision", "must be one of [approve, reject, rework]"),
        new FieldError("comment", "is required: give the reasons for the decision"));
    assertThat(ChangeRules.decisionErrors(ApprovalStep.RETRO_FINANCE, "approve", null)).containsExactly(
        new FieldError("comment", "is required: give the reasons for the decision"));
    // the decision is compared as submitted: the gateway reads it so
    assertThat(ChangeRules.decisionErrors(ApprovalStep.FINANCE, " approve", "ok")).hasSize(1);
    assertThat(ChangeRules.rejects("reject")).isTrue();
    assertThat(ChangeRules.rejects("rework")).isFalse();
  }

  @Test
  void breakGlassNeedsAnApprovalBySomeoneIndependentAndNoRejection() {
    var byCarlos = approval("retro-cab", "approve", "carlos", true);
    assertThat(ChangeRules.approvedByAnother(List.of(byCarlos), "ada", "rachel", "dev")).isTrue();
    assertThat(ChangeRules.approvedByAnother(List.of(byCarlos), "carlos", "rachel", "dev")).as("the admin").isFalse();
    assertThat(ChangeRules.approvedByAnother(List.of(byCarlos), "ada", "carlos", "dev")).as("the requester").isFalse();
    assertThat(ChangeRules.approvedByAnother(List.of(byCarlos), "ada", "rachel", "carlos")).as("the implementer")
        .isFalse();
    assertThat(ChangeRules.approvedByAnother(List.of(byCarlos, approval("retro-it", "reject", "ivan", true)), "ada",
        "rachel", "dev")).as("a rejection").isFalse();
    assertThat(ChangeRules.approvedByAnother(List.of(), "ada", "rachel", null)).isFalse();
  }

  @Test
  void theDeveloperDoesNotDeploy() {
    assertThat(ChangeRules.requesterDeploys("CHG-1", "rachel", "rachel"))
        .contains("The requester of CHG-1 cannot deploy it (developer and deployer must differ)");
    assertThat(ChangeRules.requesterDeploys("CHG-1", "dora", "rachel")).isEmpty();
    assertThat(ChangeRules.authorDeploys("CHG-1", "dora", Set.of("abc1234")))
        .contains("dora wrote commit(s) abc1234 of CHG-1 and cannot deploy it (developer and deployer must differ)");
    assertThat(ChangeRules.authorDeploys("CHG-1", "dora", Set.of())).isEmpty();
  }

  @Test
  void anImplementationNamesItsDeploymentAndWhatWasDone() {
    assertThat(ChangeRules.implementationErrors("pipeline #12", "deployed")).isEmpty();
    assertThat(ChangeRules.implementationErrors(null, null)).containsExactly(
        new FieldError("deploymentReference", "is required: the pipeline run, release or ticket"),
        new FieldError("implementationNotes", "is required"));
    assertThat(ChangeRules.implementationErrors("pipeline #12", null)).extracting(FieldError::field)
        .containsExactly("implementationNotes");
  }

  @Test
  void theDeployerDoesNotReviewAndAFailedReviewSaysWhatWasRolledBack() {
    assertThat(ChangeRules.deployerReviews("CHG-1", "dora", "dora"))
        .contains("The deployer of CHG-1 cannot review its implementation");
    assertThat(ChangeRules.deployerReviews("CHG-1", "olga", "dora")).isEmpty();
    assertThat(ChangeRules.deployerReviews("CHG-1", "olga", null)).isEmpty();
    assertThat(ChangeRules.reviewErrors("success", "fine", null)).isEmpty();
    assertThat(ChangeRules.reviewErrors("failed", "broke the close", "restored release 41")).isEmpty();
    assertThat(ChangeRules.reviewErrors("failed", "broke the close", null)).containsExactly(
        new FieldError("rollbackDetails", "is required when the change failed: what was rolled back"));
    assertThat(ChangeRules.reviewErrors("partly", null, null)).containsExactly(
        new FieldError("reviewOutcome", "must be success or failed"), new FieldError("reviewComment", "is required"));
  }

  @Test
  void aRollBackSaysWhatWasRolledBackAndIsConfirmed() {
    assertThat(ChangeRules.rollbackError("restored release 41", true)).isEmpty();
    assertThat(ChangeRules.rollbackError(null, true)).contains(new FieldError("rollbackDetails", "is required"));
    assertThat(ChangeRules.rollbackError(null, false)).contains(new FieldError("rollbackDetails", "is required"));
    assertThat(ChangeRules.rollbackError("restored release 41", false))
        .contains(new FieldError("rollbackConfirmed", "confirm that the change was rolled back"));
  }

  @Test
  void aRejectedChangeStaysRolledBackAndAFollowUpNamesTheChangeItFollows() {
    assertThat(ChangeRules.recordAsRejected("requested")).isTrue();
    assertThat(ChangeRules.recordAsRejected("rejected")).isTrue();
    assertThat(ChangeRules.recordAsRejected("rolled-back")).isFalse();
    assertThat(ChangeRules.followUpTitle("CHG-7", "Patch the ledger")).isEqualTo("Follow-up to CHG-7: Patch the ledger");
    assertThat(ChangeRules.retrospectiveDecisions(List.of(approval("technical-review", "approve", "sam", false),
        approval("retro-cab", "approve", "carlos", true), approval("retro-it", "reject", "ivan", true))))
        .containsExactly("retro-cab=approve", "retro-it=reject");
  }

  private static ChangeRecords.Approval approval(String step, String decision, String by, boolean retrospective) {
    return new ChangeRecords.Approval(step, decision, "because", by, AT, retrospective);
  }
}
