package org.itgc.platform.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.ModelAndView;

/**
 * What a page of the people's application ({@link Page}) answers when it cannot: the error page in the common frame,
 * in plain words, never a class name or a stack trace. A refusal is published ({@link AccessRefused}) and so
 * audited, as on the API.
 */
@ControllerAdvice(annotations = Page.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
public class PageProblems {

  private static final Logger log = LoggerFactory.getLogger(PageProblems.class);

  private final ApplicationEventPublisher events;

  public PageProblems(ApplicationEventPublisher events) {
    this.events = events;
  }

  @ExceptionHandler(AccessDeniedException.class)
  ModelAndView refused(AccessDeniedException e, HttpServletRequest request, HttpServletResponse response) {
    events.publishEvent(new AccessRefused(request.getRequestURI(), e.getMessage() == null ? "access denied" : e.getMessage()));
    return page(response, HttpStatus.FORBIDDEN, "You may not see this",
        e.getMessage() == null || e.getMessage().equals("Access Denied") ? "Your roles do not allow this." : e.getMessage());
  }

  @ExceptionHandler(NotFoundException.class)
  ModelAndView notFound(NotFoundException e, HttpServletResponse response) {
    return page(response, HttpStatus.NOT_FOUND, "Not found", e.getMessage());
  }

  @ExceptionHandler({BadRequestException.class, InvalidInputException.class,
      org.springframework.web.method.annotation.MethodArgumentTypeMismatchException.class})
  ModelAndView badRequest(Exception e, HttpServletResponse response) {
    String detail = e instanceof org.springframework.web.method.annotation.MethodArgumentTypeMismatchException mismatch
        ? mismatch.getName() + ": '" + mismatch.getValue() + "' is not a valid value" : e.getMessage();
    return page(response, HttpStatus.BAD_REQUEST, "That did not work", detail);
  }

  @ExceptionHandler(Exception.class)
  ModelAndView unexpected(Exception e, HttpServletRequest request, HttpServletResponse response) {
    RuntimeException refusal = org.itgc.platform.EngineRefusals.refusal(e);
    if (refusal instanceof org.camunda.bpm.engine.AuthorizationException) {
      return refused(new AccessDeniedException("Your roles do not allow this."), request, response);
    }
    if (refusal != null) {
      return page(response, HttpStatus.BAD_REQUEST, "That did not work", refusal.getMessage());
    }
    if (DatabaseOutage.isOutage(e)) {
      return page(response, HttpStatus.SERVICE_UNAVAILABLE, "Unavailable",
          "The engine's database cannot be reached; please try again in a few minutes.");
    }
    log.error("Unexpected error on a page", e);
    return page(response, HttpStatus.INTERNAL_SERVER_ERROR, "Something went wrong",
        "The page could not be shown; the error was logged.");
  }

  private static ModelAndView page(HttpServletResponse response, HttpStatus status, String title, String detail) {
    var page = new ModelAndView("error-page");
    page.setStatus(status);
    page.addObject("status", status.value());
    page.addObject("title", title);
    page.addObject("detail", detail);
    response.setStatus(status.value());
    return page;
  }
}
