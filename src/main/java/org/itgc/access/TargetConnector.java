package org.itgc.access;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A provisioning connector to a real target (a directory, a database) of {@code config/connectors.yaml}: besides
 * granting and removing, it reads the target back, so that a removal is verified and the target can be reconciled
 * with the access registry.
 */
interface TargetConnector extends ProvisioningConnector {

  /** The system of {@code access.yaml} that names this connector. */
  String systemId();

  /** The entitlements it provisions, each with the target object (a group's DN, a database role). */
  Map<String, String> targets();

  /** The name of an identity's account on the target, from the registry alone (no call to the target). */
  Optional<String> accountOf(Identity identity);

  /** Who holds each mapped entitlement on the target now: entitlement id to account names. */
  Map<String, Set<String>> holders();

  /** Whether the identity's account holds the entitlement on the target now (a read-back). */
  boolean holds(Identity identity, String entitlementId);

  @Override
  default Optional<String> verifyRemoved(Identity identity, String systemId, String entitlementId) {
    String account = accountOf(identity).orElse(identity.id());
    if (holds(identity, entitlementId)) {
      throw new IllegalStateException("read back after the removal: " + account + " still holds "
          + targets().get(entitlementId) + " on " + id());
    }
    return Optional.of("read back from " + id() + ": " + account + " no longer holds " + targets().get(entitlementId));
  }
}
