package org.itgc.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Where HTTP Basic with a person's password is allowed (the demo profile), a password that must change (set by
 * someone else, expired, or no longer within the policy) opens nothing but its own change ({@code POST
 * /api/me/password}), as the browser's login opens nothing but {@code /mfa/password}: whoever chose a person's initial
 * password cannot go on using it on the APIs.
 */
final class PasswordChangeDueFilter extends OncePerRequestFilter {

  static final String CHANGE_PATH = "/api/me/password";

  private final UserAccounts accounts;
  private final AuditRecorder audit;
  private final ObjectMapper json;

  PasswordChangeDueFilter(UserAccounts accounts, AuditRecorder audit, ObjectMapper json) {
    this.accounts = accounts;
    this.audit = audit;
    this.json = json;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String header = request.getHeader("Authorization");
    var authentication = SecurityContextHolder.getContext().getAuthentication();
    boolean changing = "POST".equals(request.getMethod()) && CHANGE_PATH.equals(request.getRequestURI());
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6) || authentication == null
        || !authentication.isAuthenticated() || changing) {
      chain.doFilter(request, response);
      return;
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      chain.doFilter(request, response);
      return;
    }
    int colon = decoded.indexOf(':');
    String user = colon < 0 ? decoded : decoded.substring(0, colon);
    if (!user.equals(authentication.getName())) {
      chain.doFilter(request, response);
      return;
    }
    var due = accounts.passwordChangeNeeded(user, colon < 0 ? null : decoded.substring(colon + 1));
    if (due.isEmpty()) {
      chain.doFilter(request, response);
      return;
    }
    audit.recordIndependently(AuditEvent.of("access.denied", "endpoint", request.getMethod() + " " + request.getRequestURI())
        .actor(user, null).denied("password change due: " + due.get()).build());
    var body = new LinkedHashMap<String, Object>();
    body.put("type", "about:blank");
    body.put("title", "Forbidden");
    body.put("status", 403);
    body.put("detail", "The password of " + user + " must be changed first (" + due.get() + "): POST " + CHANGE_PATH
        + " with currentPassword and newPassword, or sign in in the browser.");
    response.setStatus(403);
    response.setContentType("application/problem+json");
    json.writeValue(response.getOutputStream(), body);
  }
}
