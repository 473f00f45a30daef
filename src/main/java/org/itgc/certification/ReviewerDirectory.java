package org.itgc.certification;

import java.util.Optional;
import org.itgc.access.Identities;
import org.itgc.access.Identity;
import org.itgc.platform.Role;
import org.itgc.security.UserAccount;
import org.itgc.security.UserAccounts;
import org.itgc.systems.SystemsInventory;
import org.springframework.stereotype.Component;

/**
 * Who stands behind a reviewer: a login's manager (from the registry), a system's owners (from the inventory), a
 * service account's owner (the registry's record of it) and the security admins.
 */
@Component
class ReviewerDirectory {

  private final Identities identities;
  private final SystemsInventory systems;
  private final UserAccounts users;

  ReviewerDirectory(Identities identities, SystemsInventory systems, UserAccounts users) {
    this.identities = identities;
    this.systems = systems;
    this.users = users;
  }

  /**
   * The login of a service account's owner as the access registry records it (the owner a change of owner last
   * named), when the owner is an active person whose login is enabled; empty for an ownerless account.
   */
  Optional<String> serviceAccountOwnerLogin(String serviceAccountId) {
    return identities.find(serviceAccountId).filter(a -> Identity.SERVICE.equals(a.kind()))
        .map(Identity::ownerId).flatMap(identities::find)
        .filter(o -> Identity.PERSON.equals(o.kind()) && o.active() && o.userName() != null)
        .map(Identity::userName)
        .filter(login -> users.find(login).map(UserAccount::enabled).orElse(false));
  }

  /** A security admin with an enabled login (the first by login, for a stable choice), when there is one. */
  Optional<String> securityAdmin() {
    return users.all().stream().filter(u -> u.enabled() && u.roles().contains(Role.SECURITY_ADMIN))
        .map(UserAccount::username).findFirst();
  }

  /** The login of the manager of the person with this login, when they have one. */
  Optional<String> managerLogin(String login) {
    return identities.findByUserName(login).flatMap(identity -> identities.managerLogin(identity, login));
  }

  /** The owner who reviews the system's items ({@link CertificationRules#owner}), other than {@code notThisOne}. */
  Optional<String> owner(String systemId, String notThisOne) {
    return systems.find(systemId).flatMap(s -> CertificationRules.owner(s.technicalOwner().user(),
        s.businessOwner().user(), notThisOne));
  }

  boolean knowsSystem(String systemId) {
    return systems.find(systemId).isPresent();
  }
}
