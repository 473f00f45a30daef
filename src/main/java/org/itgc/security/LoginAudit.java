package org.itgc.security;

import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.authentication.event.LogoutSuccessEvent;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;

/**
 * Records every login, failed login and logout in the audit trail. HTTP Basic clients authenticate on each request;
 * their successes are recorded only for interactive (form) logins so that the trail is not flooded, while every
 * failure is recorded.
 */
@Component
class LoginAudit {

  private final AuditRecorder audit;
  private final Mfa mfa;

  LoginAudit(AuditRecorder audit, Mfa mfa) {
    this.audit = audit;
    this.mfa = mfa;
  }

  @EventListener
  void onSuccess(AuthenticationSuccessEvent event) {
    var authentication = event.getAuthentication();
    if (!isFormLogin()) {
      // a client that authenticates each request: its success ends a run of failures (a form login's ends only
      // with its second factor, so that a known password does not reset the count of wrong codes)
      mfa.passwordSucceeded(authentication.getName());
      return;
    }
    if (!(authentication.getDetails() instanceof WebAuthenticationDetails details)) {
      return;
    }
    audit.record(AuditEvent.of("login.password", "user", authentication.getName())
        .actor(authentication.getName(),
            authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority).sorted().toList())
        .clientAddress(details.getRemoteAddress())
        .detail("method", "password").detail("next", "second factor")
        .build());
  }

  @EventListener
  void onFailure(AbstractAuthenticationFailureEvent event) {
    var authentication = event.getAuthentication();
    String address = authentication.getDetails() instanceof WebAuthenticationDetails details
        ? details.getRemoteAddress() : null;
    String name = String.valueOf(authentication.getName());
    if (event.getException() instanceof org.springframework.security.authentication.BadCredentialsException) {
      mfa.failed(name, address, "password");
    }
    audit.recordIndependently(AuditEvent.of("login.failure", "user", name)
        .actor(name, java.util.List.of())
        .clientAddress(address)
        .outcome(AuditEvent.Outcome.DENIED)
        .detail("reason", event.getException().getClass().getSimpleName())
        .detail("channel", isFormLogin() ? "form" : "basic")
        .build());
  }

  @EventListener
  void onLogout(LogoutSuccessEvent event) {
    var authentication = event.getAuthentication();
    audit.record(AuditEvent.of("logout", "user", authentication.getName())
        .actor(authentication.getName(),
            authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority).sorted().toList())
        .build());
  }

  private static boolean isFormLogin() {
    if (org.springframework.web.context.request.RequestContextHolder.getRequestAttributes()
        instanceof org.springframework.web.context.request.ServletRequestAttributes attributes) {
      var request = attributes.getRequest();
      return "POST".equals(request.getMethod()) && "/login".equals(request.getServletPath());
    }
    return false;
  }
}
