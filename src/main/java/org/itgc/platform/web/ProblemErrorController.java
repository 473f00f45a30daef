package org.itgc.platform.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.util.HtmlUtils;

/**
 * What answers an error that no handler answered (no such path, a filter's sendError, a refusal before Spring MVC):
 * problem+json (RFC 9457) for the API and machines, SCIM's error message under {@code /scim}, a plain page for a
 * browser; never Spring's Whitelabel page, a stack trace or a class name. Replaces Spring Boot's BasicErrorController.
 */
@Controller
@RequestMapping("${server.error.path:/error}")
public class ProblemErrorController implements ErrorController {

  private final ObjectMapper json;

  public ProblemErrorController(ObjectMapper json) {
    this.json = json;
  }

  private static boolean csrf(HttpServletRequest request) {
    return java.util.stream.Stream.of(RequestDispatcher.ERROR_EXCEPTION,
            org.springframework.security.web.WebAttributes.ACCESS_DENIED_403)
        .map(request::getAttribute).filter(Throwable.class::isInstance)
        .flatMap(error -> Causes.of((Throwable) error))
        .anyMatch(org.springframework.security.web.csrf.CsrfException.class::isInstance);
  }

  @RequestMapping
  public void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    int status = code instanceof Integer number ? number : 500;
    HttpStatus known = HttpStatus.resolve(status);
    String title = known == null ? "Error" : known.getReasonPhrase();
    Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
    String path = uri == null ? request.getRequestURI() : uri.toString();
    String detail = switch (status) {
      case 400 -> "The request could not be read.";
      case 401 -> "Log in first.";
      case 403 -> csrf(request) ? "The page's security token is missing or has expired: reload the page and try again."
          : "Your roles do not allow this.";
      case 404 -> "There is nothing at this address.";
      case 405 -> "This address does not take that method.";
      case 413 -> "The request is too large.";
      case 415 -> "This address does not take that content type.";
      default -> status >= 500 ? "The request could not be completed; the error was logged." : title + ".";
    };
    String accept = String.valueOf(request.getHeader("Accept"));
    if (accept.contains("text/html") && !path.startsWith("/scim/") && !path.startsWith("/api/")
        && !path.startsWith("/engine-rest/")) {
      response.setStatus(status);
      response.setCharacterEncoding("UTF-8");
      response.setContentType("text/html");
      String base = request.getContextPath();
      response.getWriter().write("<!doctype html><html lang=en><head><meta charset=utf-8>"
          + "<meta name=viewport content=\"width=device-width, initial-scale=1\"><title>" + status + " "
          + HtmlUtils.htmlEscape(title) + " - ITGC Engine</title><link rel=stylesheet href=\"" + base + "/app/app.css\">"
          + "</head><body><header class=top><a class=brand href=\"" + base + "/app\">ITGC Engine</a></header>"
          + "<main id=main><div class=card id=error-page><h1>" + HtmlUtils.htmlEscape(title) + "</h1><p id=error-detail>"
          + HtmlUtils.htmlEscape(detail) + "</p><p class=muted>HTTP " + status + "</p><p><a href=\"" + base
          + "/app\">Your home page</a> &middot; <a href=\"" + base + "/camunda/app/tasklist/\">Tasklist</a> &middot; "
          + "<a href=\"" + base + "/login\">Sign in</a></p></div></main></body></html>");
      return;
    }
    var problem = org.springframework.http.ProblemDetail.forStatusAndDetail(
        org.springframework.http.HttpStatusCode.valueOf(status), detail);
    problem.setTitle(title);
    ErrorAnswers.write(response, json, path, problem);
  }
}
