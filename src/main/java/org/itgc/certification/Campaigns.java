package org.itgc.certification;

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

  /** The closure report ({@link CampaignClosure#report}). */
  CampaignClosure.Report report(String id) {
    return closure.report(id);
  }
}
