package org.itgc.access;

import java.time.Instant;
import org.itgc.platform.ProcessVariable;

/** The contract of {@code processes/access-request.bpmn}: key, element ids, data and form fields that code and tests use. */
public final class AccessRequestProcess {

  public static final String KEY = "access-request";

  private AccessRequestProcess() {}

  /** Element ids. */
  public static final class Elements {
    public static final String REGISTER = "Task_RegisterRequest";
    public static final String SECURITY_EXCEPTION_APPROVAL = "Task_SecurityExceptionApproval";
    public static final String FINANCE_EXCEPTION_APPROVAL = "Task_FinanceExceptionApproval";
    public static final String LINE_MANAGER_APPROVAL = "Task_LineManagerApproval";
    public static final String SYSTEM_OWNER_APPROVAL = "Task_SystemOwnerApproval";
    public static final String SECURITY_ADMIN_APPROVAL = "Task_SecurityAdminApproval";
    public static final String PROVISION_BY_CONNECTOR = "Task_ProvisionByConnector";
    public static final String FULFIL = "Task_FulfilRequest";
    public static final String EXCEPTION_EXPIRES = "Event_ExceptionExpires";
    public static final String REOPEN_EXCEPTION = "Task_ReopenExpiredException";
    public static final String END_GRANTED = "EndEvent_Granted";
    public static final String END_REJECTED = "EndEvent_Rejected";
    public static final String END_REJECTED_FOR_CONFLICT = "EndEvent_RejectedForConflict";
    public static final String END_EXCEPTION_EXPIRED = "EndEvent_ExceptionExpired";

    private Elements() {}
  }

  /**
   * The process's data, each declared once with its type: what the registration answers and the gateways, timers and
   * task assignments read. The facts that decide who may approve (requester, beneficiary, items, approvals so far)
   * are read from the request's tables by process instance, never from these variables.
   */
  public static final class Data {
    public static final ProcessVariable<String> REQUEST_ID = ProcessVariable.text("accessRequestId");
    /** The engine's initiator (the start event's {@code camunda:initiator}). */
    public static final ProcessVariable<String> REQUESTER = ProcessVariable.text("requester");
    /** The employee id of the person who gets the access, as registered (the requester's own when none was named). */
    public static final ProcessVariable<String> BENEFICIARY_ID = ProcessVariable.text("beneficiaryId");
    /** When the request conflicts, ask for an SoD exception instead of being rejected (a gateway reads it). */
    public static final ProcessVariable<Boolean> EXCEPTION_REQUESTED = ProcessVariable.flag("exceptionRequested");
    public static final ProcessVariable<Boolean> SOD_CONFLICT = ProcessVariable.flag("sodConflict");
    /** Text for the forms: the conflicts found and the decision version. */
    public static final ProcessVariable<String> SOD_CONFLICTS = ProcessVariable.text("sodConflicts");
    public static final ProcessVariable<String> SUMMARY = ProcessVariable.text("requestSummary");
    public static final ProcessVariable<Boolean> PRIVILEGED = ProcessVariable.flag("privileged");
    /** The element variable of the system owners' multi-instance approval, local to each loop instance. */
    public static final ProcessVariable<String> SYSTEM = ProcessVariable.text("systemId");
    public static final ProcessVariable<Boolean> REJECTED = ProcessVariable.flag("rejected");
    /** The mitigating control the server accepted at the security admin's exception approval. */
    public static final ProcessVariable<String> MITIGATING_CONTROL = ProcessVariable.text("mitigatingControl");
    /** When the SoD exception expires (the timer {@code Event_ExceptionExpires} reads it). */
    public static final ProcessVariable<Instant> EXCEPTION_EXPIRES_AT = ProcessVariable.instant("sodExceptionExpiresAt");
    public static final ProcessVariable<Boolean> EXCEPTION_GRANTED = ProcessVariable.flag("sodExceptionGranted");

    private Data() {}
  }

  /**
   * Texts the server writes for the task forms to show, from its own records: display only. No gateway, listener or
   * service reads them back, and no form may submit them (they are not fields of any form).
   */
  public static final class Display {
    /** Each requested entitlement by name with its system by name and tier (the request's items, the catalogue). */
    public static final String REQUESTED_ACCESS = "requestedAccessDisplay";
    /** A system owner's task: the system approved, by name and tier, local to the task. */
    public static final String OWNER_SYSTEM = "ownerSystemDisplay";

    private Display() {}
  }

  /**
   * The fields of the forms and of the API's start (what a person submits). The start's fields become process
   * variables as submitted; the glue reads them as texts whatever type a client sent, as the registration always did.
   */
  public static final class Fields {
    /** Start: the beneficiary's employee id; empty for the requester themselves. */
    public static final String BENEFICIARY_ID = "beneficiaryId";
    /** Start (the API): comma-separated SYSTEM/ENTITLEMENT keys; the start form's three fields are added to them. */
    public static final String ENTITLEMENTS = "entitlements";
    public static final String ENTITLEMENT_1 = "entitlement1";
    public static final String ENTITLEMENT_2 = "entitlement2";
    public static final String ENTITLEMENT_3 = "entitlement3";
    public static final String JUSTIFICATION = "justification";
    /** Start: a boolean. */
    public static final String EXCEPTION_REQUESTED = "exceptionRequested";
    /** Approvals: approve or reject. */
    public static final String DECISION = "decision";
    public static final String COMMENT = "comment";
    /** The security admin's exception approval: the control that mitigates the conflict, and a date. */
    public static final String MITIGATING_CONTROL = "mitigatingControl";
    public static final String EXCEPTION_EXPIRES = "exceptionExpires";
    public static final String FULFILMENT_METHOD = "fulfilmentMethod";
    public static final String FULFILMENT_REFERENCE = "fulfilmentReference";

    private Fields() {}
  }
}
