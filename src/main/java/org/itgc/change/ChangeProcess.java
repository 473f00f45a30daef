package org.itgc.change;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import org.itgc.platform.ProcessVariable;

/**
 * The contract of {@code processes/change-request.bpmn} in one place: the process key, the element ids that code
 * and tests refer to, the process's data (name and type), its forms' fields, and the approval steps with the
 * decisions each allows.
 */
public final class ChangeProcess {

  public static final String KEY = "change-request";
  public static final String DECISION_KEY = "change-criticality";

  private ChangeProcess() {}

  /** Element ids of the model that code and tests refer to. */
  public static final class Elements {
    public static final String REGISTER = "Task_RegisterChange";
    public static final String TECHNICAL_REVIEW = "Task_TechnicalReview";
    public static final String CAB_REVIEW = "Task_CabReview";
    public static final String IT_APPROVAL = "Task_ItApproval";
    public static final String FINANCE_APPROVAL = "Task_FinanceApproval";
    public static final String IMPLEMENT = "Task_Implement";
    public static final String POST_IMPLEMENTATION_REVIEW = "Task_PostImplementationReview";
    public static final String REWORK = "Task_ReworkChange";
    public static final String IMPLEMENT_EMERGENCY = "Task_ImplementEmergency";
    public static final String RETRO_CAB = "Task_RetroCabApproval";
    public static final String RETRO_IT = "Task_RetroItApproval";
    public static final String RETRO_FINANCE = "Task_RetroFinanceApproval";
    public static final String ROLL_BACK_EMERGENCY = "Task_RollBackEmergency";
    public static final String RETROSPECTIVE_OVERDUE = "BoundaryEvent_RetrospectiveApprovalOverdue";
    public static final String RECORD_EMERGENCY_OVERDUE = "Task_RecordEmergencyOverdue";
    public static final String END_CLOSED = "EndEvent_ChangeClosed";
    public static final String END_REJECTED = "EndEvent_ChangeRejected";
    public static final String END_FAILED = "EndEvent_ChangeFailed";
    public static final String END_OVERDUE_RECORDED = "EndEvent_OverdueRecorded";

    private Elements() {}
  }

  /**
   * The process's data, each declared once with its type: what the server writes (the change's id, the schedule's
   * judgement, the decision's result) and what the gateways decide on. What a person submits is in {@link Fields}.
   */
  public static final class Data {
    public static final ProcessVariable<String> CHANGE_ID = ProcessVariable.text("changeId");
    /** Who started the change ({@code camunda:initiator}), or who the server opened it for. */
    public static final ProcessVariable<String> REQUESTER = ProcessVariable.text("requester");
    /** One of standard, normal or emergency once the change is registered; the gateways read it. */
    public static final ProcessVariable<String> CHANGE_TYPE = ProcessVariable.text("changeType");
    public static final ProcessVariable<String> SYSTEM_TIER = ProcessVariable.text("systemTier");
    /** Planned outside every maintenance window of the system. */
    public static final ProcessVariable<Boolean> OUTSIDE_MAINTENANCE_WINDOW = ProcessVariable.flag("outsideMaintenanceWindow");
    /** Inside a freeze period or overlapping another approved change: always goes to the CAB. */
    public static final ProcessVariable<Boolean> SCHEDULE_CONFLICT = ProcessVariable.flag("scheduleConflict");
    public static final ProcessVariable<String> SCHEDULE_FINDINGS = ProcessVariable.text("scheduleFindings");
    /** The change-criticality decision's single result (its outputs by name), {@code camunda:resultVariable}. */
    public static final ProcessVariable<java.util.Map<String, Object>> ASSESSMENT = ProcessVariable.entries("assessment");
    /** The decision's outputs, mapped out of the assessment for the gateways. */
    public static final ProcessVariable<String> CRITICALITY = ProcessVariable.text("criticality");
    public static final ProcessVariable<Boolean> CAB_REVIEW_REQUIRED = ProcessVariable.flag("cabReviewRequired");
    public static final ProcessVariable<Boolean> FINANCE_APPROVAL_REQUIRED = ProcessVariable.flag("financeApprovalRequired");
    public static final ProcessVariable<Boolean> TEST_EVIDENCE_REQUIRED = ProcessVariable.flag("testEvidenceRequired");
    /** In a follow-up change: the failed change it follows. */
    public static final ProcessVariable<String> FOLLOW_UP_OF = ProcessVariable.text("followUpOf");

    private Data() {}
  }

  /**
   * The fields of the forms: what a person (or a client of the API) submits, read as submitted. The request's fields
   * (start and rework forms) are read together by {@link ChangeValidation#fromVariables}; the task forms' with
   * {@link org.itgc.platform.TaskInputs}.
   */
  /**
   * Texts the server writes for the task forms to show, from its own records: display only. No gateway, listener or
   * service reads them back; what decides is in {@link Data} and the change's table.
   */
  public static final class Display {
    /** The system's name, id and tier from the inventory. */
    public static final String SYSTEM = "systemDisplay";
    /** The system's weekly maintenance windows, in the business calendar's time zone. */
    public static final String MAINTENANCE_WINDOWS = "maintenanceWindowsDisplay";
    /** The planned implementation window as recorded, in the business calendar's time zone. */
    public static final String PLANNED_WINDOW = "plannedWindowDisplay";
    /** Each decision so far: step, decision, who, when and the comment. */
    public static final String DECISIONS = "decisionsSoFar";
    /** The criticality decision's matched rule, its inputs and what it requires. */
    public static final String CRITICALITY_EXPLANATION = "criticalityExplanation";

