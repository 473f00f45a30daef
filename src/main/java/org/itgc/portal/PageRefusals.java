package org.itgc.portal;

import jakarta.servlet.http.HttpServletRequest;
import org.itgc.platform.EngineRefusals;
import org.itgc.platform.web.AccessRefused;
import org.itgc.platform.web.BadRequestException;
import org.itgc.platform.web.DatabaseOutage;
import org.itgc.platform.web.InvalidInputException;
import org.itgc.platform.web.NotFoundException;
import org.itgc.platform.web.Page;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.ModelAndView;

/**
 * What a page of the people's application ({@link Page}, in whatever capability it lives) answers when it cannot: the
 * error page in the common frame, saying what happened in words and where to go, never a class name or a stack trace.
 * A refusal (403) is published ({@link AccessRefused}) and so audited as {@code access.denied}, as on the APIs; a
 * refusal from inside the engine (an authorization, a bad request) is answered as what it is.
 */
@ControllerAdvice(annotations = Page.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class PageRefusals {

  private static final Logger log = LoggerFactory.getLogger(PageRefusals.class);
  private static final String GENERIC_DENIAL = "Access Denied";

  private final ApplicationEventPublisher events;
  private final PortalModel model;

  PageRefusals(ApplicationEventPublisher events, PortalModel model) {
    this.events = events;
    this.model = model;
  }

  @ExceptionHandler(AccessDeniedException.class)
  ModelAndView forbidden(AccessDeniedException e, HttpServletRequest request, Authentication authentication) {
    events.publishEvent(new AccessRefused(request.getRequestURI(),
        e.getMessage() == null ? "access denied" : e.getMessage()));
    String detail = e.getMessage() == null || e.getMessage().equals(GENERIC_DENIAL)
        ? "Your roles do not allow it." : e.getMessage();
    return page(HttpStatus.FORBIDDEN, "You may not open this page", detail, authentication);
  }

  @ExceptionHandler(NotFoundException.class)
  ModelAndView notFound(NotFoundException e, Authentication authentication) {
    return page(HttpStatus.NOT_FOUND, "Not found", e.getMessage(), authentication);
  }

  @ExceptionHandler({BadRequestException.class, InvalidInputException.class, MethodArgumentTypeMismatchException.class,
      org.springframework.web.bind.ServletRequestBindingException.class, java.time.DateTimeException.class,
      org.itgc.platform.web.ConflictException.class})
  ModelAndView badRequest(Exception e, Authentication authentication) {
    String detail;
    if (e instanceof MethodArgumentTypeMismatchException m) {
      boolean time = m.getRequiredType() != null && java.time.temporal.Temporal.class.isAssignableFrom(m.getRequiredType());
      detail = m.getName() + ": '" + m.getValue() + "' is not "
          + (time ? "a date (2026-12-01) or an instant (2026-12-01T00:00:00Z)" : "a valid value");
    } else if (e instanceof org.springframework.web.bind.MissingServletRequestParameterException missing) {
      detail = missing.getParameterName() + ": is required";
    } else if (e instanceof java.time.DateTimeException) {
      detail = "a date is outside the range the engine keeps";
    } else {
      detail = e.getMessage();
    }
    return page(HttpStatus.BAD_REQUEST, "This cannot be shown", detail, authentication);
  }

  @ExceptionHandler(Exception.class)
  ModelAndView unexpected(Exception e, HttpServletRequest request, Authentication authentication) {
    RuntimeException refusal = EngineRefusals.refusal(e);
    if (refusal instanceof org.camunda.bpm.engine.AuthorizationException) {
      return forbidden(new AccessDeniedException(GENERIC_DENIAL), request, authentication);
    }
    if (refusal != null) {
      return page(HttpStatus.BAD_REQUEST, "This cannot be done", refusal.getMessage(), authentication);
    }
    if (DatabaseOutage.isOutage(e)) {
      return page(HttpStatus.SERVICE_UNAVAILABLE, "Unavailable",
          "The engine's database cannot be reached; please try again in a few minutes.", null);
    }
    log.error("Unexpected error on a page", e);
    return page(HttpStatus.INTERNAL_SERVER_ERROR, "Something went wrong",
        "The page could not be shown; the error was logged.", authentication);
  }

  private ModelAndView page(HttpStatus status, String heading, String detail, Authentication authentication) {
    var page = new ModelAndView("error-page");
    page.setStatus(status);
    page.addObject("me", authentication == null ? null : model.me(authentication));
    page.addObject("status", status.value());
    page.addObject("heading", heading);
    page.addObject("detail", detail);
    return page;
  }
}
