package org.itgc.platform.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The outermost filter, for failures that happen before any handler of the application could answer them. A body
 * sent as multipart/form-data that cannot be parsed (the servlet container parses it before Spring MVC picks a
 * handler) is a 400 naming the body. A database outage met anywhere below it (a login's bookkeeping inside Spring Security, a
 * filter of Camunda's, a controller) is answered 503 problem+json with {@code Retry-After}, under {@code /scim} in
 * SCIM's error format, and never reaches the servlet container as a 500. Handlers inside Spring MVC answer outages
 * themselves ({@link ApiProblems}); this covers what runs before them.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestFailuresFilter extends OncePerRequestFilter {

  private static final Logger log = LoggerFactory.getLogger(RequestFailuresFilter.class);

  private final com.fasterxml.jackson.databind.ObjectMapper json;

  public RequestFailuresFilter(com.fasterxml.jackson.databind.ObjectMapper json) {
    this.json = json;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    try {
      chain.doFilter(request, response);
    } catch (RuntimeException | ServletException e) {
      if (!response.isCommitted() && unreadableMultipart(e)) {
        log.warn("{} {} answered 400: its multipart body could not be read", request.getMethod(),
            request.getRequestURI(), e);
        var problem = ApiProblems.invalid("body", "is not a readable multipart/form-data body");
        write(request, response, 400, problem);
        return;
      }
      if (!DatabaseOutage.isOutage(e) || response.isCommitted()) {
        throw e;
      }
      log.warn("{} {} answered 503: the database is not reachable ({})", request.getMethod(), request.getRequestURI(),
          e.getMessage());
      var problem = DatabaseOutage.problem();
      write(request, response, 503, problem);
    }
  }

  private static boolean unreadableMultipart(Throwable error) {
    return Causes.of(error).anyMatch(org.springframework.web.multipart.MultipartException.class::isInstance);
  }

  /** Writes the answer in place of whatever was being prepared. */
  private void write(HttpServletRequest request, HttpServletResponse response, int status,
      org.springframework.http.ProblemDetail problem) throws IOException {
    response.reset(); // no header of the answer that was being prepared (a file name, a length) survives
    if (status == 503) {
      response.setHeader("Retry-After", String.valueOf(DatabaseOutage.RETRY_AFTER_SECONDS));
    }
    ErrorAnswers.write(response, json, request.getRequestURI().substring(request.getContextPath().length()), problem);
  }
}
