package org.itgc.portal;

import java.util.EnumSet;
import org.itgc.platform.Role;
import org.itgc.platform.web.Page;
import org.itgc.security.UserAccount;
import org.itgc.security.UserAccounts;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** Adds the signed-in person ({@link Me}) to the model of every page controller ({@link Page}). */
@ControllerAdvice(annotations = Page.class)
class PortalModel {

  private final UserAccounts accounts;

  PortalModel(UserAccounts accounts) {
    this.accounts = accounts;
  }

  @ModelAttribute("me")
  Me me(Authentication authentication) {
    if (authentication == null) {
      return null;
    }
    var roles = EnumSet.noneOf(Role.class);
    authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority).map(Role::fromGroupId)
        .flatMap(java.util.Optional::stream).forEach(roles::add);
    String display = accounts.find(authentication.getName()).map(UserAccount::displayName).orElse(null);
    return Me.of(authentication.getName(), display, roles);
  }
}
