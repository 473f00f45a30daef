package org.itgc.platform;

import org.camunda.bpm.engine.IdentityService;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * Who is acting now: the user Camunda authenticated for this command (Tasklist, REST), else the Spring login of this
 * request, else nobody (engine jobs).
 */
@Component
public class CurrentUser {

  private final IdentityService identityService;

  public CurrentUser(IdentityService identityService) {
    this.identityService = identityService;
  }

  /** The acting user's name, or {@code null} when no user acts (a timer, the job executor). */
  public String name() {
    var camunda = identityService.getCurrentAuthentication();
    if (camunda != null && camunda.getUserId() != null) {
      return camunda.getUserId();
    }
    var spring = SecurityContextHolder.getContext().getAuthentication();
    if (spring != null && spring.isAuthenticated() && !(spring instanceof AnonymousAuthenticationToken)) {
      return spring.getName();
    }
    return null;
  }
}
