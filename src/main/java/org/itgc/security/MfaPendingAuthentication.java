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
  private final String passwordChange;
  private final boolean secondFactorDone;

  /**
   * @param passwordChange why the password must change before the login completes, or null
   * @param secondFactorDone whether the code was given already (only the password change is left)
   */
  MfaPendingAuthentication(Authentication password, String passwordChange, boolean secondFactorDone) {
    super(List.of(new SimpleGrantedAuthority(AUTHORITY)));
    this.password = password;
    this.passwordChange = passwordChange;
    this.secondFactorDone = secondFactorDone;
    setDetails(password.getDetails());
    setAuthenticated(true);
  }

  Authentication passwordAuthentication() {
    return password;
  }

  String passwordChange() {
    return passwordChange;
  }

  boolean secondFactorDone() {
    return secondFactorDone;
  }

  /** Where this login goes next. */
  String next(boolean enrolled) {
    if (secondFactorDone) {
      return "/mfa/password";
    }
    return enrolled ? "/mfa" : "/mfa/enrol";
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
