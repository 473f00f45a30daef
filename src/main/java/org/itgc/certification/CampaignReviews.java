package org.itgc.certification;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.ActivityInstance;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.itgc.certification.CampaignStore.Campaign;
import org.itgc.certification.CertificationRules.ItemState;
import org.itgc.certification.CertificationRules.ReassignRefusal;
import org.itgc.certification.CertificationRules.ReassignedItem;
import org.itgc.platform.web.ConflictException;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.platform.web.NotFoundException;
import org.itgc.security.UserAccounts;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The reviews of an open campaign: reviewers decide their own items in their worklist (all or none; a revocation needs
 * a justification and starts {@code access-revocation}), items move to another eligible reviewer with a reason, and a
 * review task is completed only by its reviewer once every item of theirs is decided. Whose items are whose is read
 * from {@code cert_item}; the rules are {@link CertificationRules}.
 */
@Service
class CampaignReviews {

  private final CampaignStore store;
  private final CampaignRevocations revocations;
  private final UserAccounts users;
  private final AuditRecorder audit;
  private final RuntimeService runtimeService;
  private final Clock clock;
  private final org.itgc.platform.web.Dates dates;

  CampaignReviews(CampaignStore store, CampaignRevocations revocations, UserAccounts users, AuditRecorder audit,
      RuntimeService runtimeService, Clock clock, org.itgc.platform.web.Dates dates) {
    this.dates = dates;
    this.store = store;
    this.revocations = revocations;
    this.users = users;
    this.audit = audit;
    this.runtimeService = runtimeService;
    this.clock = clock;
  }

  /**
   * Decides items of the reviewer's worklist, all or none: each must be theirs, undecided, in an open campaign.
   *
   * @return how many were decided and the revocations started
   */
  @Transactional
  public Map<String, Object> decide(String id, String reviewer, List<Long> itemIds, String decision, String reason) {
    Campaign campaign = store.get(id);
    if (!CertificationRules.takesDecisions(campaign.status())) {
      throw new ConflictException("campaign " + id + " is " + campaign.status() + ": decisions are closed");
    }
    InvalidInputException.ifAny(CertificationRules.decisionErrors(decision, itemIds, reason));
    String why = CertificationRules.justification(reason);
    Long[] ids = itemIds.stream().distinct().toArray(Long[]::new);
    List<ItemState> found = store.itemStates(id, ids);
    if (found.size() != ids.length) {
      Set<Long> known = found.stream().map(ItemState::id).collect(Collectors.toSet());
      throw new NotFoundException("item of campaign " + id, Arrays.stream(ids).filter(i -> !known.contains(i))
          .map(String::valueOf).collect(Collectors.joining(", ")));
    }
    List<Long> others = CertificationRules.itemsOfOthers(reviewer, found);
    if (!others.isEmpty()) {
      audit.recordIndependently(AuditEvent.of("certification.decide.refused", "campaign", id).actor(reviewer, null)
          .denied("items of another reviewer")
          .detail("items", CertificationRules.first(others, CertificationRules.NAMED_IN_REFUSAL)).build());
      throw new AuthorizationException(reviewer + " does not review item(s) " + others.stream()
          .limit(CertificationRules.NAMED_IN_REFUSAL).map(String::valueOf).collect(Collectors.joining(", ")));
    }
    List<Long> decided = CertificationRules.decidedAlready(found);
    if (!decided.isEmpty()) {
      throw new ConflictException("item(s) " + decided.stream().limit(CertificationRules.NAMED_IN_REFUSAL)
          .map(String::valueOf).collect(Collectors.joining(", ")) + " already decided: the first decision stands");
    }
    InvalidInputException.ifAny(CertificationRules.certificationJustificationErrors(decision, found, reason));
    int updated = store.decide(id, ids, reviewer, decision, why, clock.instant());
    if (updated != ids.length) {
      throw new ConflictException("item(s) were decided meanwhile; nothing was changed, load the worklist again");
    }
    store.addDecided(id, reviewer, updated);
    List<String> started = CertificationRules.REVOKE.equals(decision) ? revocations.start(id, ids, reviewer) : List.of();
    audit.record(AuditEvent.of("certification." + decision, "campaign", id).actor(reviewer, null)
        .detail("items", ids.length).detail("itemIds", Arrays.asList(ids))
        .detail("reason", why).detail("revocations", started).build());
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("decided", updated);
    result.put("decision", decision);
    result.put("revocations", started);
    return result;
  }

