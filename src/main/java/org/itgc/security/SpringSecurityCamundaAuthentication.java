package org.itgc.security;

import org.itgc.platform.Role;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.rest.security.auth.AuthenticationProvider;
import org.camunda.bpm.engine.rest.security.auth.AuthenticationResult;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Hands Spring Security's login to Camunda's webapps and REST API, so that Camunda's own login page never shows and
 * Camunda's authorization checks see the same user and groups. Named by class in the filter registrations of
 * {@link SecurityConfiguration}.
 */
public class SpringSecurityCamundaAuthentication implements AuthenticationProvider {

  @Override
  public AuthenticationResult extractAuthenticatedUser(HttpServletRequest request, ProcessEngine engine) {
    var authentication = SecurityContextHolder.getContext().getAuthentication();
    if (!MfaLogin.verified(authentication)) {
      return AuthenticationResult.unsuccessful();
    }
    var result = AuthenticationResult.successful(authentication.getName());
    result.setGroups(authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority)
        .filter(group -> Role.fromGroupId(group).isPresent()).toList());
    result.setTenants(List.of());
    return result;
  }

  @Override
  public void augmentResponseByAuthenticationChallenge(HttpServletResponse response, ProcessEngine engine) {
    // Spring Security has answered unauthenticated requests before they reach Camunda
  }
}
