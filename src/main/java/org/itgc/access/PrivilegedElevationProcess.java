package org.itgc.access;

import org.itgc.platform.ProcessVariable;

/**
 * The contract of {@code processes/privileged-elevation.bpmn} (control AC-06): key, element ids and variables that code
 * and tests use. The process is started by the server only ({@link Elevations#request}); what it decides on (kind,
 * approval by rule, approver roles, rejection, expiry, review due) is read from {@code access_elevation} by the glue,
 * never from a variable.
 */
public final class PrivilegedElevationProcess {

  public static final String KEY = "privileged-elevation";
  /** The decision that sets an elevation's rules, evaluated through the engine's decision service. */
  public static final String DECISION = "privileged-elevation";
  /** The decision that says which just-in-time grants may be held standing. */
  public static final String STANDING_DECISION = "privileged-standing";

  private PrivilegedElevationProcess() {}

  /** Element ids. */
  public static final class Elements {
    public static final String REGISTER = "Task_RegisterElevation";
    public static final String ALERT_BREAK_GLASS = "Task_AlertBreakGlass";
    public static final String RECORD_AUTO_APPROVAL = "Task_RecordAutoApproval";
    public static final String APPROVE = "Task_ApproveElevation";
    public static final String RECORD_REJECTION = "Task_RecordRejection";
    public static final String PROVISION = "Task_ProvisionElevation";
    public static final String PROVISION_BY_HAND = "Task_ProvisionByHand";
    public static final String UNTIL_EXPIRY = "TimerEvent_UntilExpiry";
    public static final String REMOVE = "Task_RemoveElevation";
    public static final String REMOVE_BY_HAND = "Task_RemoveByHand";
    public static final String REVIEW = "Task_ReviewBreakGlass";
    public static final String REVIEW_OVERDUE = "BoundaryEvent_ReviewOverdue";
    public static final String RAISE_REVIEW_EXCEPTION = "Task_RaiseReviewException";
    public static final String END_REJECTED = "EndEvent_Rejected";
    public static final String END_ENDED = "EndEvent_ElevationEnded";
    public static final String END_REVIEWED = "EndEvent_BreakGlassReviewed";
    public static final String END_REVIEW_OVERDUE = "EndEvent_ReviewOverdue";

    private Elements() {}
  }

  /** The process's data: the elevation's id, set by the server at the start (the business key is the same). */
  public static final class Data {
    public static final ProcessVariable<String> ELEVATION = ProcessVariable.text("elevationId");

    private Data() {}
  }

  /**
   * Texts the server writes for the forms to show, from its own records: display only. No gateway, listener or
   * service reads them back, and no form may submit them.
   */
  public static final class Display {
    /** Who, what, why, for how long, under which rule. */
    public static final String ELEVATION = "elevationDisplay";
    /** The person's events in the engine's audit trail during the window, local to the review task. */
    public static final String WINDOW_ACTIVITY = "windowActivityDisplay";

    private Display() {}
  }

  /** The fields of the forms. */
  public static final class Fields {
    public static final String DECISION = "decision";
    public static final String COMMENT = "comment";
    public static final String PROVISION_METHOD = "provisionMethod";
    public static final String PROVISION_REFERENCE = "provisionReference";
    public static final String REMOVAL_METHOD = "removalMethod";
    public static final String REMOVAL_REFERENCE = "removalReference";
    public static final String REVIEW_OUTCOME = "reviewOutcome";
    public static final String REVIEW_COMMENT = "reviewComment";

    private Fields() {}
  }
}
