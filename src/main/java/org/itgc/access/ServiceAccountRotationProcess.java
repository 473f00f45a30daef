package org.itgc.access;

/**
 * The contract of {@code processes/service-account-rotation.bpmn}: a security admin rotates by hand a service account's
 * credential that is due and that no working connector rotates (control AC-04). Started by the server only
 * ({@link ServiceAccountRotationTasks}); its business key names the server's task row, the only fact it reads.
 */
public final class ServiceAccountRotationProcess {

  public static final String KEY = "service-account-rotation";
  /** The business key of the instance of one row of access_service_account_rotation_task. */
  static final String BUSINESS_KEY_PREFIX = "SAR-";

  private ServiceAccountRotationProcess() {}

  /** Element ids. */
  public static final class Elements {
    public static final String START = "StartEvent_RotationDue";
    public static final String ROTATE = "Task_RotateCredentialByHand";
    public static final String END = "EndEvent_RotationRecorded";

    private Elements() {}
  }

  /** Texts the server writes for the form to show, from its own records: display only, never read back. */
  public static final class Display {
    public static final String ACCOUNT = "rotationAccountDisplay";
    public static final String WHY = "rotationReasonDisplay";
    public static final String DUE = "rotationDueDisplay";

    private Display() {}
  }

  /** The fields of the form {@code service-account-rotation}. */
  public static final class Fields {
    public static final String METHOD = "rotationMethod";
    public static final String REFERENCE = "rotationReference";

    private Fields() {}
  }
}
