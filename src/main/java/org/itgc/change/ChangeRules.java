package org.itgc.change;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.itgc.change.ChangeProcess.ApprovalStep;
import org.itgc.change.ChangeProcess.Fields;
import org.itgc.platform.web.InvalidInputException.FieldError;

/**
 * The rules of a change's steps as plain functions (unit-tested in ChangeRulesTest): what the criticality decision
 * requires, who may not decide, deploy or review (each answers the reason of the refusal), and what a decision,
 * implementation, review and roll-back must contain (each answers the fields at fault). {@link ChangeService} applies
 * them to the change's records.
 */
final class ChangeRules {

  static final String APPROVE = "approve";
  static final String REJECT = "reject";
  static final String EMERGENCY = "emergency";

  private ChangeRules() {}

  // ---------------------------------------------------------------- assessment

  /** What the change-criticality decision answered: the criticality and which approvals and evidence it requires. */
  record Assessment(String criticality, boolean cabReviewRequired, boolean financeApprovalRequired,
      boolean testEvidenceRequired) {}

  /** Reads the decision's outputs (by their names, which are the process's data names); a missing flag is false. */
  static Assessment assessment(Map<String, Object> outputs) {
    return new Assessment(outputs.get(ChangeProcess.Data.CRITICALITY.name()) instanceof String criticality
        ? criticality : null,
        Boolean.TRUE.equals(outputs.get(ChangeProcess.Data.CAB_REVIEW_REQUIRED.name())),
        Boolean.TRUE.equals(outputs.get(ChangeProcess.Data.FINANCE_APPROVAL_REQUIRED.name())),
        Boolean.TRUE.equals(outputs.get(ChangeProcess.Data.TEST_EVIDENCE_REQUIRED.name())));
  }

  /**
   * A change whose criticality requires test evidence must describe it, except an emergency change (which is tested
   * and approved after the fact).
   */
  static Optional<FieldError> missingTestEvidence(Assessment assessment, String changeType, String testEvidence) {
    if (assessment.testEvidenceRequired() && !EMERGENCY.equals(changeType)
        && (testEvidence == null || testEvidence.isBlank())) {
      return Optional.of(new FieldError(Fields.TEST_EVIDENCE, "is required for this change (criticality "
          + assessment.criticality() + "): describe what was tested and the result"));
    }
    return Optional.empty();
  }

  // ---------------------------------------------------------------- approvals

  /** The requester of a change decides on none of its steps. */
  static Optional<String> requesterDecides(String changeId, ApprovalStep step, String actor, String requester) {
    return actor.equals(requester)
        ? Optional.of("The requester of " + changeId + " cannot decide on it (" + step.id() + ")")
        : Optional.empty();
  }

  /** One person gives one approval of a change: {@code earlierSteps} are the steps the actor approved before. */
  static Optional<String> secondApproval(String changeId, String actor, String decision, List<String> earlierSteps) {
    return APPROVE.equals(decision) && !earlierSteps.isEmpty()
        ? Optional.of(actor + " already approved " + changeId + " (" + String.join(", ", earlierSteps)
            + "); one person gives one approval of a change")
        : Optional.empty();
  }

  /** A decision is one the step allows, with the reasons for it. */
  static List<FieldError> decisionErrors(ApprovalStep step, String decision, String comment) {
    List<FieldError> errors = new ArrayList<>();
    if (decision == null || !step.decisions().contains(decision)) {
      errors.add(new FieldError(Fields.DECISION, "must be one of " + step.decisions().stream().sorted().toList()));
    }
    if (comment == null || comment.isBlank()) {
      errors.add(new FieldError(Fields.COMMENT, "is required: give the reasons for the decision"));
    }
    return errors;
  }

  /** A rejection at any step rejects the change. */
  static boolean rejects(String decision) {
    return REJECT.equals(decision);
  }

