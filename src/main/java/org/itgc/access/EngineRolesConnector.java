package org.itgc.access;

import java.util.EnumSet;
import java.util.Set;
import org.itgc.platform.Role;
import org.itgc.security.UserAccount;
import org.itgc.security.UserAccounts;
import org.springframework.stereotype.Component;

/**
 * Provisions this engine's own roles (system ITGC-ENGINE): an entitlement is a role, granted to or removed from the
 * login that HR links to the identity ({@code userName}). An identity without a login fails, and the work goes to a
 * person. Removing an {@code api-*} entitlement revokes the API credential it stands for.
 */
@Component
class EngineRolesConnector implements ProvisioningConnector {

  static final String ID = "itgc-engine-roles";

  private final UserAccounts users;
  private final org.itgc.security.ApiCredentials credentials;

  EngineRolesConnector(UserAccounts users, org.itgc.security.ApiCredentials credentials) {
    this.users = users;
    this.credentials = credentials;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String grant(Identity identity, String systemId, String entitlementId) {
    UserAccount account = account(identity);
    users.changeRoles(account.username(), EnumSet.of(role(entitlementId)), EnumSet.noneOf(Role.class),
        "access-provisioning");
    return "role " + entitlementId + " granted to login " + account.username();
  }

  @Override
  public String remove(Identity identity, String systemId, String entitlementId) {
    if (entitlementId.startsWith("api-") && identity.id().startsWith(ApiCredentialGrants.PREFIX)) {
      String credential = identity.id().substring(ApiCredentialGrants.PREFIX.length());
      boolean revoked = credentials.revokeIfActive(credential, "access-revocation");
      return "API credential " + credential + (revoked ? " revoked" : " was revoked already");
    }
    UserAccount account = account(identity);
    Set<Role> roles = users.changeRoles(account.username(), EnumSet.noneOf(Role.class), EnumSet.of(role(entitlementId)),
        "access-provisioning").roles();
    // a leaver's login goes with their last role (a rehire asks a security admin to enable it again)
    if (!identity.active() && roles.isEmpty()
        && users.setEnabled(account.username(), false, "access-provisioning", "leaver: identity " + identity.id())) {
      return "role " + entitlementId + " removed from login " + account.username() + "; the login is disabled (leaver)";
    }
    return "role " + entitlementId + " removed from login " + account.username();
  }

  private UserAccount account(Identity identity) {
    if (identity.userName() == null) {
      throw new IllegalStateException("identity " + identity.id() + " has no login of this engine (userName)");
    }
    return users.find(identity.userName()).orElseThrow(() ->
        new IllegalStateException("login " + identity.userName() + " of identity " + identity.id() + " does not exist"));
  }

  private static Role role(String entitlementId) {
    return Role.fromGroupId(entitlementId).orElseThrow(() ->
        new IllegalStateException("'" + entitlementId + "' is not a role of this engine"));
  }
}
