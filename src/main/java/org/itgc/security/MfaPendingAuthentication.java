package org.itgc.security;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * A user whose password was right and whose second factor is still to come: they reach the MFA pages and nothing else.
 * It keeps the authentication the password gave, to become it once the code is checked.
 */
final class MfaPendingAuthentication extends AbstractAuthenticationToken {

  static final String AUTHORITY = "mfa-pending";

  private final Authentication password;

  MfaPendingAuthentication(Authentication password) {
    super(List.of(new SimpleGrantedAuthority(AUTHORITY)));
    this.password = password;
    setDetails(password.getDetails());
    setAuthenticated(true);
  }

  Authentication passwordAuthentication() {
    return password;
  }

  @Override
  public Object getCredentials() {
    return null;
  }

  @Override
  public Object getPrincipal() {
    return password.getName();
  }

  @Override
  public String getName() {
    return password.getName();
  }
}
