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
      if (authentication instanceof org.springframework.security.authentication.UsernamePasswordAuthenticationToken) {
        // HTTP Basic with a person's password (the demo profile only): each use is a login, on record
        audit.record(AuditEvent.of("login.success", "user", authentication.getName())
            .actor(authentication.getName(),
                authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority).sorted().toList())
            .clientAddress(authentication.getDetails() instanceof WebAuthenticationDetails details
                ? details.getRemoteAddress() : null)
            .detail("method", "http-basic").build());
      }
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
    return FORM_LOGIN.get() == Boolean.TRUE;
  }

  /** Marks, for the request's thread, that the request is the form login (set by {@link #formLoginMarker}). */
  static final ThreadLocal<Boolean> FORM_LOGIN = new ThreadLocal<>();

  /**
   * Tells the listeners which channel an authentication event comes from: a filter ahead of Spring Security marks the
   * form login's POST, so that a form failure is not labelled as HTTP Basic.
   */
  @org.springframework.context.annotation.Bean
  static org.springframework.boot.web.servlet.FilterRegistrationBean<jakarta.servlet.Filter> formLoginMarker() {
    jakarta.servlet.Filter filter = (request, response, chain) -> {
      var http = (jakarta.servlet.http.HttpServletRequest) request;
      boolean form = "POST".equals(http.getMethod())
          && "/login".equals(http.getRequestURI().substring(http.getContextPath().length()));
      FORM_LOGIN.set(form);
      try {
        chain.doFilter(request, response);
      } finally {
        FORM_LOGIN.remove();
      }
    };
    var registration = new org.springframework.boot.web.servlet.FilterRegistrationBean<>(filter);
    registration.setOrder(org.springframework.core.Ordered.HIGHEST_PRECEDENCE);
    registration.setName("itgc-form-login-marker");
    return registration;
  }

}
