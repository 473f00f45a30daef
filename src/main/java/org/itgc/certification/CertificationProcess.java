package org.itgc.certification;

/** The contract of {@code processes/access-certification.bpmn}: key, element ids and variables. */
public final class CertificationProcess {

  public static final String KEY = "access-certification";
  public static final String CLOSE_MESSAGE = "CertificationCloseRequested";

  private CertificationProcess() {}

  /** Element ids. */
  public static final class Elements {
    public static final String LAUNCH = "Task_LaunchCampaign";
    public static final String REVIEWS = "SubProcess_Review";
    public static final String REVIEW = "Task_ReviewAccess";
    public static final String REMINDER = "BoundaryEvent_ReviewReminder";
    public static final String ESCALATION = "BoundaryEvent_ReviewDue";
    public static final String FINAL_DEADLINE = "BoundaryEvent_FinalDeadline";
    public static final String REMIND = "Task_RemindReviewer";
    public static final String ESCALATE = "Task_EscalateReview";
    public static final String NON_RESPONSE = "Task_ApplyNonResponse";
    public static final String WAIT_FOR_REVOCATIONS = "Event_WaitForRevocations";
    public static final String CLOSE_REQUESTED = "Event_CloseRequested";
    public static final String CLOSE = "Task_CloseCampaign";
    public static final String END_CLOSED = "EndEvent_CampaignClosed";

    private Elements() {}
  }

  /** Variables. */
  public static final class Variables {
    public static final String CAMPAIGN_ID = "campaignId";
    public static final String INITIATOR = "initiator";
    public static final String NAME = "campaignName";
    /** Comma-separated tiers and systems of a campaign started by hand; empty: the scheduled scope. */
    public static final String TIERS = "tiers";
    public static final String SYSTEMS = "systems";
    public static final String INCLUDE_PRIVILEGED = "includePrivileged";
    public static final String INCLUDE_SERVICE_ACCOUNTS = "includeServiceAccounts";
    public static final String DUE_BUSINESS_DAYS = "dueBusinessDays";
    /** Element variable of the reviews: one reviewer's login. */
    public static final String REVIEWER = "reviewer";
    public static final String REVIEW_DUE = "reviewDue";
    public static final String REMINDER_AT = "reminderAt";
    public static final String FINAL_DEADLINE = "finalDeadline";
    public static final String WORKLIST_URL = "worklistUrl";
    public static final String SUMMARY = "campaignSummary";

    private Variables() {}
  }
}
