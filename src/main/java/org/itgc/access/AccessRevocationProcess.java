package org.itgc.access;

import org.itgc.platform.ProcessVariable;

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

  /** The process's data, each declared once with its type; all but the first three are local to one removal. */
  public static final class Data {
    public static final ProcessVariable<String> REVOCATION = ProcessVariable.text("revocationId");
    public static final ProcessVariable<String> IDENTITY = ProcessVariable.text("identityId");
    /** termination, role-change, certification-revoke or sod-remediation (input of revocation-sla). */
    public static final ProcessVariable<String> REASON = ProcessVariable.text("reason");
    /** The loop's element: the id of one access_revocation_item. */
    public static final ProcessVariable<String> ITEM = ProcessVariable.text("revocationItemId");
    public static final ProcessVariable<String> SYSTEM = ProcessVariable.text("systemId");
    public static final ProcessVariable<String> ENTITLEMENT = ProcessVariable.text("entitlementId");
    public static final ProcessVariable<String> SYSTEM_TIER = ProcessVariable.text("systemTier");
    public static final ProcessVariable<Boolean> PRIVILEGED = ProcessVariable.flag("privileged");
    /** Output of revocation-sla. */
    public static final ProcessVariable<Long> SLA_BUSINESS_DAYS = ProcessVariable.number("slaBusinessDays");
    public static final ProcessVariable<java.time.Instant> DEADLINE = ProcessVariable.instant("removalDeadline");
    public static final ProcessVariable<java.time.Instant> REMINDER_AT = ProcessVariable.instant("removalReminderAt");
    public static final ProcessVariable<String> SUMMARY = ProcessVariable.text("removalSummary");

    private Data() {}
  }

  /**
   * Texts the server writes for the removal form to show, from its own records, local to one removal: display only.
   * No gateway, listener or service reads them back, and no form may submit them.
   */
  public static final class Display {
    /** The entitlement by name with its system by name and tier. */
    public static final String ACCESS = "removalAccessDisplay";
    /** When the removal is due, in the business calendar's zone. */
    public static final String DUE = "removalDueDisplay";

    private Display() {}
  }

  /** The fields of the removal form. */
  public static final class Fields {
    public static final String REMOVED_AT = "removedAt";
    public static final String METHOD = "removalMethod";
    public static final String REFERENCE = "removalReference";

    private Fields() {}
  }
}
