package org.itgc.certification;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.itgc.platform.Role;
import org.itgc.platform.web.InvalidInputException.FieldError;

/**
 * The rules of an access certification campaign as plain functions (unit-tested in CertificationRulesTest): what a
 * campaign started by hand must say, who reviews which item and who replaces a reviewer of their own access, who may
 * decide or complete a review, when a decision needs a justification, who may reassign to whom, what the final
 * deadline does to undecided items and when a closure is an exception. The phases read the facts (from the campaign's
 * tables, the registry, the logins) and apply these.
 */
final class CertificationRules {

  static final String CERTIFY = "certify";
  static final String REVOKE = "revoke";
  /** Who started a campaign nobody started by hand. */
  static final String SCHEDULE = "schedule";
  static final int MIN_DUE_BUSINESS_DAYS = 1;
  static final int MAX_DUE_BUSINESS_DAYS = 60;
  /** How many item ids a refusal names and an exception lists at most. */
  static final int NAMED_IN_REFUSAL = 20;
  static final int LISTED_IN_EXCEPTION = 50;

  private CertificationRules() {}

  // ---------------------------------------------------------------- the start

  /** A comma- or space-separated list, each value once, in the order given. */
  static List<String> split(String value) {
    if (value == null) {
      return List.of();
    }
    return Arrays.stream(value.split("[,\\s]+")).map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
  }

  /** A campaign that names no tier or system and that nobody started by hand reviews the configured scope. */
  static boolean reviewsScheduledScope(String tiers, String systems, String initiator) {
    return tiers == null && systems == null && initiator == null;
  }

  /** Who launched the campaign: its initiator, or the schedule. */
  static String launchedBy(String initiator) {
    return initiator == null ? SCHEDULE : initiator;
  }

  /**
   * The business days reviewers have: the start's value (a number, possibly sent as a text or with a fraction, which is
   * cut off), between 1 and 60; none given: the configured default. A wrong value is added to {@code errors}.
   */
  static int dueBusinessDays(String value, int configured, List<FieldError> errors) {
    if (value == null || value.isBlank()) {
      return configured;
    }
    try {
      int days = (int) Double.parseDouble(value);
      if (days < MIN_DUE_BUSINESS_DAYS || days > MAX_DUE_BUSINESS_DAYS) {
        errors.add(new FieldError(CertificationProcess.Fields.DUE_BUSINESS_DAYS, "must be between 1 and 60 business days"));
      }
      return days;
    } catch (NumberFormatException e) {
      errors.add(new FieldError(CertificationProcess.Fields.DUE_BUSINESS_DAYS, "'" + value + "' is not a number of business days"));
      return configured;
    }
  }

  /** The business days after the launch the reminder goes out: {@code before} days ahead of the due date, not before the launch. */
  static int reminderBusinessDays(int dueBusinessDays, int reminderBusinessDaysBefore) {
    return Math.max(0, dueBusinessDays - reminderBusinessDaysBefore);
  }

  /** The name given, stripped; none: "Access review YEAR Qn" of the launch's quarter. */
  static String campaignName(String given, ZonedDateTime launchedAt) {
    if (given != null && !given.isBlank()) {
      return given.strip();
    }
    return "Access review " + launchedAt.getYear() + " Q" + ((launchedAt.getMonthValue() - 1) / 3 + 1);
  }

  static String campaignId(int year, long number) {
    return "CERT-" + year + "-" + String.format("%05d", number);
  }

  /** Where a campaign's reviewers decide, for mails: on the engine's configured address. */
  static String worklistUrl(String baseUrl, String campaignId) {
    return baseUrl + worklistPath(campaignId);
  }

