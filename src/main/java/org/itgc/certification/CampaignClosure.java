package org.itgc.certification;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.camunda.bpm.engine.RuntimeService;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.certification.CampaignStore.Campaign;
import org.itgc.certification.CampaignStore.Notice;
import org.itgc.certification.CampaignStore.Reassignment;
import org.itgc.certification.CampaignStore.ReportItem;
import org.itgc.certification.CampaignStore.ClosureCounts;
import org.itgc.controls.ControlExceptions;
import org.itgc.notify.Notifier;
import org.itgc.platform.Role;
import org.itgc.platform.web.ConflictException;
import org.itgc.security.UserAccounts;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * The end of a campaign: the wait for its revocations to be removed, closing by hand once the reviews are done, the
 * closure (counts, digest, anything still open recorded as an AC-03 exception, the governance leads told) and the
 * report an auditor reads: campaign, digest recomputed from the items, items with decisions and removals,
 * reassignments, notices.
 */
@Service
class CampaignClosure {

  private final CampaignStore store;
  private final ControlExceptions controlExceptions;
  private final UserAccounts users;
  private final Notifier notifier;
  private final AuditRecorder audit;
  private final RuntimeService runtimeService;
  private final Clock clock;
  private final String baseUrl;

  CampaignClosure(CampaignStore store, ControlExceptions controlExceptions, UserAccounts users, Notifier notifier,
      AuditRecorder audit, RuntimeService runtimeService, Clock clock, @Value("${itgc.base-url}") String baseUrl) {
    this.store = store;
    this.controlExceptions = controlExceptions;
    this.users = users;
    this.notifier = notifier;
    this.audit = audit;
    this.runtimeService = runtimeService;
    this.clock = clock;
    this.baseUrl = baseUrl;
  }

  /** The reviews are done: whether every revocation the campaign started has its access removed. */
  boolean revocationsRemoved(String processInstanceId) {
    String id = store.idOf(processInstanceId);
    store.markReviewed(id);
    return store.openRevocations(id) == 0;
  }

  /** Asks a campaign whose reviews are done to close now, with what is still open recorded as exceptions. */
  void requestClose(String id, String actor) {
    Campaign campaign = store.get(id);
    var waiting = runtimeService.createExecutionQuery().processInstanceId(campaign.processInstanceId())
        .messageEventSubscriptionName(CertificationProcess.CLOSE_MESSAGE).list();
    if (waiting.isEmpty()) {
      throw new ConflictException("campaign " + id + " is " + campaign.status()
          + ": it can be closed by hand once every review is done and it waits for revocations");
    }
    runtimeService.createMessageCorrelation(CertificationProcess.CLOSE_MESSAGE)
        .processInstanceId(campaign.processInstanceId()).correlate();
    audit.record(AuditEvent.of("certification.close-requested", "campaign", id).actor(actor, null).build());
  }

  /** Task_CloseCampaign: the closure, with anything still open recorded as an AC-03 exception. */
  void close(String processInstanceId) {
    Campaign campaign = store.get(store.idOf(processInstanceId));
    String id = campaign.id();
    ClosureCounts counts = store.closureCounts(id);
    long openRevocations = store.openRevocations(id);
    long undecided = counts.undecided();
    Long exception = null;
    if (CertificationRules.closesWithException(openRevocations, undecided)) {
      exception = controlExceptions.raise("AC-03", "campaign", id, "Access review " + id + " closed with "
          + openRevocations + " revocations not yet removed and " + undecided + " items undecided",
          Map.of("openRevocations", openRevocations, "undecided", undecided), users.emailsOf(Role.GOVERNANCE_LEAD));
    }
    // the closure's JSON keeps the names it always had
    Map<String, Object> closure = new LinkedHashMap<>();
    closure.put("items", counts.items());
    closure.put("certified", counts.certified());
    closure.put("revoked", counts.revoked());
    closure.put("undecided", counts.undecided());
    closure.put("non_response", counts.nonResponse());
    closure.put("openRevocations", openRevocations);
    closure.put("populationDigest", campaign.populationDigest());
    closure.put("exceptionId", exception);
    store.close(id, clock.instant(), closure);
    Map<String, Object> variables = new LinkedHashMap<>();
    variables.put("recipientName", "governance lead");
    variables.put("campaignId", id);
    variables.put("campaignName", campaign.name());
    variables.put("items", counts.items());
    variables.put("digest", campaign.populationDigest());
    variables.put("certified", counts.certified());
    variables.put("revoked", counts.revoked());
    variables.put("open", openRevocations + undecided);
    variables.put("reportUrl", baseUrl + "/api/certifications/" + id + "/report?format=xlsx");
    send("certification-closed", new LinkedHashSet<>(users.emailsOf(Role.GOVERNANCE_LEAD)), variables);
    audit.record(AuditEvent.system("certification.close", "campaign", id).detail("closure", store.toJson(closure))
        .build());
  }

  /**
   * Everything an auditor needs: campaign, digest taken at launch and recomputed from the items, items with decisions,
   * reassignments, notices (in this order in JSON, as the report always had).
   */
  record Report(Campaign campaign, String populationDigest, String recomputedDigest, List<ReportItem> items,
      List<Reassignment> reassignments, List<Notice> notices) {}

  Report report(String id) {
    Campaign campaign = store.get(id);
    List<ReportItem> items = store.reportItems(id);
    PopulationDigest digest = new PopulationDigest();
    for (ReportItem item : items) {
      digest.add(item.grantId(), item.identityId(), item.systemId(), item.entitlementId(), item.privileged(),
          item.grantedAt());
    }
    return new Report(campaign, campaign.populationDigest(), digest.hex(), items, store.reportReassignments(id),
        store.reportNotices(id));
  }

  private void send(String template, Set<String> to, Map<String, Object> variables) {
    to.removeIf(r -> r == null || r.isBlank());
    if (!to.isEmpty()) {
      notifier.send(template, to, variables);
    }
  }
}
