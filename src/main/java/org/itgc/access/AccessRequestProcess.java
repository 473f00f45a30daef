package org.itgc.access;

/** The contract of {@code processes/access-request.bpmn}: key, element ids and variables that code and tests use. */
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

  /** Variables. */
  public static final class Variables {
    public static final String REQUEST_ID = "accessRequestId";
    public static final String REQUESTER = "requester";
    /** Employee id of the person who gets the access; empty for the requester themselves. */
    public static final String BENEFICIARY_ID = "beneficiaryId";
    /** Comma-separated SYSTEM/ENTITLEMENT keys (the API); the start form's three fields are added to them. */
    public static final String ENTITLEMENTS = "entitlements";
    public static final String ENTITLEMENT_1 = "entitlement1";
    public static final String ENTITLEMENT_2 = "entitlement2";
    public static final String ENTITLEMENT_3 = "entitlement3";
    public static final String JUSTIFICATION = "justification";
    /** Boolean: when the request conflicts, ask for an SoD exception instead of being rejected. */
    public static final String EXCEPTION_REQUESTED = "exceptionRequested";
    public static final String SOD_CONFLICT = "sodConflict";
    /** Text for the forms: the conflicts found and the decision version. */
    public static final String SOD_CONFLICTS = "sodConflicts";
    public static final String SUMMARY = "requestSummary";
    public static final String PRIVILEGED = "privileged";
    /** Element variable of the system owners' multi-instance approval. */
    public static final String SYSTEM_ID = "systemId";
    public static final String APPROVED = "approved";
    public static final String COMMENT = "comment";
    public static final String MITIGATING_CONTROL = "mitigatingControl";
    public static final String EXCEPTION_EXPIRES = "exceptionExpires";
    public static final String EXCEPTION_GRANTED = "sodExceptionGranted";
    public static final String EXCEPTION_EXPIRES_AT = "sodExceptionExpiresAt";
    public static final String REJECTED = "rejected";
    public static final String FULFILMENT_METHOD = "fulfilmentMethod";
    public static final String FULFILMENT_REFERENCE = "fulfilmentReference";

    private Variables() {}
  }
}
