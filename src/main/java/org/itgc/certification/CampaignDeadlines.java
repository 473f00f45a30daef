package org.itgc.certification;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.certification.CampaignStore.Campaign;
import org.itgc.certification.CampaignStore.UndecidedCount;
import org.itgc.controls.ControlExceptions;
import org.itgc.notify.Notifier;
import org.itgc.platform.Role;
import org.itgc.security.UserAccounts;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * A reviewer's deadlines: the reminder before the due date, the escalation when it passes (to the reviewer's manager
 * and the governance leads) and, at the final deadline, the configured non-response action for every item still
 * undecided: revoke them, or record them as an AC-03 exception. Each notice is recorded in {@code cert_notice}.
 */
@Service
class CampaignDeadlines {

  private final CampaignStore store;
  private final CampaignRevocations revocations;
  private final ReviewerDirectory directory;
  private final ControlExceptions controlExceptions;
  private final UserAccounts users;
  private final Notifier notifier;
  private final AuditRecorder audit;
  private final Clock clock;
  private final String baseUrl;

  CampaignDeadlines(CampaignStore store, CampaignRevocations revocations, ReviewerDirectory directory,
      ControlExceptions controlExceptions, UserAccounts users, Notifier notifier, AuditRecorder audit, Clock clock,
      @Value("${itgc.base-url}") String baseUrl) {
    this.store = store;
    this.revocations = revocations;
    this.directory = directory;
    this.controlExceptions = controlExceptions;
    this.users = users;
    this.notifier = notifier;
    this.audit = audit;
    this.clock = clock;
    this.baseUrl = baseUrl;
  }

  /** BoundaryEvent_ReviewReminder: the reviewer hears that items are still undecided. */
  void remind(String processInstanceId, String reviewer) {
    notice(store.get(store.idOf(processInstanceId)), reviewer, "reminder");
  }

  /** BoundaryEvent_ReviewDue: the reviewer's manager and the governance leads hear of it. */
  void escalate(String processInstanceId, String reviewer) {
    notice(store.get(store.idOf(processInstanceId)), reviewer, "escalation");
  }

  private void notice(Campaign campaign, String reviewer, String kind) {
    String id = campaign.id();
    UndecidedCount counts = store.undecidedCount(id, reviewer);
    long undecided = counts.undecided();
    if (!CertificationRules.noticeDue(undecided)) {
      return;
    }
    Set<String> to = new LinkedHashSet<>();
    Map<String, Object> variables = new LinkedHashMap<>();
    variables.put("campaignId", id);
    variables.put("campaignName", campaign.name());
    variables.put("undecided", undecided);
    variables.put("items", counts.items());
    variables.put("dueDate", Campaign.shown(campaign.dueAt()));
    if ("reminder".equals(kind)) {
      users.email(reviewer).ifPresent(to::add);
      variables.put("recipientName", reviewer);
      variables.put("worklistUrl", CertificationRules.worklistUrl(baseUrl, id));
      send("certification-reminder", to, variables);
    } else {
      directory.managerLogin(reviewer).flatMap(users::email).ifPresent(to::add);
      to.addAll(users.emailsOf(Role.GOVERNANCE_LEAD));
      users.email(reviewer).ifPresent(to::add);
      variables.put("recipientName", "colleague");
      variables.put("reviewer", reviewer);
      variables.put("finalDeadline", Campaign.shown(campaign.finalAt()));
      variables.put("action", CertificationRules.nonResponseAnnounced(campaign.nonResponseAction()));
      send("certification-escalation", to, variables);
    }
    store.recordNotice(id, reviewer, kind, clock.instant(), List.copyOf(to), (int) undecided);
    audit.record(AuditEvent.system("certification." + kind, "campaign", id).detail("reviewer", reviewer)
        .detail("undecided", undecided).detail("recipients", List.copyOf(to)).build());
  }

  /** BoundaryEvent_FinalDeadline: the configured action for every item the reviewer left undecided. */
  void applyNonResponse(String processInstanceId, String reviewer) {
    Campaign campaign = store.get(store.idOf(processInstanceId));
    String id = campaign.id();
    Long[] undecided = store.undecidedItems(id, reviewer).toArray(Long[]::new);
    if (undecided.length == 0) {
      return;
    }
    Instant now = clock.instant();
    List<String> started = List.of();
    Long exception = null;
    if (CertificationRules.nonResponse(campaign.nonResponseAction()) == CertificationRules.NonResponse.REVOKE) {
      store.revokeForNonResponse(id, undecided, now);
      started = revocations.start(id, undecided, "non-response");
    } else {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("reviewer", reviewer);
      details.put("undecided", undecided.length);
      details.put("items", CertificationRules.first(Arrays.asList(undecided), CertificationRules.LISTED_IN_EXCEPTION));
      exception = controlExceptions.raise("AC-03", "campaign", id, reviewer + " left " + undecided.length
          + " grants undecided in access review " + id, details, users.emailsOf(Role.GOVERNANCE_LEAD));
      store.markNonResponse(id, undecided, exception);
    }
    store.addDecided(id, reviewer, undecided.length);
    store.recordNotice(id, reviewer, "non-response", now, List.of(), undecided.length);
    audit.record(AuditEvent.system("certification.non-response", "campaign", id).detail("reviewer", reviewer)
        .detail("items", undecided.length).detail("itemIds", Arrays.asList(undecided))
        .detail("action", campaign.nonResponseAction())
        .detail("revocations", started).detail("exceptionId", exception).build());
  }

  private void send(String template, Set<String> to, Map<String, Object> variables) {
    to.removeIf(r -> r == null || r.isBlank());
    if (!to.isEmpty()) {
      notifier.send(template, to, variables);
    }
  }
}