  /**
   * Moves items to another eligible reviewer (a login with the line-manager or system-owner role who is not the
   * person of any item), with a reason; the new reviewer gets a review task if they have none.
   */
  @Transactional
  public Map<String, Object> reassign(String id, String actor, boolean governanceLead, List<Long> itemIds, String to,
      String reason) {
    Campaign campaign = store.get(id);
    if (!CertificationRules.takesDecisions(campaign.status())) {
      throw new ConflictException("campaign " + id + " is " + campaign.status() + ": nothing can be reassigned");
    }
    InvalidInputException.ifAny(CertificationRules.reassignmentErrors(itemIds, reason, to,
        (to == null ? java.util.Optional.<org.itgc.security.UserAccount>empty() : users.find(to))
            .map(u -> new CertificationRules.Login(to, u.enabled(), Set.copyOf(u.roles()))),
        actor));
    Long[] ids = itemIds.stream().distinct().toArray(Long[]::new);
    List<ReassignedItem> items = store.reassignedItems(id, ids);
    if (items.size() != ids.length) {
      throw new NotFoundException("item of campaign " + id, itemIds.toString());
    }
    for (ReassignedItem item : items) {
      ReassignRefusal refusal = CertificationRules.reassignRefusal(item, actor, governanceLead, to).orElse(null);
      if (refusal == ReassignRefusal.NOT_YOUR_ITEM) {
        throw new AuthorizationException(actor + " does not review item " + item.id());
      }
      if (refusal == ReassignRefusal.DECIDED) {
        throw new ConflictException("item " + item.id() + " is decided already");
      }
      if (refusal == ReassignRefusal.OWN_ACCESS) {
        throw InvalidInputException.of("to", "'" + to + "' would review their own access (item " + item.id() + ")");
      }
    }
    Instant now = clock.instant();
    String why = reason.strip();
    for (ReassignedItem item : items) {
      store.recordReassignment(id, item, to, why, actor, now);
    }
    items.stream().collect(Collectors.groupingBy(ReassignedItem::reviewer, Collectors.counting()))
        .forEach((from, count) -> store.removeItemsOf(id, from, count));
    store.addItemsTo(id, to, ids.length);
    store.reassign(id, ids, to);
    boolean newTask = ensureReviewTask(campaign.processInstanceId(), to);
    audit.record(AuditEvent.of("certification.reassign", "campaign", id).actor(actor, null).detail("to", to)
        .detail("items", ids.length).detail("reason", why).detail("newTask", newTask).build());
    return Map.of("reassigned", ids.length, "to", to, "newTask", newTask);
  }

  /** Gives a reviewer a review task in the running campaign when they have none: one more instance of the reviews. */
  private boolean ensureReviewTask(String processInstanceId, String reviewer) {
    if (store.openReviewTasks(processInstanceId, reviewer) > 0) {
      return false;
    }
    ActivityInstance tree = runtimeService.getActivityInstance(processInstanceId);
    ActivityInstance body = Arrays.stream(tree.getChildActivityInstances())
        .filter(a -> (CertificationProcess.Elements.REVIEWS + "#multiInstanceBody").equals(a.getActivityId()))
        .findFirst().orElseThrow(() -> new ConflictException("the campaign's reviews have ended"));
    runtimeService.createProcessInstanceModification(processInstanceId)
        .startBeforeActivity(CertificationProcess.Elements.REVIEWS, body.getId())
        .setVariableLocal(CertificationProcess.Data.REVIEWER.name(), reviewer)
        .execute();
    return true;
  }

  /** What a reviewer's task says of their own items (display only). */
  String reviewSummary(String processInstanceId, String reviewer) {
    Campaign campaign = store.get(store.idOf(processInstanceId));
    CampaignStore.ReviewerCount own = store.reviewerCount(campaign.id(), reviewer)
        .orElse(new CampaignStore.ReviewerCount(0, 0));
    return CertificationRules.reviewSummary(campaign.id(), campaign.name(), own.items(), own.decided(),
        dates.time(campaign.dueAt()));
  }

  /** Task_ReviewAccess completed: only by its reviewer, and only when every item of theirs has a decision. */
  void completeReview(String processInstanceId, String reviewer, String actor) {
    String id = store.idOf(processInstanceId);
    if (!CertificationRules.mayCompleteReview(actor, reviewer)) {
      audit.recordIndependently(AuditEvent.of("certification.review.refused", "campaign", id).actor(actor, null)
          .denied("review task of " + reviewer).build());
      throw new AuthorizationException("only " + reviewer + " completes their review of " + id);
    }
    long open = store.openItems(id, reviewer);
    if (open > 0) {
      throw InvalidInputException.of("items", open + " of your items have no decision yet: decide them in your worklist");
    }
    audit.record(AuditEvent.of("certification.review.complete", "campaign", id).actor(actor, null).build());
  }
}
