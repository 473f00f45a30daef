package org.itgc.continuity;

import org.itgc.platform.ProcessVariable;

/** The contract of {@code processes/backup-restore-test.bpmn}: its key, its data and its forms' fields. */
public final class RestoreTestProcess {

  public static final String KEY = "backup-restore-test";

  private RestoreTestProcess() {}

  /** The process's data, each declared once with its type; all but the start form's are local to one restore. */
  public static final class Data {
    /** Chosen on the start form (else every system of the configured tiers); then the system of one restore. */
    public static final ProcessVariable<String> SYSTEM = ProcessVariable.text("systemId");
    /** The period whose backups are drawn from, as the start form gives it (a date). */
    public static final ProcessVariable<String> PERIOD_FROM = ProcessVariable.text("periodFrom");
    public static final ProcessVariable<String> PERIOD_TO = ProcessVariable.text("periodTo");
    /** The loop's element: the restore test of one system. */
    public static final ProcessVariable<String> TEST = ProcessVariable.text("restoreTestId");
    public static final ProcessVariable<String> BACKUP_LOCATION = ProcessVariable.text("backupLocation");
    public static final ProcessVariable<String> CHECKSUM_EXPECTED = ProcessVariable.text("checksumExpected");
    public static final ProcessVariable<String> ROWS_EXPECTED = ProcessVariable.text("rowsExpected");
    public static final ProcessVariable<String> RTO_OBJECTIVE = ProcessVariable.text("rtoObjective");
    /** Checksum equal, counts within tolerance, restored within the RTO; the gateway after the recording reads it. */
    public static final ProcessVariable<Boolean> PASSED = ProcessVariable.flag("restorePassed");
    public static final ProcessVariable<String> JUDGEMENT = ProcessVariable.text("judgement");

    private Data() {}
  }

  /**
   * Texts the server writes for the task forms to show, local to one restore: display only. No gateway, listener or
   * service reads them back, and no form may submit them.
   */
  public static final class Display {
    /** The system by name and tier with its RTO and RPO, from the inventory. */
    public static final String SYSTEM = "systemDisplay";

    private Display() {}
  }

  /** The fields of the task forms. */
  public static final class Fields {
    public static final String RESTORE_STARTED = "restoreStarted";
    public static final String RESTORE_FINISHED = "restoreFinished";
    public static final String CHECKSUM_AFTER_RESTORE = "checksumAfterRestore";
    public static final String RESTORED_ROW_COUNT = "restoredRowCount";
    public static final String REMEDIATION = "remediation";

    private Fields() {}
  }
}
