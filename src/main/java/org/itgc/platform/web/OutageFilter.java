package org.itgc.platform.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The outermost filter: a database outage met anywhere below it (a login's bookkeeping inside Spring Security, a
 * filter of Camunda's, a controller) is answered 503 problem+json with {@code Retry-After}, under {@code /scim} in
 * SCIM's error format, and never reaches the servlet container as a 500. Handlers inside Spring MVC answer outages
 * themselves ({@link ApiProblems}); this covers what runs before them.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class OutageFilter extends OncePerRequestFilter {

  private static final Logger log = LoggerFactory.getLogger(OutageFilter.class);

  private final com.fasterxml.jackson.databind.ObjectMapper json;

  public OutageFilter(com.fasterxml.jackson.databind.ObjectMapper json) {
    this.json = json;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    try {
      chain.doFilter(request, response);
    } catch (RuntimeException | ServletException e) {
      if (!DatabaseOutage.isOutage(e) || response.isCommitted()) {
        throw e;
      }
      log.warn("{} {} answered 503: the database is not reachable ({})", request.getMethod(), request.getRequestURI(),
          e.getMessage());
      write(request, response);
    }
  }

  /** Writes the outage answer: problem+json, or SCIM's error message under {@code /scim}. */
  private void write(HttpServletRequest request, HttpServletResponse response) throws IOException {
    response.resetBuffer();
    response.setStatus(503);
    response.setHeader("Retry-After", String.valueOf(DatabaseOutage.RETRY_AFTER_SECONDS));
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    var problem = DatabaseOutage.problem();
    Object body;
    if (request.getRequestURI().startsWith(request.getContextPath() + "/scim/")) {
      response.setContentType("application/scim+json");
      body = java.util.Map.of("schemas", java.util.List.of("urn:ietf:params:scim:api:messages:2.0:Error"),
          "status", "503", "detail", problem.getDetail());
    } else {
      response.setContentType("application/problem+json");
      try {
        problem.setInstance(new java.net.URI(request.getRequestURI()));
      } catch (java.net.URISyntaxException notAUri) {
        // left out: the path as sent is not a URI
      }
      body = problem;
    }
    json.writeValue(response.getWriter(), body);
  }
}
