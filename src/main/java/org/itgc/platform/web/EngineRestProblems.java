package org.itgc.platform.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * Camunda's REST API and Tasklist's answer errors as {@code {"type": "<exception class>", "message": ..., "code": ...}}
 * in {@code application/json}, naming the engine's classes. This filter turns every such error into RFC 9457
 * problem+json: {@code type} {@code urn:itgc:problem:engine-rest:<kind>} (for example {@code invalid-request}),
 * {@code title} the status's reason, {@code detail} the engine's message in words (a class name becomes the kind of
 * value it stands for, exception names are dropped), {@code status}, {@code instance} the path. The message is kept
 * as {@code message} and the engine's error code as {@code code}, which Tasklist, Cockpit and Camunda Modeler show.
 * An error in another shape (an empty 404 of an unknown path, a 405) becomes a problem of its status. Three kinds of the
 * engine's 500 are bad input, not server errors, and answered as such: a record the path names that does not exist
 * (the engine's "null value" and some null pointers: 404), and a body beyond Jackson's limits (400). Successful answers
 * pass unchanged; an error already in problem+json (the surface guard's refusals) too.
 */
public class EngineRestProblems extends OncePerRequestFilter {

  public static final String TYPE_PREFIX = "urn:itgc:problem:engine-rest:";
  private static final Pattern QUALIFIED = Pattern.compile(
      "\\b(?:class\\s+)?(?:java|javax|jakarta|org|com|net)\\.(?:[a-zA-Z_$][a-zA-Z0-9_$]*\\.)*([A-Za-z_$][A-Za-z0-9_$]*)"
      + "(:\\s*)?");
  private static final Pattern EXCEPTION_NAME = Pattern.compile("\\b[A-Z][A-Za-z0-9]*(?:Exception|Error)\\b:?\\s*");
  private static final Map<String, String> VALUE_KINDS = Map.ofEntries(Map.entry("Integer", "a whole number"),
      Map.entry("int", "a whole number"), Map.entry("Long", "a whole number"), Map.entry("long", "a whole number"),
      Map.entry("Short", "a whole number"), Map.entry("Double", "a number"), Map.entry("Float", "a number"),
      Map.entry("Boolean", "true or false"), Map.entry("boolean", "true or false"), Map.entry("Date", "a date and time"),
      Map.entry("String", "a text"), Map.entry("List", "a list"), Map.entry("ArrayList", "a list"),
      Map.entry("Set", "a list"), Map.entry("Map", "an object"), Map.entry("HashMap", "an object"),
      Map.entry("LinkedHashMap", "an object"), Map.entry("Object", "a value"));

  /** Messages of the engine that say a record the request names does not exist. */
  private static final Pattern NOT_FOUND = Pattern.compile(
      "doesn't exist|does not exist|not found|no deployed|Cannot find|is null$", Pattern.CASE_INSENSITIVE);
  /** A null pointer the engine met for a record looked up by the path's id. */
  private static final Pattern NULL_SUBJECT = Pattern.compile("because \"(task|execution|processInstance|job|"
      + "processDefinition|decisionDefinition|caseExecution|caseInstance|deployment|batch|incident|externalTask)\" is null");

  private final ObjectMapper json;

  public EngineRestProblems(ObjectMapper json) {
    this.json = json;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    var buffered = new ContentCachingResponseWrapper(response);
    try {
      chain.doFilter(request, buffered);
    } finally {
      String type = buffered.getContentType();
      if (buffered.getStatus() >= 400
          && (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/problem+json"))) {
        byte[] body = buffered.getContentAsByteArray();
        Map<String, Object> problem = problem(buffered.getStatus(), body, request.getRequestURI());
        buffered.resetBuffer();
        buffered.setStatus((Integer) problem.get("status"));
        buffered.setContentType("application/problem+json");
        json.writeValue(buffered.getOutputStream(), problem);
      }
      buffered.copyBodyToResponse();
    }
  }

  /** The problem for an engine's error body (or for a body that is not the engine's shape: its status alone). */
  Map<String, Object> problem(int answered, byte[] body, String path) {
    int status = answered;
    JsonNode error = null;
    try {
      error = body.length == 0 ? null : json.readTree(body);
    } catch (IOException notJson) {
      // the status says enough
    }
    String engineType = error == null ? "" : error.path("type").asText("");
    String message = error == null ? "" : error.path("message").asText("");
    if (status == 500) {
      Matcher nullSubject = NULL_SUBJECT.matcher(message);
      if (engineType.equals("StreamConstraintsException")) {
        // Jackson's limits (nesting depth 1,000, for example) met by a request body
        status = 400;
        message = "body: " + message.replaceAll(", from `[^`]*`", "");
      } else if ((engineType.equals("NullValueException") || engineType.equals("RestException"))
          && NOT_FOUND.matcher(message).find()) {
        // the engine's way of saying that the record the path names does not exist
        status = 404;
      } else if (engineType.equals("NullPointerException") && nullSubject.find()) {
        status = 404;
        message = "no " + nullSubject.group(1) + " with the id the path names";
      }
    }
    String title = title(status);
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("type", TYPE_PREFIX + kind(engineType, status));
    problem.put("title", title);
    problem.put("status", status);
    String detail = words(message);
    problem.put("detail", detail.isBlank() ? title : detail);
    problem.put("instance", path);
    problem.put("message", detail.isBlank() ? title : detail);
    if (error != null && error.has("code") && !error.get("code").isNull()) {
      problem.put("code", error.get("code").asInt());
    }
    return problem;
  }

  /** "InvalidRequestException" is "invalid-request"; no type: the status's own words. */
  static String kind(String engineType, int status) {
    String name = engineType.replaceAll("(Exception|Error)$", "");
    if (name.isBlank()) {
      return title(status).toLowerCase(Locale.ROOT).replace(' ', '-');
    }
    return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }

  /** A message without the engine's class names: a value's class becomes what kind of value it is. */
  static String words(String message) {
    Matcher qualified = QUALIFIED.matcher(message);
    StringBuilder out = new StringBuilder();
    while (qualified.find()) {
      String simple = qualified.group(1);
      boolean exception = simple.matches(".*(Exception|Error)$");
      String replacement = exception ? "" : VALUE_KINDS.getOrDefault(simple, "a value")
          + (qualified.group(2) == null ? "" : qualified.group(2));
      qualified.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    qualified.appendTail(out);
    return EXCEPTION_NAME.matcher(out.toString()).replaceAll("").replaceAll("\\s{2,}", " ").strip();
  }

  private static String title(int status) {
    HttpStatus known = HttpStatus.resolve(status);
    return known == null ? "Error" : known.getReasonPhrase();
  }
}
