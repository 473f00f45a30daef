package org.itgc.certification;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.itgc.access.Revocations;
import org.itgc.certification.CampaignStore.RevokedItem;
import org.springframework.stereotype.Component;

/**
 * Starts {@code access-revocation} (reason {@code certification-revoke}) for revoked items, one per person for the
 * grants not yet removed, and links each item to its revocation: for a reviewer's revocations and for those of the
 * final deadline.
 */
@Component
class CampaignRevocations {

  private final CampaignStore store;
  private final Revocations revocations;
  private final Clock clock;

  CampaignRevocations(CampaignStore store, Revocations revocations, Clock clock) {
    this.store = store;
    this.revocations = revocations;
    this.clock = clock;
  }

  /** @return the revocations started */
  List<String> start(String campaignId, Long[] itemIds, String by) {
    Map<String, List<RevokedItem>> byIdentity = store.revokedItems(campaignId, itemIds).stream()
        .collect(Collectors.groupingBy(RevokedItem::identityId, LinkedHashMap::new, Collectors.toList()));
    List<String> started = new ArrayList<>();
    byIdentity.forEach((identity, items) -> {
      List<Long> grants = items.stream().filter(i -> !i.grantRemoved()).map(RevokedItem::grantId).toList();
      if (grants.isEmpty()) {
        return;
      }
      revocations.start(identity, "certification-revoke", grants, clock.instant(), "certification:" + campaignId, by)
          .ifPresent(started::add);
      for (RevokedItem item : items) {
        store.linkRevocation(item.id(), item.grantId());
      }
    });
    return started;
  }
}
