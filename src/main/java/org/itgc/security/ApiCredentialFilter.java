package org.itgc.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates a request that carries {@code Authorization: Bearer itgc_...}: the credential must exist, be
 * unrevoked and unexpired (else 401), and one of its scopes must open the endpoint (else 403); both refusals are
 * audited. The request then acts as {@code api:<credential id>} with the role of the scope that opened it. Requests
 * without such a header pass on unchanged.
 */
public class ApiCredentialFilter extends OncePerRequestFilter {

  public static final String PREFIX = "api:";

  private final ApiCredentials credentials;
  private final AuditRecorder audit;
  private final ObjectMapper json;

  public ApiCredentialFilter(ApiCredentials credentials, AuditRecorder audit, ObjectMapper json) {
    this.credentials = credentials;
    this.audit = audit;
    this.json = json;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String header = request.getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer itgc_", 0, 12)) {
      chain.doFilter(request, response);
      return;
    }
    java.util.Optional<ApiCredentials.Authenticated> credential;
    try {
      credential = credentials.authenticate(header.substring(7).strip());
    } catch (RuntimeException e) {
      if (!org.itgc.platform.web.DatabaseOutage.isOutage(e)) {
        throw e;
      }
      // the credential could not be checked because the database is away: an outage, not a refusal
      response.setHeader("Retry-After", String.valueOf(org.itgc.platform.web.DatabaseOutage.RETRY_AFTER_SECONDS));
      write(request, response, 503, "Service unavailable", org.itgc.platform.web.DatabaseOutage.problem().getDetail());
      return;
    }
    if (credential.isEmpty()) {
      audit.recordIndependently(AuditEvent.of("api-credential.refused", "endpoint", request.getMethod() + " " + request.getRequestURI())
          .actor("anonymous", null).clientAddress(request.getRemoteAddr()).denied("unknown, revoked or expired credential").build());
      write(request, response, 401, "Unauthorized", "The credential is unknown, revoked or expired.");
      return;
    }
    var scope = credential.get().scopes().stream().map(ApiCredentials.SCOPES::get)
        .filter(s -> s != null && s.allows(request)).findFirst();
    String actor = PREFIX + credential.get().id();
    if (scope.isEmpty()) {
      audit.recordIndependently(AuditEvent.of("api-credential.out-of-scope", "endpoint", request.getMethod() + " "
          + request.getRequestURI()).actor(actor, credential.get().scopes()).clientAddress(request.getRemoteAddr())
          .denied("outside the credential's scopes " + credential.get().scopes()).build());
      write(request, response, 403, "Forbidden", "This credential's scopes " + credential.get().scopes() + " do not open "
          + request.getMethod() + " " + request.getRequestURI() + ".");
      return;
    }
    var authentication = UsernamePasswordAuthenticationToken.authenticated(actor, null,
        List.of(new SimpleGrantedAuthority(scope.get().authority())));
    var context = SecurityContextHolder.createEmptyContext();
    context.setAuthentication(authentication);
    SecurityContextHolder.setContext(context);
    try {
      chain.doFilter(request, response);
    } finally {
      SecurityContextHolder.clearContext();
    }
  }

  /** A refusal as problem+json, or in SCIM's error format (RFC 7644 section 3.12) under {@code /scim/}. */
  private void write(HttpServletRequest request, HttpServletResponse response, int status, String title, String detail)
      throws IOException {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    if (status == 401 && path.startsWith("/scim/")) {
      response.setHeader("WWW-Authenticate", "Bearer realm=\"itgc-engine-scim\"");
    }
    var problem = org.springframework.http.ProblemDetail.forStatusAndDetail(
        org.springframework.http.HttpStatusCode.valueOf(status), detail);
    problem.setTitle(title);
    org.itgc.platform.web.ErrorAnswers.write(response, json, path, problem);
  }
}
