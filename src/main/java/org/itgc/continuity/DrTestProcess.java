package org.itgc.continuity;

/** The contract of {@code processes/dr-test.bpmn}: key, element ids and variables that code and tests use. */
public final class DrTestProcess {

  public static final String KEY = "dr-test";

  private DrTestProcess() {}

  /** Element ids. */
  public static final class Elements {
    public static final String PLAN = "Task_PlanDrTest";
    public static final String RECORD = "Task_RecordDrTest";
    public static final String OWNER_SIGN_OFF = "Task_OwnerSignOff";
    public static final String IT_SIGN_OFF = "Task_ItSignOff";
    public static final String SIGN_OFF_OVERDUE = "BoundaryEvent_SignOffOverdue";
    public static final String ESCALATE_SIGN_OFF = "Task_EscalateSignOff";
    public static final String RECORD_FAILURE = "Task_RecordDrFailure";
    public static final String REMEDIATE = "Task_RemediateDrFailure";
    public static final String WAIT_FOR_RETEST = "Event_WaitForRetest";
    public static final String END_PASSED = "EndEvent_DrPassed";
    public static final String END_ALL_TESTED = "EndEvent_AllTested";

    private Elements() {}
  }

  /** Variables; all but systemId are local to the test of one system. */
  public static final class Variables {
    public static final String SYSTEM_ID = "systemId";
    public static final String RTO_OBJECTIVE = "rtoObjective";
    public static final String RPO_OBJECTIVE = "rpoObjective";
    public static final String TEST_ID = "drTestId";
    public static final String SCENARIO = "scenario";
    public static final String PARTICIPANTS = "participants";
    public static final String PLANNED_DATE = "plannedDate";
    public static final String OUTAGE_DECLARED = "outageDeclared";
    public static final String SERVICE_RESTORED = "serviceRestored";
    public static final String LAST_RECOVERED_POINT = "lastRecoveredPoint";
    public static final String EXECUTION_NOTES = "executionNotes";
    /** Boolean: RTO and RPO met. */
    public static final String PASSED = "drPassed";
    public static final String JUDGEMENT = "judgement";
    public static final String SIGN_OFF_CONFIRMED = "signOffConfirmed";
    public static final String SIGN_OFF_COMMENT = "signOffComment";
    public static final String REMEDIATION = "remediation";

    private Variables() {}
  }
}
