package org.itgc.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import org.itgc.audit.AuditEvent;
import org.itgc.audit.AuditRecorder;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.stereotype.Component;

/** 401 and 403 of the API chains as problem+json; refusals of authenticated users are audited. */
@Component
class ProblemSecurityHandlers implements AuthenticationEntryPoint, AccessDeniedHandler {

  private final ObjectMapper json;
  private final AuditRecorder audit;

  ProblemSecurityHandlers(ObjectMapper json, AuditRecorder audit) {
    this.json = json;
    this.audit = audit;
  }

  @Override
  public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
      throws IOException {
    if (org.itgc.platform.web.DatabaseOutage.isOutage(e)) {
      // the password could not be checked because the database is away: an outage, not a wrong login
      response.setHeader("Retry-After", String.valueOf(org.itgc.platform.web.DatabaseOutage.RETRY_AFTER_SECONDS));
      write(response, HttpStatus.SERVICE_UNAVAILABLE, "Service unavailable", org.itgc.platform.web.DatabaseOutage
          .problem().getDetail());
      return;
    }
    response.setHeader("WWW-Authenticate", "Basic realm=\"itgc-engine\"");
    write(response, HttpStatus.UNAUTHORIZED, "Unauthorized", "Log in first: this endpoint needs credentials.");
  }

  @Override
  public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
      throws IOException {
    audit.recordIndependently(AuditEvent.of("access.denied", "endpoint", request.getMethod() + " " + request.getRequestURI())
        .denied(e.getMessage()).build());
    write(response, HttpStatus.FORBIDDEN, "Forbidden", "Your roles do not allow this.");
  }

  private void write(HttpServletResponse response, HttpStatus status, String title, String detail) throws IOException {
    var body = new LinkedHashMap<String, Object>();
    body.put("type", "about:blank");
    body.put("title", title);
    body.put("status", status.value());
    body.put("detail", detail);
    response.setStatus(status.value());
    response.setContentType("application/problem+json");
    json.writeValue(response.getOutputStream(), body);
  }
}