    private Display() {}
  }

  public static final class Fields {
    public static final String TITLE = "title";
    public static final String SYSTEM_ID = "systemId";
    public static final String CHANGE_TYPE = "changeType";
    /** For standard changes: the pre-approved type of config/standard-changes.yaml. */
    public static final String STANDARD_CHANGE_TYPE = "standardChangeType";
    public static final String DESCRIPTION = "description";
    public static final String JUSTIFICATION = "justification";
    /** A checkbox (true or false; a client may send its text). */
    public static final String TOUCHES_FINANCIAL_DATA = "touchesFinancialData";
    public static final String IMPLEMENTATION_PLAN = "implementationPlan";
    public static final String HAS_TESTED_ROLLBACK = "hasTestedRollback";
    public static final String ROLLBACK_PLAN = "rollbackPlan";
    /** ISO-8601 date-time with offset, as Camunda Forms submit it. */
    public static final String PLANNED_START = "plannedStart";
    public static final String PLANNED_END = "plannedEnd";
    public static final String REPOSITORY = "repository";
    /** One commit id or pull request per line. */
    public static final String COMMITS = "commits";
    public static final String TEST_EVIDENCE = "testEvidence";
    public static final String TEST_EVIDENCE_LINKS = "testEvidenceLinks";
    /** The fields of a change request (start and rework forms), which a follow-up change starts with. */
    public static final java.util.List<String> REQUEST = java.util.List.of(TITLE, SYSTEM_ID, CHANGE_TYPE,
        STANDARD_CHANGE_TYPE, DESCRIPTION, JUSTIFICATION, TOUCHES_FINANCIAL_DATA, IMPLEMENTATION_PLAN,
        HAS_TESTED_ROLLBACK, ROLLBACK_PLAN, PLANNED_START, PLANNED_END, REPOSITORY, COMMITS, TEST_EVIDENCE,
        TEST_EVIDENCE_LINKS);

    /** Approval forms; task-local, mapped to {@code <step>Decision} and {@code <step>Comment}. */
    public static final String DECISION = "decision";
    public static final String COMMENT = "comment";
    /** Implementation form. */
    public static final String DEPLOYMENT_REFERENCE = "deploymentReference";
    public static final String IMPLEMENTATION_NOTES = "implementationNotes";
    /** Post-implementation review form; the gateway after it reads the outcome. */
    public static final String REVIEW_OUTCOME = "reviewOutcome";
    public static final String REVIEW_COMMENT = "reviewComment";
    public static final String ROLLBACK_DETAILS = "rollbackDetails";
    /** Roll-back form (with the rollback details). */
    public static final String ROLLBACK_CONFIRMED = "rollbackConfirmed";

    private Fields() {}
  }

  /** The extension property of each approval task that names its {@link ApprovalStep}. */
  public static final String APPROVAL_STEP_PROPERTY = "approvalStep";

  /** The approval steps of the model (extension property {@code approvalStep} of each approval task). */
  public enum ApprovalStep {
    TECHNICAL_REVIEW("technical-review", false, Set.of("approve", "rework", "reject")),
    CAB("cab", false, Set.of("approve", "rework", "reject")),
    IT("it", false, Set.of("approve", "reject")),
    FINANCE("finance", false, Set.of("approve", "reject")),
    RETRO_CAB("retro-cab", true, Set.of("approve", "reject")),
    RETRO_IT("retro-it", true, Set.of("approve", "reject")),
    RETRO_FINANCE("retro-finance", true, Set.of("approve", "reject"));

    private final String id;
    private final boolean retrospective;
    private final Set<String> decisions;

    ApprovalStep(String id, boolean retrospective, Set<String> decisions) {
      this.id = id;
      this.retrospective = retrospective;
      this.decisions = decisions;
    }

    public String id() {
      return id;
    }

    public boolean retrospective() {
      return retrospective;
    }

    public Set<String> decisions() {
      return decisions;
    }

    public static Optional<ApprovalStep> of(String id) {
      return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst();
    }
  }

  /** Lifecycle states of a change as the change record shows them. */
  public static final class Status {
    public static final String REQUESTED = "requested";
    public static final String APPROVED = "approved";
    public static final String IMPLEMENTED = "implemented";
    public static final String CLOSED = "closed";
    public static final String REJECTED = "rejected";
    public static final String FAILED = "failed";
    public static final String ROLLED_BACK = "rolled-back";
    /** States in which a production deployment of the change is legitimate. */
    public static final Set<String> DEPLOYABLE = Set.of(APPROVED, IMPLEMENTED, CLOSED);

    private Status() {}
  }
}
