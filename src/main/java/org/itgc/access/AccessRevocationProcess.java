package org.itgc.access;

/** The contract of {@code processes/access-revocation.bpmn}: key, element ids and variables that code and tests use. */
public final class AccessRevocationProcess {

  public static final String KEY = "access-revocation";

  private AccessRevocationProcess() {}

  /** Element ids. */
  public static final class Elements {
    public static final String DETERMINE_SLA = "Task_DetermineSla";
    public static final String SCHEDULE = "Task_ScheduleRemoval";
    public static final String REMOVE_BY_CONNECTOR = "Task_RemoveByConnector";
    public static final String REMOVE = "Task_RemoveAccess";
    public static final String REMINDER = "BoundaryEvent_RemovalReminder";
    public static final String DEADLINE = "BoundaryEvent_RemovalDeadline";
    public static final String SEND_REMINDER = "Task_SendRemovalReminder";
    public static final String ESCALATE = "Task_EscalateOverdueRemoval";
    public static final String END_REMOVED = "EndEvent_AccessRemoved";
    public static final String END_ALL_REMOVED = "EndEvent_AllRemoved";

    private Elements() {}
  }

  /** Variables; all but the first three are local to the removal of one grant. */
  public static final class Variables {
    public static final String REVOCATION_ID = "revocationId";
    public static final String IDENTITY_ID = "identityId";
    /** termination, role-change, certification-revoke or sod-remediation (input of revocation-sla). */
    public static final String REASON = "reason";
    /** Element variable: the id of one access_revocation_item. */
    public static final String ITEM_ID = "revocationItemId";
    public static final String SYSTEM_ID = "systemId";
    public static final String ENTITLEMENT_ID = "entitlementId";
    public static final String SYSTEM_TIER = "systemTier";
    public static final String PRIVILEGED = "privileged";
    public static final String SLA_BUSINESS_DAYS = "slaBusinessDays";
    public static final String DEADLINE = "removalDeadline";
    public static final String REMINDER_AT = "removalReminderAt";
    public static final String SUMMARY = "removalSummary";
    public static final String REMOVED_AT = "removedAt";
    public static final String METHOD = "removalMethod";
    public static final String REFERENCE = "removalReference";

    private Variables() {}
  }
}
