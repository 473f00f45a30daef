package org.itgc.portal;

import jakarta.servlet.http.HttpServletRequest;
import org.itgc.platform.web.AccessRefused;
import org.itgc.platform.web.BadRequestException;
import org.itgc.platform.web.NotFoundException;
import org.itgc.platform.web.Page;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.ModelAndView;

/**
 * A page's refusals as pages in the common frame, not as the APIs' JSON problems: 403 (recorded as a refused access,
 * as the APIs' refusals are), 404 and 400, each saying what happened and where to go.
 */
@ControllerAdvice(annotations = Page.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class PageRefusals {

  private final ApplicationEventPublisher events;
  private final PortalModel model;

  PageRefusals(ApplicationEventPublisher events, PortalModel model) {
    this.events = events;
    this.model = model;
  }

  @ExceptionHandler(AccessDeniedException.class)
  ModelAndView forbidden(AccessDeniedException e, HttpServletRequest request,
      org.springframework.security.core.Authentication authentication) {
    events.publishEvent(new AccessRefused(request.getRequestURI(),
        e.getMessage() == null ? "access denied" : e.getMessage()));
    return page(HttpStatus.FORBIDDEN, "You may not open this page",
        "Your roles do not allow it. The governance pages are for governance leads and auditors.", authentication);
  }

  @ExceptionHandler(NotFoundException.class)
  ModelAndView notFound(NotFoundException e, org.springframework.security.core.Authentication authentication) {
    return page(HttpStatus.NOT_FOUND, "Not found", e.getMessage(), authentication);
  }

  @ExceptionHandler({BadRequestException.class,
      org.springframework.web.method.annotation.MethodArgumentTypeMismatchException.class})
  ModelAndView badRequest(Exception e, org.springframework.security.core.Authentication authentication) {
    String detail = e instanceof org.springframework.web.method.annotation.MethodArgumentTypeMismatchException m
        ? m.getName() + ": '" + m.getValue() + "' is not a date (2026-12-01) or an instant (2026-12-01T00:00:00Z)"
        : e.getMessage();
    return page(HttpStatus.BAD_REQUEST, "This cannot be shown", detail, authentication);
  }

  private ModelAndView page(HttpStatus status, String title, String detail,
      org.springframework.security.core.Authentication authentication) {
    var page = new ModelAndView("portal/refused");
    page.setStatus(status);
    page.addObject("me", model.me(authentication));
    page.addObject("status", status.value());
    page.addObject("heading", title);
    page.addObject("detail", detail);
    return page;
  }
}
