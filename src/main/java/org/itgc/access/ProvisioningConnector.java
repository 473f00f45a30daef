package org.itgc.access;

/**
 * Grants and removes access in a system by itself. A system of {@code config/access.yaml} names its connector with
 * {@code provisioning: <id>}; a connector that fails is retried, and then the work becomes a fulfilment task for a
 * person, so that no grant or removal is silently lost.
 */
public interface ProvisioningConnector {

  /** The name {@code config/access.yaml} uses. */
  String id();

  /** Grants the entitlement; returns a reference of what was done. Throws when it could not. */
  String grant(Identity identity, String systemId, String entitlementId);

  /** Removes the entitlement; returns a reference of what was done. Throws when it could not. */
  String remove(Identity identity, String systemId, String entitlementId);

  /**
   * Reads the target back after a removal: what it found when the access is gone, empty when this connector cannot
   * read its target back. Throws when the access is still there, so that the step fails and is retried.
   */
  default java.util.Optional<String> verifyRemoved(Identity identity, String systemId, String entitlementId) {
    return java.util.Optional.empty();
  }
}
