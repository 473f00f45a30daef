package org.itgc.portal;

import java.util.List;
import java.util.Set;
import org.itgc.platform.Role;

/**
 * The signed-in person as the pages see them: login, name, roles and what the frame offers them. Fields rather than
 * derived methods, so that the templates read them as properties.
 */
public record Me(String name, String displayName, List<String> roleNames, boolean lead, boolean auditor,
    boolean securityAdmin, Set<Role> roles) {

  static Me of(String name, String displayName, Set<Role> roles) {
    return new Me(name, displayName == null || displayName.isBlank() ? name : displayName,
        roles.stream().sorted().map(Role::displayName).toList(), roles.contains(Role.GOVERNANCE_LEAD),
        roles.contains(Role.AUDITOR), roles.contains(Role.SECURITY_ADMIN), Set.copyOf(roles));
  }

  public boolean has(Role role) {
    return roles.contains(role);
  }
}
