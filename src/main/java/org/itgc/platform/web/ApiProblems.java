package org.itgc.platform.web;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.validation.ConstraintViolationException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error of the application's API as RFC 9457 problem+json: the field and the reason for bad input, never a
 * stack trace. Refusals for missing permission are audited.
 */
@RestControllerAdvice(basePackages = "org.itgc")
public class ApiProblems extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ApiProblems.class);
  private static final URI INVALID = URI.create("urn:itgc:problem:invalid-request");

  private final org.springframework.context.ApplicationEventPublisher events;

  public ApiProblems(org.springframework.context.ApplicationEventPublisher events) {
    this.events = events;
  }

  /** A problem for one field. */
  public static ProblemDetail invalid(String field, String reason) {
    var problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, field + ": " + reason);
    problem.setType(INVALID);
    problem.setTitle("Invalid request");
    problem.setProperty("errors", List.of(Map.of("field", field, "reason", reason)));
    return problem;
  }

  @ExceptionHandler(BadRequestException.class)
  ProblemDetail badRequest(BadRequestException e) {
    return invalid(e.field(), e.getMessage().substring(e.field().length() + 2));
  }

  @ExceptionHandler(InvalidInputException.class)
  ProblemDetail invalidInput(InvalidInputException e) {
    return withErrors(e.errors().stream().map(f -> Map.of("field", f.field(), "reason", f.reason())).toList());
  }

  @ExceptionHandler(NotFoundException.class)
  ProblemDetail notFound(NotFoundException e) {
    var problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
    problem.setTitle("Not found");
    return problem;
  }

  @ExceptionHandler(ConflictException.class)
  ProblemDetail conflict(ConflictException e) {
    var problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
    problem.setTitle("Conflict");
    return problem;
  }

  @ExceptionHandler(ConstraintViolationException.class)
  ProblemDetail constraintViolation(ConstraintViolationException e) {
    var errors = e.getConstraintViolations().stream()
        .map(v -> Map.of("field", lastNode(v.getPropertyPath().toString()), "reason", v.getMessage()))
        .sorted((a, b) -> a.get("field").compareTo(b.get("field")))
        .toList();
    return withErrors(errors);
  }

  @ExceptionHandler(org.springframework.security.core.AuthenticationException.class)
  ProblemDetail unauthenticated(org.springframework.security.core.AuthenticationException e) {
    var problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED, e.getMessage());
    problem.setTitle("Unauthorized");
    return problem;
  }

  @ExceptionHandler(org.camunda.bpm.engine.AuthorizationException.class)
  ProblemDetail engineRefusal(org.camunda.bpm.engine.AuthorizationException e) {
    var problem = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, e.getMessage());
    problem.setTitle("Forbidden");
    return problem;
  }

  @ExceptionHandler(AccessDeniedException.class)
  ProblemDetail accessDenied(AccessDeniedException e, WebRequest request) {
    String path = request instanceof ServletWebRequest servlet ? servlet.getRequest().getRequestURI() : "?";
    events.publishEvent(new AccessRefused(path, e.getMessage() == null ? "access denied" : e.getMessage()));
    var problem = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN,
        e.getMessage() == null || e.getMessage().equals("Access Denied")
            ? "Your roles do not allow this." : e.getMessage());
    problem.setTitle("Forbidden");
    return problem;
  }

  /** A refusal thrown inside an engine command (a process step) arrives wrapped; answer what it is. */
  @ExceptionHandler(org.camunda.bpm.engine.ProcessEngineException.class)
  ResponseEntity<ProblemDetail> engine(org.camunda.bpm.engine.ProcessEngineException e) {
    RuntimeException refusal = org.itgc.platform.EngineRefusals.refusal(e);
    if (refusal instanceof InvalidInputException invalid) {
      return ResponseEntity.badRequest().body(invalidInput(invalid));
    }
    if (refusal instanceof org.camunda.bpm.engine.AuthorizationException denied) {
      return ResponseEntity.status(HttpStatus.FORBIDDEN).body(engineRefusal(denied));
    }
    if (refusal != null) {
      var problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, refusal.getMessage());
      problem.setType(INVALID);
      problem.setTitle("Invalid request");
      return ResponseEntity.badRequest().body(problem);
    }
    return unexpectedOrOutage(e);
  }

  @ExceptionHandler(org.springframework.web.multipart.MultipartException.class)
  ProblemDetail unreadableMultipart(org.springframework.web.multipart.MultipartException e) {
    return invalid("body", "is not a readable multipart/form-data body");
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> unexpectedOrOutage(Exception e) {
    if (DatabaseOutage.isOutage(e)) {
      return DatabaseOutage.response();
    }
    var refusedByTheDatabase = DataRefusals.problem(e);
    if (refusedByTheDatabase.isPresent()) {
      log.warn("The database refused a request's data, which no check of the endpoint caught", e);
      return ResponseEntity.status(refusedByTheDatabase.get().getStatus()).body(refusedByTheDatabase.get());
    }
    return ResponseEntity.internalServerError().body(unexpected(e));
  }

  private ProblemDetail unexpected(Exception e) {
    log.error("Unexpected error in the API", e);
    var problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
        "The request could not be completed; the error was logged.");
    problem.setTitle("Internal error");
    return problem;
  }

  @Override
  protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e,
      HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    var errors = e.getBindingResult().getFieldErrors().stream()
        .map(f -> Map.of("field", f.getField(), "reason", String.valueOf(f.getDefaultMessage())))
        .sorted((a, b) -> a.get("field").compareTo(b.get("field")))
        .toList();
    var global = e.getBindingResult().getGlobalErrors().stream()
        .map(g -> Map.of("field", g.getObjectName(), "reason", String.valueOf(g.getDefaultMessage())))
        .toList();
    var all = new java.util.ArrayList<>(errors);
    all.addAll(global);
    return ResponseEntity.badRequest().body(withErrors(all));
  }

  @Override
  protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException e,
      HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    var errors = e.getParameterValidationResults().stream()
        .flatMap(r -> r.getResolvableErrors().stream().map(err -> Map.of(
            "field", String.valueOf(r.getMethodParameter().getParameterName()),
            "reason", String.valueOf(err.getDefaultMessage()))))
        .toList();
    return ResponseEntity.badRequest().body(withErrors(errors));
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
      HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    Throwable cause = e.getCause();
    if (cause instanceof UnrecognizedPropertyException unknown) {
      return ResponseEntity.badRequest().body(invalid(path(unknown), "is not a known field"));
    }
    if (cause instanceof InvalidFormatException format) {
      return ResponseEntity.badRequest().body(invalid(path(format),
          "'" + shown(format.getValue()) + "' is not " + kind(format.getTargetType())));
    }
    if (cause instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mismatch
        && mismatch.getTargetType() != null && !mismatch.getPath().isEmpty()) {
      return ResponseEntity.badRequest().body(invalid(path(mismatch), "must be " + kind(mismatch.getTargetType())));
    }
    if (cause instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      // the message of a check of ours (StrictText, a record's constructor), never one naming Java types
      String reason = mapping.getOriginalMessage() == null ? "" : mapping.getOriginalMessage().lines().findFirst()
          .orElse("");
      return ResponseEntity.badRequest().body(invalid(path(mapping), reason.isBlank() || reason.contains("java.")
          || reason.contains("`") ? "has a value that cannot be read" : reason));
    }
    if (cause instanceof com.fasterxml.jackson.core.exc.InputCoercionException number) {
      return ResponseEntity.badRequest().body(invalid("body", "holds a number out of the range its field allows"
          + location(number)));
    }
    if (cause instanceof com.fasterxml.jackson.core.exc.StreamConstraintsException limit) {
      return ResponseEntity.badRequest().body(invalid("body", "exceeds a limit of the JSON reader (nesting depth, "
          + "number or text length)" + location(limit)));
    }
    return ResponseEntity.badRequest().body(invalid("body", "is not valid JSON"
        + (cause instanceof com.fasterxml.jackson.core.JsonProcessingException p && p.getLocation() != null
            ? " (line " + p.getLocation().getLineNr() + ", column " + p.getLocation().getColumnNr() + ")" : "")));
  }

  @Override
  protected ResponseEntity<Object> handleTypeMismatch(org.springframework.beans.TypeMismatchException e,
      HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    String name = e instanceof MethodArgumentTypeMismatchException m ? m.getName() : e.getPropertyName();
    String type = e.getRequiredType() == null ? "value" : e.getRequiredType().getSimpleName();
    return ResponseEntity.badRequest().body(invalid(String.valueOf(name), "'" + shown(e.getValue()) + "' is not a valid " + type));
  }

  /** A value as an error message may repeat it: at most 60 characters, control characters shown as U+XXXX. */
  static String shown(Object value) {
    String text = String.valueOf(value);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length() && out.length() < 60; i++) {
      char c = text.charAt(i);
      out.append(c < 0x20 || c == 0x7f ? String.format(java.util.Locale.ROOT, "U+%04X", (int) c) : String.valueOf(c));
    }
    return text.length() > 60 ? out + "..." : out.toString();
  }

  /** What a field of this type must be, in words rather than a Java type. */
  static String kind(Class<?> type) {
    if (type == null) {
      return "a valid value";
    }
    if (CharSequence.class.isAssignableFrom(type) || type == char.class || type == Character.class) {
      return "a text";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != void.class)) {
      return "a number";
    }
    if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    if (java.time.temporal.Temporal.class.isAssignableFrom(type)) {
      return "a date or time in ISO 8601 form (" + (type == java.time.LocalDate.class ? "2027-01-31"
          : type == java.time.Instant.class || type == java.time.OffsetDateTime.class ? "2027-01-31T09:30:00Z"
          : "2027-01-31T09:30:00") + ")";
    }
    if (type.isEnum()) {
      return "one of " + java.util.Arrays.stream(type.getEnumConstants()).map(String::valueOf).toList();
    }
    return "an object";
  }

  private static String location(com.fasterxml.jackson.core.JsonProcessingException e) {
    return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
        + e.getLocation().getColumnNr() + ")";
  }

  private static ProblemDetail withErrors(List<Map<String, String>> errors) {
    var problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, errors.stream()
        .map(f -> f.get("field") + ": " + f.get("reason")).collect(Collectors.joining("; ")));
    problem.setType(INVALID);
    problem.setTitle("Invalid request");
    problem.setProperty("errors", errors);
    return problem;
  }

  private static String path(JsonMappingException e) {
    String path = org.itgc.platform.JsonPaths.of(e);
    return path.isEmpty() ? "body" : path;
  }

  private static String lastNode(String propertyPath) {
    int dot = propertyPath.lastIndexOf('.');
    return dot < 0 ? propertyPath : propertyPath.substring(dot + 1);
  }
}