  /** Where a campaign's reviewers decide, for the review task: relative, so it works on whatever host serves Tasklist. */
  static String worklistPath(String campaignId) {
    return "/certification/worklist.html?campaign=" + java.net.URLEncoder.encode(campaignId,
        java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * What the review task says of the reviewer's own items (never the campaign's), for display only: how many they
   * review, how many they have decided, and when the review is due as a readable time.
   */
  static String reviewSummary(String campaignId, String campaignName, long ownItems, long ownDecided, String due) {
    return campaignId + " " + campaignName + ": you review " + ownItems + (ownItems == 1 ? " item" : " items")
        + " (" + ownDecided + " decided when this task opened), due " + due;
  }

  // ---------------------------------------------------------------- who reviews

  /** The owner of a system who reviews its items: the technical owner, else the business owner, never {@code notThisOne}. */
  static Optional<String> owner(String technicalOwner, String businessOwner, String notThisOne) {
    return java.util.stream.Stream.of(technicalOwner, businessOwner).filter(u -> u != null && !u.equals(notThisOne))
        .findFirst();
  }

  /**
   * Who reviews an item of {@code self}'s own access instead of them: their manager, else another owner of the system,
   * else whoever launched the campaign unless that is them too; empty: nobody can.
   */
  static Optional<String> replacementReviewer(String self, Optional<String> manager,
      Supplier<Optional<String>> otherOwner, String launchedBy) {
    return manager.or(otherOwner).or(() -> launchedBy.equals(self) ? Optional.empty() : Optional.of(launchedBy));
  }

  /** Only the reviewer of a review task completes it. */
  static boolean mayCompleteReview(String actor, String reviewer) {
    return actor.equals(reviewer);
  }

  // ---------------------------------------------------------------- decisions

  /** An item as a decision sees it: whose it is and whether it is decided. */
  record ItemState(long id, String reviewer, String decision, boolean nonResponse, boolean privileged,
      List<String> flags) {

    ItemState(long id, String reviewer, String decision, boolean nonResponse) {
      this(id, reviewer, decision, nonResponse, false, List.of());
    }

    /** Privileged, or in conflict with segregation of duties: certifying it needs a justification. */
    boolean sensitive() {
      return privileged || flags.contains(SOD_CONFLICT) || flags.contains(PRIVILEGED);
    }

    boolean decided() {
      return decision != null || nonResponse;
    }
  }

  /** Decisions and reassignments are taken only while the campaign is open. */
  static boolean takesDecisions(String status) {
    return "open".equals(status);
  }

  /** A justification: the reason given, stripped; null when empty. */
  static String justification(String reason) {
    return reason == null || reason.isBlank() ? null : reason.strip();
  }

  /** A revocation must say why the access goes; a certification need not. */
  static boolean justificationRequired(String decision) {
    return REVOKE.equals(decision);
  }

  /** What is wrong with a decision as asked: the decision itself, the items named, the justification. */
  static List<FieldError> decisionErrors(String decision, List<Long> itemIds, String reason) {
    List<FieldError> errors = new ArrayList<>();
    if (!List.of(CERTIFY, REVOKE).contains(decision)) {
      errors.add(new FieldError("decision", "'" + decision + "' must be certify or revoke"));
    }
    if (itemIds == null || itemIds.isEmpty()) {
      errors.add(new FieldError("itemIds", "name at least one item"));
    }
    if (justificationRequired(decision) && justification(reason) == null) {
      errors.add(new FieldError("reason", "is required to revoke: say why the access goes"));
    }
    return errors;
  }

  /** The items a reviewer may not decide: another reviewer's. */
  static List<Long> itemsOfOthers(String reviewer, List<ItemState> items) {
    return items.stream().filter(i -> !reviewer.equals(i.reviewer())).map(ItemState::id).toList();
  }

  static final String SOD_CONFLICT = "sod-conflict";
  static final String PRIVILEGED = "privileged";

  /**
   * What is wrong with certifying these items without a justification: an SoD-flagged or privileged grant stays only
   * with a reason on record (empty when the decision is not certify or a justification is given).
   */
  static List<FieldError> certificationJustificationErrors(String decision, List<ItemState> items, String reason) {
    if (!CERTIFY.equals(decision) || justification(reason) != null) {
      return List.of();
    }
    List<Long> sensitive = items.stream().filter(ItemState::sensitive).map(ItemState::id).toList();
    if (sensitive.isEmpty()) {
      return List.of();
    }
    return List.of(new FieldError("reason", "is required to certify SoD-flagged or privileged access (item(s) "
        + sensitive.stream().limit(NAMED_IN_REFUSAL).map(String::valueOf).collect(java.util.stream.Collectors.joining(", "))
        + (sensitive.size() > NAMED_IN_REFUSAL ? ", ..." : "") + "): say why the access stays"));
  }

  /** The items decided already (by a reviewer or by the final deadline): the first decision stands. */
  static List<Long> decidedAlready(List<ItemState> items) {
    return items.stream().filter(ItemState::decided).map(ItemState::id).toList();
  }

  // ---------------------------------------------------------------- reassignment

  /** A login as a reassignment sees it. */
  record Login(String name, boolean enabled, Set<Role> roles) {}

  /** An item to reassign: its reviewer, whether it is decided, and the login of the person whose access it is. */
  record ReassignedItem(long id, String reviewer, String decision, String personLogin) {}

  /** Why an item cannot go to another reviewer. */
  enum ReassignRefusal { NOT_YOUR_ITEM, DECIDED, OWN_ACCESS }

  /**
   * What is wrong with a reassignment as asked: the items, the reason, and the new reviewer, who must be an active login
   * with the line-manager or system-owner role and not the one asking.
   */
  static List<FieldError> reassignmentErrors(List<Long> itemIds, String reason, String to, Optional<Login> target,
      String actor) {
    List<FieldError> errors = new ArrayList<>();
    if (itemIds == null || itemIds.isEmpty()) {
      errors.add(new FieldError("itemIds", "name at least one item"));
    }
    if (reason == null || reason.isBlank()) {
      errors.add(new FieldError("reason", "is required: why someone else should review"));
    }
    if (target.isEmpty() || !target.get().enabled()) {
      errors.add(new FieldError("to", "'" + to + "' is not an active login of this engine"));
    } else if (target.get().roles().stream().noneMatch(r -> r == Role.LINE_MANAGER || r == Role.SYSTEM_OWNER)) {
      errors.add(new FieldError("to", "'" + to + "' is neither a line manager nor a system owner"));
    } else if (to.equals(actor)) {
      errors.add(new FieldError("to", "is you"));
    }
    return errors;
  }

  /**
   * Whether an item may go to {@code to}: a reviewer moves only their own items (a governance lead any), an item
   * decided stays, and nobody gets their own access to review.
   */
  static Optional<ReassignRefusal> reassignRefusal(ReassignedItem item, String actor, boolean governanceLead, String to) {
    if (!governanceLead && !actor.equals(item.reviewer())) {
      return Optional.of(ReassignRefusal.NOT_YOUR_ITEM);
    }
    if (item.decision() != null) {
      return Optional.of(ReassignRefusal.DECIDED);
    }
    if (to.equals(item.personLogin())) {
      return Optional.of(ReassignRefusal.OWN_ACCESS);
    }
    return Optional.empty();
  }

  // ---------------------------------------------------------------- deadlines and closure

  /** What the final deadline does to the items a reviewer left undecided. */
  enum NonResponse { REVOKE, RAISE_EXCEPTION }

  /** The configured non-response action: {@code revoke} revokes them, anything else records an AC-03 exception. */
  static NonResponse nonResponse(String configured) {
    return REVOKE.equals(configured) ? NonResponse.REVOKE : NonResponse.RAISE_EXCEPTION;
  }

  /** The action as the escalation mail announces it. */
  static String nonResponseAnnounced(String configured) {
    return nonResponse(configured) == NonResponse.REVOKE ? "revoke every undecided item"
        : "record the undecided items as an AC-03 exception";
  }

  /** A reminder or an escalation goes out only to a reviewer with undecided items. */
  static boolean noticeDue(long undecided) {
    return undecided > 0;
  }

  /** A campaign closing with revocations not yet removed or items undecided records an AC-03 exception. */
  static boolean closesWithException(long openRevocations, long undecided) {
    return openRevocations > 0 || undecided > 0;
  }

  /** The first {@code max} of a list. */
  static <T> List<T> first(List<T> values, int max) {
    return values.size() > max ? values.subList(0, max) : values;
  }
}
