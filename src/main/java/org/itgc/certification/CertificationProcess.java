package org.itgc.certification;

import java.time.Instant;
import org.itgc.platform.ProcessVariable;

/** The contract of {@code processes/access-certification.bpmn}: key, element ids, data and form fields. */
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

  /**
   * The process's data, each declared once with its type: what the registration answers and the timers, the reviews'
   * loop and the forms read. Which campaign an instance is the phases read from {@code cert_campaign} by process
   * instance, never from {@link #CAMPAIGN_ID}, which is there for the forms and the API's start.
   */
  public static final class Data {
    public static final ProcessVariable<String> CAMPAIGN_ID = ProcessVariable.text("campaignId");
    /** The engine's initiator (the start event's {@code camunda:initiator}); none for the scheduled campaign. */
    public static final ProcessVariable<String> INITIATOR = ProcessVariable.text("initiator");
    /** The campaign's name as registered (the start's field of the same name, or the quarter's default). */
    public static final ProcessVariable<String> NAME = ProcessVariable.text("campaignName");
    /** The element variable of the reviews: one reviewer's login, local to each loop instance. */
    public static final ProcessVariable<String> REVIEWER = ProcessVariable.text("reviewer");
    /** The timers: reminder, review due (also the task's due date), final deadline. */
    public static final ProcessVariable<Instant> REVIEW_DUE = ProcessVariable.instant("reviewDue");
    public static final ProcessVariable<Instant> REMINDER_AT = ProcessVariable.instant("reminderAt");
    public static final ProcessVariable<Instant> FINAL_DEADLINE = ProcessVariable.instant("finalDeadline");
    public static final ProcessVariable<String> WORKLIST_URL = ProcessVariable.text("worklistUrl");
    public static final ProcessVariable<String> SUMMARY = ProcessVariable.text("campaignSummary");
    /**
     * Display only, local to each review task: the reviewer's own items and the due date as the server counted them when
     * the task opened. Nothing reads it back.
     */
    public static final ProcessVariable<String> REVIEW_SUMMARY = ProcessVariable.text("reviewSummary");

    private Data() {}
  }

  /**
   * The fields of the start form and of the API's start (what a person submits), read as submitted whatever type a
   * client sent, and of the review form.
   */
  public static final class Fields {
    public static final String NAME = "campaignName";
    /** Comma-separated tiers and systems of a campaign started by hand; empty: the scheduled scope. */
    public static final String TIERS = "tiers";
    public static final String SYSTEMS = "systems";
    /** Booleans: only {@code false} leaves privileged grants or service accounts out. */
    public static final String INCLUDE_PRIVILEGED = "includePrivileged";
    public static final String INCLUDE_SERVICE_ACCOUNTS = "includeServiceAccounts";
    public static final String DUE_BUSINESS_DAYS = "dueBusinessDays";
    /** The review form's confirmation; the server checks the items themselves. */
    public static final String CONFIRM_DECIDED = "confirmDecided";

    private Fields() {}
  }
}