  /**
   * At least one approval by someone who is neither the admin nor the change's requester or implementer, and no
   * rejection: the emergency is one an independent person vouches for (break-glass).
   */
  static boolean approvedByAnother(List<ChangeRecords.Approval> approvals, String admin, String requester,
      String implementer) {
    return approvals.stream().noneMatch(a -> REJECT.equals(a.decision()))
        && approvals.stream().anyMatch(a -> APPROVE.equals(a.decision()) && !admin.equals(a.decidedBy())
            && !a.decidedBy().equals(requester) && !a.decidedBy().equals(implementer));
  }

  // ---------------------------------------------------------------- implementation, review, roll-back

  /** The developer does not deploy: not the requester ... */
  static Optional<String> requesterDeploys(String changeId, String actor, String requester) {
    return actor.equals(requester)
        ? Optional.of("The requester of " + changeId + " cannot deploy it (developer and deployer must differ)")
        : Optional.empty();
  }

  /** ... nor an author of its commits ({@code authors}: the commits the actor wrote). */
  static Optional<String> authorDeploys(String changeId, String actor, Set<String> authors) {
    return authors.isEmpty() ? Optional.empty()
        : Optional.of(actor + " wrote commit(s) " + String.join(", ", authors) + " of " + changeId
            + " and cannot deploy it (developer and deployer must differ)");
  }

  /** An implementation names its deployment and says what was done. */
  static List<FieldError> implementationErrors(String deploymentReference, String notes) {
    List<FieldError> errors = new ArrayList<>();
    if (deploymentReference == null) {
      errors.add(new FieldError(Fields.DEPLOYMENT_REFERENCE, "is required: the pipeline run, release or ticket"));
    }
    if (notes == null) {
      errors.add(new FieldError(Fields.IMPLEMENTATION_NOTES, "is required"));
    }
    return errors;
  }

  /** The deployer does not review their own implementation. */
  static Optional<String> deployerReviews(String changeId, String actor, String implementedBy) {
    return actor.equals(implementedBy)
        ? Optional.of("The deployer of " + changeId + " cannot review its implementation")
        : Optional.empty();
  }

  /** A review has an outcome (success or failed) and a comment; a failure says what was rolled back. */
  static List<FieldError> reviewErrors(String outcome, String comment, String rollbackDetails) {
    List<FieldError> errors = new ArrayList<>();
    if (!"success".equals(outcome) && !"failed".equals(outcome)) {
      errors.add(new FieldError(Fields.REVIEW_OUTCOME, "must be success or failed"));
    }
    if (comment == null) {
      errors.add(new FieldError(Fields.REVIEW_COMMENT, "is required"));
    }
    if ("failed".equals(outcome) && rollbackDetails == null) {
      errors.add(new FieldError(Fields.ROLLBACK_DETAILS, "is required when the change failed: what was rolled back"));
    }
    return errors;
  }

  /** A roll-back says what was rolled back and is confirmed; the first field at fault. */
  static Optional<FieldError> rollbackError(String details, boolean confirmed) {
    if (details == null) {
      return Optional.of(new FieldError(Fields.ROLLBACK_DETAILS, "is required"));
    }
    if (!confirmed) {
      return Optional.of(new FieldError(Fields.ROLLBACK_CONFIRMED, "confirm that the change was rolled back"));
    }
    return Optional.empty();
  }

  // ---------------------------------------------------------------- end of a change

  /** A change that ends rejected is recorded as rejected, unless it was rolled back (a rejected emergency change). */
  static boolean recordAsRejected(String status) {
    return !ChangeProcess.Status.ROLLED_BACK.equals(status);
  }

  /** The title of the change that follows a failed one. */
  static String followUpTitle(String changeId, String title) {
    return "Follow-up to " + changeId + ": " + title;
  }

  /** The retrospective decisions given so far ("retro-cab=approve"), for the overdue emergency's exception. */
  static List<String> retrospectiveDecisions(List<ChangeRecords.Approval> approvals) {
    return approvals.stream().filter(ChangeRecords.Approval::retrospective)
        .map(a -> a.step() + "=" + a.decision()).toList();
  }
}
