package org.itgc.certification;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.itgc.certification.CampaignStore.Campaign;
import org.itgc.certification.CampaignStore.ReviewerCount;
import org.itgc.certification.CampaignStore.ReviewerProgress;
import org.itgc.certification.CampaignStore.WorklistItem;
import org.itgc.certification.CertificationProcess.Data;
import org.itgc.certification.CertificationProcess.Fields;
import org.itgc.platform.ProcessStarter;
import org.itgc.platform.web.FitsColumn;
import org.springframework.stereotype.Service;

/**
 * Access certification campaigns (controls AC-03, AC-04) as the API sees them: start, a campaign, its progress, a
 * reviewer's worklist, and the phases' operations a person asks for. The work is done by the phases:
 * {@link CampaignLaunch} (registration, frozen population and digest, reviewers), {@link CampaignReviews} (decisions,
 * reassignment, completing a review), {@link CampaignDeadlines} (reminder, escalation, non-response) and
 * {@link CampaignClosure} (the wait for revocations, closure, report); {@link CampaignStore} holds the SQL.
 */
@Service
public class Campaigns {

  public static final String CERTIFY = CertificationRules.CERTIFY;
  public static final String REVOKE = CertificationRules.REVOKE;

  private final CampaignStore store;
  private final CampaignReviews reviews;
  private final CampaignClosure closure;
  private final ProcessStarter starter;

  private final org.itgc.access.AccessCatalogue catalogue;

  Campaigns(CampaignStore store, CampaignReviews reviews, CampaignClosure closure, ProcessStarter starter,
      org.itgc.access.AccessCatalogue catalogue) {
    this.catalogue = catalogue;
    this.store = store;
    this.reviews = reviews;
    this.closure = closure;
    this.starter = starter;
  }

  /** What the API accepts to start a campaign by hand. */
  public record NewCampaign(@FitsColumn("cert_campaign.name") String name, List<String> tiers, List<String> systems,
      Boolean includePrivileged, Boolean includeServiceAccounts, Integer dueBusinessDays) {}

  /** A campaign with its progress per reviewer. */
  public record Progress(Campaign campaign, List<ReviewerProgress> reviewers) {}

  /** One page of a reviewer's worklist and where they stand. */
  public record Worklist(List<WorklistItem> items, Long nextAfter, ReviewerCount progress) {}

  /** Starts a campaign for a governance lead with the engine's authorization checks; returns at once with its id. */
  public String start(NewCampaign request, String user, List<String> groups) {
    Map<String, Object> variables = new HashMap<>();
    variables.put(Fields.NAME, request.name());
    variables.put(Fields.TIERS, request.tiers() == null ? null : String.join(",", request.tiers()));
    variables.put(Fields.SYSTEMS, request.systems() == null ? null : String.join(",", request.systems()));
    variables.put(Fields.INCLUDE_PRIVILEGED, request.includePrivileged() == null || request.includePrivileged());
    variables.put(Fields.INCLUDE_SERVICE_ACCOUNTS, request.includeServiceAccounts() == null || request.includeServiceAccounts());
    variables.put(Fields.DUE_BUSINESS_DAYS, request.dueBusinessDays());
    return (String) starter.startAs(user, groups, CertificationProcess.KEY, variables).get(Data.CAMPAIGN_ID.name());
  }

  public Campaign campaign(String id) {
    return store.get(id);
  }

  /** The campaign and each reviewer's progress. */
  public Progress progress(String id) {
    return new Progress(store.get(id), store.progress(id));
  }

  /** A campaign as other capabilities' pages show it, with each reviewer's progress. */
  public record Summary(String id, String name, String status, java.time.Instant launchedAt, java.time.Instant dueAt,
      java.time.Instant closedAt, long items, long decided, List<Reviewer> reviewers) {}

  /** One reviewer's progress in a campaign. */
  public record Reviewer(String reviewer, long items, long decided, long certified, long revoked, long nonResponse) {}

  /** A campaign and its reviewers' progress; 404 for an unknown id. */
  public Summary summary(String id) {
    var campaign = store.get(id);
    List<Reviewer> reviewers = store.progress(id).stream().map(r -> new Reviewer(r.reviewer(), r.items(), r.decided(),
        r.certified(), r.revoked(), r.nonResponse())).toList();
    return new Summary(campaign.id(), campaign.name(), campaign.status(), campaign.launchedAt(), campaign.dueAt(),
        campaign.closedAt(), reviewers.stream().mapToLong(Reviewer::items).sum(),
        reviewers.stream().mapToLong(Reviewer::decided).sum(), reviewers);
  }

  /** The campaigns running at some time in [from, to), newest first, each with its reviewers' progress. */
  public List<Summary> runningBetween(java.time.Instant from, java.time.Instant to) {
    return store.idsRunningBetween(from, to).stream().map(this::summary).toList();
  }

