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

  LoginAudit(AuditRecorder audit) {
    this.audit = audit;
  }

  @EventListener
  void onSuccess(AuthenticationSuccessEvent event) {
    var authentication = event.getAuthentication();
    if (!(authentication.getDetails() instanceof WebAuthenticationDetails details) || !isFormLogin()) {
      return;
    }
    audit.record(AuditEvent.of("login.success", "user", authentication.getName())
        .actor(authentication.getName(),
            authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority).sorted().toList())
        .clientAddress(details.getRemoteAddress())
        .detail("method", "password")
        .build());
  }

  @EventListener
  void onFailure(AbstractAuthenticationFailureEvent event) {
    var authentication = event.getAuthentication();
    String address = authentication.getDetails() instanceof WebAuthenticationDetails details
        ? details.getRemoteAddress() : null;
    String name = String.valueOf(authentication.getName());
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
