package org.itgc.certification;

import java.util.Optional;
import org.itgc.access.Identities;
import org.itgc.systems.SystemsInventory;
import org.springframework.stereotype.Component;

/** Who stands behind a reviewer: a login's manager (from the registry) and a system's owners (from the inventory). */
@Component
class ReviewerDirectory {

  private final Identities identities;
  private final SystemsInventory systems;

  ReviewerDirectory(Identities identities, SystemsInventory systems) {
    this.identities = identities;
    this.systems = systems;
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