  /** One page of the caller's items (keyset on item id), filtered by system, entitlement, flag or open only. */
  public Worklist worklist(String id, String reviewer, String system, String entitlement, String flag, boolean openOnly,
      Long after, int size) {
    store.get(id);
    List<WorklistItem> items = new ArrayList<>(store.worklist(id, reviewer,
        new CampaignStore.WorklistFilter(system, entitlement, flag, openOnly, after, size)));
    Long next = null;
    if (items.size() > size) {
      items = items.subList(0, size);
      next = items.get(size - 1).id();
    }
    items = items.stream().map(item -> item.named(catalogue.entitlement(item.systemId(), item.entitlementId())
        .map(org.itgc.access.AccessCatalogue.Entitlement::name).orElse(null))).toList();
    return new Worklist(items, next, store.reviewerCount(id, reviewer).orElse(new ReviewerCount(0, 0)));
  }

  /** Decides items of the caller's worklist ({@link CampaignReviews#decide}). */
  public Map<String, Object> decide(String id, String reviewer, List<Long> itemIds, String decision, String reason) {
    return reviews.decide(id, reviewer, itemIds, decision, reason);
  }

  /** Moves items to another eligible reviewer ({@link CampaignReviews#reassign}). */
  public Map<String, Object> reassign(String id, String actor, boolean governanceLead, List<Long> itemIds, String to,
      String reason) {
    return reviews.reassign(id, actor, governanceLead, itemIds, to, reason);
  }

  /** Asks a campaign whose reviews are done to close now ({@link CampaignClosure#requestClose}). */
  public void requestClose(String id, String actor) {
    closure.requestClose(id, actor);
  }

  /**
   * A campaign's whole evidence, as the evidence browser shows it to an auditor re-performing AC-03: its scope, the
   * population frozen at launch with its digest, each reviewer's progress, the decisions' counts, the revoked items
   * with their revocations, and where the closure report is (its digest recomputed from the items).
   */
  public record Evidence(String id, String name, Map<String, Object> scope, String status, String nonResponseAction,
      String launchedBy, Instant launchedAt, Instant dueAt, Instant finalAt, Integer itemCount,
      String populationDigest, Instant closedAt, Map<String, Object> closure, List<Reviewer> reviewers, long items,
      long certified, long revoked, long undecided, long nonResponse, List<RevokedItem> revokedItems,
      String reportPath) {}

  /** An item revoked in a campaign, with the revocation that removes the grant. */
  public record RevokedItem(long itemId, long grantId, String identityId, String identityName, String systemId,
      String entitlementId, boolean privileged, String reviewer, String decidedBy, Instant decidedAt,
      String decisionReason, boolean nonResponse, String revocationId, Integer slaBusinessDays,
      Instant removalDeadline, Instant removedAt, Boolean metSla) {}

  /** A campaign's decision on one grant. */
  public record GrantDecision(String campaignId, String campaignName, String reviewer, String decision,
      String decisionReason, String decidedBy, Instant decidedAt, boolean nonResponse, String revocationId) {}

  /** A campaign's whole evidence; 404 for an unknown id. */
  public Evidence evidence(String id) {
    Campaign c = store.get(id);
    List<Reviewer> reviewers = summary(id).reviewers();
    CampaignStore.ClosureCounts counts = store.closureCounts(id);
    List<RevokedItem> revoked = store.revokedItems(id).stream().map(i -> new RevokedItem(i.itemId(), i.grantId(),
        i.identityId(), i.identityName(), i.systemId(), i.entitlementId(), i.privileged(), i.reviewer(),
        i.decidedBy(), i.decidedAt(), i.decisionReason(), i.nonResponse(), i.revocationId(), i.slaBusinessDays(),
        i.removalDeadline(), i.removedAt(), i.metSla())).toList();
    return new Evidence(c.id(), c.name(), c.scope(), c.status(), c.nonResponseAction(), c.launchedBy(),
        c.launchedAt(), c.dueAt(), c.finalAt(), c.itemCount(), c.populationDigest(), c.closedAt(), c.closure(),
        reviewers, counts.items(), counts.certified(), counts.revoked(), counts.undecided(), counts.nonResponse(),
        revoked, "/api/certifications/" + id + "/report");
  }

  /** The campaigns' decisions on one grant of the access registry, oldest campaign first. */
  public List<GrantDecision> decisionsOnGrant(long grantId) {
    return store.decisionsOnGrant(grantId).stream().map(d -> new GrantDecision(d.campaignId(), d.campaignName(),
        d.reviewer(), d.decision(), d.decisionReason(), d.decidedBy(), d.decidedAt(), d.nonResponse(),
        d.revocationId())).toList();
  }

  /** The closure report ({@link CampaignClosure#report}). */
  CampaignClosure.Report report(String id) {
    return closure.report(id);
  }
}
