package org.itgc.access;

import java.time.Instant;
import java.util.Map;

/**
 * One grant of the access registry: who holds which entitlement of which system, since when, granted by whom and
 * why (the request and its approvals, or "pre-existing, imported"), and when, by whom and why it ended.
 */
public record Grant(long id, String identityId, String systemId, String entitlementId, boolean privileged,
    Instant grantedAt, String grantedBy, String source, String requestId, Map<String, Object> provenance,
    Instant removedAt, String removedBy, String removalReason, String revocationId) {

  public boolean active() {
    return removedAt == null;
  }
}
