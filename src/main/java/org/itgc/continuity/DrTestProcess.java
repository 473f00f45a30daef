package org.itgc.continuity;

import org.itgc.platform.ProcessVariable;

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

  /** The process's data, each declared once with its type; all but the system are local to one system's test. */
  public static final class Data {
    /** The system under test: chosen on the start form, else each system in scope (the loop's element). */
    public static final ProcessVariable<String> SYSTEM = ProcessVariable.text("systemId");
    public static final ProcessVariable<String> RTO_OBJECTIVE = ProcessVariable.text("rtoObjective");
    public static final ProcessVariable<String> RPO_OBJECTIVE = ProcessVariable.text("rpoObjective");
    public static final ProcessVariable<String> TEST = ProcessVariable.text("drTestId");
    /** RTO and RPO met; the gateway after the recording reads it. */
    public static final ProcessVariable<Boolean> PASSED = ProcessVariable.flag("drPassed");
    public static final ProcessVariable<String> JUDGEMENT = ProcessVariable.text("judgement");

    private Data() {}
  }

  /**
   * Texts the server writes for the task forms to show, from the inventory and the test's row, local to one system's
   * test: display only. No gateway, listener or service reads them back, and no form may submit them.
   */
  public static final class Display {
    /** The system by name and tier with its RTO and RPO. */
    public static final String SYSTEM = "systemDisplay";
    /** The planned day, then the moments recorded, in the business calendar's zone. */
    public static final String PLANNED_DATE = "plannedDateDisplay";
    public static final String OUTAGE_DECLARED = "outageDeclaredDisplay";
    public static final String SERVICE_RESTORED = "serviceRestoredDisplay";
    public static final String LAST_RECOVERED_POINT = "lastRecoveredPointDisplay";

    private Display() {}
  }

  /** The fields of the task forms (what a person submits, read with {@link org.itgc.platform.TaskInputs}). */
  public static final class Fields {
    public static final String SCENARIO = "scenario";
    public static final String PARTICIPANTS = "participants";
    public static final String PLANNED_DATE = "plannedDate";
    public static final String OUTAGE_DECLARED = "outageDeclared";
    public static final String SERVICE_RESTORED = "serviceRestored";
    public static final String LAST_RECOVERED_POINT = "lastRecoveredPoint";
    public static final String EXECUTION_NOTES = "executionNotes";
    public static final String SIGN_OFF_CONFIRMED = "signOffConfirmed";
    public static final String SIGN_OFF_COMMENT = "signOffComment";
    public static final String REMEDIATION = "remediation";

    private Fields() {}
  }
}
