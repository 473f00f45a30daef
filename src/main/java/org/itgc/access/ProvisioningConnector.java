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
}
