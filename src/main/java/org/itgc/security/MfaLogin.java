package org.itgc.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.WebAttributes;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.stereotype.Component;

/**
 * The two steps of an interactive login. The password step ends in a {@link MfaPendingAuthentication} and a redirect
 * to the code (or to enrolment on the first login); only the code makes the user who they are. A refused login says
 * the same thing whatever was wrong, so that it tells an attacker nothing.
 */
@Component
class MfaLogin implements AuthenticationSuccessHandler, AuthenticationFailureHandler, AccessDeniedHandler {

  static final String GENERIC_FAILURE = "Invalid username, password or code.";

  private final Mfa mfa;
  private final UserAccounts accounts;
  private final HttpSessionSecurityContextRepository repository = new HttpSessionSecurityContextRepository();
  private final AccessDeniedHandler denied = new AccessDeniedHandlerImpl();

  MfaLogin(Mfa mfa, UserAccounts accounts) {
    this.mfa = mfa;
    this.accounts = accounts;
  }

  HttpSessionSecurityContextRepository repository() {
    return repository;
  }

  /** Fully logged in: with both factors (form login), or by a client that authenticates every request. */
  static final AuthorizationManager<RequestAuthorizationContext> VERIFIED = (authentication, context) ->
      new AuthorizationDecision(verified(authentication.get()));

  /** Between the two steps. */
  static final AuthorizationManager<RequestAuthorizationContext> PENDING = (authentication, context) ->
      new AuthorizationDecision(authentication.get() instanceof MfaPendingAuthentication);

  static boolean verified(Authentication authentication) {
    return authentication != null && authentication.isAuthenticated()
        && !(authentication instanceof AnonymousAuthenticationToken)
        && !(authentication instanceof MfaPendingAuthentication);
  }

  @Override
  public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
      Authentication authentication) throws IOException {
    // the password is at hand only now: does it still meet the policy, has it expired?
    String change = accounts.passwordChangeNeeded(authentication.getName(), request.getParameter("password")).orElse(null);
    var pending = new MfaPendingAuthentication(authentication, change, false);
    var context = SecurityContextHolder.createEmptyContext();
    context.setAuthentication(pending);
    SecurityContextHolder.setContext(context);
    repository.saveContext(context, request, response);
    response.sendRedirect(request.getContextPath() + pending.next(mfa.enrolled(authentication.getName())));
  }

  @Override
  public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
      AuthenticationException exception) throws IOException {
    request.getSession().setAttribute(WebAttributes.AUTHENTICATION_EXCEPTION, new BadCredentialsException(GENERIC_FAILURE));
    response.sendRedirect(request.getContextPath() + "/login?error");
  }

  /** A user between the two steps who asks for anything else is sent to the code. */
  @Override
  public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException exception)
      throws IOException, jakarta.servlet.ServletException {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    if (authentication instanceof MfaPendingAuthentication pending) {
      response.sendRedirect(request.getContextPath() + pending.next(mfa.enrolled(authentication.getName())));
      return;
    }
    denied.handle(request, response, exception);
  }

}
